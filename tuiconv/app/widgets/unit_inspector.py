"""Inside one layer-2 unit: each pooled channel's window × its filter slice = its contribution.

A layer-2 filter is not one 3×3 grid but one 3×3 slice per layer-1 channel. This panel lays the
engine's ``conv_step`` across the four channels, one row each, and adds the channel sums and the
bias into the unit's value, so a learner sees *why* the rectangle unit fires: big horizontal and
vertical windows meet positive slices, diagonal windows meet negative ones.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tuiconv.app.palette import Scale
from tuiconv.app.widgets.grid import Grid, format_number
from tuiconv.app.widgets.line import Line
from tuiconv.engine.ops import ConvStep

# Characters in one channel row without products: window (12) × (3) slice (15) and " Σ -1.36" (8).
ROW_WIDTH = 38
SLICES = 4  # channel rows the panel has: a page of a unit's slices (tuiconv.explore.network.SLICE_PAGE)
EDGE_GLYPHS = {"horizontal": "─", "vertical": "│", "diagonal": "╲", "antidiagonal": "╱"}


def number(value: float) -> str:
    """A sum or total as the panel prints it: whole numbers plainly, others to 2 decimals."""
    return format_number(value, 7)


class ViewGrid(Grid):
    """A grid inside the network view, which keeps the focus and moves the cursors itself.

    It never takes focus, so the grid's own keys never work here: ``?`` help leaves them out
    (a widget class without a HELP_TITLE that cannot focus is not listed).
    """

    HELP_TITLE = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_focus = False


class ChannelRow(Horizontal):
    """One channel: its pooled window × the unit's slice = products, and their sum."""

    DEFAULT_CSS = """
    ChannelRow { height: 3; width: auto; }
    ChannelRow > .op { width: 3; height: 3; content-align: center middle; }
    ChannelRow > .sum { width: 8; height: 3; content-align: right middle; }
    """

    def __init__(self, channel: int, *, id: str | None = None):
        super().__init__(id=id)
        self.channel = channel
        blank = np.zeros((3, 3))
        self.window = ViewGrid(blank, mode="numbers", cell_width=4, id=f"window-{channel}")
        # One more character for weights: an edited weight such as −1.5 must show exactly.
        self.slice = ViewGrid(blank, mode="numbers", cell_width=5, id=f"slice-{channel}")
        self.products = ViewGrid(blank, mode="numbers", cell_width=4, id=f"products-{channel}", classes="products-part")
        self.sum = Line("", classes="sum")

    def compose(self) -> ComposeResult:
        yield self.window
        yield Static("\n×", classes="op")
        yield self.slice
        yield Static("\n=", classes="op products-part")
        yield self.products
        yield self.sum


class UnitInspector(Vertical):
    """The arithmetic of one layer-2 unit at one position: a page of its input channels (at most
    SLICES rows, one per channel), and the sum over all of them."""

    DEFAULT_CSS = """
    UnitInspector { height: auto; width: auto; }
    UnitInspector > .title { height: 1; text-style: bold; }
    UnitInspector > .label { height: 1; color: $text-muted; }
    UnitInspector > .total { height: 2; }
    UnitInspector.-narrow .products-part { display: none; }
    """

    def __init__(self, *, slices: int = SLICES, id: str | None = None):
        super().__init__(id=id)
        # Lines repaint only when their text changes: most cursor moves leave most of them be.
        self.title = Line("", classes="title")
        self.labels = [Line("", classes="label") for _ in range(slices)]
        self.rows = [ChannelRow(c) for c in range(slices)]
        self.total = Line("", classes="total")

    def compose(self) -> ComposeResult:
        yield self.title
        for label, row in zip(self.labels, self.rows):
            yield label
            yield row
        yield self.total

    def slice_grids(self) -> list[Grid]:
        """The slice grids of the channels on the page, in order."""
        return [row.slice for row in self.rows if row.display]

    def show(
        self,
        step: ConvStep,
        unit_name: str,
        channel_names: list[str],
        channels: range,
        ranking: list[tuple[int, float]],
        edited: np.ndarray | None = None,
    ) -> None:
        """Fill the panel from one ``conv_step`` over the pooled maps (every number from the
        engine): the rows of ``channels``, and ``ranking``'s biggest contributions when the
        unit has more channels than rows."""
        count = step.window.shape[0]
        paged = count > len(self.rows)
        where = f"slices {channels.start}–{channels.stop - 1} of {count}" if paged else "window × slice"
        self.title.show(f"[b]{unit_name}[/b] at ({step.i},{step.j}): {where}")
        window_scale = Scale.for_values(step.window, signed=False)
        weight_scale = Scale.for_values(step.weights, signed=True)
        product_scale = Scale.for_values(step.products, signed=True)
        for n, (label, row) in enumerate(zip(self.labels, self.rows)):
            on_page = n < len(channels)
            if label.display != on_page:
                label.display = row.display = on_page
            if not on_page:
                continue
            c = channels[n]
            name = channel_names[c]
            contribution = step.channel_sums[c]
            glyph = EDGE_GLYPHS.get(name)
            number_of = f"{c} " if paged else ""
            text = f"{number_of}{glyph + ' ' if glyph else ''}{name}: window × slice = {number(contribution)}"
            if len(text) > ROW_WIDTH:  # a learned channel's long name ("≈−horizontal?")
                text = f"{number_of}{name}: Σ = {number(contribution)}"
            label.show(text)
            row.window.scale, row.window.values = window_scale, step.window[c]
            row.window.marks = {"padding": _padding_cells(step)}
            row.slice.scale, row.slice.values = weight_scale, step.weights[c]
            if edited is not None:
                row.slice.marks = {"edited": {tuple(p) for p in np.argwhere(edited[c])}}
            row.products.scale, row.products.values = product_scale, step.products[c]
            row.sum.show(f"\nΣ {number(contribution)}")
        bias = f"− {number(-step.bias)}" if step.bias < 0 else f"+ {number(step.bias)}"
        after = step.after_relu
        if not paged:
            terms = [number(step.channel_sums[0])]
            terms += [f"− {number(-v)}" if v < 0 else f"+ {number(v)}" for v in step.channel_sums[1:]]
            first = f"{' '.join(terms)} {bias} (bias)"
            self.total.show(f"{first}\n= [b]{number(step.total)}[/b] → ReLU → [b]{number(after)}[/b]")
            return
        terms = [f"{c} {'+' if v >= 0 else '−'}{number(abs(v))}" for c, v in ranking]
        while len(terms) > 1 and len("biggest: " + " · ".join(terms)) > ROW_WIDTH:
            terms.pop()  # one line: the biggest first, as many as fit
        everything = float(np.sum(step.channel_sums))
        self.total.show(
            f"biggest: {' · '.join(terms)}\n"
            f"Σ{count} {number(everything)} {bias} = [b]{number(step.total)}[/b] → ReLU [b]{number(after)}[/b]"
        )


def _padding_cells(step: ConvStep) -> set[tuple[int, int]]:
    return {tuple(p) for p in np.argwhere(step.in_padding)}
