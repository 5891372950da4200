"""The `tuiconv` command: picks a screen to open, or runs a headless command.

Each subcommand lives in ``tuiconv/commands/<name>.py`` with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; those modules import Textual only inside ``run`` so that
``--help`` and the headless commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tuiconv import __version__
from tuiconv.errors import InputError

# Order is the order `tuiconv --help` lists them in.
COMMANDS = ["lesson", "lessons", "step", "network", "train", "classify", "show"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tuiconv",
        description="Learn how convolutional networks build shapes out of edges. "
        "With no command, opens the lesson menu.",
    )
    parser.add_argument("--version", action="version", version=f"tuiconv {__version__}")
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        help="use the lessons in DIR instead of the built-in ones",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"tuiconv.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        run = importlib.import_module("tuiconv.commands.menu").run
    try:
        return int(run(args) or 0)
    except (InputError, ValueError) as error:
        print(f"tuiconv: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"tuiconv: error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
