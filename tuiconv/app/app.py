"""The tuiconv App: opens the screen the command line asked for and hosts what every screen shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen


class TuiconvApp(App):
    """Runs one first screen (the lesson menu, a lesson, the stepper, the network, training)."""

    TITLE = "tuiconv"
    CSS_PATH = "app.tcss"

    def __init__(self, first_screen: Callable[[], Screen], lessons_dir: str | None = None):
        super().__init__()
        self._first_screen = first_screen
        self.lessons_dir = lessons_dir

    def on_mount(self) -> None:
        self.push_screen(self._first_screen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # A screen offers its own actions to the command palette by defining palette_commands().
        provider = getattr(screen, "palette_commands", None)
        if provider is not None:
            yield from provider()
