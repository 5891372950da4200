"""What `w` on the network screen looks like once its worker is done: the rectangle unit's
preferred input beside the 9 pieces of rectangles that excite it most, at 80×24 and 120×40."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.network import NetworkScreen
from tuiconv.app.screens.wants import WantsScreen
from tuiconv.explore.network import NetworkSession

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


async def open_what_the_rectangle_unit_wants(pilot) -> None:
    """The screen opens on the rectangle unit's map: w, then wait for the numbers (a thread)."""
    await pilot.pause()
    await pilot.press("w")
    for _ in range(1000):
        screen = pilot.app.screen
        if isinstance(screen, WantsScreen) and screen.result is not None:
            break
        await pilot.pause(0.01)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_what_the_rectangle_unit_wants(snap_compare, size):
    session = NetworkSession.open("rectangle")
    app = TuiconvApp(first_screen=lambda: NetworkScreen(session))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=open_what_the_rectangle_unit_wants, press=["right", "wait:50"])
