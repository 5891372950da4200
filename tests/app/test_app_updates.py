"""What the app writes to the terminal for a partial update: the same screen, fewer bytes."""

import re

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual import _compositor
from textual.strip import Strip

import tuiconv.app.app  # noqa: F401  (installs send_only_dirty_cells)

ORIGINAL = _compositor.ChopsUpdate.textual_render_segments
MOVE_OR_STYLE = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[[0-9;]*m|\n|\r")


def apply(screen: list[list[str]], output: str) -> None:
    """A tiny terminal: cursor moves and text; styles ignored."""
    y = x = 0
    position = 0
    for match in MOVE_OR_STYLE.finditer(output):
        for char in output[position : match.start()]:
            screen[y][x] = char
            x += 1
        if match.group(1):
            y, x = int(match.group(1)) - 1, int(match.group(2)) - 1
        position = match.end()
    for char in output[position:]:
        screen[y][x] = char
        x += 1


def test_a_dirty_span_mid_widget_sends_only_its_cells():
    # One line, two widgets: cells "a0".."a9" of 2 characters (x 0–19), then "b0".."b4" (x 20–29).
    red = Style(color="red")
    left = Strip([Segment(f"a{k}", red) for k in range(10)])
    right = Strip([Segment(f"b{k}", red) for k in range(5)])
    chops = [{0: left, 20: right}]
    chop_ends = [[20, 30]]
    spans = [(0, 6, 10), (0, 22, 24)]  # cells a3, a4 and b1 changed
    update = _compositor.ChopsUpdate(chops, spans, chop_ends)
    console = Console(force_terminal=True, color_system="256", width=30)

    patched = update.render_segments(console)
    original = ORIGINAL(update, console)

    # The terminal shows the previous frame: the new one except the changed cells.
    new_frame = "".join(f"a{k}" for k in range(10)) + "".join(f"b{k}" for k in range(5))
    previous = list(new_frame)
    for _, x1, x2 in spans:
        previous[x1:x2] = "." * (x2 - x1)
    for output in (patched, original):
        screen = [previous[:]]
        apply(screen, output)
        assert "".join(screen[0]) == new_frame
    assert len(patched) < len(original)
    assert "a0" not in patched and "b0" not in patched  # nothing left of a changed cell
