"""`tuiconv network`: the layer stack, from the input to the verdict, all at once (any net, paged)."""

from __future__ import annotations

from tuiconv.commands.options import add_architecture_options, add_shape_options, add_weights_option, network_for

HELP = "see every layer of the two-layer network at once, and why its verdict is what it is"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--input",
        metavar="NAME|FILE",
        default="rectangle",
        help="a shape name (rectangle, diamond, ...) or a shape file (default: rectangle)",
    )
    add_weights_option(parser)
    add_architecture_options(parser)
    add_shape_options(parser)


def run(args) -> int:
    # Everything that can be wrong with the arguments is found here, before Textual starts, so a
    # bad file is one line on stderr and exit code 2 (cli.py), never a half-drawn screen.
    from pathlib import Path

    from tuiconv.explore.network import NetworkSession
    from tuiconv.engine.shapes import resolve_input

    net = network_for(args)  # any net: 1 to 32 filters a layer, two or more kinds
    name, image = resolve_input(args.input, args.size, args.seed)
    session = NetworkSession(net, image, name, size=args.size, seed=args.seed, weights_name=args.weights and Path(args.weights).name)

    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.network import NetworkScreen

    TuiconvApp(first_screen=lambda: NetworkScreen(session)).run()
    return 0
