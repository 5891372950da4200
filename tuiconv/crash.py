"""When something unexpected breaks: the full report goes to a file, the terminal gets one line.

A traceback on a learner's terminal helps nobody and may show a teacher's paths; a report
file under the XDG state directory (``$XDG_STATE_HOME/tuiconv/``, by default
``~/.local/state/tuiconv/``) keeps everything a maintainer needs, and the command says where
it is and exits 1 (never 0: a script must see that it failed).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tuiconv.clean_text import shown_name


class AppCrashed(Exception):
    """The Textual app stopped on an unexpected error; its report is already written."""

    def __init__(self, report: Path | None):
        super().__init__(str(report))
        self.report = report


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or ""
    # The XDG spec: a relative value is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "tuiconv"


def write_report(text: str) -> Path | None:
    """Write ``text`` to a new crash-*.txt file; its path, or None if nothing could be written."""
    folder = state_dir()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        # "x": a unique name; never overwrite an earlier report.
        with open(path, "x", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(f"tuiconv crash report, {time.strftime('%Y-%m-%d %H:%M:%S %z')}\n")
            handle.write(f"command: {' '.join(sys.argv)}\npython: {sys.version.split()[0]}\n\n")
            handle.write(text)
        return path
    except OSError:
        return None


def report_exception(error: BaseException) -> Path | None:
    import traceback  # only when something went wrong: start-up stays light

    return write_report("".join(traceback.format_exception(type(error), error, error.__traceback__)))


def one_line(report: Path | None) -> str:
    """The line the terminal gets."""
    if report is None:
        return "tuiconv: internal error, and no report could be written to " + shown_name(str(state_dir()), 120)
    return f"tuiconv: internal error; the full report is in {shown_name(str(report), 200)}"
