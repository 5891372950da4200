"""What training looks like: random filters at step 0, a few batches in, and the learned filters
beside the named detectors they resemble, at 80×24 and 120×40 (paused: deterministic); and a
network whose filters do not all fit, in pages (6 → 3: small enough to be checked at once)."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.train import TrainScreen

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def train_app(seed: int = 0) -> TuiconvApp:
    return TuiconvApp(first_screen=lambda: TrainScreen(seed=seed, autoplay=False))


@pytest.mark.parametrize("size", SIZES)
def test_random_filters_at_step_0(snap_compare, size):
    """Step 0: random weights, no curve yet, each filter beside its (weak) nearest detector."""
    assert snap_compare(train_app(), terminal_size=SIZES[size], press=["wait:100"])


def test_five_batches_in(snap_compare):
    """Five single steps: the counter, the first points of the curves, the held-out accuracy."""
    assert snap_compare(train_app(), terminal_size=(80, 24), press=["space"] * 5 + ["wait:100"])


@pytest.mark.parametrize("size", SIZES)
def test_trained_to_the_end(snap_compare, size):
    """200 steps: learned filters beside their detectors, and which layer-2 filter is which."""
    assert snap_compare(train_app(), terminal_size=SIZES[size], press=["e", "wait:100"])


def paged_app() -> TuiconvApp:
    return TuiconvApp(first_screen=lambda: TrainScreen(autoplay=False, filters=(6, 3)))


@pytest.mark.parametrize("size", SIZES)
def test_paged_filters_at_step_0(snap_compare, size):
    """6 → 3: five filters a page at 80 columns (the sixth one page on), layer 2 one filter at a time."""
    assert snap_compare(paged_app(), terminal_size=SIZES[size], press=["wait:100"])


def test_paged_filters_trained_second_page(snap_compare):
    """200 steps, then the second page of layer-1 filters and layer-2 filter 2's slices on them."""
    assert snap_compare(paged_app(), terminal_size=(80, 24), press=["e", "right", "down", "down", "wait:100"])
