"""What the layer stack looks like: every layer at once in 80×24, more detail in 120×40."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.explore.network import NetworkSession
from tuiconv.app.screens.network import NetworkScreen

def network_app(spec: str) -> TuiconvApp:
    session = NetworkSession.open(spec)
    return TuiconvApp(first_screen=lambda: NetworkScreen(session))


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.mark.parametrize("size", SIZES)
def test_rectangle_input(snap_compare, size):
    """Opens on the winner: the rectangle unit's strongest cell, its 8×8 field tinted on the
    input, its 6×6 on the edge maps and its 3×3 windows on the pooled maps."""
    assert snap_compare(network_app("rectangle"), terminal_size=SIZES[size], press=["wait:100"])


@pytest.mark.parametrize("size", SIZES)
def test_diamond_input(snap_compare, size):
    """A diamond: the diagonal maps light up and the diamond unit fires."""
    assert snap_compare(network_app("diamond"), terminal_size=SIZES[size], press=["wait:100"])


@pytest.mark.parametrize("size", SIZES)
def test_inside_the_rectangle_unit(snap_compare, size):
    """Enter on a layer-2 map: each pooled window × its slice, the contributions and their sum."""
    assert snap_compare(network_app("rectangle"), terminal_size=SIZES[size], press=["enter", "wait:100"])


def test_editing_a_weight_in_the_gallery(snap_compare):
    """The gallery's running count, and a weight being edited inside the diamond unit."""
    press = ["g", "n", "n", "enter", "tab", "tab", "tab", "minus", "minus", "wait:100"]
    assert snap_compare(network_app("diamond"), terminal_size=(80, 24), press=press)
