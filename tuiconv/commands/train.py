"""`tuiconv train`: train the two-layer network (any --filters, --kinds) from random weights and watch its filters form.

With ``--headless`` it trains in the terminal with a progress bar and prints what the filters
became; otherwise it opens the training screen.
"""

from __future__ import annotations


from tuiconv.commands.options import add_architecture_options

HELP = "train the network from random weights and watch edge detectors form (--headless: no screen)"

# Progress is redrawn every this many steps: a step takes about a millisecond.
_REFRESH_EVERY = 10
# The engine's defaults (tuiconv.engine.train; a test keeps them equal), written out here because
# importing the engine loads scipy, which `tuiconv --help` should not wait for.
DEFAULT_SEED, DEFAULT_STEPS, DEFAULT_LR = 0, 200, 0.02
STEPS_PER_KIND = 200  # the default with more than two kinds


def add_arguments(parser) -> None:
    from tuiconv.limits import argument

    parser.add_argument("--headless", action="store_true", help="train without the screen: a progress bar, then a summary")
    parser.add_argument("--seed", type=argument("seed"), default=DEFAULT_SEED, metavar="N", help=f"seed for the random weights and the shapes (default: {DEFAULT_SEED})")
    parser.add_argument(
        "--steps",
        type=argument("steps"),
        metavar="M",
        help=f"training steps, one batch of 32 shapes each (default: {DEFAULT_STEPS}; {STEPS_PER_KIND} per kind with more than two kinds)",
    )
    parser.add_argument("--lr", type=argument("lr"), default=DEFAULT_LR, metavar="X", help=f"learning rate of the Adam optimiser (default: {DEFAULT_LR:g})")
    parser.add_argument("--out", metavar="FILE.npz", help="save the trained weights here (for `tuiconv network --weights`)")
    add_architecture_options(parser)


def check_writable(path: str, what: str = "the weights") -> None:
    """Refuse an --out that ``what`` could not be written to, before any work is done: an empty
    name, a directory, a device such as /dev/full, a folder that takes no new file."""
    from tuiconv.engine.files import check_writable as check

    check(path, what)


def run(args) -> int:
    from tuiconv.engine.network import CLASSES
    from tuiconv.engine.train import check_settings, default_filters, default_steps

    args.kinds = tuple(args.kinds or CLASSES)
    args.filters = args.filters or default_filters(args.kinds)
    if args.steps is None:
        args.steps = default_steps(args.kinds)
    check_settings(steps=args.steps, lr=args.lr, seed=args.seed)
    if args.out is not None:
        check_writable(args.out)
    if args.headless:
        return _run_headless(args)
    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.train import TrainScreen

    options = dict(seed=args.seed, steps=args.steps, lr=args.lr, out=args.out, filters=args.filters, kinds=args.kinds)
    TuiconvApp(first_screen=lambda: TrainScreen(**options)).run()
    return 0


def _run_headless(args) -> int:
    from tuiconv import startup

    startup.resume()  # no screen to wait for: a long run collects as usual
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tuiconv.engine.train import RECIPE, Trainer, evaluate, held_out_set, mean_responses

    console = Console(highlight=False)
    console.print(RECIPE + "\n")
    trainer = Trainer(seed=args.seed, lr=args.lr, kinds=args.kinds, filters=args.filters)
    columns = (
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.3f}  batch accuracy {task.fields[accuracy]:>4.0%}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("train", total=args.steps, loss=float("nan"), accuracy=0.0)
        while trainer.steps_done < args.steps:
            trainer.step(min(_REFRESH_EVERY, args.steps - trainer.steps_done))
            recent = trainer.history[-_REFRESH_EVERY:]
            progress.update(
                task,
                completed=trainer.steps_done,
                loss=sum(r.loss for r in recent) / len(recent),
                accuracy=sum(r.accuracy for r in recent) / len(recent),
            )
    net = trainer.network()
    held = held_out_set(kinds=args.kinds)
    print_summary(console, net, evaluate(net, held), len(held), mean_responses(net, held), args)
    if args.out:
        net.save(args.out)
        from rich.text import Text

        from tuiconv.clean_text import escape

        shown = escape(args.out)  # Text, escaped: a name may hold "[" or an ESC
        console.print(Text(f"saved the weights to {shown} (open them with: tuiconv network --weights {shown})"))
    return 0


