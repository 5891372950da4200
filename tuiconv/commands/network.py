"""`tuiconv network`: the layer stack, from the input to the rectangle/diamond verdict, all at once."""

from __future__ import annotations

from tuiconv.commands.options import add_shape_options, add_weights_option

HELP = "see every layer of the two-layer network at once, and why its verdict is what it is"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--input",
        metavar="NAME|FILE",
        default="rectangle",
        help="a shape name (rectangle, diamond, ...) or a shape file (default: rectangle)",
    )
    add_weights_option(parser)
    add_shape_options(parser)


def run(args) -> int:
    # Everything that can be wrong with the arguments is found here, before Textual starts, so a
    # bad file is one line on stderr and exit code 2 (cli.py), never a half-drawn screen.
    from tuiconv.explore.network import NetworkSession

    session = NetworkSession.open(args.input, weights=args.weights, size=args.size, seed=args.seed)

    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.network import NetworkScreen

    TuiconvApp(first_screen=lambda: NetworkScreen(session)).run()
    return 0
