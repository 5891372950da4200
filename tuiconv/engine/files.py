"""Reading a user's file, with every way that can fail turned into one ``path: what`` line."""

from __future__ import annotations

from pathlib import Path

from tuiconv.errors import InputError


def read_bytes(path: str | Path, what: str) -> bytes:
    """The file's bytes; InputError "PATH: no such file" (and the like) otherwise.

    ``what`` names the kind of file expected, for the directory case: "a shape file".
    """
    where = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, not {what}", where) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", where) from None
