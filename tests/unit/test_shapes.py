"""Generated shapes are whole, seeded and inside the grid; shape files round-trip; bad files say where."""

from pathlib import Path

import numpy as np
import pytest

from tuiconv.engine.shapes import (
    SHAPE_KINDS,
    load_shape,
    make_shape,
    parse_shape,
    resolve_input,
    sample_shapes,
    save_shape,
)
from tuiconv.errors import InputError

SIZES = range(8, 41)


def bounding_box(grid):
    rows, cols = np.nonzero(grid)
    return grid[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def outline_is_whole(kind, box):
    """Check, from the drawing alone, that the outline was not clipped by the grid's border."""
    h, w = box.shape
    if kind == "rectangle":
        ring = np.ones((h, w))
        ring[1:-1, 1:-1] = 0
        return h >= 4 and w >= 4 and np.array_equal(box, ring)
    if kind == "diamond":
        r = (h - 1) // 2
        dr, dc = np.mgrid[-r : r + 1, -r : r + 1]
        return h == w and h % 2 == 1 and r >= 3 and np.array_equal(box, (abs(dr) + abs(dc) == r) * 1.0)
    if kind == "cross":
        r = (h - 1) // 2
        plus = np.zeros((h, w))
        plus[r, :] = plus[:, r] = 1
        return h == w and h % 2 == 1 and np.array_equal(box, plus)
    if kind == "triangle":
        apex, base = box[0], box[-1]
        return w == 2 * h - 1 and apex.sum() == 1 and apex[h - 1] == 1 and base.all() and np.array_equal(box, box[:, ::-1])
    if kind == "circle":
        return h == w and np.array_equal(box, box[::-1]) and np.array_equal(box, box[:, ::-1]) and np.array_equal(box, box.T)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", SHAPE_KINDS)
def test_every_kind_at_every_size_is_whole_seeded_and_varied(kind):
    for size in SIZES:
        grids = [make_shape(kind, size, seed) for seed in range(10)]
        for seed, grid in enumerate(grids):
            assert grid.shape == (size, size) and grid.dtype == np.float64
            assert set(np.unique(grid)) <= {0.0, 1.0}
            assert outline_is_whole(kind, bounding_box(grid)), (kind, size, seed)
            assert np.array_equal(grid, make_shape(kind, size, seed)), "same seed, same grid"
        # An 8×8 grid has room for only 4 diamonds (radius 3, two centres each way), and the
        # largest radius fits in one place only, so a few seeds coincide.
        distinct = {g.tobytes() for g in grids}
        assert len(distinct) >= (3 if size < 12 else 5), (kind, size)


@pytest.mark.parametrize("kind", ["rectangle", "diamond", "triangle", "circle"])
def test_filled_variant_covers_the_outline(kind):
    for seed in range(5):
        outline = make_shape(kind, 20, seed)
        filled = make_shape(kind, 20, seed, filled=True)
        assert (filled >= outline).all() and filled.sum() > outline.sum()
        assert np.array_equal(make_shape(f"filled-{kind}", 20, seed), filled)


def test_noise_flips_about_that_fraction_of_cells_deterministically():
    clean = make_shape("diamond", 40, 3)
    noisy = make_shape("diamond", 40, 3, noise=0.1)
    flipped = (clean != noisy).mean()
    assert 0.07 < flipped < 0.13
    assert np.array_equal(noisy, make_shape("diamond", 40, 3, noise=0.1))
    assert set(np.unique(noisy)) <= {0.0, 1.0}
    assert 0.0 < (make_shape("noisy-diamond", 40, 3) != clean).mean() < 0.1


@pytest.mark.parametrize("size", [7, 0, -3, 65])
def test_grids_outside_8_to_64_are_refused(size):
    with pytest.raises(ValueError, match="grid size must be from 8 to 64"):
        make_shape("rectangle", size)


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(ValueError) as error:
        make_shape("hexagon")
    assert all(kind in str(error.value) for kind in SHAPE_KINDS)


def test_sample_shapes_spreads_over_the_size_range_and_is_seeded():
    shapes = sample_shapes("diamond", 200, seed=4, sizes=(12, 32))
    sizes = {s.shape[0] for s in shapes}
    assert len(shapes) == 200 and min(sizes) == 12 and max(sizes) == 32 and len(sizes) > 15
    again = sample_shapes("diamond", 200, seed=4, sizes=(12, 32))
    assert all(np.array_equal(a, b) for a, b in zip(shapes, again))
    other = sample_shapes("diamond", 200, seed=5, sizes=(12, 32))
    assert sum(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(shapes, other)) > 150


# ---------------------------------------------------------------- files


def test_art_file_round_trips_and_reads_as_art(tmp_path):
    grid = make_shape("triangle", 12, 1)
    path = tmp_path / "triangle.txt"
    save_shape(path, grid)
    text = path.read_text()
    assert set(text) <= {".", "#", "\n"} and text.count("\n") == 12
    assert np.array_equal(load_shape(path), grid)


def test_number_file_round_trips_exactly(tmp_path):
    grid = np.random.default_rng(0).normal(size=(5, 7)) * 10
    grid[0, 0], grid[1, 1] = 0.5, -3.0
    path = tmp_path / "values.txt"
    save_shape(path, grid)
    assert np.array_equal(load_shape(path), grid)


def test_art_and_numbers_mean_the_same_and_may_mix():
    art = parse_shape("..##\n#..#\n")
    assert art.tolist() == [[0, 0, 1, 1], [1, 0, 0, 1]]
    assert np.array_equal(parse_shape("0 0 1 1\n1 0 0 1\n"), art)
    assert np.array_equal(parse_shape(". . # #\n#. .#\n"), art)
    assert np.array_equal(parse_shape("\n\n.. 1 1\r\n1 0 .#\n\n\n"), art)  # blank edges, CRLF
    assert parse_shape("0.5 -2\n1e1 3").tolist() == [[0.5, -2.0], [10.0, 3.0]]


def broken(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(InputError) as error:
        load_shape(path)
    return str(error.value).replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "bad.txt:1: empty file: expected one grid row per line (. and #, or numbers)"),
        ("\n   \n\n", "bad.txt:1: empty file: expected one grid row per line (. and #, or numbers)"),
        ("........\n........\n.......\n", "bad.txt:3: row 3 has 7 cells but row 1 has 8"),
        ("\n\n####\n##\n", "bad.txt:4: row 2 has 2 cells but row 1 has 4"),
        ("..#\n.x.\n", "bad.txt:2: 'x' (column 2) is not a number or . or #"),
        ("1 2 3\n4 five 6\n", "bad.txt:2: 'five' (column 3) is not a number or . or #"),
        ("1 nan\n", "bad.txt:1: 'nan' is not a finite number"),
        ("1 2\n-inf 0\n", "bad.txt:2: '-inf' is not a finite number"),
        ("1 1e9\n", "bad.txt:1: 1e9 is too large: values must lie within ±1e+06"),
        ("##\n\n##\n", "bad.txt:2: blank line inside the grid (after row 1)"),
        ("#\n" * 65, "bad.txt:65: too many rows: a grid may have at most 64"),
        ("#" * 65 + "\n", "bad.txt:1: row 1 has 65 cells: a grid may have at most 64"),
        (b"##\n\xff\xfe\n", "bad.txt:2: not a text file (byte 0xff is not UTF-8)"),
        (b"##\n#\x00\n", "bad.txt:2: not a text file (it contains a NUL byte)"),
    ],
)
def test_broken_files_say_what_and_where(tmp_path, content, message):
    assert broken(tmp_path, "bad.txt", content) == message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="nope.txt: no such file"):
        load_shape(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        load_shape(tmp_path)


def test_parse_error_carries_path_and_line_for_tools():
    with pytest.raises(InputError) as error:
        parse_shape("##\n#\n", "lesson/shape.txt")
    assert (error.value.path, error.value.line) == ("lesson/shape.txt", 2)


# ---------------------------------------------------------------- --input


def test_resolve_input_names_sizes_and_files(tmp_path):
    name, grid = resolve_input("diamond")
    assert name == "diamond" and np.array_equal(grid, make_shape("diamond", 16, 0))
    name, grid = resolve_input("Diamond:20", seed=3)
    assert name == "diamond:20" and np.array_equal(grid, make_shape("diamond", 20, 3))
    assert np.array_equal(resolve_input("filled-cross:9")[1], make_shape("cross", 9, 0, filled=True))
    path = tmp_path / "mine.txt"
    path.write_text("#..#\n.##.\n")
    name, grid = resolve_input(str(path))
    assert name == "mine.txt" and grid.shape == (2, 4)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("hexagon", "'hexagon' is neither a shape file nor a shape name; shapes: rectangle, diamond, cross"),
        ("diamond:big", "the size after ':' must be a whole number, not 'big'"),
        ("diamond:5", "grid size must be from 8 to 64, not 5"),
        ("shapes/missing.txt", "shapes/missing.txt: no such file"),
    ],
)
def test_resolve_input_refuses_clearly(spec, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        resolve_input(spec)


def test_every_shipped_shape_file_loads():
    folder = Path(__file__).resolve().parents[2] / "assets" / "shapes"
    files = sorted(folder.glob("*.txt"))
    assert files
    for path in files:
        grid = load_shape(path)
        assert grid.ndim == 2 and min(grid.shape) >= 2, path
