"""`tuiconv wants UNIT`: the input a unit of the network prefers, and the shapes that excite it most."""

from __future__ import annotations

from tuiconv.commands.options import add_weights_option, network_for

HELP = "the input a unit (layer1:I, layer2:J, or a kind such as rectangle) wants to see, as a shape file"
MIN_SIZE, MAX_SIZE = 8, 64  # as tuiconv.engine.shapes: the grids the network is shown


def add_arguments(parser) -> None:
    parser.add_argument("unit", metavar="UNIT", help="layer1:I (a layer-1 filter), layer2:J (a layer-2 filter), or a kind's name (its detector)")
    add_weights_option(parser)
    parser.add_argument("--size", type=int, default=16, metavar="N", help=f"grid size of the preferred input, {MIN_SIZE} to {MAX_SIZE} (default: 16)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed for the starting noise and the generated shapes (default: 0)")
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write the preferred input here, as a shape file of numbers, and print what it is; "
        "without --out the shape file goes to standard output",
    )


def run(args) -> int:
    import numpy as np

    from tuiconv.engine.network import classify
    from tuiconv.engine.shapes import format_shape
    from tuiconv.engine.wants import parse_unit, preferred_input, top_patches

    if not MIN_SIZE <= args.size <= MAX_SIZE:
        raise ValueError(f"--size must be from {MIN_SIZE} to {MAX_SIZE}, not {args.size}")
    if args.seed < 0:
        raise ValueError(f"--seed must be a whole number of at least 0, not {args.seed}")
    args.filters = args.kinds = None
    net = network_for(args)
    unit = parse_unit(args.unit, net)
    if args.out:
        from tuiconv.commands.train import check_writable

        check_writable(args.out, "the shape")
    preference = preferred_input(net, unit, size=args.size, seed=args.seed)
    # Three decimals: the file stays readable, and the network reads it as it read the grid.
    image = np.round(preference.image, 3)
    text = format_shape(image, numbers=True)
    if not args.out:
        print(text, end="")
        return 0
    from tuiconv.engine.files import write_atomically

    write_atomically(args.out, text.encode("utf-8"))  # a kill leaves the old file or the new, whole
    verdict, scores = classify(net, image)
    what = f"the {unit.name} detector (its score)" if unit.layer == "kind" else f"unit {unit.name} (its strongest response)"
    print(f"{what}: {preference.history[0]:.2f} on the starting noise, {preference.response:.2f} on what it wants")
    print(f"wrote {args.size}×{args.size} numbers to {args.out}; the network calls it {verdict} ({', '.join(f'{k} {s:.2f}' for k, s in zip(net.kinds, scores))})")
    print(f"the {len(top := top_patches(net, unit, size=args.size, seed=args.seed))} generated shapes that excite it most:")
    for patch in top:
        top_, left, bottom, right = patch.box
        where = (
            "(a score sees the whole grid)"
            if unit.layer == "kind"
            else f"at cell {patch.cell}, seeing rows {top_}–{bottom}, columns {left}–{right}"
        )
        print(f"  {patch.kind} #{patch.number}: {patch.response:.2f} {where}")
    return 0
