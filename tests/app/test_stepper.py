"""The stepper as a learner drives it: the numbers on screen equal a plain-loop convolution."""


import numpy as np
import pytest
from textual.geometry import Region
from textual.screen import Screen

from tests.app.conftest import app_for, assert_shows, cells_shown, pilot_test, view_of
from tests.reference import conv_one, max_pool_one
from tuiconv.app.app import TuiconvApp
from tuiconv.app.views.base import ViewHost
from tuiconv.app.screens.stepper import StepperScreen, StepperView
from tuiconv.explore.stepper import StepperSession
from tuiconv.app.widgets.grid import Grid
from tuiconv.explore.scene import Scene
from tuiconv.engine import conv2d, kernels
from tuiconv.engine.shapes import make_shape


# ---------------------------------------------------------------- reading the screen


CASES = [
    # input, kernel, padding, stride, dilation
    ("rectangle", "vertical", 0, 1, 1),
    ("rectangle", "sobel-x", 1, 1, 1),
    ("diamond", "diagonal", 1, 2, 1),
    ("circle", "blur", 2, 3, 1),
    ("cross", "sharpen", 0, 1, 2),
    ("triangle", "horizontal", 2, 2, 2),
]


@pytest.mark.parametrize("shape, kernel, padding, stride, dilation", CASES)
@pilot_test
async def test_stepping_fills_the_feature_map_with_the_convolution(shape, kernel, padding, stride, dilation):
    session = StepperSession.build(shape, kernel, padding=padding, stride=stride, dilation=dilation)
    image = make_shape(shape, 8, 5)[None]
    expected = conv_one(image, kernels.kernel(kernel)[None], 0.0, stride, padding, dilation)
    app = app_for(session)
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("space", "space", "space")
        await pilot.pause()
        assert_shows(view.output_grid, expected, filled=4)
        rows, cols = expected.shape
        # Jump to the last cell with the cursor: every cell is then filled in.
        await pilot.press(*["down"] * rows, *["right"] * cols)
        await pilot.pause()
        assert view.session.position == (rows - 1, cols - 1)
        assert_shows(view.output_grid, expected)
        np.testing.assert_allclose(view.state().output, expected, atol=1e-9)
        np.testing.assert_allclose(view.state().output, conv2d(image, kernels.kernel(kernel)[None, None], stride=stride, padding=padding, dilation=dilation)[0], atol=1e-9)


@pilot_test
async def test_the_window_on_the_padded_input_follows_the_filter():
    session = StepperSession.build("rectangle", "vertical", padding=1, stride=2, dilation=2)
    app = app_for(session)
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("space")  # output cell (0, 1): taps at padded columns 2, 4, 6
        await pilot.pause()
        assert view.input_grid.window == {(r, c) for r in (0, 2, 4) for c in (2, 4, 6)}
        # The zero border is drawn as padding: the whole first row of the padded input.
        assert {(0, c) for c in range(10)} <= view.input_grid.marks["padding"]
        assert cells_shown(view.input_grid)[0] == ["0"] * 10


@pilot_test
async def test_the_arithmetic_shows_each_product_and_the_sum():
    session = StepperSession.build("rectangle", "sobel-x", padding=1, bias=0.5)
    app = app_for(session)
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("down", "right", "right")  # output cell (1, 2)
        await pilot.pause()
        x = np.pad(make_shape("rectangle", 8, 5), 1)
        window = x[1:4, 2:5]
        products = window * kernels.kernel("sobel-x")
        panel = view.query_one("#stepper-arithmetic")
        assert_shows(panel.query_one("#arith-window", Grid), window)
        assert_shows(panel.query_one("#arith-products", Grid), products)
        text = str(panel.query_one("#arith-sum").render())
        total = products.sum()
        assert f"= {total:g}".replace("-", "−") in text
        assert f"+ bias 0.5 = {total + 0.5:g}".replace("-", "−") in text


