"""`tuiconv classify`: the network's verdict and both scores for each shape file, as a table."""

from __future__ import annotations

import sys

from tuiconv.commands.options import add_shape_options, add_weights_option

HELP = "print the network's verdict (rectangle, diamond, ...) and every kind's probability for each shape file"


def add_arguments(parser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="FILE|NAME",
        help="shape files (rows of . and #, or numbers), or shape names such as diamond:20",
    )
    add_weights_option(parser)
    add_shape_options(parser)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from tuiconv.clean_text import escape
    from tuiconv.engine.network import Network, classify
    from tuiconv.engine.shapes import resolve_input
    from tuiconv.errors import InputError

    # A bad weights file stops everything (cli.py prints it): no verdict would mean anything.
    net = Network.load(args.weights) if args.weights else Network.hand_designed()
    rows, failures = [], []
    for spec in args.inputs:
        try:
            _, grid = resolve_input(spec, size=args.size, seed=args.seed)
            verdict, scores = classify(net, grid)
        except InputError as error:
            failures.append(str(error))
            continue
        except ValueError as error:  # a grid the network cannot read, e.g. 1×5
            failures.append(f"{spec}: {error}")
            continue
        rows.append((escape(spec), grid.shape, verdict, scores))  # an ESC in a name is shown, not obeyed

    if rows:
        title = Text(f"weights: {escape(args.weights)}" if args.weights else "weights: hand-designed")
        table = Table(title=title, title_justify="left", title_style="dim")
        table.add_column("input")
        table.add_column("size", justify="right")
        table.add_column("verdict")
        for label in net.kinds:
            table.add_column(label, justify="right")
        for label, (h, w), verdict, scores in rows:
            table.add_row(Text(label), f"{h}×{w}", Text(verdict, style="bold"), *(f"{s:.3f}" for s in scores))
        console = Console(highlight=False)
        if not console.is_terminal:
            console.width = 1000  # piped: keep each file's row on one line, however long its path
        console.print(table)
    # Each bad input is one line, after the table (the good inputs are still classified).
    for line in failures:
        print(f"tuiconv: error: {line}", file=sys.stderr)
    return 2 if failures else 0
