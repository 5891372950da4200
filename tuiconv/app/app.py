"""The tuiconv App: opens the screen the command line asked for and hosts what every screen shares.

Shared by every screen: ``?`` lists the current screen's keys (screens/help.py), ``q``/``escape``
go back (and quit from the first screen), ``ctrl+p`` opens the command palette with the
screen's own ``palette_commands()``, and a terminal smaller than the screen needs (its
``MIN_SIZE``, default ``DEFAULT_MIN_SIZE``) shows one line asking for a larger one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import lru_cache

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tuiconv import startup
from tuiconv.clean_text import one_line

DEFAULT_MIN_SIZE = (60, 20)


def send_only_dirty_cells() -> None:
    """Make Textual send just the changed part of each line, not the line from the widget's edge.

    Textual 8 writes a dirty span of a line starting from the left edge of the widget it falls
    in (``ChopsUpdate.render_segments`` crops on the right only; its own comment says "TODO:
    crop to x extents"), so moving a window three cells into a grid re-sends every cell to its
    left. Cropping on the left too makes a step over SSH cost the cells that changed. The
    output is otherwise identical; tests/app/test_app_updates.py checks it against the original.
    """
    from textual import _compositor

    if getattr(_compositor.ChopsUpdate, "_tuiconv_cropped", False):
        return

    def render_segments(self, console) -> str:
        sequences: list[str] = []
        append = sequences.append
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items()):
                if strip is None or x > x2 or end <= x1:
                    continue
                left, right = max(x, x1), min(end, x2)
                if left >= right:
                    continue
                if left > x or right < end:
                    strip = strip.crop(left - x, right - x)
                append(_move_to(left, y))
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)

    _compositor.ChopsUpdate.textual_render_segments = _compositor.ChopsUpdate.render_segments
    _compositor.ChopsUpdate.render_segments = render_segments
    _compositor.ChopsUpdate._tuiconv_cropped = True


@lru_cache(maxsize=4096)
def _move_to(x: int, y: int) -> str:
    from rich.control import Control

    return Control.move_to(x, y).segment.text


class TooSmallScreen(Screen):
    """Covers everything while the terminal is below the size the screens need."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: 100%; height: auto; text-align: center; }
    """

    def __init__(self, needed: tuple[int, int], size: tuple[int, int]) -> None:
        super().__init__()
        self.needed = needed
        self._terminal = size

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small")

    def _text(self) -> str:
        (need_w, need_h), (width, height) = self.needed, self._terminal
        return f"tuiconv needs {need_w}×{need_h}; this terminal is {width}×{height}"

    def show_size(self, width: int, height: int) -> None:
        self._terminal = (width, height)
        if self.is_mounted:
            self.query_one("#too-small", Static).update(self._text())


send_only_dirty_cells()


class TuiconvApp(App):
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
        self._too_small: TooSmallScreen | None = None
        self._crash_report = None
        self._crashed = False

    # -- crashes --------------------------------------------------------------------------

    def _print_error_renderables(self) -> None:
        # Textual would print its crash screen (a traceback with locals) on the terminal and
        # then return normally, so the command exited 0. The report goes to a file instead and
        # run() raises, so the command line prints one line and exits 1 (tuiconv/crash.py).
        if not self._exit_renderables:
            return
        import io

        from rich.console import Console

        from tuiconv import crash

        buffer = io.StringIO()
        console = Console(file=buffer, width=120, color_system=None, markup=False, highlight=False)
        for renderable in self._exit_renderables:
            console.print(renderable)
        self._exit_renderables.clear()
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
        # and drawn before it (a sixth of `tuiconv step`'s start). Textual expects a screen it
        # switches away from (a lesson opening the menu) to have been pushed with a result
        # callback: the bottom one gets an empty one. Pinned by textual<9, tested by the
        # lesson-to-menu tests.
        screen = self._first_screen()
        screen._push_result_callback(self, None)
        return screen

    def on_mount(self) -> None:
        self.call_after_refresh(self._check_size)
        self.call_after_refresh(startup.resume)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel lists its internals, and its "Screenshot" saves to a Downloads
        # folder a lab machine may not have: both are replaced by ours.
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Screenshot"):
                yield command
        yield SystemCommand("Keys", "every key of this screen (also ?)", self.action_help)
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

    def action_back(self) -> None:
        # The first screen is the bottom of the stack: going back from there means quitting.
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            self.exit()

    # -- terminal size --------------------------------------------------------------------

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_size)

    def _needed_size(self) -> tuple[int, int]:
        sizes = [getattr(s, "MIN_SIZE", DEFAULT_MIN_SIZE) for s in self.screen_stack if s is not self._too_small]
        return max(w for w, _ in sizes), max(h for _, h in sizes)

    def _check_size(self) -> None:
        width, height = self.size
        need_w, need_h = self._needed_size()
        small = width < need_w or height < need_h
        if small and self._too_small is None:
            self._too_small = TooSmallScreen((need_w, need_h), (width, height))
            self.push_screen(self._too_small)
        elif small and self._too_small is not None:
            self._too_small.show_size(width, height)
        elif not small and self._too_small is not None:
            if self.screen is self._too_small:
                self.pop_screen()
            self._too_small = None
