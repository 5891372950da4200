"""The tuiconv App: opens the screen the command line asked for and hosts what every screen shares.

Shared by every screen: ``?`` lists the current screen's keys (screens/help.py), ``q``/``escape``
go back (and quit from the first screen), ``ctrl+p`` opens the command palette with the
screen's own ``palette_commands()``, and a terminal smaller than the screen needs (its
``MIN_SIZE``, default ``DEFAULT_MIN_SIZE``) shows one line asking for a larger one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tuiconv import startup
from tuiconv.app import textual_patches
from tuiconv.clean_text import one_line

DEFAULT_MIN_SIZE = (60, 20)


class TooSmallScreen(Screen):
    """Covers everything while the terminal is below the size the screens need.

    It always says the terminal's current size, and goes away by itself once the terminal is
    large enough again: at once when it is on top, or when the screens pushed over it close.
    """

    BINDINGS = [
        Binding("q", "app.quit", "quit", show=False),
        # Nothing else opens over the notice (help, a story card would hide it).
        Binding("escape,question_mark,ctrl+p", "stay", show=False),
    ]

    def __init__(self, needed: tuple[int, int], size: tuple[int, int]) -> None:
        super().__init__()
        self.needed = needed
        self._terminal = size

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small")

    def _text(self) -> str:
        (need_w, need_h), (width, height) = self.needed, self._terminal
        return f"tuiconv needs {need_w}×{need_h}; this terminal is {width}×{height} (q quits)"

    def show_size(self, needed: tuple[int, int], size: tuple[int, int]) -> None:
        self.needed, self._terminal = needed, size
        if self.is_mounted:
            self.query_one("#too-small", Static).update(self._text())

    def action_stay(self) -> None:
        pass

    def on_screen_resume(self) -> None:
        # Back on top after a screen pushed over it closed: the terminal may be large enough now.
        self.app.call_after_refresh(self.app.check_size)


textual_patches.install()


class TuiconvApp(textual_patches.CrashScreenToFile, App):
    """Runs one first screen (the lesson menu, a lesson, the stepper, the network, training)."""

    TITLE = "tuiconv"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("question_mark", "help", "help", key_display="?", tooltip="help: every key of this screen"),
        Binding("q,escape", "back", "back/quit", show=False, key_display="q", tooltip="back, or quit from the first screen"),
    ]

    def __init__(self, first_screen: Callable[[], Screen], lessons_dir: str | None = None):
        super().__init__()
        self._first_screen = first_screen
        self.lessons_dir = lessons_dir
        # Served by `tuiconv serve`: files only from the class directory, nothing written there.
        self.served = bool(os.environ.get("TUICONV_FILE_ROOT"))
        self._crash_report = None
        self._crashed = False

    # -- crashes --------------------------------------------------------------------------

    def keep_crash_report(self, renderables: list) -> None:
        # Textual would print its crash screen (a traceback with locals) on the terminal and
        # then return normally, so the command exited 0. The report goes to a file instead and
        # run() raises, so the command line prints one line and exits 1 (tuiconv/crash.py).
        import io

        from rich.console import Console

        from tuiconv import crash

        buffer = io.StringIO()
        console = Console(file=buffer, width=120, color_system=None, markup=False, highlight=False)
        for renderable in renderables:
            console.print(renderable)
        self._crashed = True
        self._crash_report = crash.write_report(buffer.getvalue())

    def run(self, *args, **kwargs):
        result = super().run(*args, **kwargs)
        if self._crashed or self.return_code == 1:
            from tuiconv import crash

            raise crash.AppCrashed(self._crash_report)
        return result

    def get_default_screen(self) -> Screen:
        # The first screen is the bottom of the stack, so no empty default screen is composed
        # and drawn before it (a sixth of `tuiconv step`'s start); on an untested Textual it is
        # pushed over Textual's default screen instead (on_mount).
        if not textual_patches.can_start_at_the_bottom():
            return super().get_default_screen()
        screen = self._first_screen()
        textual_patches.start_at_the_bottom(screen, self)
        return screen

    @property
    def first_depth(self) -> int:
        """How deep the stack is at the first screen: going back from there quits."""
        return 1 if textual_patches.can_start_at_the_bottom() else 2

    def on_mount(self) -> None:
        if not textual_patches.can_start_at_the_bottom():
            self.push_screen(self._first_screen())
        self.call_after_refresh(self.check_size)
        self.call_after_refresh(startup.resume)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel lists its internals, and its "Screenshot" saves to a Downloads
        # folder a lab machine may not have: both are replaced by ours.
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Screenshot"):
                yield command
        yield SystemCommand("Keys", "every key of this screen (also ?)", self.action_help)
        if not self.served:  # a served learner may not write files on the server
            yield SystemCommand("Screenshot", "save an SVG picture of this screen in the current directory", self.save_screenshot_here)
        # A screen offers its own actions to the command palette by defining palette_commands().
        provider = getattr(screen, "palette_commands", None)
        if provider is not None:
            yield from provider()

    def save_screenshot_here(self) -> str | None:
        """Save an SVG of the screen in the current directory and say where (or why not)."""
        try:
            path = os.path.abspath(self.save_screenshot(path=os.getcwd()))
        except OSError as error:
            self.notify(one_line(f"Could not save the screenshot in {os.getcwd()}: {error.strerror or error}"), title="Screenshot", severity="error", markup=False)
            return None
        self.notify(one_line(f"Saved {path}"), title="Screenshot", markup=False)
        return path

    # -- keys every screen shares ---------------------------------------------------------

    def action_help(self) -> None:
        from tuiconv.app.screens.help import HelpScreen, binding_sections

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        title = f"Keys: {self.screen.title or self.title}"
        self.push_screen(HelpScreen(binding_sections(self.screen), title))

    def action_help_quit(self) -> None:
        # Over SSH, ctrl+c is how a learner ends a session; locally Textual's reminder stays.
        if self.served:
            self.exit()
        else:
            super().action_help_quit()

    @property
    def at_first_screen(self) -> bool:
        """Going back from here quits."""
        return len(self.screen_stack) <= self.first_depth

    def action_back(self) -> None:
        from tuiconv.app.screens.confirm import AsksBeforeLeaving, Confirm

        screen = self.screen
        question = screen.leave_question() if isinstance(screen, AsksBeforeLeaving) else None
        if question is None:
            self._go_back()
        else:
            self.push_screen(Confirm(question), lambda yes: self._go_back(screen) if yes else None)

    def _go_back(self, screen: Screen | None = None) -> None:
        if screen is not None and screen is not self.screen:
            return  # something else came on top meanwhile
        # The first screen is the bottom of the stack: going back from there means quitting.
        if not self.at_first_screen:
            self.pop_screen()
        else:
            self.exit()

    # -- between the lesson menu and a lesson ---------------------------------------------
    # The app moves between them, so neither screen imports the other.

    def open_lesson(self, course, lesson, store, step: int | None = None) -> None:
        from tuiconv.app.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(course, lesson, store, step))

    def open_menu(self, course, store, highlight: int) -> None:
        """Back to the lesson menu on lesson ``highlight``: the one below, or a new one."""
        from tuiconv.app.screens.menu import MenuScreen

        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if isinstance(below, MenuScreen):
            below.last_opened = highlight
            self.pop_screen()
        else:
            self.switch_screen(MenuScreen(course, store, highlight=highlight))

    # -- terminal size --------------------------------------------------------------------

    def on_resize(self) -> None:
        self.call_after_refresh(self.check_size)

    def push_screen(self, screen, *args, **kwargs):
        # A screen opened while the terminal is too small (a story card, say) goes under a fresh
        # notice rather than over it.
        if not isinstance(screen, TooSmallScreen):
            if self.screen_stack and isinstance(self.screen, TooSmallScreen):
                self.pop_screen()  # no notice stays buried, showing through a modal screen
            self.call_after_refresh(self.check_size)
        return super().push_screen(screen, *args, **kwargs)

    def _needed_size(self) -> tuple[int, int]:
        sizes = [getattr(s, "MIN_SIZE", DEFAULT_MIN_SIZE) for s in self.screen_stack if not isinstance(s, TooSmallScreen)]
        return max(w for w, _ in sizes), max(h for _, h in sizes)

    def check_size(self) -> None:
        """Show the size notice on top while the terminal is too small, and only then."""
        if not self.is_running or not self.screen_stack:
            return
        size = (self.size.width, self.size.height)
        needed = self._needed_size()
        small = size[0] < needed[0] or size[1] < needed[1]
        top = self.screen
        if small and isinstance(top, TooSmallScreen):
            top.show_size(needed, size)
        elif small:
            self.push_screen(TooSmallScreen(needed, size))
        elif isinstance(top, TooSmallScreen):
            self.pop_screen()  # a notice under it, if any, checks again when it is back on top