@pilot_test
async def test_several_channels_show_each_channel_sum_then_the_total():
    session = StepperSession.build("diamond:16", "rectangle", padding=1)
    app = app_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        view = view_of(app)
        await pilot.press("down", "down", "right", "right", "right")
        await pilot.pause()
        maps = view.session.input  # the four pooled edge maps, from the engine's network
        assert maps.shape[0] == 4
        w = kernels.kernel("rectangle")
        xp = np.pad(maps, ((0, 0), (1, 1), (1, 1)))
        sums = [(xp[c, 2:5, 3:6] * w[c]).sum() for c in range(4)]
        text = str(view.query_one("#arith-sum").render())
        for name, value in zip(kernels.EDGE_KERNELS, sums):
            assert f"{name} {value:g}".replace("-", "−") in text or f"{name} ({value:g})".replace("-", "−") in text
        assert f"= {sum(sums):g}".replace("-", "−") in text
        await pilot.press("c")  # the next channel's window and weights
        await pilot.pause()
        assert_shows(view.query_one("#arith-window", Grid), xp[1, 2:5, 3:6])
        assert_shows(view.query_one("#arith-weights", Grid), w[1])


@pilot_test
async def test_keys_change_padding_stride_and_dilation_and_the_output_follows():
    app = app_for(StepperSession.build("diamond", "diagonal"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        image = make_shape("diamond", 8, 5)[None]
        w = kernels.kernel("diagonal")[None]
        for keys, (p, s, d) in [("z", (1, 1, 1)), ("s", (1, 2, 1)), ("d", (1, 2, 2)), ("Z", (0, 2, 2)), ("S", (0, 1, 2))]:
            await pilot.press(keys)
            state = view.state()
            assert (state.padding, state.stride, state.dilation) == (p, s, d)
            np.testing.assert_allclose(state.output, conv_one(image, w, 0.0, s, p, d), atol=1e-9)


@pilot_test
async def test_the_formula_says_when_the_stride_does_not_divide_evenly():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        formula = lambda: str(view.query_one("#stepper-formula").render())  # noqa: E731
        assert "(8 − 3 + 2×0)/1 + 1 = 6" in formula()
        assert "divides evenly" in formula()
        await pilot.press("s")  # stride 2: (8 − 3)/2 + 1 = 3.5
        await pilot.pause()
        # Which input rows does some window start on? Windows start at 0, 2, 4 and span 3.
        covered = {top + a for top in range(0, 8 - 3 + 1, 2) for a in range(3)}
        never = sorted(set(range(8)) - covered)
        assert never == [7]
        assert "(8 − 3 + 2×0)/2 + 1 = 3.5 → 3" in formula()
        assert "input rows and columns 7 never covered" in formula()  # one note: the same row and column
        assert view.state().output.shape == (3, 3)


@pilot_test
async def test_an_impossible_dilation_is_refused_with_a_message(tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("#....\n.#...\n..#..\n...#.\n....#\n")
    app = app_for(StepperSession.build(str(small), "diagonal"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("d")  # dilation 2: taps span 5 cells, the input has 5
        assert view.state().dilation == 2
        await pilot.press("d")  # dilation 3: taps would span 7 cells
        await pilot.pause()
        assert view.state().dilation == 2
        message = str(view.query_one("#stepper-message").render())
        assert "output would be empty" in message and "spans 7 cells" in message


@pytest.mark.parametrize("mode", ["max", "avg"])
@pilot_test
async def test_pooling_shows_the_engine_values_and_the_winning_cell(mode):
    app = app_for(StepperSession.build("rectangle", "vertical", padding=1))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("m")
        if mode == "avg":
            await pilot.press("m")
        await pilot.pause()
        feature = conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None], 0.0, 1, 1, 1)
        pooled, winners = max_pool_one(feature, 2, 2)
        if mode == "avg":
            pooled = feature.reshape(4, 2, 4, 2).mean(axis=(1, 3))
        assert_shows(view.pooled_grid, pooled)
        assert_shows(view.output_grid, feature)  # pooling reads the whole feature map
        view.pooled_grid.focus()
        await pilot.press("right", "down")  # pooled cell (1, 1): feature rows 2–3, cols 2–3
        await pilot.pause()
        assert view.output_grid.window == {(r, c) for r in (2, 3) for c in (2, 3)}
        if mode == "max":
            assert view.output_grid.marks["winner"] == {winners[(1, 1)]}
        await pilot.press("space")  # steps the pooling window when the pooled map has focus
        assert view.session.pool_position == (1, 2)


@pilot_test
async def test_relu_clips_the_feature_map_and_says_so():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("u")
        await pilot.press(*["down"] * 6, *["right"] * 6)
        await pilot.pause()
        expected = np.maximum(conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None]), 0)
        assert_shows(view.output_grid, expected)
        assert "ReLU: max(0, " in str(view.query_one("#arith-sum").render())


@pilot_test
async def test_drawing_on_the_input_and_editing_a_weight_change_the_output():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("n")  # draw: the cursor starts in the middle, (4, 4)
        await pilot.press("space")
        image = make_shape("rectangle", 8, 5)
        image[4, 4] = 1 - image[4, 4]
        await pilot.press("e", "up", "plus", "plus")  # weight (0, 1): 2 → 4
        await pilot.pause()
        w = kernels.kernel("vertical")
        w[0, 1] = 4
        state = view.state()
        assert state.kernel_name is None
        np.testing.assert_allclose(state.input[0], image)
        np.testing.assert_allclose(state.output, conv_one(image[None], w[None]), atol=1e-9)


@pilot_test
async def test_step_back_play_and_reset():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("space", "space", "space", "backspace")
        # Stepping back moves the window; the four cells already worked out stay on the map.
        assert view.state().position == (0, 2) and view.state().filled == 4
        assert_shows(view.output_grid, conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None]), filled=4)
        await pilot.press("plus", "plus", "plus", "p")  # fastest speed, then play
        await pilot.pause(0.6)
        await pilot.press("p")
        assert view.state().filled > 4
        await pilot.press("r")
        assert view.state().position == (0, 0) and view.state().filled == 1


