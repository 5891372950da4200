"""What the terminal shows after many small repaints equals a full redraw of the same screen.

Grids and lines keep what they drew (cells, inherited colours, whole lines: app/textual_patches.py)
so that a step repaints little. If any of it went stale, a learner would see an old number or
an old colour; here a tiny terminal applies every update the app sends, and after each change
every cell (character and colour) must equal a fresh full redraw.
"""

import asyncio
import re

from rich.console import Console

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperScreen
from tuiconv.app.widgets.grid import Grid
from tuiconv.app.widgets.line import Line
from tuiconv.app.textual_patches import KeepsLines

SEQUENCE = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([0-9;]*)m|\n")


class Terminal:
    """Characters and their SGR colour codes at each cell, from what the app writes."""

    def __init__(self, width: int, height: int) -> None:
        self.cells = [[(" ", "")] * width for _ in range(height)]

    def apply(self, output: str) -> None:
        y = x = 0
        sgr = ""
        position = 0
        for match in SEQUENCE.finditer(output):
            for char in output[position : match.start()]:
                self.cells[y][x] = (char, sgr)
                x += 1
            if match.group(1):
                y, x = int(match.group(1)) - 1, int(match.group(2)) - 1
            elif match.group(3) is not None:
                sgr = "" if match.group(3) in ("", "0") else match.group(3)
            else:  # a newline between the lines of a full redraw
                y, x = y + 1, 0
            position = match.end()
        for char in output[position:]:
            self.cells[y][x] = (char, sgr)
            x += 1

    def text(self) -> list[str]:
        return ["".join(char for char, _ in row) for row in self.cells]


def redraw_from_scratch(app: TuiconvApp, console: Console) -> str:
    """A full redraw by Textual's own machinery, everything every widget kept thrown away first."""
    KeepsLines.enabled = False
    try:
        return _redraw_from_scratch(app, console)
    finally:
        KeepsLines.enabled = True


def _redraw_from_scratch(app: TuiconvApp, console: Console) -> str:
    for widget in app.screen.walk_children(with_self=True):
        widget._styles_cache.clear()
        widget._kept_lines = None
        if isinstance(widget, Grid):
            widget._strips.clear()
            widget._base = None
        if isinstance(widget, Line):
            widget._strips = None
    return app.screen._compositor.render_update(full=True).render_segments(console)


def stepper_app() -> TuiconvApp:
    return TuiconvApp(first_screen=StepperScreen)  # `tuiconv step`: the default input and kernel


async def check_repaints_match_full_redraws(size: tuple[int, int], keys: list[str]) -> None:
    app = stepper_app()
    console = Console(force_terminal=True, color_system="truecolor", width=size[0], legacy_windows=False)
    terminal = Terminal(*size)
    updates: list[str] = []
    async with app.run_test(size=size) as pilot:
        # Headless, the app writes nothing: keep every update it would have sent instead.
        display = app._display

        def keep(screen, update) -> None:
            if update is not None:
                updates.append(update.render_segments(console))
            display(screen, update)

        app._display = keep
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            for output in updates:
                terminal.apply(output)
            updates.clear()
            full = Terminal(*size)
            full.apply(redraw_from_scratch(app, console))
            assert terminal.cells == full.cells, f"after {key!r}:\n" + "\n".join(
                f"{a}\n{b}" for a, b in zip(terminal.text(), full.text()) if a != b
            )


def test_stepping_repaints_exactly_what_a_full_redraw_shows():
    # Steps, a step back, more padding (every grid resized), a kernel weight edited, a cell
    # drawn on the input, ReLU, pooling, focus moving between grids: each a partial update.
    keys = ["space", "space", "backspace", "z", "z", "space", "e", "plus", "plus", "escape", "n", "right", "space", "escape", "u", "m", "space", "tab", "space"]
    asyncio.run(check_repaints_match_full_redraws((120, 40), keys))
    asyncio.run(check_repaints_match_full_redraws((80, 24), keys))


def test_a_new_theme_recolours_every_grid():
    # A theme changes the background every grid inherits: none may keep its old colours.
    async def run() -> None:
        app = stepper_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            view = app.screen.query_one("StepperView")
            before = view.input_grid.render_line(0)
            app.theme = "textual-light"
            await pilot.pause()
            after = view.input_grid.render_line(0)
            assert before.text == after.text
            assert [s.style.bgcolor for s in before] != [s.style.bgcolor for s in after]
            assert after._segments[0].style.bgcolor == view.input_grid.rich_style.bgcolor  # Textual's own, fresh

    asyncio.run(run())
