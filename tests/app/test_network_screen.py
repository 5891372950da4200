"""The network screen, driven by keys: what it shows must equal a plain-loop network."""

from __future__ import annotations


import numpy as np
import pytest
from rich.text import Text
from textual.widgets import Input, Static

from tests.app.conftest import TAB_TO, make_app, pilot_test, view
from tests.app.screen_reading import scores_shown
from tests.reference import forward_loops, pixels_that_move
from tuiconv.app.app import TuiconvApp
from tuiconv.explore.network import NetworkSession
from tuiconv.app.screens.network import NetworkScreen, NetworkView
from tuiconv.app.widgets.grid import Grid
from tuiconv.explore.scene import Scene
from tuiconv.engine import network as engine


def shown(app, selector: str) -> str:
    """The plain text a Static shows (markup removed), as the learner reads it."""
    static = app.screen.query_one(selector, Static)
    return Text.from_markup(str(static.content)).plain


def shown_scores(app) -> tuple[dict[str, float], str]:
    """Each kind's probability as shown, and the verdict."""
    found, verdict = scores_shown(shown(app, "#scores"), view(app).session.kinds)
    return {kind: numbers["prob"] for kind, numbers in found.items()}, verdict


@pytest.mark.parametrize("spec", ["rectangle", "diamond", "assets/shapes/diamond.txt"])
@pilot_test
async def test_scores_shown_equal_a_plain_loop_network(spec):
    app, session = make_app(spec)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scores, verdict = shown_scores(app)
        ref = forward_loops(engine.Network.hand_designed(), session.image)
        assert scores == {"rectangle": round(ref["scores"][0], 2), "diamond": round(ref["scores"][1], 2)}
        assert verdict == ref["verdict"]
        found, _ = scores_shown(shown(app, "#scores"), engine.CLASSES)
        assert [found[k]["max"] for k in engine.CLASSES] == pytest.approx(ref["maxima"])
        assert [found[k]["score"] for k in engine.CLASSES] == pytest.approx([round(v, 2) for v in ref["logits"]])
        # Every map on screen holds the loop network's numbers.
        grids = view(app).grids
        for k in range(4):
            assert grids[f"conv1:{k}"].values == pytest.approx(np.array(ref["relu1"][k]))
            assert grids[f"pool:{k}"].values == pytest.approx(np.array(ref["pool1"][k]))
        for k in range(2):
            assert grids[f"conv2:{k}"].values == pytest.approx(np.array(ref["relu2"][k]))


@pilot_test
async def test_the_verdict_flips_when_the_input_becomes_a_diamond():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown_scores(app)[1] == "rectangle"
        await pilot.press("n")  # the next library shape after the rectangle is the diamond
        await pilot.pause()
        assert "diamond" in shown(app, "#status")
        scores, verdict = shown_scores(app)
        ref = forward_loops(session.net, session.image)
        assert verdict == "diamond" == ref["verdict"]
        assert scores["diamond"] == round(ref["scores"][1], 2) > 0.5


@pytest.mark.parametrize(
    "map_id, moves, cell, side",
    [
        # Each perturbs every input pixel (seconds of CPU): a layer-2 and a layer-1 cell here; the
        # session's fields at the border and on pooled maps are perturbed in test_network_session.
        ("conv2:0", ["down"] * 3 + ["right"] * 4, (3, 4), 8),
        ("conv1:0", ["down"] * 5 + ["l"] * 6, (5, 6), 3),
    ],
)
@pilot_test
async def test_the_highlighted_receptive_field_is_every_pixel_that_can_change_the_cell(map_id, moves, cell, side):
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*["tab"] * TAB_TO[map_id], *moves)
        await pilot.pause()
        assert (session.selected, session.cell) == (map_id, cell)
        highlighted = set(view(app).grids["input"].window)
        assert highlighted == pixels_that_move(map_id, cell, session.image.shape[-2:])
        count = len(highlighted)
        assert f"{count} pixels" in shown(app, "#detail")
        assert view(app).state().receptive_field == side


@pilot_test
async def test_a_layer2_cell_away_from_the_border_says_it_sees_an_8_by_8_patch():
    app, _ = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 9, "down", "down", "down", "right", "right", "right")
        await pilot.pause()
        assert "8×8 = 64 pixels" in shown(app, "#detail")
        assert view(app).state().extra["receptive_pixels"] == 64


