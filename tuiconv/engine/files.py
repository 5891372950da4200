"""Reading a user's file, with every way that can fail turned into one ``path: what`` line."""

from __future__ import annotations

from pathlib import Path

from tuiconv.errors import InputError


def read_bytes(path: str | Path, what: str, limit: int | None = None) -> bytes:
    """The file's bytes; InputError "PATH: no such file" (and the like) otherwise.

    ``what`` names the kind of file expected, for the directory case: "a shape file". With a
    ``limit``, at most that many bytes are read, and a longer file is refused.
    """
    where = str(path)
    try:
        if limit is not None:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
            if len(data) > limit:
                raise InputError(f"too large for {what}: more than {limit // 1024} KiB", where)
            return data
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", where) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, not {what}", where) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", where) from None
