"""`tuiconv step` draws its first screen before scipy has loaded, then scipy fills the map in.

scipy's import is most of a cold start, so the first screen (the first output cell, its
arithmetic, the map's colours and size) is built without it; the first step computes the rest.
These run in a fresh interpreter, where scipy is not yet imported.
"""

import gc
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from tests.app.conftest import pilot_test
from tests.reference import conv_one
from tuiconv import cli
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperScreen
from tuiconv.explore.stepper import StepperSession
from tuiconv.engine import kernels
from tuiconv.engine.shapes import make_shape

ROOT = Path(__file__).resolve().parents[2]

FIRST_SCREEN_THEN_ONE_STEP = textwrap.dedent(
    """
    import asyncio, json, sys
    import tuiconv.app.screens.stepper as stepper
    from tests.app.screen_reading import cells_shown
    from tuiconv.app.app import TuiconvApp
    from tuiconv.explore.stepper import StepperSession

    stepper.load_scipy = lambda: None  # no background import: what the screen itself needs
    report = {}

    async def main():
        session = StepperSession.build("rectangle", "vertical", padding=1)
        app = TuiconvApp(lambda: stepper.StepperScreen(session))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            grid = app.screen.query_one("#stepper-output")
            report["first"] = {"scipy": "scipy.ndimage" in sys.modules, "cells": cells_shown(grid)}
            await pilot.press("space")
            await pilot.pause()
            report["second"] = {"scipy": "scipy.ndimage" in sys.modules, "cells": cells_shown(grid)}

    asyncio.run(main())
    print(json.dumps(report))
    """
)


def run_fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_first_screen_shows_the_first_cell_without_scipy_and_a_step_brings_the_rest():
    report = run_fresh(FIRST_SCREEN_THEN_ONE_STEP)
    want = conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None], padding=1)
    first, second = report["first"], report["second"]
    assert not first["scipy"]
    flat = [text for row in first["cells"] for text in row]
    assert float(flat[0]) == want[0, 0] and set(flat[1:]) == {"·"}
    assert second["scipy"]
    flat = [text for row in second["cells"] for text in row]
    assert [float(t) for t in flat[:2]] == list(want.reshape(-1)[:2]) and set(flat[2:]) == {"·"}


def test_the_feature_map_is_coloured_on_the_strongest_response_the_kernel_can_give():
    # A diagonal filter barely answers a rectangle: on a scale of what it could give (±6 for
    # three 2s and six −1s on 0/1 cells) its ±2 stays pale; drawing does not rescale the map.
    session = StepperSession.build("rectangle", "diagonal", padding=1)
    diagonal = kernels.kernel("diagonal")
    reach = float(diagonal[diagonal > 0].sum())
    assert np.abs(session.output).max() < reach

    @pilot_test
    async def check():
        app = TuiconvApp(lambda: StepperScreen(session))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            grid = app.screen.query_one("#stepper-output")
            assert (grid.scale.low, grid.scale.high) == (-reach, reach)
            await pilot.press("n", "space")  # draw: flip the input's first cell
            await pilot.pause()
            assert session.input_name.endswith("(drawn)")
            assert (grid.scale.low, grid.scale.high) == (-reach, reach)

    check()


def test_collection_is_held_during_start_up_and_resumed_once_the_screen_is_drawn():
    @pilot_test
    async def check():
        gc.disable()
        try:
            app = TuiconvApp(lambda: StepperScreen(StepperSession.build()))
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                assert gc.isenabled()
        finally:
            gc.enable()
            gc.unfreeze()  # the rest of the test run collects as before

    check()


def test_a_headless_command_leaves_collection_on(capsys):
    assert cli.main(["show", "rectangle", "--size", "8"]) == 0
    assert gc.isenabled()
    assert "rectangle" in capsys.readouterr().out
