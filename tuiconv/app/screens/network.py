"""The layer stack: input → four edge maps → pooled maps → two shape detectors → verdict, at once.

``NetworkView`` is the explorer (the lesson runner hosts the same widget); ``NetworkScreen`` is the
thin screen ``tuiconv network`` opens. Every number comes from the engine through
``NetworkSession``; this file only lays grids out and turns keys into session calls.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from tuiconv.app.screens.confirm import AsksBeforeLeaving
from tuiconv.app.styles import tcss
from tuiconv.explore.network import LAYER1_PAGE, SLICE_PAGE, WEIGHT_STEP, NetworkSession, split_map_id
from tuiconv.explore import overview as overviews
from tuiconv.app.palette import Scale
from tuiconv.app.views.base import ExplorerView
from tuiconv.explore.numbers import parse_typed_number
from tuiconv.app.widgets.arithmetic import ArithmeticPanel
from tuiconv.app.widgets.grid import Grid
from tuiconv.app.widgets.keybar import KeyBar
from tuiconv.app.widgets.line import Line
from tuiconv.app.widgets.unit_inspector import EDGE_GLYPHS, UnitInspector, ViewGrid, number
from tuiconv.explore.scene import Scene
from tuiconv.engine import network as engine
from tuiconv.engine import shapes
from tuiconv.errors import InputError


# From this many columns the unit inspector shows beside all the maps instead of replacing the
# layer-1 and pooled maps, and from this many rows one channel's arithmetic shows in full below.
ROOMY = (119, 32)
# Rows the view needs for a 16×16 input with its status line: status, headers, two rows of
# titled maps (18), scores and a line of detail.
FULL_HEIGHT = 23
GALLERY_PERIOD = 0.8  # seconds per shape while the gallery plays
ZOOM = 8  # cells per side of the numbers shown around the cursor in a tall terminal
# The unit inspector's columns (with its margin), narrow and in full, and its rows: beside the
# maps only when the maps keep their size next to it.
INSPECTOR_COLUMNS = (39, 54)
INSPECTOR_ROWS = 19
BELOW_ROWS = 10  # the zoom and arithmetic panel under the maps, with its margin
# Grid slots the layer-2 column has: the maps of a page are drawn in them (32 units never need
# 32 widgets; a page of what fits is re-pointed at other maps).
LAYER2_SLOTS = 8

LAYER_TITLES = {
    "input": "input",
    "conv1": "layer 1: 3×3 edge filters + ReLU",
    "pool": "2×2 max pool",
    "conv2": "layer 2",
}


SHORT_NAMES = {"horizontal": "horiz", "vertical": "vert", "diagonal": "diag", "antidiagonal": "anti"}


def map_title(layer: str, name: str, width: int) -> str:
    """The label above a map: its kernel's glyph and name, shortened to the map's width."""
    if layer not in ("conv1", "pool"):
        return name
    glyph = EDGE_GLYPHS.get(name)
    full = f"{glyph} {name}" if glyph else name
    if len(full) <= width:
        return full
    for long in sorted(SHORT_NAMES, key=len, reverse=True):  # "antidiagonal" before "diagonal"
        full = full.replace(long, SHORT_NAMES[long])
    return full[:width]


def span(numbers: range) -> str:
    """"4–7" (or "4" for one)."""
    return f"{numbers.start}" if len(numbers) == 1 else f"{numbers.start}–{numbers.stop - 1}"


def first_that_fits(candidates: list[str], width: int, lines: int) -> str:
    """The first text of at most ``lines`` lines, none wider than ``width``; else the last one."""
    for text in candidates:
        rows = Text.from_markup(text).plain.split("\n")
        if width <= 0 or (len(rows) <= lines and all(cell_len(row) <= width for row in rows)):
            return text
    return candidates[-1]


def needed_size(input_shape: tuple[int, int]) -> tuple[int, int]:
    """The terminal (columns, rows) that shows every map of an H×W input at once, downsampled
    as far as the overview goes (80×24 for 16×16, and for 32×32 drawn one cell per 2×2 block).

    Rows: status, column header, the map stack, the scores, two lines of detail and the footer.
    """
    pooled = tuple(n // engine.POOL_SIZE for n in input_shape)
    columns, rows = overviews.stack_size(input_shape, pooled, overviews.coarsest(input_shape, pooled))
    return max(columns, 60), max(1 + 1 + rows + 1 + 2 + 1, 20)


def bar(fraction: float, width: int) -> str:
    """A bar of eighth-blocks, so a score is also a length (and a number beside it)."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")).ljust(width)


def wrapped_lines(text: str, width: int) -> int:
    """How many rows ``text`` (console markup) takes when wrapped at spaces to ``width`` columns."""
    rows, used = 1, 0
    for word in Text.from_markup(text).plain.split(" "):
        length = cell_len(word)
        if used and used + 1 + length > width:
            rows, used = rows + 1, length
        else:
            used += length + (1 if used else 0)
        while used > width:  # a word longer than the line is cut onto the next one
            rows, used = rows + 1, used - width
    return rows


