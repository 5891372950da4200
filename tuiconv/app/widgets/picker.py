"""A small modal to choose from a list (shapes, kernels) or type a value (a file path, a weight).

Usage::

    def chosen(value: str | None) -> None: ...
    self.app.push_screen(Picker("Input", [("diamond", "diamond — an outline"), ...],
                                prompt="or type a shape file path"), chosen)
    self.app.push_screen(Picker("Weight at (0, 1)", [], prompt="a number", initial="2"), chosen)

Dismisses with the chosen option's value, the typed text, or None on escape. ``current``
highlights the option the screen shows now, so enter keeps it and the arrows start from it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


class Picker(ModalScreen[str | None]):
    """Choose one option with the arrows and enter, or type into the box below."""

    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Picker OptionList, Picker OptionList:focus { height: auto; max-height: 16; border: none; padding: 0; }
    /* Textual's own Input:focus draws a tall border, which in one row leaves no room for text. */
    Picker Input, Picker Input:focus { border: none; height: 1; padding: 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(
        self, title: str, options: list[tuple[str, str]], *, prompt: str | None = None, initial: str = "", current: str | None = None
    ) -> None:
        super().__init__()
        self._current = current  # the option highlighted first: what the screen shows now
        self._title = title
        self._options = options
        self._prompt = prompt
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text.assemble((self._title, "bold"), "  (enter chooses, esc cancels)"))
            if self._options:
                yield OptionList(*[Option(label, id=value) for value, label in self._options])
            if self._prompt is not None:
                yield Input(value=self._initial, placeholder=self._prompt)

    def on_mount(self) -> None:
        if not self._options:
            self.query_one(Input).focus()
            return
        values = [value for value, _ in self._options]
        if self._current in values:
            self.query_one(OptionList).highlighted = values.index(self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
