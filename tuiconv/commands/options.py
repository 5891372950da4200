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
