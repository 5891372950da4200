"""`tuiconv show`: print a shape file (or a generated shape) as coloured cells with their values."""

from __future__ import annotations

from tuiconv.commands.options import add_shape_options

HELP = "print a shape file, or a generated shape, as coloured cells with their values"


def add_arguments(parser) -> None:
    parser.add_argument(
        "input",
        metavar="FILE|NAME",
        help="a shape file (rows of . and #, or numbers), or a shape name such as diamond or diamond:20",
    )
    add_shape_options(parser)


def format_value(value: float) -> str:
    """A cell's number in at most 4 significant digits: 1, 0.5, -2.25, 1e+03."""
    text = f"{value:.4g}"
    return "0" if text == "-0" else text


def grid_text(grid, console_width: int | None = None, colour: bool = True):
    """The grid as a Rich Text: one line per row, each cell its number on its colour.

    Without colour (NO_COLOR, a dumb terminal) the brighter half of the scale is shown in
    reverse video, so a shape still stands out from its background.
    """
    from rich.text import Text

    from tuiconv.app.palette import Scale, cell_style

    scale = Scale.for_values(grid)
    cells = [[format_value(v) for v in row] for row in grid]
    width = max(len(c) for row in cells for c in row)
    # One space either side reads best; a narrow terminal gets one space, and one-character
    # values (0/1 art) none at all: their colours keep neighbouring cells apart.
    fitting = [p for p in (2, 1) if console_width is None or grid.shape[1] * (width + p) <= console_width]
    pad = fitting[0] if fitting else (0 if width == 1 else 1)
    text = Text()
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            bright = not colour and scale.position(grid[r, c]) > 0.5
            text.append(cell.rjust(width + pad // 2).ljust(width + pad), cell_style(grid[r, c], scale, reverse=bright))
        if r < len(cells) - 1:
            text.append("\n")
    return text


def run(args) -> int:
    from rich.console import Console
    from rich.text import Text

    from tuiconv.engine.shapes import resolve_input

    name, grid = resolve_input(args.input, size=args.size, seed=args.seed)
    console = Console(highlight=False)
    if console.is_dumb_terminal:  # Rich assumes 80 columns there; the terminal knows its width
        import os
        import sys

        try:
            size = os.get_terminal_size(sys.stdout.fileno())
            console.size = (size.columns, size.lines)  # Rich uses its own only when given both
        except (OSError, ValueError):
            pass
    rows, cols = grid.shape
    low, high = grid.min(), grid.max()
    summary = f": {rows}×{cols} grid (rows × columns), values {format_value(low)} to {format_value(high)}"
    console.print(Text.assemble((name, "bold"), summary))  # Text, not markup: a file name may hold "["
    colour = console.color_system is not None and not console.no_color
    text = grid_text(grid, console.width if console.is_terminal else None, colour)
    # Piped output keeps whole rows; a terminal crops rows too wide for it rather than wrapping them.
    if console.is_terminal:
        console.print(text, no_wrap=True, overflow="crop", crop=True)
    else:
        console.print(text, soft_wrap=True)
    if console.is_terminal and max(map(len, text.plain.split("\n"))) > console.width:
        console.print(f"(rows are {cols} cells wide and were cut at the terminal's right edge)", style="dim")
    return 0
