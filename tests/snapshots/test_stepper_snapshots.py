"""What the stepper looks like at 80×24 and 120×40: each snapshot is a claim the screen is right."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperScreen
from tuiconv.explore.stepper import StepperSession

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def stepper_app(*args, **kwargs) -> TuiconvApp:
    session = StepperSession.build(*args, **kwargs)
    return TuiconvApp(first_screen=lambda: StepperScreen(session))


@pytest.mark.parametrize("size", SIZES)
def test_initial(snap_compare, size):
    """The window on the top-left corner, one output cell, its arithmetic and the formula."""
    assert snap_compare(stepper_app("rectangle", "vertical"), terminal_size=SIZES[size], press=["wait:100"])


@pytest.mark.parametrize("size", SIZES)
def test_mid_way(snap_compare, size):
    """Eleven steps in: the second row of the feature map is filling in."""
    press = ["space"] * 10 + ["wait:100"]
    assert snap_compare(stepper_app("rectangle", "sobel-x", padding=1), terminal_size=SIZES[size], press=press)


@pytest.mark.parametrize("size", SIZES)
def test_padded_and_strided(snap_compare, size):
    """P=1, S=4: the zero border, windows 4 apart, and (8 − 3 + 2)/4 + 1 = 2.75: rows 6, 7 missed."""
    press = ["down", "right", "wait:100"]
    assert snap_compare(stepper_app("diamond", "diagonal", padding=1, stride=4), terminal_size=SIZES[size], press=press)


@pytest.mark.parametrize("size", SIZES)
def test_pooling(snap_compare, size):
    """ReLU then 2×2 max pooling: the pooling window on the feature map and its winning cell."""
    press = ["u", "m", "shift+tab", "right", "wait:100"]  # shift+tab: from the feature map to the pooled map
    assert snap_compare(stepper_app("rectangle", "vertical", padding=1), terminal_size=SIZES[size], press=press)


@pytest.mark.parametrize("size", SIZES)
def test_several_channels(snap_compare, size):
    """A layer-2 kernel reading the four edge maps: one channel's products, every channel's sum."""
    press = ["down", "down", "right", "right", "wait:100"]
    assert snap_compare(stepper_app("diamond:16", "diamond", padding=1), terminal_size=SIZES[size], press=press)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size):
    """? lists every key of the stepper."""
    assert snap_compare(stepper_app(), terminal_size=SIZES[size], press=["question_mark", "wait:100"])
