"""What a QA pass found in the stepper, as a learner meets it: each test fails without its fix."""

import numpy as np
import pytest

from tests.app.test_stepper import app_for, assert_shows, cells_shown, loop_conv, pilot_test, view_of
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperView
from tuiconv.app.stepper_session import StepperSession


def screen_text(app: TuiconvApp) -> str:
    """Every character on the terminal, one line per row, as the learner sees it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "keys, typed",
    [
        (("e", "enter", "ctrl+u"), "-0.75"),  # a kernel weight
        (("e", "b", "ctrl+u"), "2.5"),  # the bias
        (("i", "tab"), "shapes/my-shape.txt"),  # a shape file path
    ],
)
@pilot_test
async def test_what_is_typed_into_a_box_is_on_the_screen(size, keys, typed):
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys, *typed)
        await pilot.pause()
        assert typed in screen_text(app)


@pilot_test
async def test_help_lists_the_learners_keys_not_textuals_internals():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        from tuiconv.app.screens.help import binding_sections

        sections = binding_sections(app.screen)
        listed = " | ".join(f"{title}: {keys} {text}" for title, rows in sections for keys, text in rows)
        for internal in ("Copy selected text", "Scroll", "Page Left", "VerticalScroll", "Maximize"):
            assert internal not in listed
        for wanted in ("tab Focus Next", "space/⏎ step", "^p Open the command palette", "? help"):
            assert wanted in listed


@pilot_test
async def test_the_palettes_screenshot_saves_in_the_current_directory_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Screenshot")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1 and "feature map" in saved[0].read_text().replace("&#160;", " ")
        messages = [str(n.message) for n in app._notifications]
        assert any(str(saved[0]) in m for m in messages), messages


def kernel_keys(name: str) -> list[str]:
    """f, then down to ``name`` in the kernel picker (layer-1 kernels first), then enter."""
    from tuiconv.engine import kernels

    order = list(kernels.LAYER1) + list(kernels.LAYER2)
    return ["f", *["down"] * order.index(name), "enter"]


@pilot_test
async def test_changing_the_kernel_keeps_the_learners_input():
    from tuiconv.engine import kernels

    app = app_for(StepperSession.build("rectangle:12", "rectangle"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        maps = view.state().input.copy()
        assert maps.shape == (4, 6, 6)  # a 12×12 shape's pooled edge maps
        await pilot.press(*kernel_keys("horizontal"))
        await pilot.pause()
        shape = view.state().input[0].copy()
        assert shape.shape == (12, 12)  # the same 12×12 rectangle, not a 16×16 one
        await pilot.press(*kernel_keys("rectangle"))
        await pilot.pause()
        state = view.state()
        np.testing.assert_allclose(state.input, maps)
        np.testing.assert_allclose(state.output, loop_conv(maps, kernels.kernel("rectangle")), atol=1e-9)

        # Drawn edits survive a round trip through a layer-2 kernel.
        await pilot.press(*kernel_keys("vertical"), "n", "space", "escape")
        await pilot.pause()
        drawn = view.state().input[0].copy()
        assert drawn[6, 6] != shape[6, 6]  # the pen starts in the middle
        await pilot.press(*kernel_keys("diamond"), *kernel_keys("sobel-x"))
        await pilot.pause()
        state = view.state()
        np.testing.assert_allclose(state.input[0], drawn)
        np.testing.assert_allclose(state.output, loop_conv(drawn[None], kernels.kernel("sobel-x")[None]), atol=1e-9)


@pilot_test
async def test_a_library_kernel_brings_its_own_bias():
    app = app_for(StepperSession.build("rectangle:16", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press("e", "b", "ctrl+u", *"-2", "enter")
        await pilot.pause()
        assert view.state().bias == -2
        assert "bias −2" in screen_text(app)
        await pilot.press("escape", *kernel_keys("diamond"))
        await pilot.pause()
        state = view.state()
        assert (state.kernel_name, state.bias) == ("diamond", 0.0)
        text = screen_text(app)
        assert "bias −2" not in text.splitlines()[0] and "kernel diamond" in text


def message_of(view: StepperView) -> str:
    return str(view.query_one("#stepper-message").render())


@pilot_test
async def test_padding_stride_and_dilation_stop_at_their_limits_and_say_so():
    app = app_for(StepperSession.build("rectangle:16", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press("D")  # D=1 is the smallest: no jump to 3
        assert view.state().dilation == 1
        assert "dilation 1 is the smallest" in message_of(view)
        await pilot.press("d", "d", "d")
        assert view.state().dilation == 3
        assert "dilation 3 is the largest here" in message_of(view)
        await pilot.press("z", "z", "z", "z")
        assert view.state().padding == 3 and "padding 3 is the largest here" in message_of(view)
        await pilot.press("S")
        assert view.state().stride == 1 and "stride 1 is the smallest" in message_of(view)
        await pilot.press(*"ssss")
        assert view.state().stride == 4 and "stride 4 is the largest here" in message_of(view)
        await pilot.press("S")
        assert view.state().stride == 3 and message_of(view) == ""


@pytest.mark.parametrize(
    "build, keys",
    [
        (("rectangle", "vertical"), ("e",)),  # the kernel-edit instructions
        (("rectangle", "vertical"), ("n",)),  # the drawing instructions
        (("SMALL", "diagonal"), ("d", "d")),  # dilation 3 spans 7 cells of 5
        (("SMALL", "diagonal"), ("z", "d", "d", "Z")),  # less padding at D=3 empties it
    ],
)
@pilot_test
async def test_messages_fit_one_line_at_80_columns(build, keys, tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("#....\n.#...\n..#..\n...#.\n....#\n")
    app = app_for(StepperSession.build(*[str(small) if b == "SMALL" else b for b in build]))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press(*keys)
        await pilot.pause()
        message = message_of(view)
        assert message and view.query_one("#stepper-message").size.height == 1
        assert message in screen_text(app)  # whole, on one row
        if keys[-1] in "dZ":
            assert "output would be empty" in message and "the kernel spans" in message


def output_cells(view: StepperView) -> list[list[str]]:
    """The text of every feature-map cell as drawn (without the gutter character)."""
    grid = view.output_grid
    _, cell = grid._layout(grid.size.width)
    rows = []
    for y in range(1, 1 + grid.values.shape[0]):
        line = grid.render_line(y).text
        rows.append([line[k + 1 : k + cell].strip() for k in range(0, grid.values.shape[1] * cell, cell)])
    return rows


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "build, kwargs",
    [
        (("rectangle", "vertical"), {"bias": -20}),  # −23 needs 3 characters and a gutter
        (("rectangle:16", "diamond"), {"padding": 1, "bias": -3}),  # a layer-2 8×8 map
        (("rectangle:16", "sharpen"), {"bias": 1000}),
    ],
)
@pilot_test
async def test_feature_map_numbers_stay_readable(size, build, kwargs):
    from tuiconv.engine import kernels

    session = StepperSession.build(*build, **kwargs)
    expected = loop_conv(session.input, kernels.kernel(build[1]).reshape(session.kernel.shape), 0.0, 1, kwargs.get("padding", 0)) + kwargs["bias"]
    app = app_for(session)
    async with app.run_test(size=size) as pilot:
        view = view_of(app)
        rows, cols = expected.shape
        await pilot.press(*["down"] * rows, *["right"] * cols)  # every cell filled in
        await pilot.pause()
        shown = output_cells(view)
        for (i, j), want in np.ndenumerate(expected):
            text = shown[i][j]
            assert text not in ("--", "++", "-", "+"), (i, j, text, want)
            assert abs(float(text) - want) <= 0.5, (i, j, text, want)
        # ... and the whole map is on the screen, not cut at its right edge.
        last_row = " ".join(shown[-1])
        assert last_row.split()[-1] in screen_text(app)


@pytest.mark.parametrize(
    "kwargs, title",
    [({"dilation": 3}, "feature map 2×2"), ({"dilation": 3, "stride": 2}, "feature map 1×1"), ({"padding": 3, "stride": 4}, "feature map 3×3")],
)
@pilot_test
async def test_the_feature_map_title_is_whole_at_80_columns(kwargs, title):
    app = app_for(StepperSession.build("diamond", "vertical", **kwargs))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert title in screen_text(app)


# ---------------------------------------------------------------- a lesson's question keeps its answer hidden


@pilot_test
async def test_a_scene_conceals_what_its_question_asks_until_revealed():
    from tuiconv.course.scene import Scene

    # 8×8 rectangle, F=3, S=2: (8 − 3)/2 + 1 = 3.5 → 3 cells; row and column 7 never covered.
    scene = Scene(input="rectangle", size=8, kernel="vertical", stride=2, conceal=("size", "uncovered", "arithmetic", "output"))
    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        view.apply_scene(scene)
        await pilot.press("space", "space")
        await pilot.pause()
        text = screen_text(app)
        assert "feature map ?×?" in text and "3×3" not in text
        assert "step 3/?" in text and "/9" not in text
        assert "= ?" in text and "3.5" not in text and "→ 3" not in text
        assert "never covered" not in text
        assert not view.input_grid.marks.get("uncovered")
        assert not view.query_one("#stepper-arithmetic").display
        assert output_cells(view)[0] == ["?", "?", "?"]  # stepped through, but hidden
        assert output_cells(view)[1] == ["", "", ""]  # not yet stepped: nothing to count
        state = view.state()  # the course still sees the true numbers
        assert state.output.shape == (3, 3) and state.filled == 3

        view.reveal()
        await pilot.pause()
        text = screen_text(app)
        assert "feature map 3×3" in text and "step 3/9" in text and "3.5 → 3" in text
        assert "never covered" in text and view.input_grid.marks["uncovered"]
        assert view.query_one("#stepper-arithmetic").display
        from tuiconv.engine import kernels
        from tuiconv.engine.shapes import make_shape

        image = make_shape("rectangle", 8, 0)
        expected = loop_conv(image[None], kernels.kernel("vertical")[None])[::2, ::2][:3, :3]
        assert [float(t) for t in output_cells(view)[0]] == pytest.approx(list(expected[0]), abs=0.5)


@pilot_test
async def test_concealing_the_formula_says_it_is_hidden():
    from tuiconv.course.scene import Scene

    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, conceal=("formula",)))
        await pilot.pause()
        text = screen_text(app)
        assert "hidden until the question is answered" in text and "(8 − 3 + 2×1)" not in text
        view.reveal()
        await pilot.pause()
        assert "(8 − 3 + 2×1)/1 + 1 = 8" in screen_text(app)


# ---------------------------------------------------------------- second QA pass


@pilot_test
async def test_a_long_file_name_does_not_push_the_feature_map_off_the_screen(tmp_path):
    path = tmp_path / "my_handwritten_digit_seven_version_two.txt"
    path.write_text("\n".join(" ".join("1" if (r + c) % 3 == 0 else "0" for c in range(6)) for r in range(7)) + "\n")
    app = app_for(StepperSession.build(str(path), "vertical", padding=1))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")  # padding 2: an 11-cell-wide input
        await pilot.pause()
        view = view_of(app)
        out = view.output_grid
        assert out.region.right <= 80, "the feature map runs off the right edge"
        cols = view.session.output_shape[1]
        row = screen_text(app).splitlines()[out.region.y + 1]  # the first row of cells
        assert len(row[out.region.x : out.region.right].split()) == cols
        assert view.input_grid.title.startswith("input my_handwritten") and view.input_grid.title.endswith("…")


def test_back_to_a_layer_1_kernel_after_drawing_on_the_edge_maps_names_the_shape():
    session = StepperSession.build("rectangle", "rectangle")
    assert session.input_name == "rectangle → edge maps"
    session.toggle_input_cell(0, 0)
    assert session.input_name.endswith("(drawn)")
    session.choose_kernel("vertical")
    # The shape itself was not drawn on: the edge maps were, and those edits stay behind.
    assert session.input_name == "rectangle" and session.input.shape[0] == 1


@pilot_test
async def test_pooling_off_from_the_pooled_map_leaves_the_keys_on_the_feature_map():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press("m")
        await pilot.pause()
        view.pooled_grid.focus()
        await pilot.press("m", "m")  # average, then off
        await pilot.pause()
        assert view.session.pool is None and app.focused is view.output_grid
        await pilot.press("plus")  # "faster", not a kernel weight
        await pilot.pause()
        assert view.session.kernel_name == "vertical"


@pytest.mark.parametrize("bias", ["nan", "inf", "1e300"])
def test_an_impossible_bias_on_the_command_line_is_one_line_and_exit_2(bias, capsys):
    from tuiconv.cli import main

    with pytest.raises(SystemExit) as caught:  # argparse: the one table of ranges (tuiconv/limits.py)
        main(["step", "--bias", bias])
    error = capsys.readouterr().err
    assert caught.value.code == 2
    assert error.count("\n") == 1 and "argument --bias: must be a number from -1000000 to 1000000" in error


@pilot_test
async def test_a_question_on_the_pooled_map_hides_its_answer_but_not_the_feature_map():
    from tuiconv.course.scene import Scene

    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, relu=True, pool="max", conceal=("pooled",)))
        await pilot.pause()
        pooled = cells_shown(view.pooled_grid)
        assert {text for row in pooled for text in row} == {"?"}
        want = np.maximum(loop_conv(view.session.input, view.session.kernel, padding=1), 0)
        assert_shows(view.output_grid, want)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, pool="max", conceal=("size", "formula")))
        await pilot.pause()
        assert not view.pooled_grid.display  # its cells could be counted
        view.reveal()
        await pilot.pause()
        assert view.pooled_grid.display


def test_a_pool_larger_than_the_feature_map_says_so_in_pooling_words():
    session = StepperSession.build("rectangle", "vertical", stride=4)  # an 8×8 input → a 2×2 map
    assert session.output_shape == (2, 2)
    session.set_pool("max", 3)
    assert session.pooled is None
    message = "a 3×3 pool does not fit the 2×2 feature map: w for a smaller pool, m for none"
    assert session.pool_error == message and len(message) < 80  # one line under the panels
    session.set_pool("max", 2)
    assert session.pool_error is None and session.pooled.shape == (1, 1)
