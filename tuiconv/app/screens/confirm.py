"""Ask before escape throws work away: one question, y or enter to go on, n or escape to stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tuiconv.app.styles import tcss


class AsksBeforeLeaving:
    """Mixin for a screen: what ``leave_question()`` returns is asked before escape leaves it
    (None: leave at once)."""

    def leave_question(self) -> str | None:
        return None


class Confirm(ModalScreen[bool]):
    """``Confirm("Quit tuiconv? Your drawing will be lost.")``: dismisses with True for yes."""

    DEFAULT_CSS = tcss(__file__, "confirm.tcss")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "yes", key_display="y"),
        Binding("n,escape", "answer(False)", "no", key_display="n"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("y or enter: yes · n or escape: no, stay", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