def print_summary(console, net, accuracy: float, held_count: int, responses, args) -> None:
    """Held-out accuracy, each layer-1 filter beside its closest named detector, each kind's detector."""
    from rich.table import Table

    from tuiconv.engine.learned import WEAK_MATCH, layer1_matches, layer2_roles

    kinds = net.kinds
    each = held_count // len(kinds)
    if len(kinds) == 2:
        counted = f"{each} {plural(kinds[0])}, {each} {plural(kinds[1])}"
    else:
        counted = f"{each} each of {', '.join(plural(k) for k in kinds)}"
    console.print(f"\nnetwork: {net.filters1} → {net.filters2} filters, telling apart {', '.join(kinds)}")
    console.print(
        f"seed {args.seed}, {args.steps} steps, learning rate {args.lr:g}: "
        f"[bold]{accuracy:.1%}[/] right on {held_count} held-out shapes ({counted})\n"
    )
    matches = layer1_matches(net)
    table = Table(title="layer 1: the named edge detector each learned filter most resembles", title_justify="left")
    table.add_column("filter", justify="right")
    table.add_column("learned weights", justify="right")
    table.add_column("most like")
    table.add_column("cosine", justify="right")
    for match in matches:
        weights = "\n".join(" ".join(f"{v:+.2f}" for v in row) for row in net.w1[match.filter, 0])
        like = f"[bold]{match.label}[/]" + (" (weak)" if abs(match.similarity) < WEAK_MATCH else "")
        table.add_row(str(match.filter), weights, like, f"{match.similarity:+.2f}")
    console.print(table)
    if any(m.negated for m in matches):
        console.print(
            "−name: that detector with its sign flipped (negative cosine): it fires where the "
            "detector is most negative, beside a line rather than on it."
        )
    if any(abs(m.similarity) < WEAK_MATCH for m in matches):
        console.print(f"(weak): |cosine| below {WEAK_MATCH}: a mix, not one named detector.")

    roles = layer2_roles(net, responses)
    one_each = net.filters2 == len(kinds)
    table = Table(
        title="\nlayer 2: how much each kind's detector adds (+) or subtracts (−) of each layer-1 map "
        "(sum of its 3×3 weights on that map)",
        title_justify="left",
    )
    table.add_column("layer-1 map")
    for role in roles:
        table.add_column(f"filter {role.filter}:\n{role.detector} detector", justify="right")
    for match in matches:
        table.add_row(f"{match.filter} (≈{match.label})", *(f"{r.channel_weights[match.filter]:+.2f}" for r in roles))
    table.add_section()
    for label, name in enumerate(kinds):
        table.add_row(f"mean score on {plural(name)}", *(f"{r.mean_response[label]:.2f}" for r in roles))
    console.print(table)
    if not one_each:
        console.print(
            f"With {net.filters2} layer-2 filters and {len(kinds)} kinds, each kind's score is a weighted sum of "
            "all the filters' maxima (the dense layer); the column shows the filter it weighs most."
        )
    for j, role in enumerate(roles):
        own = role.mean_response[j]
        others = [role.mean_response[i] for i in range(len(kinds)) if i != j]
        other_text = (
            f"{others[0]:.2f} on {plural(kinds[1 - j])}" if len(kinds) == 2 else f"at most {max(others):.2f} on the other kinds"
        )
        if one_each:
            console.print(
                f"filter {role.filter} became the [bold]{role.detector} detector[/]: it scores {own:.2f} on {plural(role.detector)} and {other_text}."
            )
        else:
            console.print(
                f"the [bold]{role.detector}[/] score leans most on filter {role.filter} (weight {role.dense_weight:+.2f}): "
                f"it scores {own:.2f} on {plural(role.detector)} and {other_text}."
            )


def plural(kind: str) -> str:
    """"rectangle" → "rectangles", "cross" → "crosses"."""
    return kind + ("es" if kind.endswith("s") else "s")
