"""`w` on the network screen at 80×24: what the selected unit wants to see, computed off the UI
thread. The screen draws at once with "computing…", answers keys while the worker runs, fills in
the preferred input and 9 patches whose numbers the plain-loop network gives, and survives a
learner who leaves before the work is done.

A gate (a threading.Event) holds the real computation back until the test lets it go, so "before
the worker ends" is a state the test controls, not a race it hopes to win.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from tests.app.conftest import TAB_TO, make_app, open_lesson, pilot_test, screen_text, settle, status, view
from tests.reference import forward_loops
from tuiconv.app.screens.help import HelpScreen
from tuiconv.app.screens.network import NetworkScreen
from tuiconv.app.screens.wants import WantsScreen
from tuiconv.app.widgets.grid import format_number
from tuiconv.engine.shapes import sample_shapes
from tuiconv.engine.wants import SHAPES_PER_KIND
from tuiconv.explore import wants as explore_wants
from tuiconv.explore.wants import NOT_A_UNIT


@pytest.fixture
def gate(monkeypatch):
    """Open it to let the unit's computation run; until then the worker waits, as a slow one would."""
    opened = threading.Event()
    real = explore_wants.preferred_input

    def held(*args, **kwargs):
        assert opened.wait(10), "the test never let the computation go"
        return real(*args, **kwargs)

    monkeypatch.setattr(explore_wants, "preferred_input", held)
    yield opened
    opened.set()  # a worker still waiting must not outlive the test


def worker_of(screen: WantsScreen):
    return next(w for w in screen.app.workers if w.name == "wants" and w.node is screen)


async def until_done(pilot, screen: WantsScreen) -> None:
    """Until the screen has drawn its result (a finished worker leaves the app's list at once)."""
    for _ in range(1000):
        if screen.result is not None:
            break
        await pilot.pause(0.01)
    await settle(pilot)
    assert screen.result is not None, "the worker never delivered"


def shown_number(text: str) -> float:
    return float(text.replace("−", "-"))


def close_to_shown(shown: str, value: float) -> bool:
    """The number as the screen prints it (as many decimals as it shows) is ``value``."""
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return abs(shown_number(shown) - value) <= 0.5 * 10**-decimals + 1e-9


def loop_map(net, image, layer: str, k: int) -> np.ndarray:
    return np.asarray(forward_loops(net, image)["relu2" if layer == "layer2" else "relu1"][k])


@pilot_test
async def test_w_on_a_layer_2_map_computes_off_the_ui_thread_and_shows_what_the_loops_give(gate):
    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*["tab"] * TAB_TO["conv2:0"], "w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WantsScreen)
        text = screen_text(app)
        assert "what layer 2's rectangle unit (layer2:0) wants to see" in text
        assert "computing…" in text
        # Responsive while the worker runs: ? opens help, escape closes it, the work goes on.
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and worker_of(screen).is_running
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and worker_of(screen).is_running
        gate.set()
        await until_done(pilot, screen)
        text = screen_text(app)
        assert "computing" not in text

        result = screen.result
        net = session.net
        # The preferred input drawn is the one computed, and its response is what the loops give.
        np.testing.assert_array_equal(screen.preferred.values, result.preferred)
        response_line = str(screen.query_one("#wants-response").render())
        shown = response_line.split()[1]
        assert close_to_shown(shown, loop_map(net, result.preferred, "layer2", 0).max())
        # Nine patches, each labelled with its shape and the response the loops give at its cell.
        shapes = {kind: sample_shapes(kind, SHAPES_PER_KIND, seed=0, sizes=(16, 16)) for kind in net.kinds}
        assert len(result.patches) == 9
        for tile, value, patch in zip(screen.tiles, screen.values, result.patches):
            assert tile.title == f"{patch.kind} #{patch.number}" and tile.title in text
            expected = loop_map(net, shapes[patch.kind][patch.number], "layer2", 0)[patch.cell]
            assert close_to_shown(str(value.render()).removeprefix("response "), expected)
            np.testing.assert_array_equal(tile.values, patch.patch)
        # Arrows pick a patch; the line below names it and where it came from.
        await pilot.press("right")
        await settle(pilot)
        second = result.patches[1]
        top, left, bottom, right = second.box
        detail = " ".join(str(screen.query_one("#wants-detail").render()).split())
        assert detail.startswith(f"▸ {second.kind} #{second.number} of the generated {second.kind}s: {format_number(second.response, 7)}")
        assert f"rows {top}–{bottom}, columns {left}–{right}" in detail
        assert screen.tiles[1].selected and not screen.tiles[0].selected
        # Everything fits 80×24: no widget reaches off the screen.
        for widget in screen.query("*"):
            if widget.display and widget.region.area:
                assert screen.region.contains_region(widget.region), widget
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NetworkScreen)


@pilot_test
async def test_leaving_before_the_worker_ends_does_not_crash_and_w_works_again(gate):
    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*["tab"] * TAB_TO["conv2:1"], "w")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, WantsScreen) and worker_of(first).is_running
        await pilot.press("escape")  # leave while it computes
        await settle(pilot)
        assert isinstance(app.screen, NetworkScreen)
        gate.set()  # the worker finishes for a screen that is gone
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, NetworkScreen)
        assert first.result is None  # its result was dropped, not drawn on a removed screen
        await pilot.press("w")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, WantsScreen) and again is not first
        await until_done(pilot, again)
        assert again.result is not None and again.result.unit == "layer2:1"
        assert "computing" not in screen_text(app)


@pilot_test
async def test_w_on_the_input_says_to_select_a_layer_map_and_on_a_pooled_map_opens_its_layer_1_filter():
    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, NetworkScreen)
        assert NOT_A_UNIT in screen_text(app)
        assert session.wants_unit is None
        await pilot.press(*["tab"] * TAB_TO["pool:0"], "w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, WantsScreen)
        await until_done(pilot, screen)
        assert session.wants_unit == "layer1:0" == screen.result.unit
        assert "what layer 1's horizontal unit (layer1:0) wants to see" in screen_text(app)
        # A layer-1 unit's pieces are its 3×3 receptive field, drawn as digits.
        assert all(tile.values.shape == (3, 3) and tile.mode == "numbers" for tile in screen.tiles)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, NetworkScreen) and view(app).session is session


@pilot_test
async def test_the_lesson_step_that_asks_for_w_is_done_when_the_learner_presses_it():
    app = open_lesson("what-a-unit-wants-to-see", step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the story card
        await settle(pilot)
        lesson = app.screen
        assert not lesson.done and not status(lesson).startswith("✓")  # its keys, until w
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WantsScreen)
        await until_done(pilot, app.screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is lesson and status(lesson).startswith("✓")
