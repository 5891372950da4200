"""Options several commands share, so that each reads and is documented the same everywhere."""

from __future__ import annotations

import argparse

from tuiconv.limits import argument


def add_shape_options(parser: argparse.ArgumentParser) -> None:
    """--size and --seed: how a shape named on the command line (rectangle, diamond, ...) is generated."""
    parser.add_argument("--size", type=argument("size"), default=16, metavar="N", help="grid size of generated shapes (default: 16)")
    parser.add_argument("--seed", type=argument("seed"), default=0, metavar="N", help="seed for generated shapes (default: 0)")


def add_weights_option(parser: argparse.ArgumentParser) -> None:
    """--weights: a trained network instead of the hand-designed one."""
    parser.add_argument(
        "--weights",
        metavar="FILE.npz",
        help="a network saved as .npz (by `tuiconv train --out`); default: the hand-designed one",
    )


# Written out rather than imported: importing the engine loads numpy, which `tuiconv --help`
# should not wait for (tests/unit/test_network_cli.py keeps them equal to the engine's).
KINDS = ("rectangle", "diamond", "cross", "triangle", "circle")
DEFAULT_KINDS = ("rectangle", "diamond")
MAX_FILTERS = 32


def parse_filters(text: str) -> tuple[int, int]:
    """"32,32" → (32, 32): the filter counts of layer 1 and layer 2, each from 1 to MAX_FILTERS."""
    parts = [p.strip() for p in str(text).split(",")]
    want = f"K1,K2: two whole numbers from 1 to {MAX_FILTERS} separated by a comma"
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"expected {want} (e.g. 32,32), not {text!r}")
    k1, k2 = int(parts[0]), int(parts[1])
    for layer, count in (("layer 1", k1), ("layer 2", k2)):
        if not 1 <= count <= MAX_FILTERS:
            raise argparse.ArgumentTypeError(f"{layer} must have from 1 to {MAX_FILTERS} filters, not {count} (in {text!r})")
    return k1, k2


def parse_kinds(text: str) -> tuple[str, ...]:
    """"rectangle,diamond,cross" → the kinds of shape the network tells apart (two or more, each once)."""
    names = tuple(p.strip().lower() for p in str(text).split(","))
    for name in names:
        if name not in KINDS:
            raise argparse.ArgumentTypeError(f"unknown kind {name!r}; kinds: {', '.join(KINDS)}")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"each kind may be named once, not {text!r}")
    if len(names) < 2:
        raise argparse.ArgumentTypeError(f"a verdict needs at least two kinds to choose from, not {text!r}")
    return names


def add_architecture_options(parser: argparse.ArgumentParser) -> None:
    """--filters K1,K2 and --kinds KIND,…: the shape of the network."""
    parser.add_argument(
        "--filters",
        type=parse_filters,
        metavar="K1,K2",
        help=f"filters in layer 1 and layer 2, each from 1 to {MAX_FILTERS} "
        "(default: 4,2 for two kinds, 8,8 for more)",
    )
    parser.add_argument(
        "--kinds",
        type=parse_kinds,
        metavar="KIND,…",
        help=f"the kinds of shape to tell apart, two or more of {', '.join(KINDS)} (default: rectangle,diamond)",
    )


def network_for(args):
    """The network a command works on: ``--weights`` (checked against --filters and --kinds when
    those are given too), else the hand-designed one, or random weights of another shape."""
    from tuiconv.engine.network import Network
    from tuiconv.errors import InputError

    filters, kinds = getattr(args, "filters", None), getattr(args, "kinds", None)
    if args.weights:
        net = Network.load(args.weights)
        if filters is not None and filters != (net.filters1, net.filters2):
            raise InputError(f"holds a {net.filters1},{net.filters2} net, not --filters {filters[0]},{filters[1]}", args.weights)
        if kinds is not None and tuple(kinds) != net.kinds:
            raise InputError(f"tells apart {','.join(net.kinds)}, not --kinds {','.join(kinds)}", args.weights)
        return net
    kinds = tuple(kinds or DEFAULT_KINDS)
    hand = Network.hand_designed()
    if (filters is None or filters == (hand.filters1, hand.filters2)) and kinds == hand.kinds:
        return hand
    from tuiconv.engine.train import default_filters

    return Network.random(getattr(args, "seed", 0) or 0, filters=filters or default_filters(kinds), kinds=kinds)
