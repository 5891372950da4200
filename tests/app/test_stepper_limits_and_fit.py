"""The stepper's settings stop at their limits and say so, and every message, number and title fits at 80 columns."""

import numpy as np
import pytest

from tests.app.conftest import SIZES, app_for, message_of, output_cells, pilot_test, screen_text, view_of
from tests.reference import conv_one
from tuiconv.explore.stepper import StepperSession


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
    expected = conv_one(session.input, kernels.kernel(build[1]).reshape(session.kernel.shape), 0.0, 1, kwargs.get("padding", 0)) + kwargs["bias"]
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


@pytest.mark.parametrize("bias", ["nan", "inf", "1e300"])
def test_an_impossible_bias_on_the_command_line_is_one_line_and_exit_2(bias, capsys):
    from tuiconv.cli import main

    with pytest.raises(SystemExit) as caught:  # argparse: the one table of ranges (tuiconv/limits.py)
        main(["step", "--bias", bias])
    error = capsys.readouterr().err
    assert caught.value.code == 2
    assert error.count("\n") == 1 and "argument --bias: must be a number from -1000000 to 1000000" in error
