"""The one grid widget: every grid in the app (input, kernel, feature maps, pooled maps, weights).

Usage::

    from tuiconv.app.widgets.grid import Grid

    grid = Grid(values, title="input", mode="numbers", id="input")  # values: 2-D numpy array
    grid.values = new_values          # repaints only the cells whose values changed
    grid.scale = Scale(-4, 4, True)   # share one palette.Scale across maps (None: from the data)
    grid.window = Grid.rectangle(1, 2, 3, 3, step=2)   # highlighted cells (a dilated 3×3 here)
    grid.cursor = (0, 0)              # the cursor cell, or None
    grid.marks = {"padding": cells, "winner": {(1, 1)}}  # kinds: see MARKS (a glyph each)
    grid.cursor_movable = True        # arrows/hjkl move the cursor and post Grid.CursorMoved
    grid.concealed = True             # computed cells show "?" in a neutral colour (a lesson's question)
    grid.blank_unfilled = True        # NaN cells drawn as nothing, so the grid's size is not told
    Grid(values, focusable=False)     # a grid tab skips (one that only illustrates)

    def on_grid_cursor_moved(self, event: Grid.CursorMoved) -> None:
        event.grid, event.cell        # (row, col)

Modes (``mode=``):

- ``"numbers"``: each value printed in its coloured cell, ``cell_width`` characters wide
  (default: as wide as the widget allows, 3 to ``max_cell_width``);
- ``"shade"``: a shade glyph (``·░▒▓█``) in the value's colour, 1–2 characters per cell;
- ``"halfblock"``: ``▀`` with separate fore/background colours, two rows per line (overviews);
- ``"auto"`` (default): numbers when at least 3 characters per cell fit (2 when every value is
  a single digit, like a 0/1 shape), else shade glyphs.

NaN values mean "not computed yet" and draw as an empty ``·`` cell: a feature map fills in as
the filter moves. Cell coordinates are (row, col) of the array given. The widget never
computes numbers: it only draws what it is handed, colours from :mod:`tuiconv.app.palette`.
Width and height are ``auto`` by default; give the widget a fixed or ``fr`` width in CSS and
leave ``cell_width=None`` to let cells grow with the room available.

Highlights that survive 16 colours and ``NO_COLOR``: the window is drawn in reverse video, the
cursor with a ``▸`` and an underline, marks with their glyph right after the cell's own number
(``5*``), padding dim and colourless (in shade mode padding shows its ``·``).
Every change repaints just the cells it touches (``refresh(Region)``), so a step sends a few
cells over the wire, not the screen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tuiconv.app import palette
from tuiconv.app.palette import Scale

from tuiconv.app.textual_patches import KeepsLines

Cell = tuple[int, int]

# Mark kinds a grid knows how to draw, and the character that shows each without colour
# (the first character of a numbers cell, or the glyph itself in shade mode).
MARKS = {
    "padding": "·",  # the zero border added by padding: dim, colourless
    "winner": "*",  # the cell a max-pool window picked
    "uncovered": "×",  # input cells no window ever reaches (stride does not divide evenly)
    "edited": "'",  # a value the learner changed by hand
}
EMPTY_GLYPH = "·"
MIN_NUMBER_WIDTH = 3


def format_number(value: float, width: int, decimals: int = 2) -> str:
    """``value`` in at most ``width`` characters, as precise as fits ("-0.5" → "-.5" if needed),
    with at most ``decimals`` decimals."""
    if not np.isfinite(value):
        return EMPTY_GLYPH
    if float(value).is_integer():
        text = str(int(value))
        if len(text) <= width:
            return text
    else:
        for places in range(decimals, 0, -1):
            text = f"{value:.{places}f}".rstrip("0").rstrip(".")
            if text in ("0", "-0"):
                break
            if len(text) <= width:
                return text
            if places > 2:
                continue  # a third decimal only in full: ".111" would read worse than "0.11"
            short = text.replace("0.", ".", 1)
            if len(short) <= width:
                return short
        text = str(round(value))
        if text in ("0", "-0"):
            return "+0" if value > 0 and width >= 2 else "-0" if width >= 2 else "0"
        if len(text) <= width:
            return text
    return ("-" if value < 0 else "+") * max(1, min(width, 2))


def whole_number_width(values: np.ndarray) -> int:
    """Characters the widest value needs to keep its whole part (``format_number`` drops
    decimals first): a cell narrower than this plus its gutter would show ``--``/``++``."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 1
    widest = max(len(str(int(round(float(v))))) for v in (finite.min(), finite.max()))
    return max(widest, 2 if finite.min() < 0 else 1)


