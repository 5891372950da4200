"""Every input size the app generates (8 to 32 pixels) shows every map and the selected cell,
from 80×24 to 250×60: big maps are drawn one cell per block, each cell its block's maximum.
A 32 → 32 net over four kinds shows a page of its maps at a time, and tab reaches every one."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.conftest import make_app, pilot_test, settle, view
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.network import NetworkScreen
from tuiconv.engine import shapes
from tests.reference import forward_loops
from tuiconv.engine import network as engine
from tuiconv.explore.network import NetworkSession

INPUT_SIZES = (8, 12, 16, 20, 24, 28, 32)
# 120×40 and 100×30 sit between these; 145×40 is where a wide unit panel once pushed layer 2 off.
TERMINALS = ((80, 24), (145, 40), (250, 60))


def off_screen(app, session) -> list[str]:
    """Every map (or its selected cell) that the learner cannot see, in words."""
    screen = app.screen.region
    problems = []
    for map_id, grid in view(app).grids.items():
        rows, cols = session.shown(map_id).shape
        box = grid.content_region
        wanted = (cols, 1 + (rows + 1) // 2)  # the title, then two pixels a character
        if not screen.contains_region(box) or box.width < wanted[0] or box.height < wanted[1]:
            problems.append(f"{map_id}: {cols}×{wanted[1]} drawn in {box} of {screen}")
        if map_id == session.selected:
            r, c = grid.cursor
            x, y = box.x + c, box.y + 1 + r // 2
            if not (screen.contains(x, y) and box.contains(x, y)):
                problems.append(f"{map_id}: the cursor at ({x},{y}) is outside {box}")
    return problems


@pytest.mark.parametrize("terminal", TERMINALS, ids=lambda t: f"{t[0]}x{t[1]}")
@pilot_test
async def test_every_map_and_its_bottom_right_cell_are_on_screen(terminal):
    app, session = make_app("rectangle")
    async with app.run_test(size=terminal) as pilot:
        await pilot.pause()
        the_view = view(app)
        for size in INPUT_SIZES:
            session.load_input(f"diamond:{size}")
            for map_id in session.maps:
                h, w = session.values(map_id).shape
                session.select(map_id, (h - 1, w - 1))
                the_view.refresh_all()
                await pilot.pause()
                assert view(app).grids[map_id].cursor == session.shown_cursor()
                problems = off_screen(app, session)
                assert not problems, f"{size}×{size} input at {terminal}: " + "; ".join(problems)
            if size <= 16:  # small inputs are drawn pixel for pixel, as ever
                assert session.overview.exact


@pytest.mark.parametrize("size", (20, 32))
def test_a_downsampled_cell_is_the_max_of_its_block_of_the_engines_map(size):
    session = NetworkSession.open(f"diamond:{size}")
    overview = session.fit_overview(80, 18)  # the room an 80×24 terminal gives the maps
    assert not overview.exact
    ref = forward_loops(engine.Network.hand_designed(), session.image)
    exact = {"input": np.asarray(session.image[0]), "conv1": np.asarray(ref["relu1"]),
             "pool": np.asarray(ref["pool1"]), "conv2": np.asarray(ref["relu2"])}
    for map_id in session.maps:
        layer, _, k = map_id.partition(":")
        full = exact[layer] if layer == "input" else exact[layer][int(k)]
        f = overview.factor(layer)
        shown = session.shown(map_id)
        h, w = full.shape
        assert shown.shape == (-(-h // f), -(-w // f))
        for r in range(shown.shape[0]):
            for c in range(shown.shape[1]):
                block = [full[i, j] for i in range(r * f, min(r * f + f, h)) for j in range(c * f, min(c * f + f, w))]
                assert shown[r, c] == pytest.approx(max(block), abs=1e-9), (map_id, r, c)
    # The cursor and the receptive field land on the cells that hold them.
    session.select("conv1:0", (size - 1, size - 1))
    assert session.shown_cursor() == ((size - 1) // overview.full, (size - 1) // overview.full)
    session.select("pool:0", (0, 0))
    f = overview.full
    assert session.shown_reads()["conv1"] == {(i // f, j // f) for i in range(2) for j in range(2)}


def big_net_app(size: int = 16):
    """A random 32 → 32 net over four kinds, as if loaded from a file, on a diamond."""
    net = engine.Network.random(7, filters=(32, 32), kinds=("rectangle", "diamond", "cross", "triangle"))
    session = NetworkSession(net, shapes.make_shape("diamond", size, 0), "diamond", weights_name="w32.npz")
    session.select("input", (0, 0))
    return TuiconvApp(first_screen=lambda: NetworkScreen(session)), session


# A 16×16 input at 80×24, drawn pixel for pixel (the 32×32 downsampled overview is swept above
# for the hand-designed net): the run costs several seconds, so one pair.
@pytest.mark.parametrize("terminal, size", [((80, 24), 16)], ids=["80x24-16px"])
@pilot_test
async def test_tab_visits_every_map_of_a_32_by_32_net_and_each_is_on_screen_when_selected(terminal, size):
    app, session = big_net_app(size)
    async with app.run_test(size=terminal) as pilot:
        await settle(pilot)
        assert len(session.maps) == 1 + 32 + 32 + 32
        visited = []
        for _ in session.maps:
            await pilot.press("tab")
            visited.append(session.selected)
            grids = view(app).grids
            assert session.selected in grids, f"{session.selected} is not on the page shown: {sorted(grids)}"
            assert grids[session.selected].display and grids[session.selected].cursor == session.shown_cursor()
            problems = off_screen(app, session)
            assert not problems, f"{size}×{size} input at {terminal}: " + "; ".join(problems)
        assert sorted(visited) == sorted(session.maps)  # every map once, back to the input
