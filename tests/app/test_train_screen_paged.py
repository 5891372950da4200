"""The training screen at the learner's scale: 32 → 32 filters over four kinds at 80×24, paged.
Every number checked is the engine's, from an independent run with the same seed."""

from __future__ import annotations

import numpy as np

from tests.app.conftest import pilot_test, screen_text
from tests.app.screen_reading import assert_shows
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.train import TrainScreen, TrainView
from tuiconv.app.screens.train_pages import PagedFilters
from tuiconv.app.widgets.grid import Grid
from tuiconv.engine.learned import layer1_matches
from tuiconv.engine.network import Network
from tuiconv.engine.train import Trainer, held_out_set, predict, starting_network

FOUR = ("rectangle", "diamond", "cross", "triangle")
WAIT = 0.05
PATIENCE = 1200  # pauses of WAIT before a test gives up (a busy machine trains slowly)


def paged_app(filters=(32, 32), kinds=FOUR, **options) -> TuiconvApp:
    options.setdefault("autoplay", False)
    return TuiconvApp(first_screen=lambda: TrainScreen(filters=filters, kinds=kinds, **options))


def text_of(view: TrainView, selector: str) -> str:
    return str(view.query_one(selector).render())


def shown_filters(view: TrainView) -> dict[int, Grid]:
    """Layer-1 filter number → the grid drawing it, for the columns on screen now."""
    shown = {}
    for title in view.query(".filter-title"):
        if title.parent.display and title.parent.parent.display:
            k = int(str(title.render()).split()[1])
            shown[k] = title.parent.query_one(Grid)
    return shown


async def until(pilot, condition) -> None:
    for _ in range(PATIENCE):
        if condition():
            return
        await pilot.pause(WAIT)
    raise AssertionError("the screen never got there")


@pilot_test
async def test_every_layer1_filter_is_reachable_by_paging_and_drawn_as_the_start_weights():
    async with paged_app(seed=3).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        start = starting_network(3, (32, 32), FOUR)
        matches = layer1_matches(start)
        seen = []
        for page in range(7):  # 32 filters, five a page at 80 columns: 0–4, 5–9, …, 30–31
            shown = shown_filters(view)
            first, last = 5 * page, min(5 * page + 4, 31)
            assert sorted(shown) == list(range(first, last + 1))
            assert f"filters {first}–{last} of 32" in text_of(view, "#train-layer1-heading")
            for k, grid in shown.items():
                assert np.array_equal(grid.values, start.w1[k, 0])
                assert_shows(grid, start.w1[k, 0])  # the digits drawn are those weights
                column = grid.parent
                assert str(column.query_one(".like").render()) == f"≈{matches[k].label}"
                assert f"cos {matches[k].similarity:+.2f}".replace("-", "−") in str(column.query_one(".cosine").render())
            seen += sorted(shown)
            await pilot.press("right")
        assert seen == list(range(32))
        assert sorted(shown_filters(view)) == list(range(30, 32))  # no page past the last
        await pilot.press("pageup")
        assert sorted(shown_filters(view)) == list(range(25, 30))
        # Layer 2: the selected filter's slice on each map of the page, under that map's filter.
        await pilot.press("down", "down")
        assert text_of(view, "#train-unit").startswith("filter 2: untrained")
        for k in range(25, 30):
            row, col = view.query_one(PagedFilters).slot_of(k)
            column = view.query_one(f"#train-slice-{row}-{col}")
            assert column.display and column.parent.display
            assert_shows(column.query_one(Grid), start.w2[2, k])
            total = sum(float(w) for w in start.w2[2, k].reshape(-1))
            assert str(column.query_one(".weight-sum").render()) == f"sum {total:+.2f}".replace("-", "−")
        # Parameters: F·F·D·K + K a layer, by hand.
        assert "layer 1: 3·3·1·32 + 32 = 320 parameters" in text_of(view, "#train-layer1-heading")
        layer2 = text_of(view, "#train-layer2-heading")
        assert "3·3·32·32 + 32 = 9248 parameters" in layer2 and "dense 32·4 + 4 = 132" in layer2
        assert f"total {320 + 9248 + 132}" in layer2
        assert all(len(line.rstrip()) <= 80 for line in screen_text(pilot.app).splitlines())


@pilot_test
async def test_32_by_32_over_four_kinds_trains_its_loss_goes_down_and_the_screen_shows_the_engines_numbers(tmp_path):
    steps, out = 30, tmp_path / "w.npz"
    async with paged_app(seed=0, steps=steps, out=str(out)).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        session = view.session
        await pilot.press("e")  # 30 steps of a 32 → 32 net: on the timer, not at once
        assert session.rushing or session.finished
        await until(pilot, lambda: session.finished and not session.checking)
        await pilot.pause()
        reference = Trainer(seed=0, kinds=FOUR, filters=(32, 32))
        reference.step(steps)
        losses = [r.loss for r in reference.history]
        assert [r.loss for r in session.trainer.history] == losses
        assert sum(losses[-5:]) / 5 < 0.8 * sum(losses[:5]) / 5  # it learns
        assert f"loss {sum(losses[-20:]) / 20:.3f}" in text_of(view, "#train-loss-label")
        assert view.query_one("#train-loss").data == losses
        assert text_of(view, "#train-status").startswith(f"step {steps}/{steps}")
        # The held-out numbers per kind: the engine's predictions on the held-out shapes.
        net = reference.network()
        held = held_out_set(kinds=FOUR)
        right = np.zeros(4)
        for images, labels in held.groups.values():
            predicted = np.concatenate([predict(net, images[i : i + 32]) for i in range(0, len(images), 32)])
            for kind in range(4):
                right[kind] += np.sum((predicted == labels) & (labels == kind))
        table = text_of(view, "#train-kinds").splitlines()
        assert table[0].startswith(f"held-out, step {steps}")
        assert table[1].split()[1:] == [f"{r / 500:.1%}" for r in right]
        assert f"held-out {right.sum() / 2000:.1%}" in text_of(view, "#train-status")
        assert f"Done: {right.sum() / 2000:.1%} right on 2000 held-out shapes" in text_of(view, "#train-message")
        # No layer-2 filter of a mixing net is called a detector.
        assert "detector" not in text_of(view, "#train-unit")
    saved = Network.load(out)
    assert saved.kinds == FOUR and np.array_equal(saved.w2, net.w2) and np.array_equal(saved.w3, net.w3)
