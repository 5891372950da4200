"""The arithmetic of one filter position, written out as a learner would on paper.

Usage::

    panel = ArithmeticPanel(id="arithmetic")
    panel.show(step, channel=0, channel_names=["horizontal", ...], relu=True)  # an engine ConvStep

    formula = FormulaPanel(id="formula")
    formula.show(rows_geometry, cols_geometry)   # explore.stepper.Geometry, one per axis

The panel draws window × weights = products as three grids (the one Grid widget), then the sum
of the products plus the bias. With several input channels it shows the chosen channel's
products and every channel's sum, then the total across channels. It only formats numbers the
engine computed (``ConvStep``); it never multiplies anything itself.
"""

from __future__ import annotations

import numpy as np
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.strip import Strip
from textual.style import Style

from tuiconv.app.palette import Scale
from tuiconv.app.widgets.grid import Grid
from tuiconv.app.widgets.line import Line
from tuiconv.app.textual_patches import KeepsLines
from tuiconv.engine import ConvStep

MAX_TERMS = 16  # beyond this many products, the sum line gives the total only
# Up to this many channels the sum line names each one ("horizontal 3 + vertical …"); more (a
# trained layer-2 filter reads up to 32 maps) are shown a page of CHANNEL_PAGE at a time, the
# page of the channel on screen, in columns, with the sum over all of them on the next line.
NAMED_CHANNELS = 4
CHANNEL_PAGE = 8
SUM_COLUMN = 8  # "▸−12.345"


def channel_page(channel: int, channels: int) -> range:
    """The channels whose sums are listed with ``channel``'s: its page of CHANNEL_PAGE."""
    first = channel // CHANNEL_PAGE * CHANNEL_PAGE
    return range(first, min(first + CHANNEL_PAGE, channels))


def format_exact(value: float) -> str:
    """A number for a sum line: whole numbers bare, others to 3 decimals, minus sign as '−'."""
    value = float(value)
    if abs(value) < 5e-4:
        value = 0.0  # no "−0"
    if value.is_integer():
        text = str(int(value))
    else:
        text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _term(value: float) -> str:
    text = format_exact(value)
    return f"({text})" if text.startswith("−") else text


OPERATOR_GAP = 3  # columns between two grids of the products row, the operator in the middle


class ProductsRow(KeepsLines, Horizontal):
    """window × weights = products: the three grids side by side, with the operators drawn in
    the gaps between them by the row itself (two widgets fewer to repaint at every step)."""

    DEFAULT_CSS = f"""
    ProductsRow {{ height: auto; width: auto; }}
    ProductsRow > .after-operator {{ margin-left: {OPERATOR_GAP}; }}
    """
    OPERATORS = ("×", "=")

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        style = self.visual_style
        blank_style = (style + Style(reverse=False)).rich_style
        if y != (height - 1) // 2 or not width:  # the operators sit level with the first row of numbers
            return Strip.blank(width, blank_style)
        # As a Static of width 3 with its text centred drew them, so the screen looks the same.
        origin = self.content_region.x
        segments: list[Segment] = []
        x = 0
        for grid, operator in zip(self.query(".after-operator"), self.OPERATORS):
            middle = grid.region.x - origin - OPERATOR_GAP + OPERATOR_GAP // 2
            if middle < x or middle >= width:
                continue
            if middle > x:
                segments.append(Segment(" " * (middle - x), blank_style))
            segments.append(Segment(operator, (style + style).rich_style_with_offset(0, 0)))
            x = middle + 1
        if x < width:
            segments.append(Segment(" " * (width - x), blank_style))
        return Strip(segments, width)


