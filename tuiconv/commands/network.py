"""`tuiconv network`: not built yet (see the open issues)."""

HELP = "(not built yet)"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    print("tuiconv network: not built yet")
    return 2