@pilot_test
async def test_inside_a_layer2_unit_the_contributions_add_up_to_the_map_value():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 9, "down", "down", "right", "enter")
        await pilot.pause()
        assert view(app).has_class("-inspecting")
        ref = forward_loops(session.net, session.image)
        pooled = np.array(ref["pool1"])
        padded = np.pad(pooled, ((0, 0), (1, 1), (1, 1)))
        i, j = session.cell
        total = 0.0
        inspector = view(app).inspector
        for c in range(4):
            window = padded[c, i : i + 3, j : j + 3]  # the pooled window, by hand
            row = inspector.rows[c]
            assert row.window.values == pytest.approx(window)
            assert row.slice.values == pytest.approx(session.net.w2[0, c])
            contribution = float((window * session.net.w2[0, c]).sum())
            assert f"= {contribution:g}" in Text.from_markup(str(inspector.labels[c].content)).plain
            total += contribution
        plain = Text.from_markup(str(inspector.total.content)).plain
        assert f"= {total:g} → ReLU → {max(total, 0):g}" in plain
        assert max(total, 0) == pytest.approx(ref["relu2"][0][i][j])
        await pilot.press("escape")
        await pilot.pause()
        assert not view(app).has_class("-inspecting")


@pilot_test
async def test_editing_a_layer2_weight_changes_the_scores_as_a_loop_network_says():
    app, session = make_app("diamond")
    async with app.run_test(size=(80, 24)) as pilot:
        # Make the rectangle unit love diagonal edges: its diagonal slice's centre goes −1 → +2.
        await pilot.press(*["tab"] * 9, "enter", "tab", "tab", "tab")  # the diagonal slice
        await pilot.pause()
        assert view(app).inspector.rows[2].slice.cursor == (1, 1)  # starts at the centre
        await pilot.press("up", "left", "down", "right", "plus", "plus", "plus", "plus", "plus", "plus")
        await pilot.pause()
        want = engine.Network.hand_designed()
        want.w2[0, 2, 1, 1] = 2.0
        ref = forward_loops(want, session.image)
        scores, verdict = shown_scores(app)
        assert scores == {"rectangle": round(ref["scores"][0], 2), "diamond": round(ref["scores"][1], 2)}
        assert verdict == ref["verdict"]
        assert "(edited)" in shown(app, "#status")
        state = view(app).state()
        assert state.scores == pytest.approx(tuple(ref["scores"]))
        await pilot.press("R")
        await pilot.pause()
        assert shown_scores(app)[1] == "diamond"
        assert "(edited)" not in shown(app, "#status")


@pilot_test
async def test_the_gallery_counts_right_verdicts_like_an_independent_tally():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        right = 0
        for shape in range(1, 9):
            truth = session.gallery.truth
            assert truth in session.input_name
            right += forward_loops(engine.Network.hand_designed(), session.image)["verdict"] == truth
            assert f"{right}/{shape} right" in shown(app, "#status")
            await pilot.press("n")
            await pilot.pause()
        state = view(app).state()
        assert state.gallery_seen == 9


@pilot_test
async def test_drawing_on_a_blank_input():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert "(a tie: every score 0.00)" in shown(app, "#scores")  # nothing to see: both detectors at 0
        await pilot.press("down", "right", "space", "right", "space", "space")
        await pilot.pause()
        image = view(app).state().input[0]
        assert image.sum() == 1.0 and image[1, 1] == 1.0
        assert "drawn" in shown(app, "#status")
        assert view(app).grids["input"].values[1, 1] == 1.0


@pilot_test
async def test_a_scene_sets_input_and_selection_and_every_change_posts_changed():
    app, _ = make_app("rectangle")
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        original = v.post_message

        def spy(message):
            if isinstance(message, NetworkView.Changed):
                seen.append(message.state)
            return original(message)

        v.post_message = spy
        v.apply_scene(Scene(screen="network", input="diamond", select="conv2:1", position=(3, 4)))
        await pilot.pause()
        state = v.state()
        assert (state.input_name, state.verdict, state.selected_map, state.selected_cell) == ("diamond", "diamond", "conv2:1", (3, 4))
        assert state.receptive_field == 8
        await pilot.press("left")
        await pilot.pause()
        assert [s.selected_cell for s in seen] == [(3, 4), (3, 3)]
        with pytest.raises(ValueError):
            v.apply_scene(Scene(screen="network", select="conv9:0"))


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["network", "--input", "hexagon"], "neither a shape file nor a shape name"),
        (["network", "--input", "no/such/file.txt"], "no/such/file.txt: no such file"),
        (["network", "--weights", "README.md"], "README.md"),
        (["network", "--weights", "missing.npz"], "missing.npz: no such file"),
    ],
)
def test_bad_input_or_weights_is_one_line_and_exit_code_2(argv, fragment, capsys):
    from tuiconv.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


