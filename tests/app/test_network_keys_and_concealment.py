"""The network screen as a learner meets it at 80×24: keys that arrive together, the detail line, concealed answers, help."""

from __future__ import annotations

import re

import numpy as np
import pytest
from textual import events
from textual.screen import Screen
from textual.widgets import Footer, Static

from tests.app.conftest import TAB_TO, make_app, pilot_test, view
from tests.reference import forward_loops
from tuiconv.app.app import TuiconvApp
from tuiconv.explore.network import NetworkSession
from tuiconv.app.screens.network import NetworkView
from tuiconv.explore.scene import Scene


@pilot_test
async def test_a_move_and_a_flip_sent_together_flip_the_pixel_moved_to():
    # Over SSH "right space" often arrives in one read: the flip must land where the cursor went.
    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.press("space")
        await pilot.press("right", "space")  # pilot.press still idles between the two keys
        # so also hand the driver the rest in one go, as one read from a terminal would.
        for key, char in [("down", None), ("space", " "), ("left", None), ("space", " ")]:
            app._driver.send_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        expected = np.zeros((16, 16))
        for cell in [(0, 0), (0, 1), (1, 1), (1, 0)]:
            expected[cell] = 1.0
        np.testing.assert_array_equal(view(app).session.image[0], expected)
        assert session.cell == (1, 0)


def detail_rows(app) -> list[str]:
    """The detail line's rows as drawn, cut to the part of it on screen."""
    from textual.geometry import Region

    v = app.screen.query_one(NetworkView)
    detail = app.screen.query_one("#detail", Static)
    visible = detail.region.intersection(v.region).intersection(app.screen.region)
    strips = detail.render_lines(Region(0, 0, visible.width, visible.height))
    return [strip.text.rstrip() for strip in strips]


def host_app(lines_above: int, scene: Scene):
    """The view under a lesson's task lines (0: as `tuiconv network` has it) with a scene applied."""

    class Host(Screen):
        MIN_SIZE = (60, 20)

        def compose(self):
            for _ in range(lines_above):
                yield Static("a lesson's task line")
            yield NetworkView(NetworkSession.open("rectangle"))
            yield Footer()

        def on_mount(self):
            self.call_after_refresh(lambda: self.query_one(NetworkView).apply_scene(scene))

    return TuiconvApp(first_screen=Host)


# Fields worked out by hand: layer 1 pads by 1 (3×3 around the cell), a pooled cell covers two
# layer-1 cells a side (4×4), a layer-2 cell reads pooled cells -1..+1 (8×8), cut at the border.
FIELDS = [
    ("conv1:0", (6, 6), "rows 5–7, cols 5–7: 3×3 = 9 pixels", ""),
    ("pool:0", (3, 3), "rows 5–8, cols 5–8: 4×4 = 16 pixels", ""),
    ("pool:3", (7, 7), "rows 13–15, cols 13–15: 3×3 = 9 pixels", "a 4×4"),
    ("conv2:0", (3, 3), "rows 3–10, cols 3–10: 8×8 = 64 pixels", ""),
    ("conv2:1", (0, 0), "rows 0–4, cols 0–4: 5×5 = 25 pixels", "an 8×8"),
]


# 4 lines above leave 19 rows: the maps and the scores, no row for the detail (see the report).
@pytest.mark.parametrize("lines_above", [0, 1, 2, 3])
@pytest.mark.parametrize("select, cell, box, cut", FIELDS)
@pilot_test
async def test_the_receptive_field_is_on_screen_at_80_columns(lines_above, select, cell, box, cut):
    app = host_app(lines_above, Scene(screen="network", input="rectangle", select=select, position=cell))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        rows = detail_rows(app)
        assert all(len(row) <= 80 for row in rows)
        shown_text = " ".join(rows)
        i, j = cell
        assert f"({i},{j}) = " in shown_text
        if lines_above < 3:  # two rows for the detail: the whole sentence
            assert f"sees input {box}" in shown_text, rows
            if cut:
                assert f"({cut} field cut by the border)" in shown_text, rows
        else:  # one row: short words when the sentence does not fit, every number still there
            assert box in shown_text, rows
            if cut:
                size = cut.split()[-1]
                assert f"(of {size})" in shown_text or f"{size} field cut" in shown_text, rows


@pilot_test
async def test_the_weight_keys_fit_one_line_inside_a_unit():
    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*["tab"] * TAB_TO["conv2:0"], "enter", "tab", "plus")
        await pilot.pause()
        rows = [row for row in detail_rows(app) if row.strip()]
        assert len(rows) == 1, rows
        assert "rectangle's horizontal slice (1,1) = 1.5" in rows[0]  # hand weight 1, +0.5
        assert "+/− by 0.5" in rows[0]


@pilot_test
async def test_a_concealed_receptive_field_shows_question_marks_until_revealed():
    scene = Scene(screen="network", input="rectangle", select="conv2:0", position=(3, 3), conceal=("receptive-field",))
    app = host_app(2, scene)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        v = app.screen.query_one(NetworkView)
        hidden = " ".join(detail_rows(app))
        assert "?×? = ? pixels" in hidden and "8×8" not in hidden and "64" not in hidden, hidden
        assert "(3,3) = " in hidden
        # Moving keeps it hidden; the state a check reads keeps the true numbers (8 across, 64 pixels).
        await pilot.press("left")
        await pilot.pause()
        assert "?×? = ? pixels" in " ".join(detail_rows(app))
        state = v.state()
        assert state.receptive_field == 8 and state.extra["receptive_pixels"] == 64
        v.reveal()
        await pilot.pause()
        assert "sees input rows 3–10, cols 1–8: 8×8 = 64 pixels" in " ".join(detail_rows(app))


@pilot_test
async def test_help_lists_the_views_arrows_and_no_grid_section_the_grids_never_use():
    from tuiconv.app.screens.help import binding_sections

    app, session = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the inspector's grids too
        sections = dict(binding_sections(app.screen))
        # Only the view's keys and the app's: no grid keys, no Textual "focus next" (tab is the view's).
        assert list(sections) == [NetworkView.HELP_TITLE, "Everywhere"], list(sections)
        view_keys = dict(sections[NetworkView.HELP_TITLE])
        assert view_keys["↑/k"] == "move up" and view_keys["space"].startswith("flip")
        assert view_keys["tab"].startswith("next map")


@pilot_test
async def test_a_concealed_verdict_hides_the_verdict_and_the_scores_that_would_give_it_away():
    # A teacher asks "what does the network call this?": until it is answered, neither the verdict
    # nor the scores or maxima behind it are on screen, and the selection does not point at the winner.
    scene = Scene(screen="network", input="diamond", conceal=("verdict",))
    app = host_app(2, scene)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        v = app.screen.query_one(NetworkView)
        scores = str(app.screen.query_one("#scores", Static).render())
        assert "DIAMOND" not in scores and re.search(r"rectangle \?→\? · diamond \?→\? →\s+\?", scores), scores
        assert "(max" not in scores and "hidden until you answer" in scores
        assert v.session.selected == "input"
        # The check reads the true verdict, computed by the engine, all along.
        want = forward_loops(v.session.net, v.session.image)
        assert v.state().verdict == want["verdict"] == "diamond"
        v.reveal()
        await pilot.pause()
        scores = str(app.screen.query_one("#scores", Static).render())
        assert "DIAMOND" in scores and f"{want['scores'][1]:.2f}" in scores, scores
