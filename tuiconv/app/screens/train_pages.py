"""The training screen for a network whose filters do not all fit: pages of layer-1 filters,
one layer-2 filter at a time, the parameter count of each layer, held-out numbers per kind.

A page is a row of columns, one per layer-1 filter (as many as the width holds: five at 80
columns): the filter's 3×3 weights, the named detector it most resembles and their cosine;
under it, in the same column, the selected layer-2 filter's 3×3 slice on that filter's map and
the slice's sum. So ← → turn both layers' pages together, and ↑ ↓ choose the layer-2 filter.
``TrainView`` (train.py) hosts it; every number is the session's (``explore.train``).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tuiconv.app.palette import Scale
from tuiconv.app.widgets.grid import Grid
from tuiconv.engine.learned import WEAK_MATCH
from tuiconv.explore.train import TrainingSession

CELL = 5  # characters per weight: " -.33", as the all-at-once layout shows them at 80 columns
COLUMN = 3 * CELL  # a filter's column: its 3×3 weights; "−antidiagonal" and "cos −0.78 weak" fit
GAP = 1
MOST_COLUMNS = 12  # columns composed (the rest of a wide terminal stays empty)
KIND_WIDTH = 10  # a column of the per-kind table: "rectangle" and a space
LABEL = 22  # its first column: "held-out, step 10000…", "  weight of filter 31"


def columns_fitting(width: int) -> int:
    """How many filter columns fit in ``width`` characters (at least one)."""
    return max(1, min(MOST_COLUMNS, (width + GAP) // (COLUMN + GAP)))


def signed(text: str) -> str:
    """A real minus sign in a formatted number: "−0.78", as every other number on the screen."""
    return text.replace("-", "−")


class PagedFilters(Vertical):
    """Both layers' weights for the filters of the session's current page."""

    def __init__(self, session: TrainingSession, **options) -> None:
        super().__init__(**options)
        self.session = session
        self._columns = min(session.filters[0], MOST_COLUMNS)
        self._width = 80
        self._lines: dict[str, str | Text] = {}

    def compose(self) -> ComposeResult:
        yield Static("", classes="heading", id="train-layer1-heading")
        with Horizontal(id="train-page1"):
            for i in range(self._columns):
                with Vertical(classes="page-filter", id=f"train-column-{i}"):
                    yield Static("", classes="filter-title", id=f"train-page-title-{i}")
                    yield Grid(mode="numbers", cell_width=CELL, focusable=False, id=f"train-page-w1-{i}")
                    yield Static("", classes="like", id=f"train-page-like-{i}")
                    yield Static("", classes="cosine", id=f"train-page-cos-{i}")
        yield Static("", classes="heading", id="train-layer2-heading")
        yield Static("", classes="role", id="train-unit")
        with Horizontal(id="train-page2"):
            for i in range(self._columns):
                with Vertical(classes="page-slice", id=f"train-slice-{i}"):
                    yield Grid(mode="numbers", cell_width=CELL, focusable=False, id=f"train-page-w2-{i}")
                    yield Static("", classes="weight-sum", id=f"train-page-sum-{i}")

    def _put(self, selector: str, content: str | Text) -> None:
        """Update a line only when its text changed: an update lays the screen out again,
        which at 32 → 32 and 20 redraws a second was most of the drawing time."""
        if self._lines.get(selector) != content:
            self._lines[selector] = content
            self.query_one(selector, Static).update(content)

    def fit(self, width: int) -> None:
        """As many columns as ``width`` holds; the session's page follows."""
        if width:
            self._width = width
            self.session.set_per_page(min(columns_fitting(width), self._columns))

    def show(self) -> None:
        """Hand every widget the session's numbers for its page."""
        session = self.session
        net = session.network
        k1, k2 = session.filters
        shown = session.shown_filters()
        matches = session.layer1_matches()
        counts = {row.layer: row for row in session.parameter_counts()}
        conv1, conv2, dense = counts["conv1"], counts["conv2"], counts["dense"]
        more = "" if session.pages == 1 else ", ← → for more"
        self._put(
            "#train-layer1-heading",
            f"layer 1: {_formula(conv1)} parameters · filters {shown.start}–{shown.stop - 1} of {k1}{more}"
            if len(shown) > 1
            else f"layer 1: {_formula(conv1)} parameters · filter {shown.start} of {k1}{more}"
        )
        total = sum(row.total for row in counts.values())
        self._put(
            "#train-layer2-heading",
            f"layer 2: {_formula(conv2)} parameters · dense {dense.depth}·{dense.filters} + {dense.biases} = "
            f"{dense.total} · total {total}"
        )
        line = session.unit_title(session.unit) + ("" if k2 == 1 else f"  (↑ ↓: filter 0–{k2 - 1})")
        slices = " · its 3×3 slice on each map above"
        self._put("#train-unit", line + slices if len(line + slices) <= self._width else line)
        w1_scale = Scale.for_values(net.w1, signed=True)
        w2_scale = Scale.for_values(net.w2, signed=True)
        unit = net.w2[session.unit]
        for i in range(self._columns):
            column = self.query_one(f"#train-column-{i}")
            slice_column = self.query_one(f"#train-slice-{i}")
            k = shown.start + i
            visible = k in shown
            column.display = slice_column.display = visible
            if not visible:
                continue
            match = matches[k]
            self._put(f"#train-page-title-{i}", f"filter {k}")
            grid = self.query_one(f"#train-page-w1-{i}", Grid)
            grid.scale = w1_scale
            grid.values = net.w1[k, 0]
            self._put(f"#train-page-like-{i}", f"≈{match.label}")
            cosine = Text(signed(f"cos {match.similarity:+.2f}"))
            if abs(match.similarity) < WEAK_MATCH:
                cosine.append(" weak", style="dim")
            self._put(f"#train-page-cos-{i}", cosine)
            slice_grid = self.query_one(f"#train-page-w2-{i}", Grid)
            slice_grid.scale = w2_scale
            slice_grid.values = unit[k]
            self._put(f"#train-page-sum-{i}", signed(f"sum {unit[k].sum():+.2f}"))


def _formula(row) -> str:
    """"3·3·1·32 + 32 = 320": F·F·D·K weights + K biases."""
    return f"{row.size}·{row.size}·{row.depth}·{row.filters} + {row.biases} = {row.total}"


def kinds_table(session: TrainingSession) -> Text:
    """The held-out numbers per kind (accuracy, loss) and the selected layer-2 filter's weight
    in each kind's score, as four lines of fixed columns."""
    kinds = session.kinds
    result = session.last_check
    head = "held-out: not yet" if result is None else f"held-out, step {result.step}"
    if session.checking:
        head += "…"  # a newer check is under way
    text = Text()
    text.append(head.ljust(LABEL), style="bold")
    for kind in kinds:
        text.append(kind.rjust(KIND_WIDTH), style="bold")
    rows = [
        ("  accuracy", None if result is None else [f"{a:.1%}" for a in result.kind_accuracy]),
        ("  loss", None if result is None else [f"{x:.3f}" for x in result.kind_loss]),
        (f"  weight of filter {session.unit}", [signed(f"{w:+.2f}") for w in session.network.w3[:, session.unit]]),
    ]
    for name, values in rows:
        text.append("\n" + name.ljust(LABEL))
        for value in values or ["—"] * len(kinds):
            text.append(value.rjust(KIND_WIDTH))
    return text