@pilot_test
async def test_a_scene_sets_up_the_view_and_changes_are_announced():
    app = app_for(StepperSession.build())
    changes = []
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        view.apply_scene(Scene(input="diamond", kernel="diagonal", padding=1, stride=2, relu=True, position=(1, 2)))
        await pilot.pause()
        state = view.state()
        assert (state.padding, state.stride, state.relu, state.position, state.kernel_name) == (1, 2, True, (1, 2), "diagonal")
        image = make_shape("diamond", 16, 0)  # a scene without a size: the course default, 16
        expected = np.maximum(conv_one(image[None], kernels.kernel("diagonal")[None], 0.0, 2, 1, 1), 0)
        np.testing.assert_allclose(state.output, expected, atol=1e-9)
        # The free stepper has no host reading the view: no Changed travels up on each step.
        original = view.post_message
        view.post_message = lambda m: (changes.append(type(m).__name__), original(m))[1]
        await pilot.press("space")
        assert "Changed" not in changes


class HostReadingTheView(ViewHost, Screen):
    """What a lesson does: host a StepperView and read its state on every change."""

    def __init__(self) -> None:
        super().__init__()
        self.positions = []

    def compose(self):
        yield StepperView(StepperSession.build())

    def on_explorer_view_changed(self, event) -> None:
        self.positions.append(event.view.state().position)


@pilot_test
async def test_a_host_that_reads_the_view_hears_of_every_step():
    app = TuiconvApp(HostReadingTheView)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("space", "space", "backspace")
        await pilot.pause()
        assert app.screen.positions[-3:] == [(0, 1), (0, 2), (0, 1)]


@pilot_test
async def test_help_lists_every_stepper_key():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query("Static").last()
        lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
        lines_text = [line.text for line in lines]
        for key, description in [
            ("space", "next output cell"), ("⌫", "step back"), ("p", "play / pause"), ("+", "faster"),
            ("-", "slower"), ("r", "reset"), ("z", "more padding"), ("Z", "less padding"),
            ("s", "larger stride"), ("S", "smaller stride"), ("d", "more dilation"), ("D", "less dilation"),
            ("u", "ReLU on/off"), ("m", "pooling"), ("w", "pool size"), ("t", "pool stride"),
            ("i", "choose the input"), ("f", "choose the kernel"), ("e", "edit kernel"), ("n", "draw on input"),
            ("c", "next channel"), ("space", "flip cell"), ("+", "+1"), ("⏎", "type weight"), ("b", "type bias"),
            ("↑/k", "cursor up"), ("?", "help"),
        ]:
            assert any(line.strip().startswith(key) and description in line for line in lines_text), (key, description)
        await pilot.press("escape")
        assert isinstance(app.screen, StepperScreen)


