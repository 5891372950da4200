"""The `tuiconv` command: picks a screen to open, or runs a headless command.

Each subcommand lives in ``tuiconv/commands/<name>.py`` with ``HELP``, ``add_arguments(parser)``
and ``run(args) -> int``; those modules import Textual only inside ``run`` so that
``--help`` and the headless commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tuiconv import __version__, crash, startup
from tuiconv.clean_text import one_line
from tuiconv.errors import InputError

# Order is the order `tuiconv --help` lists them in.
COMMANDS = ["lesson", "lessons", "step", "network", "train", "classify", "wants", "show", "class", "serve"]
# A command whose module cannot have its name ("class" is a Python keyword).
MODULES = {"class": "classroom"}


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # A megabyte typed as a command name comes back in "invalid choice: ..."; one line.
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (given ``argv`` naming a command) just the part that command needs.

    argparse spends ~1 ms on each subcommand's parser, which `tuiconv step` would otherwise pay
    seven times before its first screen.
    """
    chosen = _command_in(argv)
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
    for name in [chosen] if chosen else COMMANDS:
        module = importlib.import_module(f"tuiconv.commands.{MODULES.get(name, name)}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def _command_in(argv: list[str] | None) -> str | None:
    """The known command ``argv`` names, if any (None: build every subcommand, e.g. for --help)."""
    if argv is None:
        return None
    words = iter(argv)
    for word in words:
        if word == "--lessons":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def default_lessons() -> str | None:
    """The course when no --lessons is given: TUICONV_LESSONS names a lessons directory or a
    class directory (then its class.toml's course); unset, the built-in lessons (None)."""
    import os

    named = os.environ.get("TUICONV_LESSONS", "")
    if not named:
        return None
    from pathlib import Path

    if (Path(named) / "class.toml").is_file():
        from tuiconv.serve import classdir

        lessons = classdir.load(named).lessons_dir()
        return None if lessons is None else str(lessons)
    return named


def limit_colours_on_dumb_terminals() -> None:
    """Under TERM=dumb (or none) Textual sends 24-bit colour (Rich detects no colour system and
    Textual then renders as truecolor): ask it for the 16 standard colours instead. Set before
    Textual is imported, as it reads TEXTUAL_COLOR_SYSTEM once."""
    term = os.environ.get("TERM", "").strip().lower()
    if term in ("", "dumb", "unknown") and not os.environ.get("TEXTUAL_COLOR_SYSTEM"):
        os.environ["TEXTUAL_COLOR_SYSTEM"] = "standard"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    limit_colours_on_dumb_terminals()
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if getattr(args, "lessons", None) is None:
        try:
            args.lessons = default_lessons()
        except (InputError, ValueError) as error:
            print(f"tuiconv: error: TUICONV_LESSONS: {error}", file=sys.stderr)
            return 2
    run = getattr(args, "run", None)
    if run is None:
        run = importlib.import_module("tuiconv.commands.menu").run
    if getattr(args, "lessons", None) is not None and not args.lessons.strip():
        print("tuiconv: error: --lessons needs a directory, not an empty name", file=sys.stderr)
        return 2
    startup.hold()  # the app resumes collecting once its first screen is drawn
    try:
        return int(run(args) or 0)
    except (InputError, ValueError) as error:
        print(f"tuiconv: error: {InputError(str(error))}", file=sys.stderr)  # one bounded, escaped line
        return 2
    except BrokenPipeError:
        # `tuiconv classify … | head`: the reader has all it wanted; say nothing, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:
        print(f"tuiconv: error: {InputError(error.strerror or str(error), error.filename)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tuiconv: interrupted", file=sys.stderr)
        return 130
    except crash.AppCrashed as error:
        print(crash.one_line(error.report), file=sys.stderr)
        return 1
    except Exception as error:  # a bug: the report goes to a file, the terminal gets one line
        print(crash.one_line(crash.report_exception(error)), file=sys.stderr)
        return 1
    finally:
        startup.resume()
