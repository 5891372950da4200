"""Grids the learner can change: draw on an input, edit a kernel's weights cell by cell.

Both are the one Grid widget with a movable cursor and a few extra keys; they only say what the
learner asked for (a message), and the view that owns the numbers applies it through the engine.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from tuiconv.app.widgets.grid import Cell, Grid


class _EditableGrid(Grid):
    """A grid whose cursor appears (in the middle) while it has focus, and moves with the arrows."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("cursor_movable", True)
        super().__init__(*args, **kwargs)

    # Textual calls on_focus/on_blur of every class in the MRO: these add to Grid's.
    def on_focus(self) -> None:
        if self.cursor is None and self.values.size:
            self.cursor = (self.values.shape[0] // 2, self.values.shape[1] // 2)

    def on_blur(self) -> None:
        self.cursor = None


class CanvasGrid(_EditableGrid):
    """An input grid to draw on: space or enter flips the cell under the cursor (0 ↔ 1)."""

    HELP_TITLE = "Input grid (draw)"
    BINDINGS = [
        Binding("space,enter", "toggle", "flip cell", key_display="space", tooltip="flip cell: 0 ↔ 1 under the cursor")
    ]

    class Toggled(Message):
        def __init__(self, grid: "CanvasGrid", cell: Cell) -> None:
            super().__init__()
            self.grid, self.cell = grid, cell

    def action_toggle(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Toggled(self, self.cursor))


class KernelGrid(_EditableGrid):
    """A kernel whose weights can be edited: + and − change by one, 0 clears, enter types a value."""

    HELP_TITLE = "Kernel grid (edit weights)"
    BINDINGS = [
        Binding("plus,equals_sign", "nudge(1)", "+1", key_display="+", tooltip="+1 to the weight under the cursor"),
        Binding("minus", "nudge(-1)", "−1", key_display="-", tooltip="−1 from the weight under the cursor"),
        Binding("0", "set_zero", "weight 0", tooltip="set the weight to 0"),
        Binding("enter", "type_value", "type weight", tooltip="type weight: any number"),
        Binding("b", "type_bias", "type bias", tooltip="type bias: added after the sum"),
    ]

    class Edit(Message):
        """Change the weight at ``cell``: add ``delta``, or set ``value``; or type one (ask=True)."""

        def __init__(self, grid: "KernelGrid", cell: Cell, *, delta: float = 0.0, value: float | None = None, ask: str | None = None) -> None:
            super().__init__()
            self.grid, self.cell, self.delta, self.value, self.ask = grid, cell, delta, value, ask

    def action_nudge(self, delta: float) -> None:
        if self.cursor is not None:
            self.post_message(self.Edit(self, self.cursor, delta=delta))

    def action_set_zero(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Edit(self, self.cursor, value=0.0))

    def action_type_value(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Edit(self, self.cursor, ask="weight"))

    def action_type_bias(self) -> None:
        self.post_message(self.Edit(self, self.cursor or (0, 0), ask="bias"))