def fit_parts(parts: list[tuple[int, str]], width: int, lines: int) -> str:
    """The parts joined with " · ", leaving out the highest ranks until the text fits in
    ``lines`` rows of ``width`` columns (rank 0 is always kept)."""
    kept = list(parts)
    while True:
        text = " · ".join(part for _, part in kept)
        droppable = [rank for rank, _ in kept if rank > 0]
        if width <= 0 or not droppable or wrapped_lines(text, width) <= lines:
            return text
        worst = max(droppable)
        kept = [part for part in kept if part[0] != worst]


class NetworkView(ExplorerView, Widget, can_focus=True):
    """Every layer of the two-layer network, the selected cell's receptive field, and its arithmetic."""

    DEFAULT_CSS = tcss(__file__, "network.tcss")


    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "move up", show=False),
        Binding("down,j", "move(1, 0)", "move down", show=False),
        Binding("left,h", "move(0, -1)", "move left", show=False),
        Binding("right,l", "move(0, 1)", "move right", show=False),
        Binding("tab", "cycle(1)", "next map", tooltip="next map (while inspecting: next weight slice)"),
        Binding("shift+tab", "cycle(-1)", "previous map (or weight slice)", show=False),
        Binding("enter", "inspect", "look inside"),
        Binding("w", "wants", "wants", show=False, tooltip="what the selected map's unit wants to see: its preferred input and top patches"),
        Binding("escape", "leave", "leave the inspector (else: back)", show=False),
        Binding("n", "next_shape(1)", "next shape"),
        Binding("N", "next_shape(-1)", "previous shape", show=False),
        Binding("s", "reseed", "same kind, new size", show=False),
        Binding("space", "draw", "flip the input pixel under the cursor", show=False),
        Binding("c", "clear", "blank input, to draw on", show=False),
        Binding("i,o", "choose_input", "choose the input: a shape or a file", show=False),
        Binding("b", "type_bias", "type the inspected unit's bias", show=False),
        Binding("g", "gallery", "gallery"),
        Binding("p", "play", "play/pause the gallery", show=False),
        Binding("plus,equals_sign", "nudge(1)", f"weight under the cursor +{WEIGHT_STEP:g}", show=False),
        Binding("minus", "nudge(-1)", f"weight under the cursor −{WEIGHT_STEP:g}", show=False),
        Binding("0", "zero_weight", "weight under the cursor = 0", show=False),
        Binding("R", "reset_weights", "reset every layer-2 weight", show=False),
        Binding("right_square_bracket,pagedown", "page(1)", "next page of maps (or of the unit's slices)", show=False),
        Binding("left_square_bracket,pageup", "page(-1)", "previous page of maps (or slices)", show=False),
        Binding("number_sign", "parameters", "parameters per layer: F·F·D·K + K", show=False),
    ]
    HELP_TITLE = "The layer stack (arrows/hjkl move the cell cursor)"

    def __init__(self, session: NetworkSession, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.session = session
        self.message_line = ""
        self._player = None
        # While inspecting a unit: the slice (channel) whose weight cursor the arrows move, or
        # None when they move the cell cursor on the unit's map.
        self._slice: int | None = None
        self._slice_cell = (1, 1)
        self._params_shown = False
        s = session
        # A fixed set of grids ("slots") that the maps of the current pages are drawn in: the
        # input, a 2×2 block of layer-1 maps, the same channels pooled, a column of layer-2 maps.
        # The view keeps the focus: moving it between grids would repaint the whole screen.
        def slot(slot_id: str, values) -> ViewGrid:
            return ViewGrid(values, title="", mode="halfblock", id=slot_id)

        self.slots: dict[str, list[ViewGrid]] = {
            "input": [slot("map-input", s.shown("input"))],
            "conv1": [slot(f"slot-conv1-{n}", s.shown("conv1:0")) for n in range(LAYER1_PAGE)],
            "pool": [slot(f"slot-pool-{n}", s.shown("pool:0")) for n in range(LAYER1_PAGE)],
            "conv2": [slot(f"slot-conv2-{n}", s.shown("conv2:0")) for n in range(LAYER2_SLOTS)],
        }
        # In a tall terminal: the selected map's numbers around the cursor.
        self.zoom = ViewGrid(np.zeros((1, 1)), title="", mode="numbers", cell_width=4, id="zoom")
        self.inspector = UnitInspector(id="inspector")

    @property
    def grids(self) -> dict[str, Grid]:
        """map id → the grid that draws it, for every map on screen now (the current pages)."""
        s = self.session
        shown = {"input": self.slots["input"][0]}
        for layer in ("conv1", "pool", "conv2"):
            for slot, k in zip(self.slots[layer], s.page(layer)):
                shown[f"{layer}:{k}"] = slot
        return shown

    def _map_title(self, map_id: str) -> str:
        layer, k = split_map_id(map_id)
        if layer == "input":
            return self._input_title()
        s = self.session
        width = s.shown(map_id).shape[1]
        name = s.name(layer, k)
        if layer in ("conv1", "pool") and s.filters1 > LAYER1_PAGE:  # pages: say which filter
            number = f"{k} "
            return number + map_title(layer, name, max(width - len(number), 1))
        return map_title(layer, name, max(width, len(name) if layer == "conv2" else width))

    def _input_title(self) -> str:
        h, w = self.session.image.shape[-2:]
        title = f"{self.session.input_name} {h}×{w}"
        title = title if len(title) <= max(w, 8) else self.session.input_name
        room = max(self.session.shown("input").shape[1], 8)
        if len(title) > room and not self.session.overview.exact:  # a downsampled map is narrower
            title = title[: room - 1] + "…"
        return title

    # ---- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Line("", id="status")
        with Horizontal(id="stack"):
            yield Line("", id="field-rows")
            with Vertical(id="col-input", classes="column"):
                yield Static(LAYER_TITLES["input"], classes="header")
                yield self.slots["input"][0]
                yield Line("", id="field-cols")
            for layer in ("conv1", "pool"):
                with Vertical(id=f"col-{layer}", classes="column"):
                    yield Line(LAYER_TITLES[layer], id=f"header-{layer}", classes="header")
                    for first in range(0, LAYER1_PAGE, 2):
                        with Horizontal(classes="pair"):
                            yield from self.slots[layer][first : first + 2]
            # The inspector reads the pooled maps and gives a layer-2 value: it sits between them.
            yield self.inspector
            with Vertical(id="col-conv2", classes="column"):
                yield Static(LAYER_TITLES["conv2"], classes="header")
                yield from self.slots["conv2"]
                yield Line("", id="page2")
        with Horizontal(id="below"):
            yield self.zoom
            yield ArithmeticPanel(id="arithmetic")
        yield Line("", id="scores")
        yield Line("", id="detail")

    def on_mount(self) -> None:
        self.focus()
        self.refresh_all()

    def on_resize(self) -> None:
        self.refresh_all()

    def _fit_layout(self) -> None:
        """Fit the maps to the room (downsampled when too big), then add what else fits."""
        width, height = self.size
        # Hosted under a lesson's task lines the view may get 20-22 rows: the status line goes
        # first (its news moves to the scores line), then the column headers; the maps stay.
        self.set_class(height < FULL_HEIGHT, "-short")
        # At 21 rows the headers go too: the detail's second line (the receptive field) matters more.
        self.set_class(height < FULL_HEIGHT - 1, "-shorter")
        s = self.session
        headers = (height >= FULL_HEIGHT) + (height >= FULL_HEIGHT - 1)  # status, column headers
        s.fit_overview(width, height - headers - 3)  # under the maps: scores and two detail lines
        columns, rows = s.stack_size()
        # More room shows more at once: the inspector beside the maps, then a channel in full.
        wide = width >= ROOMY[0] and columns + INSPECTOR_COLUMNS[0] <= width
        self.set_class(wide, "-roomy-x")
        stack_rows = max(rows + 1, INSPECTOR_ROWS if wide else 0)
        self.set_class(wide and height >= ROOMY[1] and stack_rows + BELOW_ROWS + 3 <= height, "-roomy-y")
        # Products need 15 more columns: beside all the maps only from 136, alone from 100.
        narrow = width < 136 or columns + INSPECTOR_COLUMNS[1] > width if wide else width < 100
        self.inspector.set_class(narrow, "-narrow")
        # The layer-2 column shows as many maps as the stack's rows hold (with a line saying
        # which when they are not all there).
        pooled_rows = -(-s.forward.pool1.shape[1] // s.overview.pooled)
        titled = 1 + -(-pooled_rows // 2)
        fit = min(rows // titled, LAYER2_SLOTS)
        s.set_page2(fit if s.filters2 <= fit else min(max((rows - 1) // titled, 1), LAYER2_SLOTS))

    # ---- drawing -----------------------------------------------------------------------------
    def refresh_all(self) -> None:
        """Push the session's numbers into every grid and line (grids redraw only changed rows)."""
        s = self.session
        self._fit_layout()
        scales = {
            "conv1": Scale.for_values(s.forward.relu1, signed=False),
            "pool": Scale.for_values(s.forward.pool1, signed=False),
            "conv2": Scale.for_values(s.forward.relu2, signed=False),
        }
        reads = s.shown_reads()
        if "receptive-field" in s.concealed:
            # The tint on the input (and its rulers) would show the field's size: the question.
            reads = {layer: cells for layer, cells in reads.items() if layer != "input"}
        shown = self.grids
        for layer in ("conv1", "pool", "conv2"):
            on_page = len(s.page(layer))
            for n, slot in enumerate(self.slots[layer]):
                if slot.display != (n < on_page):  # a page shorter than the slots: hide the rest
                    slot.display = n < on_page
        for map_id, grid in shown.items():
            layer, _ = split_map_id(map_id)
            if layer in scales:
                grid.scale = scales[layer]
            grid.values = s.shown(map_id)
            grid.cursor = s.shown_cursor() if map_id == s.selected else None
            grid.selected = map_id == s.selected and self._slice is None
            grid.window = reads.get(layer, frozenset())
        for map_id, grid in shown.items():
            title = self._map_title(map_id)
            if grid.title != title:  # a title redraw is a line sent to the terminal: only on change
                grid.title = title
        self._show_page_lines()
        self._show_field_rulers()
        self._show_inspector()
        self._show_text("status", self._status_text())
        self._scores = self._scores_text()  # the detail's rows depend on how many these take
        self._show_text("scores", self._scores)
        self._show_text("detail", self._detail_text())

    def _show_page_lines(self) -> None:
        """The headers say which filters are on screen when they are not all there."""
        s = self.session
        if s.filters1 > LAYER1_PAGE:
            self._show_text("header-conv1", f"layer 1: filters {span(s.page('conv1'))} of {s.filters1}")
        else:  # only the hand-designed filters are edge filters by design
            self._show_text("header-conv1", LAYER_TITLES["conv1"] if s.hand_designed else "layer 1: 3×3 filters + ReLU")
        page2 = s.page("conv2")
        if len(page2) < s.filters2:
            width = max(s.shown("conv2:0").shape[1], overviews.TITLE_WIDTH)
            text = f"{span(page2)} of {s.filters2}"
            self._show_text("page2", text if len(text) <= width else f"{span(page2)}/{s.filters2}")
        else:
            self._show_text("page2", "")
        self.query_one("#page2").display = len(page2) < s.filters2

    def _show_text(self, widget_id: str, text: str) -> None:
        self.query_one(f"#{widget_id}", Line).show(text)  # sent only when the text changed

    def _show_field_rulers(self) -> None:
        # Colour is not the only carrier: brackets beside and under the input mark the field.
        s = self.session
        h, w = s.shown("input").shape
        if "receptive-field" in s.concealed:
            self._show_text("field-cols", "\u00a0" * w)
            self._show_text("field-rows", "\n".join(" " for _ in range((h + 1) // 2)))
            return
        f = s.overview.factor("input")
        top, bottom = overviews.shown_span(*s.receptive_field()[::2], f)
        left, right = overviews.shown_span(*s.receptive_field()[1::2], f)
        cols = "".join("▔" if left <= c <= right else "\u00a0" for c in range(w))  # kept, unlike spaces
        lines = (h + 1) // 2
        rows = "\n".join("▕" if (2 * y <= bottom and 2 * y + 1 >= top) else " " for y in range(lines))
        self._show_text("field-cols", cols)
        self._show_text("field-rows", rows)

    def _show_inspector(self) -> None:
        s = self.session
        if self.has_class("-roomy-x") or self.session.inspecting:
            edited = s.net.w2[s.unit] != s.original.w2[s.unit]
            names = [s.name("conv1", k) for k in range(s.filters1)]
            self.inspector.show(s.unit_step(), s.name("conv2", s.unit), names, s.page("slices"), s.unit_ranking(), edited)
            for channel, grid in zip(s.page("slices"), self.inspector.slice_grids()):
                grid.cursor = self._slice_cell if channel == self._slice else None
                grid.selected = channel == self._slice
        if self.has_class("-roomy-y"):
            self._show_zoom()
            self._show_arithmetic()

    def _show_zoom(self) -> None:
        """Up to ZOOM×ZOOM numbers of the selected map around the cursor, as the engine has them."""
        s = self.session
        values = s.values(s.selected)
        h, w = values.shape
        i, j = s.cell
        r0, c0, r1, c1 = s.zoom_window(ZOOM)
        grid = self.grids[s.selected]
        self.zoom.scale = grid.scale
        self.zoom.values = values[r0:r1, c0:c1]
        self.zoom.cursor = (i - r0, j - c0)
        name = s.name(s.layer, s.channel)
        where = "" if (r1 - r0, c1 - c0) == (h, w) else f" rows {r0}–{r1 - 1}, cols {c0}–{c1 - 1}"
        title = f"{name}{where}"
        if self.zoom.title != title:
            self.zoom.title = title

    def _show_arithmetic(self) -> None:
        """One channel in full, with the stepper's panel: the selected layer-1 cell, or the
        inspected layer-2 unit's channel under the weight cursor (else its biggest contributor)."""
        s = self.session
        panel = self.query_one("#arithmetic", ArithmeticPanel)
        if s.layer == "conv1":
            panel.show(s.conv1_step(), channel_names=[s.name("conv1", s.channel)], relu=True)
            return
        step = s.unit_step()
        where = self._weight_cursor()
        channel = where[1] if where else step.busiest_channel
        names = [s.name("conv1", k) for k in range(step.window.shape[0])]
        panel.show(step, channel=channel, channel_names=names, relu=True)

    def _status_text(self) -> str:
        s = self.session
        h, w = s.image.shape[-2:]
        weights = s.weights_name or ("hand-designed" if s.hand_designed else "random, untrained")
        if s.weights_edited:
            weights += " (edited)"
        # Names are escaped: a file called "[@click=app.quit]q.txt" is text, not a link that quits.
        text = f"input: [b]{escape(s.input_name)}[/b] {h}×{w} · weights: {escape(weights)}"
        if not s.overview.exact:  # the maps are downsampled: say so, and where the exact values are
            full, pooled = s.overview.full, s.overview.pooled
            text += f" · maps: 1 cell = max of {full}×{full}" + ("" if pooled == full else " (pooled, layer 2: exact)" if pooled == 1 else f" (pooled: {pooled}×{pooled})")
        g = s.gallery
        if g is not None:
            rate = f" ({100 * g.accuracy:.0f}%)" if g.seen else ""
            playing = " ▶" if self._player is not None else ""
            text += f" · gallery{playing}: {g.correct}/{g.seen} right{rate}"
        # How many numbers each layer learns, live; # spells out F·F·D·K + K. Dropped first.
        counts = "+".join(str(row.total) for row in s.parameter_counts())
        for extra in (f" · parameters {counts} (# how)", f" · parameters {counts}"):
            if cell_len(Text.from_markup(text + extra).plain) <= self.size.width:
                return text + extra
        return text

    def _score_lines(self) -> int:
        """Rows the scores may take: one when one line holds them, else two if the detail keeps a line."""
        return 2 if self._free_rows() >= 3 else 1

    def _free_rows(self) -> int:
        used = self.session.stack_size()[1]
        used += (not self.has_class("-short")) + (not self.has_class("-shorter"))  # status, headers
        return self.size.height - used

    def _scores_text(self, lines: int | None = None) -> str:
        """The raw scores (w3 · max + b3) and softmax's probabilities of every kind, and the
        verdict; in one line when that holds them, else in two. The maxima are shown beside the
        scores when each score reads one unit's maximum (the hand-designed net): the softmax
        saturates, and the maxima show how close the race was."""
        s = self.session
        lines = self._score_lines() if lines is None else lines
        width = self.size.width
        g = s.gallery
        kinds = s.kinds
        hidden_verdict = "verdict" in s.concealed  # a lesson asks for the verdict: nothing may give it away
        hidden_scores = hidden_verdict or "scores" in s.concealed
        one_unit = s.scores_read_one_unit and not hidden_verdict
        maxima = [number(float(s.forward.maxima[k])) for k in range(len(kinds))] if one_unit else None
        logits = ["?" if hidden_scores else f"{v:.2f}" for v in s.logits]
        probs = ["?" if hidden_verdict else f"{v:.2f}" for v in s.scores]
        fractions = [0.0 if hidden_verdict else v for v in s.scores]
        if hidden_verdict:
            verdict = " → [b reverse] ? [/] (hidden until you answer)"
        else:
            truth = ""
            if g is not None and g.truth is not None:
                truth = " ✓ right" if g.truth == s.verdict else f" ✗ it is a {g.truth}"
            if g is not None and self.has_class("-short"):
                truth += f"  {g.correct}/{g.seen}"
            if s.tied:
                truth += f" (a tie: every score {logits[0]})"
            verdict = f" → [b reverse] {s.verdict.upper()} [/]{truth}"
        # A question about a score keeps the scores covered (the maxima and probabilities stay).
        note = "  (? until you answer)" if "scores" in s.concealed and not hidden_verdict else ""
        one_line = []
        if maxima is not None:
            one_line.append("max→score→softmax: " + " · ".join(
                f"{kind} {m}→{v}→{p}" for kind, m, v, p in zip(kinds, maxima, logits, probs)) + verdict + note)
            if note:  # short of room, the "?" alone says what is covered
                one_line.append(one_line[-1].removesuffix(note))
        if maxima is None or not note:  # covered scores keep their maxima: the question needs them
            one_line.append("score→softmax: " + " · ".join(f"{kind} {v}→{p}" for kind, v, p in zip(kinds, logits, probs)) + verdict + note)
        # Short of rows and columns (four kinds under a lesson's task lines): the probabilities.
        last_resort = "softmax: " + "  ".join(f"{kind} {p}" for kind, p in zip(kinds, probs)) + verdict
        two_lines = []
        for bars, sep, label in ((6, " · ", "scores (w3·max + b3):"), (3, "  ", "scores w3·max+b3:"), (0, "  ", "scores w3·max+b3:")):
            raw = sep.join(f"{kind} {v}" + (f" (max {maxima[k]})" if maxima else "") for k, (kind, v) in enumerate(zip(kinds, logits)))
            soft = sep.join(f"{kind} " + (f"{bar(f, bars)} " if bars else "") + p for kind, f, p in zip(kinds, fractions, probs))
            two_lines.append(f"{label} {raw}{note}\n→ softmax: {soft}{verdict}")
            if maxima and not note:  # without the maxima, when they make the first line too long
                raw = sep.join(f"{kind} {v}" for kind, v in zip(kinds, logits))
                two_lines.append(f"{label} {raw}\n→ softmax: {soft}{verdict}")
        candidates = one_line + (two_lines if lines >= 2 else []) + [last_resort]
        if lines >= 2 and (self.has_class("-roomy-y") or self._free_rows() >= 4):
            candidates = two_lines + one_line + [last_resort]  # room to spare: the words, the bars, the maxima
        return first_that_fits(candidates, width, 1 if lines < 2 else 2)

    def _detail_text(self) -> str:
        """The selected cell's line: its value, its receptive field, then what fits of the rest."""
        if self.message_line:
            return self.message_line
        width, lines = self.size.width, self._detail_lines()
        if self._params_shown:  # the total goes first when short of room: the status line has it
            for compact in (False, True):
                *layers, total = self.session.parameter_lines(compact)
                text = fit_parts([(0, line) for line in layers] + [(1, total)], width, lines)
                if wrapped_lines(text, width) <= lines:
                    break
            return text
        text = fit_parts(self._detail_parts(), width, lines)
        if width and wrapped_lines(text, width) > lines:  # squeezed to one line: the short words
            text = fit_parts(self._detail_parts(short=True), width, lines)
        return text

    def _detail_lines(self) -> int:
        """Rows left for the detail under the maps and scores (2 at 80×24 when the scores hold
        in one line, also under a lesson's task lines; 1 when the view is squeezed harder); an
        edited weight's keys get one line."""
        if self._weight_cursor() is not None:
            return 1
        scores = getattr(self, "_scores", "").count("\n") + 1
        if self.has_class("-roomy-y"):
            return 3
        return max(1, min(3, self._free_rows() - scores))

    def _detail_parts(self, short: bool = False) -> list[tuple[int, str]]:
        """(rank, text) in reading order; when the line is short, the highest rank goes first.

        Rank 0 stays: what the cell is and, above the input, the receptive field this screen is about.
        """
        s = self.session
        where = self._weight_cursor()
        if where is not None:
            unit, channel, row, col = where
            weight = number(float(s.net.w2[where]))
            slice_name = f"{s.name('conv1', channel)} slice"
            if s.filters1 > SLICE_PAGE:
                slice_name = f"slice {channel} ({s.name('conv1', channel)})"
            return [
                (0, f"{s.name('conv2', unit)}'s {slice_name} ({row},{col}) = {weight}"),
                (0, f"+/− by {WEIGHT_STEP:g}"),
                (1, "enter types it"),
                (2, "0 zeroes"),
                (4, "b bias"),
                (5, "R resets"),
                (3, "esc back"),
            ]
        i, j = s.cell
        value = number(s.cell_value)
        name = s.name(s.layer, s.channel)
        if short:
            name = SHORT_NAMES.get(name, name)
        if s.layer in ("conv1", "pool") and s.filters1 > LAYER1_PAGE:
            name = f"filter {s.channel} {name}"
        elif s.layer == "conv2" and not s.hand_designed and name != f"unit {s.channel}":
            name = f"unit {s.channel} {name}"
        if s.layer == "input":
            return [
                (0, f"input ({i},{j}) = {value}"),
                (0, "space draws"),
                (1, "c clears"),
                (3, "n next shape"),
                (2, "i choose input"),
            ]
        sees = self._sees_text(short)
        if short:
            layer = "pooled " if s.layer == "pool" else ""
            return [(0, f"{layer}{name} ({i},{j}) = {value}"), (0, sees)]
        if s.layer == "conv1":
            step = s.conv1_step()
            kernel = "/".join(" ".join(number(float(v)) for v in row) for row in step.weights[0])
            return [
                (0, f"layer 1 {name} ({i},{j}) = ReLU({number(step.total)}) = {value}"),
                (0, sees),
                (1, f"kernel {kernel}, bias {number(step.bias)}"),
            ] + ([(2, "[ ] page")] if s.filters1 > LAYER1_PAGE else [])
        if s.layer == "pool":
            r, c = (int(v) for v in s.forward.pool1_argmax[s.channel][i, j])
            size = engine.POOL_SIZE
            return [(0, f"pooled {name} ({i},{j}) = max of its {size}×{size} block = {value}, from ({r},{c})"), (0, sees)]
        if self.session.inspecting:
            hint = "tab: edit its weights · esc: back to the maps"
            if s.filters1 > SLICE_PAGE:
                hint += " · [ ] more slices"
        else:
            hint = "enter: edit its weights" if self.has_class("-roomy-x") else "enter: look inside"
        parts = [(0, f"layer 2 {name} ({i},{j}) = {value}"), (0, sees), (1, hint)]
        if not s.hand_designed and "verdict" not in s.concealed:  # what the unit is for, as a fact
            kind, weight = s.unit_feeds(s.channel)
            parts.append((2, f"its max counts most for {kind} (w3 {number(weight)})"))
        if len(s.page("conv2")) < s.filters2:
            parts.append((3, "[ ] page"))
        return parts

    def _sees_text(self, short: bool = False) -> str:
        """The selected cell's receptive field in words, or "?" while a lesson's question conceals it."""
        where = "rows" if short else "input rows"
        if "receptive-field" in self.session.concealed:
            return f"sees {where} ?–?, cols ?–?: ?×? = ? pixels (hidden until you answer)"
        top, left, bottom, right = field = self.session.receptive_field()
        count = field.height * field.width
        sees = f"sees {where} {top}–{bottom}, cols {left}–{right}: {field.height}×{field.width} = {count} pixels"
        if (field.height, field.width) != (field.size, field.size):
            article = "an" if str(field.size).startswith("8") else "a"
            sees += f" (of {field.size}×{field.size})" if short else f" ({article} {field.size}×{field.size} field cut by the border)"
        return sees

    # ---- the lesson contract -----------------------------------------------------------------
    def apply_scene(self, scene: Scene) -> None:
        """Set up what a lesson step asks for; raises InputError/ValueError when it cannot."""
        self._stop_player()
        self.session.apply_scene(scene)
        self._stop_inspecting()
        self._changed()

    def show_revealed(self) -> None:
        self.refresh_all()

    def focus_target(self) -> Widget:
        grid = self.grids.get(self.session.selected)  # arrows move the selection
        return grid if grid is not None and grid.focusable else self

    def _changed(self) -> None:
        self.refresh_all()
        self.announce_change()

    # ---- selection ---------------------------------------------------------------------------
    def _stop_inspecting(self) -> None:
        self._set_inspecting(False)
        self._slice = None

    def _set_inspecting(self, on: bool) -> None:
        self.session.inspecting = on
        self.set_class(on, "-inspecting")

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The view's actions for ctrl+p, each a sentence a learner would search for."""
        entries = [
            ("Next shape", "show the next shape of the library (rectangle, diamond, cross, ...)", lambda: self.action_next_shape(1)),
            ("Previous shape", "show the previous shape of the library", lambda: self.action_next_shape(-1)),
            ("Same kind, new size", "another shape of this kind at a new size and position", self.action_reseed),
            ("Choose the input", "a shape from the library, or type a shape file path", self.action_choose_input),
            ("Blank input to draw on", "clear the input; space flips the pixel under the cursor", self.action_clear),
            ("Gallery on/off", "step through generated shapes, counting right verdicts", self.action_gallery),
            ("Gallery play/pause", "show a new shape every moment", self.action_play),
            ("Look inside a layer-2 unit", "each pooled window × its slice, and their sum", self.action_inspect),
            ("Reset layer-2 weights", "undo every weight edit", self.action_reset_weights),
        ]
        for map_id in self.session.maps:
            layer, k = split_map_id(map_id)
            entries.append(
                (f"Select {map_id} ({self.session.name(layer, k)})", "select this map and see its receptive field",
                 lambda m=map_id: self._select_map(m))
            )
        for title, help_text, callback in entries:
            yield SystemCommand(f"Network: {title}", help_text, callback)

    def _select_map(self, map_id: str) -> None:
        self._stop_inspecting()
        self.session.select(map_id)
        self._changed()

    # ---- actions -----------------------------------------------------------------------------
    def action_move(self, d_row: int, d_col: int) -> None:
        """Arrows: the weight cursor inside a slice, else the selected map's cell cursor."""
        if self._slice is not None:
            rows, cols = self.session.net.w2.shape[-2:]
            r, c = self._slice_cell
            self._slice_cell = (min(max(r + d_row, 0), rows - 1), min(max(c + d_col, 0), cols - 1))
            self.message_line = ""
            self.refresh_all()
            return
        self.session.move(d_row, d_col)
        self.message_line = ""
        self._params_shown = False
        self._changed()

    def action_cycle(self, step: int) -> None:
        """tab: the next map; while inspecting, the unit's map and then each of its slices."""
        self.message_line = ""
        self._params_shown = False
        if self.session.inspecting:
            ring = [None, *range(self.session.filters1)]
            self._slice = ring[(ring.index(self._slice) + step) % len(ring)]
            if self._slice is not None:
                self.session.show_slice(self._slice)  # the slices' page follows the weight cursor
            self.refresh_all()
            return
        self.session.cycle_map(step)
        self._changed()

    def action_page(self, step: int) -> None:
        """[ and ]: the next page of the selected map's column, or of the inspected unit's slices."""
        s = self.session
        self._params_shown = False
        try:
            where = s.turn_page(step)
        except ValueError as error:
            self._say(escape(str(error)))
            return
        if s.inspecting and self._slice is not None and self._slice not in s.page("slices"):
            self._slice = s.page("slices").start  # the weight cursor stays on the page shown
        self.message_line = where
        self._changed()

    def action_parameters(self) -> None:
        """#: each layer's parameter count as F·F·D·K + K in the detail lines (again: hide them)."""
        self._params_shown = not self._params_shown
        self.message_line = ""
        self.refresh_all()

    def _say(self, text: str) -> None:
        self.message_line = text
        self._show_text("detail", text)

    def action_inspect(self) -> None:
        s = self.session
        where = self._weight_cursor()
        if where is not None:  # enter on a weight: type its value
            unit, channel, row, col = where
            title = f"{s.name('conv2', unit)}'s {s.name('conv1', channel)} weight at ({row},{col})"
            self._ask_number(title, float(s.net.w2[where]), lambda v: s.set_weight(*where, v))
            return
        if s.layer not in ("conv2", "pool"):
            self._say("enter looks inside a layer-2 unit: tab to a layer-2 map (or a pooled map) first")
            return
        if s.layer == "pool":
            s.select(f"conv2:{s.unit}")
        if self.session.inspecting:
            self._stop_inspecting()
        else:
            self._set_inspecting(True)
        self.message_line = ""
        self._changed()

    def action_wants(self) -> None:
        """w: the selected map's unit (a pooled map's is its layer-1 filter), on its own screen."""
        from tuiconv.app.screens.wants import WantsScreen
        from tuiconv.explore.wants import open_for

        try:
            wants = open_for(self.session)
        except ValueError as error:  # the input map: no unit behind it
            self._say(escape(str(error)))
            return
        self.announce_change()  # a lesson step may ask for it to be opened
        self.app.push_screen(WantsScreen(wants))

    def action_leave(self) -> None:
        if self.session.inspecting:
            self._stop_inspecting()
            self._changed()
            return
        raise SkipAction()  # nothing to leave here: the screen's escape goes back or quits

    def _input_change(self, change) -> None:
        s = self.session
        before = (s.image[0].copy(), s.input_name)
        try:
            change()
        except (InputError, ValueError) as error:
            self._say(f"[b]cannot:[/b] {escape(str(error))}")
            return
        need_w, need_h = needed_size(s.image.shape[-2:])
        if need_w > self.app.size.width or need_h > self.app.size.height:
            h, w = s.image.shape[-2:]
            s.set_input(*before)
            self._say(f"[b]cannot:[/b] a {h}×{w} input needs a {need_w}×{need_h} terminal to show every map")
            return
        self.message_line = ""
        self._changed()

    def action_next_shape(self, step: int) -> None:
        # In the gallery, n shows the next generated shape instead of the next library kind.
        if self.session.gallery is not None and step > 0:
            self._gallery_step()
            return
        self.session.stop_gallery()
        self._stop_player()
        self._input_change(lambda: self.session.next_shape(step))

    def action_reseed(self) -> None:
        self._input_change(self.session.reseed)

    def action_draw(self) -> None:
        if self.session.layer != "input":
            self._say("space draws on the input: shift+tab back to the input map first")
            return
        self._input_change(self.session.toggle_pixel)

    def action_clear(self) -> None:
        self.session.stop_gallery()
        self._stop_player()
        self.session.select("input")
        self._input_change(self.session.clear_input)

    def action_choose_input(self) -> None:
        from tuiconv.app.widgets.picker import Picker  # only when asked: start-up stays light

        options = [(kind, f"{kind:<10} outline") for kind in shapes.SHAPE_KINDS]
        options += [(f"filled-{kind}", f"filled-{kind}") for kind in shapes.SHAPE_KINDS]
        options += [(f"noisy-{kind}", f"noisy-{kind}  (5% of the pixels flipped)") for kind in engine.CLASSES]
        size = self.session.image.shape[-1]
        prompt = f"tab, then type a shape file path, or NAME:SIZE (now {size})"
        self.app.push_screen(Picker("Input", options, prompt=prompt), self._input_chosen)

    def _input_chosen(self, spec: str | None) -> None:
        if spec and spec.strip():
            self.session.stop_gallery()
            self._stop_player()
            self._input_change(lambda: self.session.load_input(spec.strip()))

    def _ask_number(self, title: str, current: float, then) -> None:
        from tuiconv.app.widgets.picker import Picker

        def typed(text: str | None) -> None:
            if text is None or not text.strip():
                return
            try:
                value = parse_typed_number(text, "a weight")
            except ValueError as error:
                self._say(f"[b]cannot:[/b] {escape(str(error))}")
                return
            then(value)
            self.message_line = ""
            self._changed()

        self.app.push_screen(Picker(title, [], prompt="a number", initial=number(current)), typed)

    def action_type_bias(self) -> None:
        s = self.session
        if not self.session.inspecting:
            self._say("b types a layer-2 unit's bias: select a layer-2 map and press enter first")
            return
        unit = s.unit
        self._ask_number(f"bias of the {s.name('conv2', unit)} unit", float(s.net.b2[unit]), lambda v: s.set_bias(unit, v))

    def action_gallery(self) -> None:
        s = self.session
        if s.gallery is None:
            s.start_gallery()
            self.message_line = "gallery: n shows the next shape, p plays and pauses, g stops"
            self._changed()
        else:
            s.stop_gallery()
            self._stop_player()
            self.message_line = ""
            self._changed()

    def action_play(self) -> None:
        if self._player is not None:
            self._stop_player()
        else:
            if self.session.gallery is None:
                self.session.start_gallery()
            self._player = self.set_interval(GALLERY_PERIOD, self._gallery_step)
        self._changed()

    def _stop_player(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player = None

    def _gallery_step(self) -> None:
        """The next generated shape, counted (n in the gallery, and each tick while it plays)."""
        if self.session.gallery is None:
            return
        self.session.gallery_next()
        self.message_line = ""
        self._changed()

    def _weight_cursor(self):
        """(unit, channel, row, col) under the weight cursor while inspecting, or None."""
        if self._slice is None or not self.session.inspecting:
            return None
        return (self.session.unit, self._slice, *self._slice_cell)

    def action_nudge(self, sign: int) -> None:
        where = self._weight_cursor()
        if where is None:
            self._say("to edit a weight: select a layer-2 map, enter, then tab to a slice")
            return
        self.session.nudge_weight(*where, sign * WEIGHT_STEP)
        self.message_line = ""
        self._changed()

    def action_zero_weight(self) -> None:
        where = self._weight_cursor()
        if where is None:
            self._say("to edit a weight: select a layer-2 map, enter, then tab to a slice")
            return
        self.session.set_weight(*where, 0.0)
        self._changed()

    def action_reset_weights(self) -> None:
        self.session.reset_weights()
        s = self.session
        self._say("weights reset to " + (s.weights_name or ("the hand-designed ones" if s.hand_designed else "the random ones")))
        self._changed()


class NetworkScreen(AsksBeforeLeaving, Screen):
    """``tuiconv network``: the NetworkView and a footer of its keys (? and q come from the app)."""

    TITLE = "the layer stack"
    # The view keeps the focus and takes tab for the next map: Textual's "focus next" never runs
    # here, so it goes undescribed (and out of ? help).
    BINDINGS = [Binding("tab", "app.focus_next", show=False), Binding("shift+tab", "app.focus_previous", show=False)]

    def __init__(self, session: NetworkSession):
        super().__init__()
        self.session = session

    @property
    def MIN_SIZE(self) -> tuple[int, int]:  # noqa: N802 - the name the app reads
        return needed_size(self.session.image.shape[-2:])

    def compose(self) -> ComposeResult:
        yield NetworkView(self.session, id="network")
        yield KeyBar()

    def leave_question(self) -> str | None:
        lost = self.query_one(NetworkView).session.what_would_be_lost() if self.app.at_first_screen else None
        return None if lost is None else f"Quit tuiconv? {lost[0].upper() + lost[1:]} will be lost."

    def palette_commands(self) -> Iterable[SystemCommand]:
        return self.query_one(NetworkView).palette_commands()
