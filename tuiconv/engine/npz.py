"""Reading a .npz of known arrays without trusting it: names, shapes and sizes before any data.

A .npz is a zip archive of ``.npy`` files. ``np.load`` decompresses a member whole before its
shape can be seen, so a 4 MB file can hold a 4 GB array of zeros. Here every member is
checked first by its name, its declared (uncompressed) size, and the shape and dtype in its
``.npy`` header, which sits in the first few hundred bytes of the member and is read by
decompressing only those; only then is it read, at most its expected size, and never with
pickles (``allow_pickle=False``: an object array could run code).
"""

from __future__ import annotations

import io
import zipfile
import zlib

import numpy as np

from tuiconv.clean_text import shown_name
from tuiconv.errors import InputError

# The header of a .npy member: magic, version, length, then a dict literal padded to 64 bytes.
_MAX_HEADER = 4096
_NUMBER_KINDS = "biuf"  # bool, signed, unsigned, float: never complex, object, text, bytes
_MAX_TEXT = 32  # letters in a name an .npz may hold (a kind: "rectangle")


def member_shapes(data: bytes, allowed: tuple[str, ...], where: str, what: str, kind: str = "") -> dict[str, tuple[int, ...]]:
    """The declared shape of each array in a .npz, read from the headers alone (nothing is
    decompressed); InputError for a member not in ``allowed`` or a file that is no .npz.

    For files whose shapes are not fixed in advance (a network of K1 → K2 filters): the caller
    works out the shapes every array must have, then reads them with ``read_arrays``.
    """
    npz = f".npz {kind} file" if kind else ".npz file"
    if not data.startswith(b"PK\x03\x04"):
        raise InputError(f"not an {npz} (expected a zip archive: {what})", where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            extra = sorted(set(members) - {name + ".npy" for name in allowed})
            if extra:
                shown = ", ".join(shown_name(name, 30) for name in extra[:3]) + (", …" if len(extra) > 3 else "")
                raise InputError(f"holds {len(extra)} unexpected member(s): {shown} ({what})", where)
            shapes = {}
            for name in allowed:
                info = members.get(name + ".npy")
                if info is None:
                    continue
                if info.flag_bits & 0x1:
                    raise InputError(f"{name} is encrypted", where)
                with archive.open(info) as member:
                    shapes[name] = _header(member, name, where)[0]
            return shapes
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError, KeyError, OverflowError) as error:
        raise InputError(f"damaged {npz} ({type(error).__name__}: {shown_name(str(error), 80)})", where) from None


def read_arrays(
    data: bytes, expected: dict[str, tuple[int, ...]], where: str, what: str, kind: str = "", texts: frozenset[str] = frozenset()
) -> dict[str, np.ndarray]:
    """The arrays of a .npz holding exactly ``expected`` (name → shape); InputError otherwise.

    ``what`` says what the file should hold ("a weights file holds w1, b1, w2, b2"), ``kind``
    what it is ("weights": "not an .npz weights file"). The arrays named in ``texts`` hold short
    texts (names), the others numbers.
    """
    npz = f".npz {kind} file" if kind else ".npz file"
    if not data.startswith(b"PK\x03\x04"):  # every .npz is a zip archive
        raise InputError(f"not an {npz} (expected a zip archive: {what})", where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            _check_names(members, expected, where, what)
            arrays = {}
            for name, shape in expected.items():
                arrays[name] = _read_member(archive, members[name + ".npy"], name, shape, where, name in texts)
            return arrays
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError, KeyError, OverflowError) as error:
        raise InputError(f"damaged {npz} ({type(error).__name__}: {shown_name(str(error), 80)})", where) from None


def _check_names(members: dict[str, zipfile.ZipInfo], expected: dict[str, tuple[int, ...]], where: str, what: str) -> None:
    wanted = {name + ".npy" for name in expected}
    missing = [name for name in expected if name + ".npy" not in members]
    if missing:
        raise InputError(f"missing {', '.join(missing)} ({what})", where)
    extra = sorted(set(members) - wanted)
    if extra:
        shown = ", ".join(shown_name(name, 30) for name in extra[:3]) + (", …" if len(extra) > 3 else "")
        raise InputError(f"holds {len(extra)} unexpected member(s): {shown} ({what})", where)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, shape: tuple[int, ...], where: str, text: bool = False) -> np.ndarray:
    if info.flag_bits & 0x1:
        raise InputError(f"{name} is encrypted", where)
    per_value = 4 * _MAX_TEXT if text else 8  # a number takes 8 bytes at most, a name 4 a letter
    largest = _MAX_HEADER + per_value * int(np.prod(shape, dtype=np.int64))
    if info.file_size > largest:
        raise InputError(f"{name} unpacks to {info.file_size} bytes; a {_shape(shape)} array takes at most {largest}", where)
    with archive.open(info) as member:
        header_shape, dtype = _header(member, name, where)
    if header_shape != shape:
        raise InputError(f"{name} has shape {_shape(header_shape)}, expected {_shape(shape)}", where)
    if text:
        if dtype.kind != "U" or dtype.itemsize > 4 * _MAX_TEXT:
            raise InputError(f"{name} must hold short names, not {shown_name(str(dtype), 30)}", where)
    elif dtype.kind == "c":
        raise InputError(f"{name} holds complex numbers; weights are real numbers", where)
    elif dtype.kind not in _NUMBER_KINDS or dtype.hasobject:
        raise InputError(f"{name} holds {shown_name(str(dtype), 30)}, not numbers", where)
    with archive.open(info) as member:
        raw = member.read(largest + 1)
    if len(raw) > largest:
        raise InputError(f"{name} is larger than it says", where)
    array = np.load(io.BytesIO(raw), allow_pickle=False)
    if array.shape != shape:
        raise InputError(f"{name} has shape {_shape(array.shape)}, expected {_shape(shape)}", where)
    return array


def _header(member, name: str, where: str) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) from the start of a .npy stream, reading only its header."""
    head = io.BytesIO(member.read(_MAX_HEADER))
    try:
        version = np.lib.format.read_magic(head)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(head)
        elif version in ((2, 0), (3, 0)):
            shape, _, dtype = np.lib.format.read_array_header_2_0(head)
        else:
            raise ValueError(f"unknown .npy version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError) as error:
        raise InputError(f"{name} is not a numpy array ({shown_name(str(error), 60)})", where) from None
    return tuple(int(n) for n in shape), dtype


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
