"""``w`` on the network screen: what the selected map's unit wants to see.

Left, the input the unit prefers (gradient ascent from noise, ``tuiconv.engine.wants``); right,
the 9 pieces of generated shapes that excite it most, in a 3×3 arrangement, each with its
response and the shape it was cut from. The work runs in a worker thread: the screen draws at
once with "computing…" and fills in when the ``WantsResult`` arrives; leaving before that
cancels the worker and its result is dropped. Every number comes from ``explore/wants.py``.
"""

from __future__ import annotations

import numpy as np
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tuiconv.app.palette import Scale
from tuiconv.app.styles import tcss
from tuiconv.app.widgets.keybar import KeyBar
from tuiconv.app.widgets.line import Line
from tuiconv.app.widgets.unit_inspector import ViewGrid, number
from tuiconv.explore.wants import WantsResult, WantsSession

COLUMNS = 3  # the top patches, 3 a row
PIXELS = Scale(0.0, 1.0, False)  # inputs and shapes live in [0, 1]: one scale, comparable
PATCH_COLUMNS = 3 * 15  # three 14-column tiles with their gaps
# Rows around the preferred input at 80×24: title, grid title, response, detail (2), key bar.
ROWS_AROUND = 6


class WantsScreen(Screen):
    """One unit's preferred input and top patches; arrows pick a patch, esc goes back."""

    DEFAULT_CSS = tcss(__file__, "wants.tcss")
    TITLE = "what a unit wants to see"
    MIN_SIZE = (80, 24)
    BINDINGS = [
        Binding("escape,q,w", "close", "back", key_display="esc", tooltip="back to the network"),
        Binding("up,k", "pick(-3)", "previous row of patches", show=False),
        Binding("down,j", "pick(3)", "next row of patches", show=False),
        Binding("left,h", "pick(-1)", "previous patch", show=False),
        Binding("right,l", "pick(1)", "pick a patch", key_display="←→", tooltip="next patch"),
        # Nothing here takes the focus: Textual's "focus next" would do nothing (and stays out of ? help).
        Binding("tab", "app.focus_next", show=False),
        Binding("shift+tab", "app.focus_previous", show=False),
    ]
    HELP_TITLE = "What a unit wants to see (arrows/hjkl pick a patch)"

    def __init__(self, wants: WantsSession) -> None:
        super().__init__()
        self.wants = wants
        self.picked = 0
        self.result: WantsResult | None = None
        size = wants.size
        self.preferred = ViewGrid(np.full((size, size), np.nan), title=f"preferred input {size}×{size}", mode="shade", cell_width=2, scale=PIXELS, id="wants-preferred")
        self.tiles = [ViewGrid(np.zeros((1, 1)), title="", mode="halfblock", scale=PIXELS, classes="patch-grid") for _ in range(COLUMNS * COLUMNS)]
        self.values = [Line("", classes="patch-value") for _ in self.tiles]

    def compose(self) -> ComposeResult:
        yield Line(escape(self.wants.title), id="wants-title")
        with Horizontal(id="wants-body"):
            with Vertical(id="wants-left"):
                yield self.preferred
                yield Line("computing… (gradient ascent from noise)", id="wants-response")
            with Vertical(id="wants-right"):
                yield Line("the 9 shape pieces that excite it most", classes="header")
                yield Line("computing… (searching generated shapes)", id="wants-searching")
                for first in range(0, len(self.tiles), COLUMNS):
                    with Horizontal(classes="patch-row"):
                        for k in range(first, first + COLUMNS):
                            with Vertical(classes="patch"):
                                yield self.tiles[k]
                                yield self.values[k]
        yield Line("", id="wants-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.add_class("-computing")
        self._fit()
        # A thread: the ascent and the search are numpy work that would hold the screen still.
        self.run_worker(self.wants.compute, name="wants", thread=True, exclusive=True, exit_on_error=False)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Two characters a pixel when the preferred input fits so, else half-blocks (two pixels a character)."""
        width, height = self.app.size
        size = self.wants.size
        roomy = 2 * size + 2 + PATCH_COLUMNS <= width and size + ROWS_AROUND <= height
        self.preferred.mode = "shade" if roomy else "halfblock"
        self.preferred.cell_width = 2 if roomy else None
        if self.result is not None:
            for tile, patch in zip(self.tiles, self.result.patches):
                tile.mode = self._tile_mode(patch.patch.shape[0])

    def _tile_mode(self, rows: int) -> str:
        """A 3×3 layer-1 patch reads as digits; an 8×8 layer-2 patch as shade glyphs when three
        rows of them fit (40 rows), else as half-blocks (two pixels a character, 80×24)."""
        if rows <= 4:
            return "numbers"
        tall = 3 * (rows + 2) + ROWS_AROUND <= self.app.size.height
        return "shade" if tall else "halfblock"

    # ---- the worker --------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Delivered on the UI thread, and only while this screen is mounted: a learner who left
        # early never gets here, and the worker was cancelled with the screen.
        if event.worker.name != "wants":
            return
        if event.state == WorkerState.SUCCESS:
            self.show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.query_one("#wants-response", Line).show(f"[b]cannot:[/b] {escape(str(event.worker.error))}")

    def show(self, result: WantsResult) -> None:
        """Fill the screen in with what the unit wants."""
        self.result = result
        self.remove_class("-computing")
        self.preferred.values = result.preferred
        best = result.best_patch
        text = f"response {number(result.response)} (noise: {number(result.start)})"
        if best is not None:
            text += f"\nthe best shape piece: {number(best)}"
        self.query_one("#wants-response", Line).show(text)
        for k, (tile, value) in enumerate(zip(self.tiles, self.values)):
            if k >= len(result.patches):
                tile.display = value.display = False
                continue
            patch = result.patches[k]
            tile.mode = self._tile_mode(patch.patch.shape[0])
            tile.values = patch.patch
            tile.marks = {"padding": _outside(patch.box, result.preferred.shape)}
            tile.title = f"{patch.kind} #{patch.number}"
            value.show(f"response {number(patch.response)}")
        self._show_picked()

    def _show_picked(self) -> None:
        result = self.result
        if result is None or not result.patches:
            return
        self.picked = min(self.picked, len(result.patches) - 1)
        for k, tile in enumerate(self.tiles):
            tile.selected = k == self.picked
        patch = result.patches[self.picked]
        top, left, bottom, right = patch.box
        if self.wants.unit.layer == "kind":
            where = "its score sees the whole grid"
        else:
            layer = "layer-1" if self.wants.unit.layer == "layer1" else "layer-2"
            where = f"its {layer} map's cell {patch.cell} sees input rows {top}–{bottom}, columns {left}–{right}"
        outside = ", partly past the border (padding, 0)" if min(top, left) < 0 or max(bottom, right) >= result.preferred.shape[0] else ""
        text = f"▸ {patch.kind} #{patch.number} of the generated {patch.kind}s: {number(patch.response)}; {where}{outside}"
        self.query_one("#wants-detail", Line).show(escape(text))

    # ---- keys --------------------------------------------------------------------------
    def action_pick(self, step: int) -> None:
        if self.result is None or not self.result.patches:
            return
        count = len(self.result.patches)
        self.picked = min(max(self.picked + step, 0), count - 1)
        self._show_picked()

    def action_close(self) -> None:
        self.workers.cancel_node(self)  # the thread finishes its numbers; its result is dropped
        self.dismiss()


def _outside(box: tuple[int, int, int, int], shape: tuple[int, int]) -> set[tuple[int, int]]:
    """The patch's cells that lie past the input's border (the zero padding the unit saw)."""
    top, left, bottom, right = box
    h, w = shape
    return {
        (r - top, c - left)
        for r in range(top, bottom + 1)
        for c in range(left, right + 1)
        if not (0 <= r < h and 0 <= c < w)
    }