@pilot_test
async def test_learned_weights_from_a_file_are_shown_and_used(tmp_path):
    net = engine.Network.random(seed=5)
    path = tmp_path / "learned.npz"
    net.save(path)
    app, session = make_app("diamond", weights=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "learned.npz" in shown(app, "#status")
        ref = forward_loops(net, session.image)
        scores, verdict = shown_scores(app)
        assert scores == {"rectangle": round(ref["scores"][0], 2), "diamond": round(ref["scores"][1], 2)}
        assert verdict == ref["verdict"]


@pytest.mark.parametrize("lines_above", [0, 1, 2, 3, 4])
@pilot_test
async def test_under_a_lessons_lines_the_maps_and_scores_still_show_in_80x24(lines_above):
    """A lesson puts its task lines above the view: every map and the verdict must stay on screen."""
    from textual.screen import Screen
    from textual.widgets import Footer

    class Host(Screen):
        MIN_SIZE = (60, 20)

        def compose(self):
            for _ in range(lines_above):
                yield Static("a lesson's task line")
            yield NetworkView(NetworkSession.open("diamond"))
            yield Footer()

    app = TuiconvApp(first_screen=Host)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        v = app.screen.query_one(NetworkView)
        visible = v.region
        for grid in v.grids.values():
            assert visible.contains_region(grid.region), grid.id
            assert grid.region.right <= 80
        scores = app.screen.query_one("#scores", Static)
        assert visible.contains_region(scores.region)
        assert shown_scores(app)[1] == "diamond"


async def type_into_the_picker(pilot, key: str, text: str) -> None:
    """Open the picker with ``key``, tab to its text box, type ``text`` (set at once), enter."""
    await pilot.press(key)
    await pilot.pause()
    await pilot.press("tab")
    box = pilot.app.screen.query_one(Input)
    assert box.has_focus
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_choosing_from_the_library_and_opening_a_shape_file(tmp_path):
    shape = tmp_path / "tall.txt"
    shape.write_text("\n".join(["." * 16] * 3 + ["...#########...."] + ["...#.......#...."] * 8 + ["...#########...."] + ["." * 16] * 3) + "\n")
    app, session = make_app("diamond")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", "down", "down", "enter")  # the third shape of the library
        await pilot.pause()
        assert session.input_name == "cross" and "cross" in shown(app, "#status")
        await type_into_the_picker(pilot, "i", str(shape))
        assert "tall.txt" in shown(app, "#status")
        ref = forward_loops(engine.Network.hand_designed(), session.image)
        assert shown_scores(app)[1] == ref["verdict"] == "rectangle"
        # A broken file is one line on the screen, and the input stays as it was.
        bad = tmp_path / "bad.txt"
        bad.write_text("..#\n..#x\n")
        await type_into_the_picker(pilot, "o", str(bad))
        assert f"{bad}:2:" in shown(app, "#detail")
        assert "tall.txt" in shown(app, "#status")


@pilot_test
async def test_a_32_by_32_input_is_shown_at_80x24_one_cell_per_2x2_block():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into_the_picker(pilot, "i", "diamond:32")
        await pilot.pause()
        assert session.image.shape[-2:] == (32, 32) and session.input_name == "diamond:32"
        assert "cannot" not in shown(app, "#detail")
        assert "1 cell = max of 2×2" in shown(app, "#status")
        grids = view(app).grids
        assert grids["input"].values.shape == (16, 16) and grids["conv2:0"].values.shape == (8, 8)


@pilot_test
async def test_it_opens_on_the_winning_units_strongest_cell_and_follows_the_winner():
    session = NetworkSession.open("rectangle")
    app = TuiconvApp(first_screen=lambda: NetworkScreen(session))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for expected in ("rectangle", "diamond"):
            ref = forward_loops(engine.Network.hand_designed(), session.image)
            unit = ("rectangle", "diamond").index(expected)
            strongest = np.array(ref["relu2"][unit])
            state = view(app).state()
            assert state.selected_map == f"conv2:{unit}"
            assert strongest[state.selected_cell] == strongest.max() == ref["maxima"][unit]
            assert f"layer 2 {expected} {state.selected_cell}".replace(" ", "") in shown(app, "#detail").replace(" ", "")
            await pilot.press("n")  # rectangle → diamond
            await pilot.pause()


@pytest.mark.parametrize(
    "moves, cell, pooled_count",
    [(["down", "right", "right", "right"], (1, 3), 9), ([], (0, 0), 4), (["down"] * 9 + ["right"] * 9, (7, 7), 4)],
)
@pilot_test
async def test_the_windows_on_the_pooled_and_edge_maps_are_what_the_layer2_cell_reads(moves, cell, pooled_count):
    """Bump one pooled (or edge-map) value at a time in a plain-loop layer 2: the cells whose bump
    moves the selected layer-2 value are exactly the ones tinted on those maps."""
    from tests.reference import ref_conv2d, ref_pool

    def pool_loops(maps):
        return ref_pool(maps, 2, 2, "max")[0]

    def conv_loops(x, w, b):
        return ref_conv2d(x, w, b, 1, 1, 1)

    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 9, *moves)
        await pilot.pause()
        i, j = session.cell
        assert session.selected == "conv2:0" and (i, j) == cell
        ones = np.ones((1, 4, 3, 3))
        relu1 = [[[1.0] * 16 for _ in range(16)] for _ in range(4)]
        base = conv_loops(pool_loops(relu1), ones, [0.0])[0][i][j]
        pooled_moves, edge_moves = set(), set()
        for r in range(16):
            for c in range(16):
                bumped = [[row[:] for row in m] for m in relu1]
                bumped[0][r][c] += 1000.0
                pooled = pool_loops(bumped)
                if conv_loops(pooled, ones, [0.0])[0][i][j] != base:
                    edge_moves.add((r, c))
                    pooled_moves.add((r // 2, c // 2))
        grids = view(app).grids
        assert set(grids["pool:0"].window) == pooled_moves and len(pooled_moves) == pooled_count
        assert set(grids["conv1:2"].window) == edge_moves and len(edge_moves) == 4 * pooled_count


@pilot_test
async def test_the_gallery_plays_and_pauses(monkeypatch):
    import tuiconv.app.screens.network as network_screen

    monkeypatch.setattr(network_screen, "GALLERY_PERIOD", 0.05)
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause(0.6)
        await pilot.press("p")
        await pilot.pause()
        seen = session.gallery.seen
        assert seen > 2 and "▶" not in shown(app, "#status")
        assert f"{session.gallery.correct}/{seen} right" in shown(app, "#status")
        await pilot.pause(0.3)
        assert session.gallery.seen == seen  # paused: no more shapes


@pilot_test
async def test_typing_a_weight_and_a_bias_inside_a_unit():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 9, "down", "down", "right", "right", "enter", "tab", "tab")
        await pilot.pause()
        await type_number(pilot, "enter", "-2.5")  # vertical slice, centre weight
        await type_number(pilot, "b", "−3")  # a typographic minus works too
        want = engine.Network.hand_designed()
        want.w2[0, 1, 1, 1] = -2.5
        want.b2[0] = -3.0
        ref = forward_loops(want, session.image)
        assert view(app).state().scores == pytest.approx(tuple(ref["scores"]))
        plain = Text.from_markup(str(view(app).inspector.total.content)).plain
        assert "− 3 (bias)" in plain
        i, j = session.cell
        assert f"ReLU → {max(ref['relu2'][0][i][j], 0):g}" in plain
        await type_number(pilot, "enter", "lots")
        assert "not a number" in shown(app, "#detail")


async def type_number(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    box = pilot.app.screen.query_one(Input)
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_the_keys_follow_the_winner_when_the_input_changes():
    session = NetworkSession.open("rectangle")
    app = TuiconvApp(first_screen=lambda: NetworkScreen(session))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")  # a diamond: the diamond unit wins and is selected
        await pilot.pause()
        i, j = session.cell
        assert session.selected == "conv2:1"
        await pilot.press("left")
        await pilot.pause()
        assert (session.selected, session.cell) == ("conv2:1", (i, max(j - 1, 0)))
        assert view(app).grids["conv2:1"].selected and not view(app).grids["conv2:0"].selected


@pilot_test
async def test_a_tall_terminal_shows_the_numbers_around_the_cursor_and_the_full_arithmetic():
    app, session = make_app("rectangle")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab", "down", "down", "down", "down", "down", "right", "right", "right", "right")
        await pilot.pause()
        assert (session.selected, session.cell) == ("conv1:0", (5, 4))
        ref = np.array(forward_loops(session.net, session.image)["relu1"][0])
        zoom = view(app).zoom
        assert zoom.values == pytest.approx(ref[1:9, 0:8])  # 8×8 around (5, 4), kept inside the map
        assert zoom.cursor == (4, 4)
        assert zoom.title == "horizontal rows 1–8, cols 0–7"
        panel = app.screen.query_one("#arithmetic")
        assert panel.display and view(app).inspector.display
        window = panel.query_one("#arith-window", Grid).values
        assert window == pytest.approx(session.image[0, 4:7, 3:6])


@pilot_test
async def test_a_pooled_cell_says_which_edge_cell_won_its_block():
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 5, "down", "down", "right", "right")
        await pilot.pause()
        assert (session.selected, session.cell) == ("pool:0", (2, 2))
        edge = np.array(forward_loops(session.net, session.image)["relu1"][0])
        block = edge[4:6, 4:6]
        r, c = np.unravel_index(np.argmax(block), block.shape)  # first largest, in reading order
        assert f"= {block.max():g}, from ({4 + r},{4 + c})" in shown(app, "#detail")


@pilot_test
async def test_a_scene_without_weights_starts_from_the_hand_designed_ones(tmp_path):
    path = tmp_path / "learned.npz"
    engine.Network.random(seed=2).save(path)
    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        v = view(app)
        v.apply_scene(Scene(screen="network", input="diamond", weights=str(path)))
        await pilot.pause()
        assert "learned.npz" in shown(app, "#status")
        v.apply_scene(Scene(screen="network", input="diamond"))
        await pilot.pause()
        assert "hand-designed" in shown(app, "#status") and v.state().verdict == "diamond"


@pilot_test
async def test_the_field_on_the_half_block_input_is_visible_without_colour():
    """Tinted (inside the field) and plain pixels of the same value differ in brightness, so the
    field survives NO_COLOR, where Textual keeps only each colour's luminance."""
    from tuiconv.app.palette import luminance

    app, session = make_app("rectangle")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["tab"] * 9, "down", "down", "down", "right", "right", "right")
        await pilot.pause()
        grid = view(app).grids["input"]
        top, left, bottom, right = session.receptive_field()
        line = 1 + (top + 1) // 2  # title line, then two pixel rows per line; fully inside the field
        row = 2 * (line - 1)
        cells = [seg for seg in grid.render_line(line) if seg.text]
        inside = [cells[c].style for c in range(left, right + 1) if session.image[0, row, c] == 0]
        outside = [cells[c].style for c in range(16) if not left <= c <= right and session.image[0, row, c] == 0]
        def lum(style):
            return luminance(style.color.triplet)
        assert inside and outside
        assert min(lum(s) for s in inside) > max(lum(s) for s in outside) + 20
        assert "▕" in shown(app, "#field-rows") and "▔" * (right - left + 1) in shown(app, "#field-cols")


@pilot_test
async def test_a_scene_applied_right_after_mounting_keeps_its_selection():
    """A scene applied as soon as the view mounts keeps its selection (nothing arriving late undoes it)."""
    from textual.screen import Screen

    class Host(Screen):
        MIN_SIZE = (60, 20)

        def compose(self):
            yield NetworkView(NetworkSession.open("rectangle"))

        def on_mount(self) -> None:
            self.query_one(NetworkView).apply_scene(Scene(screen="network", select="conv1:0", position=(6, 6)))

    app = TuiconvApp(first_screen=Host)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        state = app.screen.query_one(NetworkView).state()
        assert (state.selected_map, state.selected_cell) == ("conv1:0", (6, 6))
        assert app.screen.query_one(NetworkView).grids["conv1:0"].selected
