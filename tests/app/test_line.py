"""Line draws one line of text itself (cheaper per step); it must look exactly like a Static."""

import asyncio

import pytest
from rich.text import Text
from textual.app import App
from textual.geometry import Region
from textual.widgets import Static

from tuiconv.app.widgets.line import Line

CSS = """
.bold { text-style: bold; }
.warning { color: $text-warning; }
.muted { color: $text-muted; background: $panel; }
.narrow { width: 12; }
.auto { width: auto; }
.right { content-align: right middle; height: 3; }
"""

CONTENTS = [
    "step  3/64",
    "[b]diamond[/b] at (3,6): window × slice",
    Text.assemble("sum 0 + 1 + (−1) = 0;  0 + bias 0 = ", ("0", "bold")),
    Text.assemble(("space", "bold #ffa62b"), " step  ", ("p", "bold"), (" play", "dim")),
    "output size (8 − 3 + 2×1)/1 + 1 = 8\ndivides evenly: every input cell is covered",
    "",
]
CLASSES = ["", "bold", "warning", "muted", "narrow", "auto", "right", "narrow bold"]


class Pair(App):
    CSS = CSS

    def __init__(self, content, classes: str) -> None:
        super().__init__()
        self.content, self.classes_ = content, classes

    def compose(self):
        yield Line(self.content, classes=self.classes_, id="line")
        yield Static(self.content, classes=self.classes_, id="static")


def drawn(widget) -> list:
    """Every segment the widget hands Textual, styles included."""
    width, height = widget.outer_size
    return [list(strip) for strip in widget.render_lines(Region(0, 0, width, height))]


@pytest.mark.parametrize("classes", CLASSES)
def test_a_line_draws_what_a_static_draws(classes):
    async def run() -> None:
        for content in CONTENTS:
            app = Pair(content, classes)
            async with app.run_test(size=(60, 12)) as pilot:
                await pilot.pause()
                line, static = app.query_one("#line"), app.query_one("#static")
                assert line.outer_size == static.outer_size, content
                assert drawn(line) == drawn(static), content
                # A new text through show(), as the stepper does each step: still the same.
                line.show("x = 1")
                static.update("x = 1")
                await pilot.pause()
                assert drawn(line) == drawn(static)

    asyncio.run(run())


def test_show_repaints_only_for_a_new_text():
    async def run() -> None:
        app = Pair("", "")
        async with app.run_test(size=(40, 4)) as pilot:
            line = app.query_one("#line")
            line.show("step 1/64")
            await pilot.pause()
            repaints = []
            original = line.refresh
            line.refresh = lambda *a, **k: (repaints.append(a), original(*a, **k))[1]
            line.show("step 1/64")
            assert repaints == []
            line.show("step 2/64")
            assert len(repaints) == 1
            await pilot.pause()
            assert drawn(line)[0][0].text == "step 2/64"
            assert str(line.render()) == "step 2/64"

    asyncio.run(run())
