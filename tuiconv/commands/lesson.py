"""`tuiconv lesson`: not built yet (see the open issues)."""

HELP = "(not built yet)"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    print("tuiconv lesson: not built yet")
    return 2