WINDOW_TINT: palette.RGB = (0, 190, 210)


def _tint(rgb: palette.RGB, amount: float = 0.4) -> palette.RGB:
    """A half-block pixel inside the window: mixed toward teal (dark pixels get lighter too)."""
    return tuple(round(a + (b - a) * amount) for a, b in zip(rgb, WINDOW_TINT))  # type: ignore[return-value]


def _single_digits(values: np.ndarray) -> bool:
    """Every value a whole number from 0 to 9 (or not computed yet): one character each."""
    finite = values[np.isfinite(values)]
    return bool(np.all((finite >= 0) & (finite <= 9) & (finite == np.round(finite))))


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7] → [(1, 3), (7, 7)]: runs of neighbouring columns."""
    runs: list[tuple[int, int]] = []
    for col in columns:
        if runs and runs[-1][1] == col - 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def _cells_region(run: tuple[int, int], lines: list[int], cell: int) -> Region:
    first, last = run
    top, bottom = lines
    return Region(first * cell, top, (last - first + 1) * cell, bottom - top + 1)


# A cell's look depends only on these arguments, and a step redraws mostly cells it drew before:
# caching them keeps a repaint to a dictionary lookup per cell. ``value`` is None when not finite.
@lru_cache(maxsize=8192)
def _number_segment(
    value: float | None, cell: int, scale: Scale, mark: str | None, in_window: bool, is_cursor: bool, hidden: bool, padded: bool, decimals: int = 2
) -> Segment:
    text = "?" if hidden else format_number(math.nan if value is None else value, cell - 1, decimals)
    # A mark follows its own number ("5*"), so it never reads as part of the number before it;
    # padding shows no glyph (its dim, colourless look says it): "· 0· 0" was a fence.
    glyph = MARKS[mark] if mark and mark != "padding" else None
    if glyph and not is_cursor and len(text) <= cell - 2:
        cell_text = text.rjust(cell - 1) + glyph
    else:
        gutter = "▸" if is_cursor else glyph or " "
        cell_text = gutter + text.rjust(cell - 1)
    if hidden or padded or value is None:
        style = palette.padding_style(bold=is_cursor, underline=is_cursor, reverse=in_window)
    else:
        style = palette.cell_style(
            value, scale, bold=in_window or is_cursor or mark == "winner", underline=is_cursor, reverse=in_window
        )
    return Segment(cell_text, style)


@lru_cache(maxsize=8192)
def _shade_segment(
    value: float | None, cell: int, scale: Scale, mark: str | None, in_window: bool, is_cursor: bool, hidden: bool, padded: bool
) -> Segment:
    if is_cursor:
        glyph = "▸"
    elif mark:
        glyph = MARKS[mark]
    elif value is None:
        glyph = EMPTY_GLYPH
    elif hidden:
        glyph = "?"
    else:
        glyph = palette.shade_glyph(value, scale)
    colour = palette.PADDING_FG if (hidden or padded or value is None) else palette.colour(value, scale)
    return Segment(glyph * cell, palette.glyph_style(colour, reverse=in_window or is_cursor))


class Grid(KeepsLines, Widget, can_focus=True):
    """A 2-D array drawn as coloured cells, with a highlighted window, a cursor and marks."""

    HELP_TITLE = "Grids (when focused)"
    DEFAULT_CSS = """
    Grid {
        width: auto;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("up,k", "move_cursor(-1, 0)", "up", show=False, tooltip="move the cursor up"),
        Binding("down,j", "move_cursor(1, 0)", "down", show=False, tooltip="move the cursor down"),
        Binding("left,h", "move_cursor(0, -1)", "left", show=False, tooltip="move the cursor left"),
        Binding("right,l", "move_cursor(0, 1)", "right", show=False, tooltip="move the cursor right"),
    ]

    class CursorMoved(Message):
        """The learner moved the cursor to ``cell`` (row, col)."""

        def __init__(self, grid: "Grid", cell: Cell) -> None:
            super().__init__()
            self.grid = grid
            self.cell = cell

        @property
        def control(self) -> "Grid":
            return self.grid

    def __init__(
        self,
        values: np.ndarray | None = None,
        *,
        title: str | None = None,
        mode: str = "auto",
        scale: Scale | None = None,
        signed: bool | None = None,
        cell_width: int | None = None,
        max_cell_width: int = 6,
        decimals: int = 2,
        cursor_movable: bool = False,
        focusable: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._values = np.zeros((0, 0)) if values is None else np.array(values, dtype=np.float64)
        if self._values.ndim != 2:
            raise ValueError(f"a grid shows a 2-D array, got shape {self._values.shape}")
        self._title = title
        self._mode = mode
        self._scale = scale
        self._signed = signed
        self._cell_width = cell_width
        self.max_cell_width = max_cell_width
        self.decimals = decimals  # at most, where the cell has room (fixed: strips are cached)
        self.cursor_movable = cursor_movable
        self.can_focus = focusable
        self._window: frozenset[Cell] = frozenset()
        self._cursor: Cell | None = None
        self._marks: dict[str, frozenset[Cell]] = {}
        self._mark_of: dict[Cell, str] = {}
        self._padding: frozenset[Cell] = frozenset()
        self._strips: dict[int, tuple[tuple, Strip]] = {}
        self._base: Style | None = None  # see _base_style
        self._scale_used = self._effective_scale()
        self._single_digits: bool | None = None  # see _digits_only

    # -- public state ---------------------------------------------------------------------

    @staticmethod
    def rectangle(top: int, left: int, height: int, width: int, step: int = 1) -> frozenset[Cell]:
        """The cells of a height×width window whose taps are ``step`` apart (dilation)."""
        return frozenset(
            (top + r * step, left + c * step) for r in range(height) for c in range(width)
        )

    @property
    def values(self) -> np.ndarray:
        return self._values

    @values.setter
    def values(self, values: np.ndarray) -> None:
        new = np.array(values, dtype=np.float64)
        if new.ndim != 2:
            raise ValueError(f"a grid shows a 2-D array, got shape {new.shape}")
        old = self._values
        same_shape = new.shape == old.shape
        if same_shape:
            changed = (old != new) & ~(np.isnan(old) & np.isnan(new))
            if not changed.any():
                return  # most of a step's grids keep their numbers: nothing to redraw
        self._values = new
        old_digits, self._single_digits = self._single_digits, None
        old_scale, self._scale_used = self._scale_used, self._effective_scale()
        if not same_shape:
            if self._cursor is not None:
                self._cursor = (
                    min(self._cursor[0], max(new.shape[0] - 1, 0)),
                    min(self._cursor[1], max(new.shape[1] - 1, 0)),
                )
            self._redraw_all(layout=True)
        elif self._mode == "auto" and old_digits is not None and old_digits != self._digits_only() and self._digits_decide():
            self._redraw_all(layout=True)  # 2-character cells switch between digits and shades
        elif old_scale != self._scale_used:
            self._redraw_all()
        else:
            self._redraw_cells(map(tuple, np.argwhere(changed)))

    @property
    def scale(self) -> Scale:
        """The palette scale in use (the one given, or one fitted to the values)."""
        return self._scale_used

    @scale.setter
    def scale(self, scale: Scale | None) -> None:
        self._scale = scale
        new = self._effective_scale()
        if new != self._scale_used:
            self._scale_used = new
            self._redraw_all()

    @property
    def title(self) -> str | None:
        return self._title

    @title.setter
    def title(self, title: str | None) -> None:
        old = self._title
        self._title = title
        if old == title:
            return
        if old is None or title is None or len(old) != len(title):
            self._redraw_all(layout=True)
        else:
            self._refresh_line(0)

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in ("auto", "numbers", "shade", "halfblock"):
            raise ValueError(f"unknown grid mode {mode!r}")
        self._mode = mode
        self._redraw_all(layout=True)

    @property
    def cell_width(self) -> int | None:
        return self._cell_width

    @cell_width.setter
    def cell_width(self, width: int | None) -> None:
        self._cell_width = width
        self._redraw_all(layout=True)

    @property
    def window(self) -> frozenset[Cell]:
        return self._window

    @window.setter
    def window(self, cells: Iterable[Cell]) -> None:
        new = frozenset(cells)
        changed = self._window ^ new
        self._window = new
        self._redraw_cells(changed)

    @property
    def selected(self) -> bool:
        """Title drawn as if focused: the grid a parent view has selected while keeping the focus
        itself (moving focus repaints the whole screen)."""
        return getattr(self, "_selected", False)

    @selected.setter
    def selected(self, selected: bool) -> None:
        if selected != self.selected:
            self._selected = selected
            self._refresh_line(0)

    @property
    def concealed(self) -> bool:
        """Computed cells drawn as a colourless "?": a lesson asks for values it keeps hidden."""
        return getattr(self, "_concealed", False)

    @concealed.setter
    def concealed(self, concealed: bool) -> None:
        if concealed != self.concealed:
            self._concealed = concealed
            self._redraw_all()

    @property
    def blank_unfilled(self) -> bool:
        """Not-yet-computed (NaN) cells drawn as blank space, not "·": counting them would
        answer a question about the grid's size."""
        return getattr(self, "_blank_unfilled", False)

    @blank_unfilled.setter
    def blank_unfilled(self, blank: bool) -> None:
        if blank != self.blank_unfilled:
            self._blank_unfilled = blank
            self._redraw_all()

    @property
    def cursor(self) -> Cell | None:
        return self._cursor

    @cursor.setter
    def cursor(self, cell: Cell | None) -> None:
        old, self._cursor = self._cursor, cell
        if old != cell:
            self._redraw_cells([c for c in (old, cell) if c is not None])

    @property
    def marks(self) -> Mapping[str, frozenset[Cell]]:
        return self._marks

    @marks.setter
    def marks(self, marks: Mapping[str, Iterable[Cell]]) -> None:
        new = {kind: frozenset(cells) for kind, cells in marks.items() if kind in MARKS}
        old_of = self._mark_of
        new_of: dict[Cell, str] = {}
        for kind in MARKS:  # later kinds' glyphs win where cells overlap; padding keeps its look
            for cell in new.get(kind, ()):
                new_of[cell] = kind
        old_padding = self._marks.get("padding", frozenset())
        changed = {c for c in old_of.keys() | new_of.keys() if old_of.get(c) != new_of.get(c)}
        changed |= old_padding ^ new.get("padding", frozenset())
        self._marks, self._mark_of = new, new_of
        self._padding = new.get("padding", frozenset())
        self._redraw_cells(changed)

    # -- layout ---------------------------------------------------------------------------

    def _digits_only(self) -> bool:
        """Every value a single digit (worked out when a layout first asks, then kept)."""
        if self._single_digits is None:
            self._single_digits = _single_digits(self._values)
        return self._single_digits

    def _digits_decide(self) -> bool:
        """Whether single digits or not changes the layout at the current width (2-character cells)."""
        width = self._content_width() or None
        digits = self._single_digits
        self._single_digits = True
        with_digits = self._layout(width)
        self._single_digits = False
        without = self._layout(width)
        self._single_digits = digits
        return with_digits != without

    def _effective_scale(self) -> Scale:
        if self._scale is not None:
            return self._scale
        return Scale.for_values(self._values, self._signed)

    def _layout(self, width: int | None) -> tuple[str, int]:
        """(mode, characters per cell) for a content ``width`` (None: the preferred size)."""
        cols = max(self._values.shape[1], 1)
        mode = self._mode
        if self._cell_width is not None:
            fit = self._cell_width
        elif width is None:
            fit = {"numbers": 4, "shade": 2, "halfblock": 1, "auto": 4}[mode]
        else:
            fit = max(1, width // cols)
        if mode == "auto":
            # Two characters hold a gutter and one digit: enough for a 0/1 shape, not for −1.
            fits = fit >= MIN_NUMBER_WIDTH or (fit == 2 and self._digits_only())
            mode = "numbers" if fits else "shade"
        if mode == "numbers":
            return mode, max(2, min(fit, self.max_cell_width))
        if mode == "shade":
            return mode, max(1, min(fit, 2))
        return mode, 1

    def _title_lines(self) -> int:
        return 1 if self._title is not None else 0

    def _grid_lines(self, mode: str) -> int:
        rows = self._values.shape[0]
        return (rows + 1) // 2 if mode == "halfblock" else rows

    def get_content_width(self, container: Size, viewport: Size) -> int:
        cols = self._values.shape[1]
        preferred = None if self._cell_width is not None else container.width
        mode, cell = self._layout(preferred)
        if self._cell_width is None and self._mode in ("numbers", "auto"):
            cell = min(cell, 4) if mode == "numbers" else cell
        width = cols * cell
        if self._title:
            width = max(width, len(self._title))
        return width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        mode, _ = self._layout(width)
        return self._title_lines() + self._grid_lines(mode)

    # -- rendering ------------------------------------------------------------------------

    def _redraw_all(self, layout: bool = False) -> None:
        self._strips.clear()
        self._base = None
        if self.is_mounted:
            self.refresh(layout=layout)

    def _refresh_line(self, y: int) -> None:
        self._strips.pop(y, None)
        if self.is_mounted:
            self.refresh(Region(0, y, self._content_width(), 1))

    def _redraw_cells(self, cells: Iterable[Cell]) -> None:
        """Repaint just these cells: over SSH a step then sends a few cells, not whole rows."""
        cells = list(cells)
        if not cells:
            return
        mode, cell = self._layout(self._content_width() or None)
        columns_of: dict[int, set[int]] = {}
        for row, col in cells:
            y = self._title_lines() + (int(row) // 2 if mode == "halfblock" else int(row))
            columns_of.setdefault(y, set()).add(int(col))
        for y in columns_of:
            self._strips.pop(y, None)
        if not self.is_mounted or not columns_of:
            return
        # Runs of neighbouring columns on each line; the same run on consecutive lines (a window
        # edge) becomes one rectangle, so a step makes a handful of refresh calls.
        rectangles: dict[tuple[int, int], list[int]] = {}  # (first col, last col) → [top, bottom]
        regions: list[Region] = []
        for y in sorted(columns_of):
            for run in _runs(sorted(columns_of[y])):
                span = rectangles.get(run)
                if span is not None and span[1] == y - 1:
                    span[1] = y
                else:
                    if span is not None:
                        regions.append(_cells_region(run, span, cell))
                    rectangles[run] = [y, y]
        regions.extend(_cells_region(run, span, cell) for run, span in rectangles.items())
        self.refresh(*regions)

    def on_resize(self) -> None:
        self._strips.clear()

    def on_focus(self) -> None:
        self._refresh_line(0)

    def on_blur(self) -> None:
        self._refresh_line(0)

    def notify_style_update(self) -> None:
        # Textual calls this on a widget and all its descendants whenever CSS is applied to
        # them (focus, classes, theme): the colours an ancestor gives the grid may have changed.
        self._base = None
        super().notify_style_update()

    def _base_style(self) -> Style:
        """The colours the grid inherits (``rich_style``), kept between renders: Textual walks
        every ancestor to compute it, which costs more than drawing a row of cells."""
        base = self._base
        if base is None:
            base = self._base = self.rich_style
        return base

    def _content_width(self) -> int:
        return self._content_size()[0]

    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        base = self._base_style()
        mode, cell = self._layout(width)
        key = (width, mode, cell, base, self.has_focus or self.selected)
        cached = self._strips.get(y)
        if cached is not None and cached[0] == key:
            return cached[1]
        if y < self._title_lines():
            strip = self._render_title(width, base)
        else:
            row = y - self._title_lines()
            if mode == "halfblock":
                segments = self._halfblock_segments(row * 2)
            elif 0 <= row < self._values.shape[0]:
                segments = self._row_segments(row, mode, cell)
            else:
                segments = []
            # One segment per cell, never merged: Textual re-sends whole segments around a dirty
            # region, so a repainted cell costs one cell, not the run of like cells around it.
            strip = Strip(segments).adjust_cell_length(width, base) if segments else Strip.blank(width, base)
        if len(self._strips) > 256:
            self._strips.clear()
        self._strips[y] = (key, strip)
        return strip

    def _render_title(self, width: int, base: Style) -> Strip:
        style = base + Style(bold=True, reverse=(self.has_focus or self.selected) or None)
        text = (self._title or "")[:width]
        return Strip([Segment(text, style)]).adjust_cell_length(width, base)

    def _row_segments(self, row: int, mode: str, cell: int) -> list[Segment]:
        scale = self._scale_used
        window, cursor, mark_of, padding = self._window, self._cursor, self._mark_of, self._padding
        concealed, blank_unfilled = self.concealed, self.blank_unfilled
        numbers = mode == "numbers"
        cell_segment = _number_segment if numbers else _shade_segment
        extra = (self.decimals,) if numbers and self.decimals != 2 else ()
        segments = []
        for col, value in enumerate(self._values[row].tolist()):
            here = (row, col)
            finite = math.isfinite(value)
            in_window = here in window
            is_cursor = here == cursor
            if blank_unfilled and not finite and not in_window and not is_cursor:
                segments.append(Segment(" " * cell, self._base_style()))
                continue
            padded = here in padding
            segments.append(
                cell_segment(
                    value if finite else None,
                    cell,
                    scale,
                    mark_of.get(here),
                    in_window,
                    is_cursor,
                    concealed and finite and not padded,
                    padded,
                    *extra,
                )
            )
        return segments

    def _halfblock_segments(self, top_row: int) -> list[Segment]:
        values, scale = self._values, self._scale_used
        rows = values.shape[0]
        if top_row >= rows:
            return []
        segments = []
        for col in range(values.shape[1]):
            top = self._pixel(top_row, col, values, scale)
            bottom = self._pixel(top_row + 1, col, values, scale) if top_row + 1 < rows else palette.SEQUENTIAL[0]
            # Bold does nothing to a block glyph: window pixels are tinted instead, and the cursor
            # is a ▣ in a colour that contrasts with the pixel it sits on.
            if (top_row, col) in self._window:
                top = _tint(top)
            if (top_row + 1, col) in self._window and top_row + 1 < rows:
                bottom = _tint(bottom)
            if self._cursor in ((top_row, col), (top_row + 1, col)):
                under = top if self._cursor == (top_row, col) else bottom
                style = palette.half_block_style(palette.text_colour(under), under)
                segments.append(Segment("▣", style))
            elif top == bottom:
                # A flat area is a space on its background: with NO_COLOR and an ANSI theme
                # Textual drops every colour, and a ▀ would then stripe an empty map.
                segments.append(Segment(" ", palette.half_block_style(top, bottom)))
            else:
                segments.append(Segment("▀", palette.half_block_style(top, bottom)))
        return segments

    def _pixel(self, row: int, col: int, values: np.ndarray, scale: Scale) -> palette.RGB:
        value = values[row, col]
        if self.concealed or (row, col) in self._padding or not np.isfinite(value):
            return palette.PADDING_BG
        return palette.colour(value, scale)

    # -- keyboard -------------------------------------------------------------------------

    def action_move_cursor(self, d_row: int, d_col: int) -> None:
        rows, cols = self._values.shape
        if not self.cursor_movable or rows == 0 or cols == 0:
            raise SkipAction()
        row, col = self._cursor if self._cursor is not None else (0, 0)
        new = (min(max(row + d_row, 0), rows - 1), min(max(col + d_col, 0), cols - 1))
        if new != self._cursor:
            self.cursor = new
            self.post_message(self.CursorMoved(self, new))
