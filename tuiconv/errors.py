"""The one kind of error a user sees: what is wrong and where, on one line."""

from __future__ import annotations

from pathlib import Path

from tuiconv.clean_text import one_line, shown_name


class InputError(Exception):
    """Bad input from a file or the command line; ``str()`` is the line shown to the user.

    With a path (and a line) the message reads ``file:line: what is wrong``, the form
    editors and teachers' tools jump to.
    """

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        # A path may hold an ESC or a bidi override, a message a pasted megabyte: what reaches
        # the terminal is one bounded line with every such character escaped.
        message = one_line(self.message)
        if self.path is None:
            return message
        path = shown_name(self.path, limit=160)
        if self.line is None:
            return f"{path}: {message}"
        return f"{path}:{self.line}: {message}"
