"""Reading and writing a user's files: bounded, regular files only, every failure one line.

Every file tuiconv reads goes through ``read_bytes`` (or ``read_text``): it refuses what is not
a regular file *before* opening it for reading (a FIFO would block for ever, ``/dev/zero`` never
ends), checks the size against the cap for its kind, and then reads at most that many bytes
(a file in /proc says it is empty and is not). Symlinks are followed, a loop is one line.

Every file tuiconv writes goes through ``write_atomically``: a temporary file in the same
folder, flushed to disk, then renamed over the target, so a kill at any moment leaves either
the old file or the new one, never a truncated one.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from tuiconv.errors import InputError

KIB, MIB = 1024, 1024 * 1024

# The largest file of each kind tuiconv reads: far above any real one, far below trouble.
SIZE_CAPS: dict[str, int] = {
    # 64 rows of 64 numbers, each up to ~24 characters with its space: about 100 KiB.
    "shape": 256 * KIB,
    # The longest shipped lesson is ~6 KiB; a lesson is 1–8 steps of a few paragraphs.
    "lesson": 1 * MIB,
    # w1, b1, w2, b2 of the two-layer network take under 2 KiB as .npz.
    "weights": 1 * MIB,
    # The progress store and a class file (read by their own modules through this one).
    "progress": 16 * MIB,
    "class": 1 * MIB,
    # An OpenSSH public-key file: a line or a few, each well under 16 KiB.
    "public key": 64 * KIB,
}
# What each kind is called in a message: "is a directory, not a shape file".
KIND_NAMES = {
    "shape": "a shape file",
    "lesson": "a lesson file",
    "weights": "a weights file",
    "progress": "a progress file",
    "class": "a class file",
    "public key": "a public-key file",
}


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:.3g} MiB"
    if count >= KIB:
        return f"{count / KIB:.3g} KiB"
    return f"{count} bytes"


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, in a user's words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def _os_error(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno == errno.ELOOP:
        return "cannot read: a loop of symbolic links"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot read: permission denied"
    if error.errno == errno.ENOTDIR:
        return "no such file (a part of the path is not a folder)"
    if error.errno == errno.ENAMETOOLONG:
        return "cannot read: the file name is too long"
    return f"cannot read: {error.strerror or error}"


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


def read_bytes(path: str | Path, kind: str) -> bytes:
    """The bytes of a regular file of ``kind`` (a key of SIZE_CAPS), at most its cap.

    InputError ``PATH: what is wrong`` for anything else: a missing file, a directory, a FIFO,
    a device, a symlink loop, a file over the cap.
    """
    cap, what = SIZE_CAPS[kind], KIND_NAMES[kind]
    where = str(path)
    if where == "":
        raise InputError(f"the file name is empty: expected {what}")
    if "\x00" in where:
        raise InputError("the file name holds a NUL character", where)
    _check_allowed(path, where)
    try:
        # stat first: opening a FIFO or a tape drive can block or act before fstat could refuse it.
        problem = _not_regular(os.stat(where).st_mode)
        if problem:
            raise InputError(f"{problem}, not {what}", where)
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise InputError(_os_error(error), where) from None
    try:
        info = os.fstat(fd)
        problem = _not_regular(info.st_mode)  # it may have been swapped since the stat
        if problem:
            raise InputError(f"{problem}, not {what}", where)
        if info.st_size > cap:
            raise InputError(f"is {_size(info.st_size)}: {what} may be at most {_size(cap)}", where)
        chunks, total = [], 0
        while total <= cap:
            chunk = os.read(fd, min(cap + 1 - total, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > cap:
            raise InputError(f"is larger than {_size(cap)}, the most {what} may be", where)
        return b"".join(chunks)
    except OSError as error:
        raise InputError(_os_error(error), where) from None
    finally:
        os.close(fd)


def read_text(path: str | Path, kind: str) -> str:
    """A bounded UTF-8 text file (a BOM is accepted); InputError naming the line of a bad byte."""
    data = read_bytes(path, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not a text file (byte 0x{data[error.start]:02x} is not UTF-8)", str(path), line) from None


# ---------------------------------------------------------------- writing


def check_writable(path: str | Path, what: str) -> None:
    """InputError unless ``write_atomically(path, ...)`` could succeed: checked before long work.

    The target must be a regular file or not exist yet (``/dev/full`` is refused: a rename over
    a device is not writing to it), and its folder must take a new file (tried for real).
    """
    where = str(path)
    if where == "":
        raise InputError(f"the file name is empty: expected a file to write {what} to")
    target = Path(where)
    try:
        problem = _not_regular(os.stat(where).st_mode)
    except FileNotFoundError:
        problem = None
    except OSError as error:
        raise InputError(_os_error(error).replace("cannot read", "cannot write"), where) from None
    if problem:
        raise InputError(f"{problem}, not a file to write {what} to", where)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {what}: no folder {str(folder)!r}", where)
    try:
        import tempfile  # only when writing: reading a shape at start-up needs none of it

        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".probe"):
            pass
    except OSError as error:
        raise InputError(f"cannot write {what}: {error.strerror or error}", where) from None


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None] | bytes) -> None:
    """Replace ``path`` with what ``write(handle)`` writes (or the given bytes), all or nothing.

    The new content goes to a temporary file in the same folder (a rename is atomic only
    within one file system), is flushed to disk, and is then renamed over ``path``; the folder
    is flushed too so the rename survives a power cut. OSError if it cannot be done; the old
    file is then untouched and no temporary file is left behind.
    """
    target = Path(path)
    folder = target.parent
    import tempfile

    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(write, (bytes, bytearray)):
                handle.write(write)
            else:
                write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:  # keep the permissions of the file being replaced
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    try:
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
