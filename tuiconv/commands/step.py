"""`tuiconv step`: step a filter across a grid and see every multiplication."""

from __future__ import annotations

import argparse

from tuiconv.limits import argument

HELP = "step a filter across a grid: every multiplication, padding, stride, dilation, ReLU, pooling"

EPILOG = """\
examples:
  tuiconv step                                       a rectangle outline and a vertical-line kernel
  tuiconv step --input diamond --filter diagonal --padding 1
  tuiconv step --input my-shape.txt --filter sobel-x --stride 2
  tuiconv step --input diamond:16 --filter rectangle  layer 2: reads the four edge maps
  tuiconv step --weights w.npz --filter layer2:0 --input cross
                        a trained layer-2 filter over the K1 pooled layer-1 maps of a cross
  tuiconv step --weights w.npz --filter layer1:3     a trained layer-1 filter over the shape

keys (? in the app lists them all): space step, backspace back, arrows jump, p play,
z/s/d padding/stride/dilation, u ReLU, m pooling, i input, f kernel, e edit kernel, n draw,
c/C next/previous channel, ]/[ eight channels on.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--input",
        metavar="NAME|FILE",
        help="a shape (rectangle, diamond, cross, triangle, circle; filled-KIND; KIND:SIZE) "
        "or a shape file of . and # or numbers (default: rectangle)",
    )
    parser.add_argument(
        "--filter",
        metavar="NAME",
        help="a named kernel: horizontal, vertical, diagonal, antidiagonal, sobel-x, sobel-y, "
        "blur, sharpen, identity; or rectangle, diamond, corner (layer 2); or layer1:I, layer2:J, a filter "
        "of the network (--weights, or the hand-designed one) (default: vertical)",
    )
    parser.add_argument(
        "--weights",
        metavar="FILE.npz",
        help="weights written by `tuiconv train --out`: --filter layer2:J steps its J-th layer-2 filter over "
        "the shape's pooled layer-1 maps (layer1:I its I-th layer-1 filter over the shape)",
    )
    parser.add_argument("--padding", metavar="P", type=_padding, help="zeros around the input: a number, or valid, same, full (default: 0; 1 for a network's filter, as the network pads)")
    parser.add_argument("--stride", metavar="S", type=argument("stride"), default=1, help="cells the filter moves each step (default: 1)")
    parser.add_argument("--dilation", metavar="D", type=argument("dilation"), default=1, help="spacing between kernel taps (default: 1)")
    parser.add_argument("--bias", metavar="B", type=argument("bias"), help="added to every output value (default: 0; a network filter's own bias)")
    parser.add_argument("--size", metavar="N", type=argument("size"), help="grid size of generated shapes (default: 8; 16 for layer-2 filters, layer2:J among them)")
    parser.add_argument("--seed", metavar="N", type=argument("seed"), default=5, help="seed for generated shapes (default: 5)")


def _padding(text: str) -> int | str:
    """A number of zeros (within the one table of ranges) or valid, same, full."""
    word = text.strip().lower()
    if word in ("valid", "same", "full"):
        return word
    try:
        return argument("padding")(text)
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{error} (or valid, same, full)") from None


def run(args: argparse.Namespace) -> int:
    # Everything that can be wrong is found before Textual starts: a bad file, name or geometry
    # is one line on stderr and exit code 2 (cli.py), never a half-drawn screen.
    from tuiconv.explore.stepper import StepperSession

    session = StepperSession.build(
        args.input,
        args.filter,
        size=args.size,
        seed=args.seed,
        padding=args.padding,
        stride=args.stride,
        dilation=args.dilation,
        bias=args.bias,
        weights=args.weights,
    )

    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.stepper import StepperScreen

    TuiconvApp(first_screen=lambda: StepperScreen(session)).run()
    return 0
