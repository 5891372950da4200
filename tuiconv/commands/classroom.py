"""`tuiconv class`: make a class directory, manage its learners, see their progress."""

from __future__ import annotations

HELP = "a class: `class init DIR`, `class add DIR NAME --key FILE.pub`, `class remove`, `class report`, `class watch`"


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="make a class directory: class.toml, a host key, the progress database")
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--name", help="the class's name (default: the directory's name)")
    init.add_argument("--course", default="built-in", help='"built-in" (default) or a lessons directory inside DIR')
    init.add_argument("--code", action="store_true", help="make a class code, so learners without a key can log in")
    add = actions.add_parser("add", help="add a learner (or another key of one)")
    add.add_argument("directory", metavar="DIR")
    add.add_argument("name", metavar="NAME", help="the learner's login name: a-z, 0-9, _ and -")
    add.add_argument("--key", metavar="FILE.pub", help="their OpenSSH public key (without: they log in with the class code)")
    remove = actions.add_parser("remove", help="take a learner off the roster (their progress stays)")
    remove.add_argument("directory", metavar="DIR")
    remove.add_argument("name", metavar="NAME")
    report = actions.add_parser("report", help="learners × lessons: steps done, attempts, hints, last seen")
    report.add_argument("directory", metavar="DIR")
    report.add_argument("--csv", action="store_true", help="one CSV row per learner and lesson")
    watch = actions.add_parser("watch", help="a live screen: who is on which step now, who looks stuck")
    watch.add_argument("directory", metavar="DIR")


def run(args) -> int:
    from tuiconv.serve import classdir

    if args.action == "init":
        config = classdir.init(args.directory, args.name, args.course, args.code)
        print(f"Made class {config.name!r} in {config.directory}: {classdir.CONFIG}, {classdir.HOST_KEY}, {classdir.DATABASE}.")
        if config.code:
            print(f"Class code: {config.code} (learners without a key log in with their name and this code).")
        print(f"Next: tuiconv class add {args.directory} NAME --key NAME.pub, then tuiconv serve {args.directory}")
        return 0
    if args.action == "add":
        config = classdir.add(args.directory, args.name, args.key)
        keys = len(config.learners[args.name].keys)
        how = f"{keys} key(s)" if keys else ("the class code" if config.code else "no key yet: add one with --key, or set code in class.toml")
        print(f"{args.name} is in class {config.name!r} ({how}); {len(config.learners)} learner(s) in all.")
        return 0
    if args.action == "remove":
        config = classdir.remove(args.directory, args.name)
        print(f"{args.name} is no longer in class {config.name!r} (their progress stays in {classdir.DATABASE}).")
        return 0
    if args.action == "report":
        from tuiconv.serve.report import print_report

        return print_report(classdir.load(args.directory), csv_out=args.csv)
    from tuiconv.serve.watch import run_watch

    return run_watch(classdir.load(args.directory))
