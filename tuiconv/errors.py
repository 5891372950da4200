"""The one kind of error a user sees: what is wrong and where, on one line."""

from __future__ import annotations

from pathlib import Path


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
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"