class ArithmeticPanel(KeepsLines, Vertical):
    """window × weights = products, their sum, the bias and the output value of one step."""

    DEFAULT_CSS = """
    ArithmeticPanel { height: auto; width: 1fr; }
    ArithmeticPanel > #arith-title { height: 1; }
    ArithmeticPanel > .sum { height: auto; }
    """

    _fractions = False  # the grids hold numbers that are not whole (then 6-character cells)

    def compose(self) -> ComposeResult:
        # Kept as attributes: show() runs at every step, and a query costs more than the change.
        self._title_line = Line("", id="arith-title")
        self._window_grid = Grid(title="window", mode="numbers", cell_width=5, max_cell_width=7, decimals=3, focusable=False, id="arith-window")
        self._weights_grid = Grid(title="weights", mode="numbers", cell_width=5, max_cell_width=7, decimals=3, focusable=False, id="arith-weights", classes="after-operator")
        self._products_grid = Grid(title="products", mode="numbers", cell_width=5, max_cell_width=7, decimals=3, focusable=False, id="arith-products", classes="after-operator")
        self._sum_line = Line("", id="arith-sum", classes="sum")
        yield self._title_line
        with ProductsRow():
            yield self._window_grid
            yield self._weights_grid
            yield self._products_grid
        yield self._sum_line

    def on_resize(self) -> None:
        self._fit_cells()

    def _fit_cells(self) -> None:
        # Three 3×3 grids of 5-character cells and two operators need 51 columns; narrower
        # (a lesson's column), 4-character cells still hold "-0.5". Trained weights (fractions
        # like -0.003) get 7 characters and 3 decimals where 69 columns allow, as the sum lines.
        width = self.size.width
        cell = 5 if width >= 51 else 4
        if self._fractions:
            cell = 7 if width >= 69 else 6 if width >= 60 else cell
        for grid in (self._window_grid, self._weights_grid, self._products_grid):
            if grid.cell_width != cell:
                grid.cell_width = cell

    def show(
        self,
        step: ConvStep,
        *,
        channel: int = 0,
        channel_names: list[str] | None = None,
        relu: bool = False,
        scales: tuple[Scale, Scale, Scale] | None = None,
    ) -> None:
        """Show the arithmetic of ``step``; ``scales`` colour the grids like the maps they came from."""
        names = channel_names or [""]
        many = step.window.shape[0] > 1
        where = f"output cell ({step.i}, {step.j})"
        title = f"{where}: window × weights = products"
        if many and step.window.shape[0] > NAMED_CHANNELS:
            name = f" {names[channel]}" if names[channel] else ""
            title = f"channel {channel + 1} of {step.window.shape[0]}{name}, {where}: window × weights = products"
        elif many:
            title += f", channel {names[channel] or channel} ({channel + 1} of {step.window.shape[0]})"
        self._title_line.show(Text(title, style="bold"))
        # One channel: the grids' own titles say window × weights = products, and the feature
        # map marks the cell; the line is kept for the channel it names (80×24 has no spare line).
        self._title_line.display = many
        window, weights, products = self._window_grid, self._weights_grid, self._products_grid
        fractions = bool(np.any(step.weights != np.round(step.weights)) or np.any(step.window != np.round(step.window)))
        if fractions != self._fractions:
            self._fractions = fractions
            self._fit_cells()
        if scales is not None:
            window.scale, weights.scale, products.scale = scales
        window.values = step.window[channel]
        window.marks = {"padding": {tuple(c) for c in np.argwhere(step.in_padding)}}
        weights.values = step.weights[channel]
        products.values = step.products[channel]
        self._sum_line.show(self._sum_text(step, names, relu, channel))

    @staticmethod
    def _sum_text(step: ConvStep, names: list[str], relu: bool, channel: int = 0) -> Text:
        text = Text()
        channels = step.window.shape[0]
        if channels > NAMED_CHANNELS:
            page = channel_page(channel, channels)
            text.append(f"sums {page.start + 1}–{page.stop}:".ljust(11))
            for k in page:
                entry = ("▸" if k == channel else " ") + format_exact(step.channel_sums[k])
                text.append(entry.rjust(SUM_COLUMN), style="bold" if k == channel else "")
            # The whole step on one line: all the sums, the bias, the total (and ReLU).
            text.append(f"\nall {channels} sums {_term(step.channel_sums.sum())} + bias {_term(step.bias)} = ")
            text.append(format_exact(step.total), style="bold")
            if relu:
                text.append(f";  ReLU: max(0, {format_exact(step.total)}) = ")
                text.append(format_exact(step.after_relu), style="bold")
            return text
        if channels == 1:
            products = step.products[0].reshape(-1)
            if products.size <= MAX_TERMS:
                text.append("sum " + " + ".join(_term(p) for p in products))
                text.append(f" = {format_exact(step.channel_sums[0])};")
            else:
                text.append(f"sum of the {products.size} products = {format_exact(step.channel_sums[0])};")
        else:
            parts = [f"{name or k} {_term(s)}" for k, (name, s) in enumerate(zip(names, step.channel_sums))]
            text.append("channel sums: " + " + ".join(parts) + f" = {format_exact(step.channel_sums.sum())};")
        # One line when it fits; Rich wraps it at a space otherwise. With ReLU on and no bias,
        # the bias step (+ 0) gives way, so the line still fits 80 columns.
        if not (relu and step.bias == 0):
            text.append(f"  {format_exact(step.channel_sums.sum())} + bias {_term(step.bias)} = ")
            text.append(format_exact(step.total), style="bold")
            if relu:
                text.append(";")
        if relu:
            text.append(f"  ReLU: max(0, {format_exact(step.total)}) = ")
            text.append(format_exact(step.after_relu), style="bold")
        return text


class FormulaPanel(Line):
    """The output-size formula with the live numbers, and what it means when it does not divide."""

    DEFAULT_CSS = """
    FormulaPanel { height: auto; width: 1fr; }
    """

    def show(self, rows, cols, conceal: frozenset[str] = frozenset()) -> None:
        """``rows``/``cols``: explore.stepper.Geometry for each axis (H and W).

        ``conceal`` (a lesson's question): "formula" hides the panel, "size" the result, and
        "uncovered" the note on which rows and columns are never covered.
        """
        text = Text()
        if "formula" in conceal:
            text.append("output size ", style="bold")
            text.append("formula: hidden until the question is answered", style="italic")
            super().show(text)
            return
        axes = [("W", cols)] if (rows.size, rows.left_out) == (cols.size, cols.left_out) else [("W", cols), ("H", rows)]
        for letter, geometry in axes:
            text.append("output size ", style="bold")
            text.append(geometry.formula(letter, hide_result="size" in conceal) + "\n")
        if "uncovered" in conceal:
            text.append("which input cells are covered: hidden until the question is answered", style="italic")
            super().show(text)
            return
        notes = []
        for word, geometry in (("rows", rows), ("columns", cols)):
            if geometry.left_out:
                missed = geometry.missed()
                if missed:
                    which = ", ".join(str(m) for m in missed)
                    notes.append(f"input {word} {which} never covered")
                else:
                    notes.append(f"only padding {word} are left out")
        if len(notes) == 2 and notes[0].replace("rows", "columns") == notes[1]:
            # The same rows as columns (a square input): one note, so it fits one line at 80 columns.
            notes = [notes[0].replace("rows", "rows and columns")]
        if notes:
            text.append("floored: " + "; ".join(notes), style="italic")
        else:
            text.append("divides evenly: every input cell is covered", style="italic")
        super().show(text)
