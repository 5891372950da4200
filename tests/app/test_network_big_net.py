"""The network screen on a net of any shape (here 32 → 32 filters over four kinds), driven by keys
at 80×24 and 120×40: what it shows must equal a plain-loop network (tests/reference.py)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from rich.text import Text

from tests.app.conftest import SIZES, pilot_test, screen_text, settle, view
from tests.app.screen_reading import scores_shown
from tests.reference import forward_loops
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.network import NetworkScreen
from tuiconv.engine import network as engine
from tuiconv.engine import shapes
from tuiconv.explore.network import NetworkSession

KINDS = ("rectangle", "diamond", "cross", "triangle")


def big_net(k1: int = 32, k2: int = 32, seed: int = 5) -> engine.Network:
    """Random weights with a random dense layer and biases: nothing lines up by accident."""
    net = engine.Network.random(seed, filters=(k1, k2), kinds=KINDS)
    rng = np.random.default_rng(seed + 1)
    net.b1 = rng.normal(0, 0.1, k1)
    net.b2 = rng.normal(0, 0.1, k2)
    net.w3 = rng.normal(0, 0.3, (len(KINDS), k2))
    net.b3 = rng.normal(0, 0.3, len(KINDS))
    return net


def app_with(net: engine.Network, spec: str = "cross", name: str | None = "w32.npz"):
    kind, image = shapes.resolve_input(spec, 16, 0)
    session = NetworkSession(net, image, kind, weights_name=name)
    return TuiconvApp(first_screen=lambda: NetworkScreen(session)), session


def plain(widget) -> str:
    return Text.from_markup(str(widget.content)).plain


def hand_counts(k1: int, k2: int, kinds: int) -> list[int]:
    """Weights and biases of each layer, counted by hand: 3·3·1·K1 + K1, 3·3·K1·K2 + K2, K2·N + N."""
    return [9 * k1 + k1, 9 * k1 * k2 + k2, k2 * kinds + kinds]


@pytest.mark.parametrize("terminal", SIZES, ids=lambda t: f"{t[0]}x{t[1]}")
@pilot_test
async def test_scores_shown_are_the_loop_networks_logits_and_their_softmax(terminal):
    net = big_net()
    app, session = app_with(net)
    async with app.run_test(size=terminal) as pilot:
        await settle(pilot)
        text = plain(app.screen.query_one("#scores"))
        assert "softmax" in text and "score" in text  # the line says what its numbers are
        found, verdict = scores_shown(text, KINDS)
        ref = forward_loops(net, session.image)
        exps = [math.exp(v - max(ref["logits"])) for v in ref["logits"]]
        for k, kind in enumerate(KINDS):
            assert found[kind]["score"] == pytest.approx(round(ref["logits"][k], 2), abs=1e-9), kind
            assert found[kind]["prob"] == pytest.approx(round(exps[k] / sum(exps), 2), abs=1e-9), kind
        assert verdict == ref["verdict"]
        for row in screen_text(app).splitlines():
            assert len(row.rstrip()) <= terminal[0]


@pytest.mark.parametrize("terminal", SIZES, ids=lambda t: f"{t[0]}x{t[1]}")
@pilot_test
async def test_each_slice_of_a_layer_2_unit_shows_its_contribution_as_the_loops_compute_it(terminal):
    net = big_net()
    app, session = app_with(net)
    async with app.run_test(size=terminal) as pilot:
        await settle(pilot)
        unit = 9
        session.select(f"conv2:{unit}", (3, 4))
        view(app).refresh_all()
        await pilot.press("enter")  # look inside the unit
        await settle(pilot)
        pool1 = np.asarray(forward_loops(net, session.image)["pool1"])
        inspector = view(app).inspector
        seen = set()
        for page in range(8):  # 32 slices, four a page; ] turns the page
            title = plain(inspector.title)
            first = 4 * page
            assert f"slices {first}–{first + 3} of 32" in title, title
            for n, row in enumerate(inspector.rows):
                c = first + n
                # window × slice, summed, by hand: the unit's 3×3 window on pooled map c, zero padded
                want = sum(
                    (pool1[c, 3 + u - 1, 4 + v - 1] if 0 <= 3 + u - 1 < 8 and 0 <= 4 + v - 1 < 8 else 0.0)
                    * net.w2[unit, c, u, v]
                    for u in range(3)
                    for v in range(3)
                )
                label = plain(inspector.labels[n])
                assert label.startswith(f"{c} "), label
                shown = float(re.search(r"= ([-+]?[\d.]+)$", label).group(1))
                assert shown == pytest.approx(want, abs=0.006), (c, label)
                seen.add(c)
            await pilot.press("right_square_bracket")
            await settle(pilot, 2)
        assert seen == set(range(32))
        # The ranking line names the biggest contributions, biggest first.
        sums = [
            sum(
                (pool1[c, 2 + u, 3 + v] if 0 <= 2 + u < 8 and 0 <= 3 + v < 8 else 0.0) * net.w2[unit, c, u, v]
                for u in range(3)
                for v in range(3)
            )
            for c in range(32)
        ]
        top = sorted(range(32), key=lambda c: -abs(sums[c]))[:3]
        ranking = plain(inspector.total).splitlines()[0]
        named = [int(c) for c in re.findall(r"(\d+) [+−]", ranking)]
        assert len(named) >= 2 and named == top[: len(named)], ranking  # as many as one line holds
        assert len(ranking) <= 38


@pilot_test
async def test_editing_a_slice_on_a_later_page_changes_the_unit_as_the_loops_say():
    net = big_net()
    app, session = app_with(net)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        session.select("conv2:2", (4, 4))
        view(app).refresh_all()
        await pilot.press("enter", *["tab"] * 22)  # the unit's map, then slices 0 … 21
        await settle(pilot)
        assert session.page("slices") == range(20, 24)
        await pilot.press("plus", "plus")  # +0.5 twice at the slice's middle weight
        await settle(pilot)
        assert session.net.w2[2, 21, 1, 1] == pytest.approx(net.w2[2, 21, 1, 1] + 1.0)
        edited = session.net.copy()
        ref = forward_loops(edited, session.image)
        assert view(app).grids["conv2:2"].values == pytest.approx(np.asarray(ref["relu2"][2]))
        found, _ = scores_shown(plain(app.screen.query_one("#scores")), KINDS)
        assert [found[k]["score"] for k in KINDS] == pytest.approx([round(v, 2) for v in ref["logits"]], abs=1e-9)
        assert "slice 21" in plain(app.screen.query_one("#detail"))


@pytest.mark.parametrize("k1, k2", [(32, 32), (8, 3), (1, 1)])
@pilot_test
async def test_parameter_counts_per_layer_are_shown_and_match_a_hand_count(k1, k2):
    app, session = app_with(big_net(k1, k2))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        counts = hand_counts(k1, k2, len(KINDS))
        assert f"parameters {'+'.join(map(str, counts))}" in plain(app.screen.query_one("#status"))
        await pilot.press("number_sign")
        await settle(pilot)
        detail = screen_text(app)  # what is on the terminal, not what a widget holds past its edge
        flat = detail.replace(" ", "").replace("layer1:", "conv1").replace("layer2:", "conv2").replace("dense:", "dense")
        assert f"conv13·3·1·{k1}+{k1}={counts[0]}" in flat, detail
        assert f"conv23·3·{k1}·{k2}+{k2}={counts[1]}" in flat, detail
        assert f"dense1·1·{k2}·4+4={counts[2]}" in flat, detail


@pilot_test
async def test_page_keys_turn_the_column_and_the_header_says_which_filters_are_shown():
    app, session = app_with(big_net())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        session.select("conv1:1", (5, 5))
        view(app).refresh_all()
        await settle(pilot)
        header = plain(app.screen.query_one("#header-conv1"))
        assert header == "layer 1: filters 0–3 of 32"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert session.selected == "conv1:5"  # the same place on the next page
        assert plain(app.screen.query_one("#header-conv1")) == "layer 1: filters 4–7 of 32"
        assert set(view(app).grids) >= {"conv1:4", "conv1:7", "pool:4", "pool:7"}
        assert "conv1:1" not in view(app).grids
        assert view(app).grids["conv1:5"].title.startswith("5 ")
        await pilot.press("left_square_bracket", "left_square_bracket")  # round to the last page
        await settle(pilot)
        assert session.selected == "conv1:29"
        # Layer 2: a page of what fits at 80×24, and a line saying which.
        session.select("conv2:0")
        view(app).refresh_all()
        await settle(pilot)
        page = session.page("conv2")
        assert len(page) >= 3 and page.start == 0
        assert plain(app.screen.query_one("#page2")) == f"0–{page.stop - 1} of 32"
        await pilot.press("pagedown")
        await settle(pilot)
        assert session.selected == f"conv2:{page.stop}" and session.page("conv2").start == page.stop


def test_layer_2_units_are_named_after_a_kind_only_when_something_made_them_so():
    hand = NetworkSession.open("rectangle")
    assert [hand.name("conv2", k) for k in range(2)] == ["rectangle", "diamond"]
    # Random weights made on the spot, even with one unit per kind (the dense layer the
    # identity), are not detectors of anything yet.
    fresh = engine.Network.random(0, filters=(4, 2))
    made = NetworkSession(fresh, shapes.make_shape("diamond", 16, 0), "diamond")
    assert [made.name("conv2", k) for k in range(2)] == ["unit 0", "unit 1"]
    # Loaded (trained) weights: unit J is kind I's when I's score leans on it most and its
    # maximum counts for I at least twice as much as for any other kind.
    net = big_net(4, 3)
    net.w3 = np.array([[0.1, 1.0, 0.0], [0.0, 0.4, 0.9], [0.2, 0.0, 0.3], [0.5, 0.6, 0.0]])
    loaded = NetworkSession(net, shapes.make_shape("diamond", 16, 0), "diamond", weights_name="w.npz")
    # unit 1: rectangle's favourite (1.0) but triangle weighs it 0.6: not clearly; unit 2:
    # diamond's favourite (0.9) against at most 0.3: named; unit 0: nobody's favourite.
    assert [loaded.name("conv2", k) for k in range(3)] == ["unit 0", "unit 1", "diamond"]


@pytest.mark.parametrize("lines_above", [1, 3])
@pilot_test
async def test_under_a_lessons_task_lines_the_scores_of_four_kinds_and_the_cell_still_show(lines_above):
    from textual.screen import Screen
    from textual.widgets import Footer, Static

    from tuiconv.app.screens.network import NetworkView

    net = big_net()
    kind, image = shapes.resolve_input("cross", 16, 0)
    session = NetworkSession(net, image, kind, weights_name="w32.npz")

    class Host(Screen):
        MIN_SIZE = (60, 20)

        def compose(self):
            for _ in range(lines_above):
                yield Static("a lesson's task line")
            yield NetworkView(session)
            yield Footer()

    app = TuiconvApp(first_screen=Host)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = screen_text(app).splitlines()
        ref = forward_loops(net, session.image)
        scores_row = next(k for k, row in enumerate(rows) if "softmax" in row)
        first = scores_row - 1 if rows[scores_row].startswith("→ softmax") else scores_row
        text = "\n".join(row.rstrip() for row in rows[first : scores_row + 1])
        found, verdict = scores_shown(text, KINDS)
        assert [found[k]["prob"] for k in KINDS] == pytest.approx([round(v, 2) for v in ref["scores"]], abs=1e-9)
        assert verdict == ref["verdict"]
        i, j = session.cell
        assert f"({i},{j}) = " in rows[scores_row + 1]  # the selected cell's line is on screen too