def test_impossible_settings_on_the_command_line_are_one_line_and_exit_2(capsys):
    from tuiconv.cli import main

    assert main(["step", "--input", "rectangle", "--size", "8", "--filter", "rectangle", "--dilation", "3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "output would be empty" in err
    # The app's z/s/d keys stop at these same limits (tuiconv/limits.py).
    for argv, says in [
        (["step", "--stride", "0"], "argument --stride: must be a whole number from 1 to 4, not 0"),
        (["step", "--dilation", "5"], "argument --dilation: must be a whole number from 1 to 3, not 5"),
    ]:
        with pytest.raises(SystemExit) as caught:  # argparse, before anything is built
            main(argv)
        assert caught.value.code == 2 and says in capsys.readouterr().err
    assert main(["step", "--filter", "wobbly"]) == 2
    assert "unknown kernel 'wobbly'" in capsys.readouterr().err


@pilot_test
async def test_choosing_input_and_kernel_from_the_library_or_a_file(tmp_path):
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("i", "down", "enter")  # the second shape in the list: diamond
        await pilot.press("f", "home", *["down"] * 5, "enter")  # the sixth kernel: sobel-y
        await pilot.pause()
        state = view.state()
        assert (state.input_name, state.kernel_name) == ("diamond", "sobel-y")
        expected = conv_one(make_shape("diamond", 8, 0)[None], kernels.kernel("sobel-y")[None])
        np.testing.assert_allclose(state.output, expected, atol=1e-9)

        art = tmp_path / "l.txt"
        art.write_text("#.....\n#.....\n#.....\n#.....\n######\n......\n")
        await pilot.press("i", "tab", *str(art), "enter")
        await pilot.pause()
        state = view.state()
        assert state.input_name == "l.txt" and state.input.shape == (1, 6, 6)
        expected = conv_one(state.input, kernels.kernel("sobel-y")[None])
        assert_shows(view.output_grid, expected, filled=1)

        await pilot.press("i", "tab", *str(tmp_path / "missing.txt"), "enter")
        await pilot.pause()
        assert "no such file" in str(view.query_one("#stepper-message").render()).lower()
        assert view.state().input_name == "l.txt"  # nothing changed

        await pilot.press("e", "enter", "ctrl+u", *"-0.5", "enter")  # type the middle weight
        await pilot.pause()
        w = kernels.kernel("sobel-y")
        w[1, 1] = -0.5
        np.testing.assert_allclose(view.state().kernel[0], w)
        np.testing.assert_allclose(view.state().output, conv_one(view.state().input, w[None]), atol=1e-9)


@pilot_test
async def test_command_palette_offers_the_stepper_actions():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"More padding")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert view.state().padding == 1
        titles = [command.title for command in app.screen.palette_commands()] if hasattr(app.screen, "palette_commands") else []
        assert "Stepper: Pooling" in titles and "Stepper: Choose kernel" in titles


@pilot_test
async def test_pool_size_and_stride_keys_follow_the_engine():
    app = app_for(StepperSession.build("rectangle", "vertical", padding=1))
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("w")  # pooling starts as max; size 3 (stride follows the size)
        await pilot.press("t")  # stride 1
        await pilot.pause()
        feature = conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None], 0.0, 1, 1, 1)
        pooled, _ = max_pool_one(feature, 3, 1)
        state = view.state()
        assert (state.pool, state.pool_size, state.pool_stride) == ("max", 3, 1)
        assert_shows(view.pooled_grid, pooled)


@pilot_test
async def test_a_terminal_too_small_gets_one_line_saying_the_size_needed():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        await pilot.pause()
        line = str(app.screen.query_one("#too-small").render())
        assert line == "tuiconv needs 60×20; this terminal is 50×15 (q quits)"


@pilot_test
async def test_escape_leaves_editing_before_it_leaves_the_app():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        await pilot.press("e")
        assert view.kernel_grid.has_focus
        await pilot.press("escape")
        assert view.output_grid.has_focus and app.is_running
        await pilot.press("space")  # the keys step again
        assert view.state().position == (0, 1)
