"""The training screen for a network whose filters do not all fit: pages of layer-1 filters,
one layer-2 filter at a time, the parameter count of each layer, held-out numbers per kind.

A page is a row of columns, one per layer-1 filter (as many as the width holds: five at 80
columns; more rows when the height holds them): the filter's 3×3 weights, the named detector
it most resembles and their cosine; under the layer-2 heading, in the same place, the selected
layer-2 filter's 3×3 slice on that filter's map and the slice's sum. So ← → turn both layers'
pages together, and ↑ ↓ choose the layer-2 filter.
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
MOST_COLUMNS = 10  # columns composed (the rest of a wide terminal stays empty)
MOST_ROWS = 3  # rows of filters composed (the rest of a tall terminal stays empty)
# Lines of the view besides the rows of filters: status, two headings, the layer-2 filter's
# title, the curves, the per-kind table (4) and a message of up to 3; and the lines a row takes
# (layer 1: title, 3 weights, detector, cosine; layer 2: 3 weights, sum).
OTHER_LINES = 12
ROW_LINES = 10
KIND_WIDTH = 10  # a column of the per-kind table: "rectangle" and a space
LABEL = 22  # its first column: "held-out, step 10000…", "  weight of filter 31"


def columns_fitting(width: int) -> int:
    """How many filter columns fit in ``width`` characters (at least one)."""
    return max(1, min(MOST_COLUMNS, (width + GAP) // (COLUMN + GAP)))


def rows_fitting(height: int) -> int:
    """How many rows of filters fit in a view ``height`` lines tall (at least one)."""
    return max(1, min(MOST_ROWS, (height - OTHER_LINES) // ROW_LINES))


def signed(text: str) -> str:
    """A real minus sign in a formatted number: "−0.78", as every other number on the screen."""
    return text.replace("-", "−")


class PagedFilters(Vertical):
    """Both layers' weights for the filters of the session's current page."""

    def __init__(self, session: TrainingSession, **options) -> None:
        super().__init__(**options)
        self.session = session
        k1 = session.filters[0]
        self._columns = min(k1, MOST_COLUMNS)
        self._rows = min(-(-k1 // self._columns), MOST_ROWS)
        self._shown_columns = min(self._columns, columns_fitting(80))
        self._width = 80
        self._lines: dict[str, str | Text] = {}

    def _slots(self):
        return [(r, c) for r in range(self._rows) for c in range(self._columns)]

    def compose(self) -> ComposeResult:
        yield Static("", classes="heading", id="train-layer1-heading")
        for r in range(self._rows):
            with Horizontal(classes="page-row", id=f"train-filters-row-{r}"):
                for c in range(self._columns):
                    with Vertical(classes="page-filter", id=f"train-column-{r}-{c}"):
                        yield Static("", classes="filter-title", id=f"train-page-title-{r}-{c}")
                        yield Grid(mode="numbers", cell_width=CELL, focusable=False, id=f"train-page-w1-{r}-{c}")
                        yield Static("", classes="like", id=f"train-page-like-{r}-{c}")
                        yield Static("", classes="cosine", id=f"train-page-cos-{r}-{c}")
        yield Static("", classes="heading", id="train-layer2-heading")
        yield Static("", classes="role", id="train-unit")
        for r in range(self._rows):
            with Horizontal(classes="page-row", id=f"train-slices-row-{r}"):
                for c in range(self._columns):
                    with Vertical(classes="page-slice", id=f"train-slice-{r}-{c}"):
                        yield Grid(mode="numbers", cell_width=CELL, focusable=False, id=f"train-page-w2-{r}-{c}")
                        yield Static("", classes="weight-sum", id=f"train-page-sum-{r}-{c}")

    def slot_of(self, k: int) -> tuple[int, int] | None:
        """(row, column) of the slot showing layer-1 filter ``k``, None when it is not on the page."""
        shown = self.session.shown_filters()
        if k not in shown:
            return None
        return divmod(k - shown.start, self._shown_columns)

    def _put(self, selector: str, content: str | Text) -> None:
        """Update a line only when its text changed: an update lays the screen out again,
        which at 32 → 32 and 20 redraws a second was most of the drawing time."""
        if self._lines.get(selector) != content:
            self._lines[selector] = content
            self.query_one(selector, Static).update(content)

    def fit(self, width: int, height: int) -> None:
        """As many columns as ``width`` holds, and rows as the view's ``height``; the session's
        page follows."""
        if width and height:
            self._width = width
            self._shown_columns = min(columns_fitting(width), self._columns)
            rows = min(rows_fitting(height), -(-self.session.filters[0] // self._shown_columns), self._rows)
            self.session.set_per_page(rows * self._shown_columns)

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
        for r, c in self._slots():
            k = shown.start + r * self._shown_columns + c
            visible = c < self._shown_columns and k in shown
            self.query_one(f"#train-column-{r}-{c}").display = visible
            self.query_one(f"#train-slice-{r}-{c}").display = visible
            if not visible:
                continue
            at = f"{r}-{c}"
            match = matches[k]
            self._put(f"#train-page-title-{at}", f"filter {k}")
            grid = self.query_one(f"#train-page-w1-{at}", Grid)
            grid.scale = w1_scale
            grid.values = net.w1[k, 0]
            self._put(f"#train-page-like-{at}", f"≈{match.label}")
            cosine = Text(signed(f"cos {match.similarity:+.2f}"))
            if abs(match.similarity) < WEAK_MATCH:
                cosine.append(" weak", style="dim")
            self._put(f"#train-page-cos-{at}", cosine)
            slice_grid = self.query_one(f"#train-page-w2-{at}", Grid)
            slice_grid.scale = w2_scale
            slice_grid.values = unit[k]
            self._put(f"#train-page-sum-{at}", signed(f"sum {unit[k].sum():+.2f}"))
        rows = -(-len(shown) // self._shown_columns)
        for r in range(self._rows):
            self.query_one(f"#train-filters-row-{r}").display = r < rows
            self.query_one(f"#train-slices-row-{r}").display = r < rows


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
