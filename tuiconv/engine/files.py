"""Reading a user's file, with every way that can fail turned into one ``path: what`` line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tuiconv.errors import InputError

# Set by `tuiconv serve` for each learner's session: every file a learner names must lie in this
# directory (the class directory; more than one are separated by os.pathsep, for the shipped
# lessons), so that a served session can open no other file of the server.
FILE_ROOT_VARIABLE = "TUICONV_FILE_ROOT"


def _check_allowed(path: str | Path, where: str) -> None:
    roots = [root for root in os.environ.get(FILE_ROOT_VARIABLE, "").split(os.pathsep) if root]
    if not roots:
        return
    resolved = Path(path).resolve()  # symlinks followed: a link inside pointing out is outside
    if not any(resolved.is_relative_to(Path(root).resolve()) for root in roots):
        raise InputError("not in the class directory: this session opens only the class's own files", where)
    try:
        mode = resolved.stat().st_mode
    except OSError:
        return  # read_bytes below says "no such file"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise InputError("not a regular file", where)


def read_bytes(path: str | Path, what: str, limit: int | None = None) -> bytes:
    """The file's bytes; InputError "PATH: no such file" (and the like) otherwise.

    ``what`` names the kind of file expected, for the directory case: "a shape file". With a
    ``limit``, at most that many bytes are read, and a longer file is refused.
    """
    where = str(path)
    _check_allowed(path, where)
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
