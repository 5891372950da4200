"""Shapes to convolve: seeded outline generators, and the shape-file format.

Every generated grid is (size, size) float64 of 0 (dark) and 1 (bright), drawn whole inside
the grid at a random size and position; the same (kind, size, seed) always gives the same grid.

Shape file format (``assets/shapes/*.txt`` and any file a user passes): one grid row per line.
A row is whitespace-separated tokens; a token is either a number (``0``, ``0.5``, ``-1``) or
a run of ``.`` and ``#`` characters, one cell each (``.`` = 0, ``#`` = 1), so ``..##..`` and
``0 0 1 1 0 0`` are the same row and the two may be mixed. Every row must have the same number
of cells. Blank lines before and after the grid are ignored; a blank line inside it is an
error. There are no comment lines: ``#`` is a bright cell.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from tuiconv.clean_text import describe_character, escape, forbidden_characters, shown_name
from tuiconv.engine.files import read_text, write_atomically
from tuiconv.errors import InputError
from tuiconv.limits import MAX_MAGNITUDE, RANGES

SHAPE_KINDS = ("rectangle", "diamond", "cross", "triangle", "circle")
# Variants a spec may name: "filled-diamond", "noisy-rectangle", "noisy-filled-circle".
FILLED_PREFIX = "filled-"
NOISY_PREFIX = "noisy-"
NOISY_LEVEL = 0.05  # fraction of cells a "noisy-" spec flips
# From the one table of ranges (tuiconv/limits.py): a 64×64 map already needs a wide terminal,
# and larger values would only overflow the arithmetic shown to a learner.
MIN_SIZE, MAX_SIZE = int(RANGES["size"].low), int(RANGES["size"].high)


# ---------------------------------------------------------------- generators


def _rectangle(size: int, rng: np.random.Generator, filled: bool) -> np.ndarray:
    # Sides from 4 (shorter, and the edge maps see only corners) to size−2 (a dark margin).
    height = int(rng.integers(4, size - 1))
    width = int(rng.integers(4, size - 1))
    top = int(rng.integers(0, size - height + 1))
    left = int(rng.integers(0, size - width + 1))
    grid = np.zeros((size, size))
    grid[top : top + height, left : left + width] = 1.0
    if not filled:
        grid[top + 1 : top + height - 1, left + 1 : left + width - 1] = 0.0
    return grid


def _radius(size: int, rng: np.random.Generator) -> int:
    # Radius 3 (a 7-wide shape: each edge still 4 cells long) up to what fits in the grid.
    return int(rng.integers(3, (size - 1) // 2 + 1))


def _centre(size: int, half: int, rng: np.random.Generator) -> tuple[int, int]:
    return int(rng.integers(half, size - half)), int(rng.integers(half, size - half))


def _offsets(size: int, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.mgrid[0:size, 0:size]
    return rows - row, cols - col


def _diamond(size: int, rng: np.random.Generator, filled: bool) -> np.ndarray:
    radius = _radius(size, rng)
    dr, dc = _offsets(size, *_centre(size, radius, rng))
    distance = np.abs(dr) + np.abs(dc)
    mask = distance <= radius if filled else distance == radius
    return mask.astype(np.float64)


def _circle(size: int, rng: np.random.Generator, filled: bool) -> np.ndarray:
    radius = _radius(size, rng)
    dr, dc = _offsets(size, *_centre(size, radius, rng))
    distance = np.hypot(dr, dc)
    # A ring half a cell either side of the radius: closed, and one or two cells thick.
    mask = distance <= radius + 0.5 if filled else np.abs(distance - radius) < 0.5
    return mask.astype(np.float64)


def _cross(size: int, rng: np.random.Generator, filled: bool) -> np.ndarray:
    arm = _radius(size, rng)
    row, col = _centre(size, arm, rng)
    grid = np.zeros((size, size))
    thick = 1 if filled else 0  # a filled cross has 3-cell-thick bars
    grid[row - thick : row + thick + 1, col - arm : col + arm + 1] = 1.0
    grid[row - arm : row + arm + 1, col - thick : col + thick + 1] = 1.0
    return grid


def _triangle(size: int, rng: np.random.Generator, filled: bool) -> np.ndarray:
    # Apex at the top, sides at 45°, a horizontal base: two diagonals and one horizontal line.
    half = _radius(size, rng)
    top = int(rng.integers(0, size - half))
    col = int(rng.integers(half, size - half))
    dr, dc = _offsets(size, top, col)
    inside = (dr >= 0) & (dr <= half) & (np.abs(dc) <= dr)
    if filled:
        return inside.astype(np.float64)
    outline = inside & ((np.abs(dc) == dr) | (dr == half))
    return outline.astype(np.float64)


_GENERATORS = {
    "rectangle": _rectangle,
    "diamond": _diamond,
    "cross": _cross,
    "triangle": _triangle,
    "circle": _circle,
}


def _check_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise ValueError(f"grid size must be a whole number, not {size!r}")
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"grid size must be from {MIN_SIZE} to {MAX_SIZE}, not {size}")
    return int(size)


def split_kind(kind: str) -> tuple[str, bool, float]:
    """("filled-noisy-diamond" →) the base kind, filled?, noise level; ValueError if unknown."""
    name = kind.strip().lower()
    filled, noise = False, 0.0
    while True:
        if name.startswith(FILLED_PREFIX):
            filled, name = True, name[len(FILLED_PREFIX) :]
        elif name.startswith(NOISY_PREFIX):
            noise, name = NOISY_LEVEL, name[len(NOISY_PREFIX) :]
        else:
            break
    if name not in _GENERATORS:
        raise ValueError(
            f"unknown shape {kind!r}; known shapes: {', '.join(SHAPE_KINDS)} "
            f"(also as filled-KIND or noisy-KIND)"
        )
    return name, filled, noise


def make_shape(kind: str, size: int = 16, seed: int = 0, *, filled: bool = False, noise: float = 0.0) -> np.ndarray:
    """A (size, size) grid of 0/1 holding one shape of ``kind`` (an outline unless ``filled``).

    ``noise`` is the fraction of cells flipped (0 ↔ 1) afterwards, chosen by the same seed.
    """
    base, named_filled, named_noise = split_kind(kind)
    size = _check_size(size)
    noise = max(float(noise), named_noise)
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise must be a fraction from 0 up to (not including) 1, not {noise}")
    # Mixing the kind into the seed keeps shapes of different kinds independent.
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, size, SHAPE_KINDS.index(base)])
    grid = _GENERATORS[base](size, rng, filled or named_filled)
    if noise:
        flip = rng.random(grid.shape) < noise
        grid = np.where(flip, 1.0 - grid, grid)
    return grid


def sample_shapes(kind: str, count: int, seed: int = 0, sizes: tuple[int, int] = (12, 32), **options) -> list[np.ndarray]:
    """``count`` shapes of ``kind`` on grids of random sizes from sizes[0] to sizes[1] inclusive."""
    low, high = sizes
    _check_size(low), _check_size(high)
    if low > high:
        raise ValueError(f"sizes must run from small to large, not {sizes}")
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5A3])
    picks = rng.integers(low, high + 1, size=count)
    seeds = rng.integers(0, 2**32, size=count)
    return [make_shape(kind, int(n), int(s), **options) for n, s in zip(picks, seeds)]


# ---------------------------------------------------------------- files


def _cells(token: str, column: int, path: str, line: int) -> list[float]:
    """The cells one token stands for; ``column`` (1-based) is where it starts on its line."""
    if set(token) <= {".", "#"}:
        return [1.0 if ch == "#" else 0.0 for ch in token]
    try:
        value = float(token)
    except ValueError:
        if set(token) & {".", "#"} and not set(token) & set("0123456789"):
            # Art with a stray character: point at the character, not the whole run.
            offset, stray = next((k, ch) for k, ch in enumerate(token) if ch not in ".#")
            message = f"{shown_name(repr(stray))} (column {column + offset}) is not a number or . or #"
        else:
            message = f"{shown_name(repr(token), 24)} (column {column}) is not a number or . or #"
        raise InputError(message, path, line) from None
    if not math.isfinite(value):
        raise InputError(f"{shown_name(repr(token), 24)} is not a finite number", path, line)
    if abs(value) > MAX_MAGNITUDE:
        raise InputError(f"{shown_name(token, 24)} is too large: values must lie within ±{MAX_MAGNITUDE:g}", path, line)
    return [value]


def parse_shape(text: str, path: str = "<string>") -> np.ndarray:
    """The grid a shape file's text describes; InputError ``path:line: what is wrong`` if bad.

    Rows end at "\n" (or "\r\n") only: any other control character, a vertical tab or form
    feed included, is refused by name rather than taken for a line break.
    """
    for line, column, ch in forbidden_characters(text, allow="\n\t"):
        if ch == "\x00":
            raise InputError("not a text file (it contains a NUL byte)", path, line)
        raise InputError(f"{describe_character(ch)} (column {column}) has no place in a shape file: rows of . and #, or numbers", path, line)
    lines = text.replace("\r\n", "\n").split("\n")
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise InputError("empty file: expected one grid row per line (. and #, or numbers)", path, 1)
    first, last = numbered[0][0], numbered[-1][0]
    rows: list[list[float]] = []
    for n in range(first, last + 1):
        line = lines[n - 1]
        if not line.strip():
            raise InputError(f"blank line inside the grid (after row {len(rows)})", path, n)
        if len(rows) == MAX_SIZE:
            raise InputError(f"too many rows: a grid may have at most {MAX_SIZE}", path, n)
        row = [cell for m in re.finditer(r"\S+", line) for cell in _cells(m.group(), m.start() + 1, path, n)]
        if len(row) > MAX_SIZE:
            raise InputError(f"row {len(rows) + 1} has {len(row)} cells: a grid may have at most {MAX_SIZE}", path, n)
        if rows and len(row) != len(rows[0]):
            raise InputError(
                f"row {len(rows) + 1} has {len(row)} cells but row 1 has {len(rows[0])}",
                path,
                n,
            )
        rows.append(row)
    return np.array(rows, dtype=np.float64)


def load_shape(path: str | Path) -> np.ndarray:
    """Read a shape file; any problem (missing, unreadable, malformed) is one InputError."""
    return parse_shape(read_text(path, "shape"), str(path))


def format_shape(grid: np.ndarray, numbers: bool = False) -> str:
    """The text of a shape file: ``.``/``#`` art when every cell is 0 or 1 (unless ``numbers``),
    numbers otherwise."""
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 2 or grid.size == 0:
        raise ValueError(f"a shape is a non-empty 2-D grid, not shape {grid.shape}")
    if not numbers and np.isin(grid, (0.0, 1.0)).all():
        return "".join("".join("#" if v else "." for v in row) + "\n" for row in grid)
    cells = [[_number(v) for v in row] for row in grid]
    width = max(len(c) for row in cells for c in row)
    return "".join(" ".join(c.rjust(width) for c in row) + "\n" for row in cells)


def _number(value: float) -> str:
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def save_shape(path: str | Path, grid: np.ndarray) -> None:
    """Write ``grid`` as a shape file that ``load_shape`` reads back exactly."""
    write_atomically(path, format_shape(grid).encode("utf-8"))


# ---------------------------------------------------------------- --input NAME|FILE


def names_a_file(spec: str) -> bool:
    """Whether ``spec`` is a file's path rather than a shape's name.

    Shape names contain no "/", no "\\" and no ".": anything that does is a file, so a missing
    file gets "no such file" rather than "unknown shape".
    """
    text = spec.strip()
    return "/" in text or "\\" in text or bool(Path(text).suffix)


def resolve_input(spec: str, size: int = 16, seed: int = 0) -> tuple[str, np.ndarray]:
    """A (name, grid) for ``--input``: a shape kind ("diamond", "diamond:20", "filled-cross")
    or the path of a shape file. The name is what the UI shows: a file's name with any control
    or invisible character escaped, so it can be printed as it is."""
    text = spec.strip()
    path = Path(text)
    # An empty name is a file too (refused), as is anything names_a_file says is one.
    if not text or _exists(path) or names_a_file(text):
        return escape(path.name), load_shape(text)
    kind, _, size_text = text.partition(":")
    try:
        split_kind(kind)
    except ValueError:
        raise InputError(
            f"{shown_name(repr(spec))} is neither a shape file nor a shape name; shapes: {', '.join(SHAPE_KINDS)} "
            f"(also filled-KIND, noisy-KIND, KIND:SIZE)"
        ) from None
    if size_text:
        if not size_text.isascii() or not size_text.isdigit():
            raise InputError(f"{shown_name(repr(spec))}: the size after ':' must be a whole number, not {shown_name(repr(size_text), 12)}")
        # Read no more digits than a size can have: int() of 10**6 digits alone takes seconds.
        if len(size_text) > 4:
            raise InputError(f"{shown_name(repr(spec))}: the size after ':' must be a whole number from {MIN_SIZE} to {MAX_SIZE}, not a number of {len(size_text)} digits")
        size = int(size_text)
    try:
        grid = make_shape(kind, size, seed)
    except ValueError as error:
        raise InputError(f"{shown_name(repr(spec))}: {error}") from None
    return text.lower(), grid


def _exists(path: Path) -> bool:
    """Whether anything is at ``path`` (a name too long or holding NUL is nothing)."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False
