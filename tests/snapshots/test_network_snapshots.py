"""What the layer stack looks like: every layer at once in 80×24, more detail in 120×40."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.network_session import NetworkSession
from tuiconv.app.screens.network import NetworkScreen

# From the input, tab reaches the 4 layer-1 maps, the 4 pooled maps, then the 2 layer-2 maps.
TO_RECTANGLE_UNIT = ["tab"] * 9
TO_DIAMOND_UNIT = ["tab"] * 10


def network_app(spec: str) -> TuiconvApp:
    session = NetworkSession.open(spec)
    return TuiconvApp(first_screen=lambda: NetworkScreen(session))


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.mark.parametrize("size", SIZES)
def test_rectangle_input(snap_compare, size):
    """A rectangle: horizontal and vertical edge maps light up, the rectangle unit fires."""
    assert snap_compare(network_app("rectangle"), terminal_size=SIZES[size], press=["wait:100"])


@pytest.mark.parametrize("size", SIZES)
def test_diamond_input_with_a_layer2_cell_selected(snap_compare, size):
    """A diamond: diagonal maps light up; the selected diamond cell's 8×8 field is tinted."""
    press = [*TO_DIAMOND_UNIT, "down", "down", "down", "right", "right", "right", "wait:100"]
    assert snap_compare(network_app("diamond"), terminal_size=SIZES[size], press=press)


@pytest.mark.parametrize("size", SIZES)
def test_inside_the_rectangle_unit(snap_compare, size):
    """Enter on a layer-2 map: each pooled window × its slice, the contributions and their sum."""
    press = [*TO_RECTANGLE_UNIT, "down", "down", "right", "enter", "wait:100"]
    assert snap_compare(network_app("rectangle"), terminal_size=SIZES[size], press=press)
