"""What each cell of the network screen's overview maps shows when a map is too big for the room.

A 32×32 input has 32×32 edge maps: drawn pixel for pixel the layer stack needs a 151×40
terminal. When the room is smaller, the overview shows each map at one cell per f×f block of
its pixels, the cell holding the block's maximum (a max-pool for the eye: a lit pixel never
disappears). The detail line and the zoom panel still read the exact map. Inputs of up to
``EXACT_UP_TO`` pixels a side are always drawn pixel for pixel: they fit 80×24.

No Textual here: the view asks for a fit, then draws what these functions return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

EXACT_UP_TO = 16  # inputs this size or smaller are never downsampled (they fit 80×24)
TITLE_WIDTH = 9  # a layer-2 map is at least as wide as its title, "rectangle"
# The column headers are as wide as a 16×16 input's columns: a column is never narrower.
HEADER_WIDTHS = {"conv1": len("layer 1: 3×3 edge filters + ReLU"), "pool": len("2×2 max pool")}


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class Overview:
    """Pixels per overview cell side: ``full`` for the input and layer-1 maps, ``pooled`` for
    the pooled and layer-2 maps (half the size)."""

    full: int = 1
    pooled: int = 1

    def factor(self, layer: str) -> int:
        return self.full if layer in ("input", "conv1") else self.pooled

    @property
    def exact(self) -> bool:
        return self.full == self.pooled == 1


def block_max(values: np.ndarray, factor: int) -> np.ndarray:
    """``values`` with each ``factor``×``factor`` block replaced by its maximum (blocks at the
    right and bottom edges may be smaller); ``factor`` 1 returns the values unchanged."""
    if factor == 1:
        return values
    h, w = values.shape
    rows, cols = ceil_div(h, factor), ceil_div(w, factor)
    padded = np.full((rows * factor, cols * factor), -np.inf)
    padded[:h, :w] = values
    return padded.reshape(rows, factor, cols, factor).max(axis=(1, 3))


def shown_cell(cell: tuple[int, int], factor: int) -> tuple[int, int]:
    """The overview cell that holds map cell ``cell``."""
    return cell[0] // factor, cell[1] // factor


def shown_cells(cells: Iterable[tuple[int, int]], factor: int) -> frozenset[tuple[int, int]]:
    """The overview cells that hold any of ``cells`` (a receptive field, a window read)."""
    return frozenset(shown_cell(c, factor) for c in cells)


def shown_span(first: int, last: int, factor: int) -> tuple[int, int]:
    """The overview rows (or columns) that hold map rows ``first``…``last`` (inclusive)."""
    return first // factor, last // factor


def stack_size(input_shape: tuple[int, int], pooled_shape: tuple[int, int], overview: Overview) -> tuple[int, int]:
    """(columns, rows) the map stack takes, column headers excluded: the field ruler, the input,
    two layer-1 maps side by side, two pooled maps, one layer-2 map, each followed by a
    one-column gap; two rows of titled half-block maps (two pixels a character)."""
    h, w = (ceil_div(n, overview.full) for n in input_shape)
    ph, pw = (ceil_div(n, overview.pooled) for n in pooled_shape)
    layer1 = max(2 * w + 1, HEADER_WIDTHS["conv1"])
    pooled = max(2 * pw + 1, HEADER_WIDTHS["pool"])
    columns = 1 + (w + 1) + (layer1 + 1) + (pooled + 1) + (max(pw, TITLE_WIDTH) + 1)
    titled_full, titled_pooled = 1 + ceil_div(h, 2), 1 + ceil_div(ph, 2)
    rows = max(titled_full + 1, 2 * titled_full, 2 * titled_pooled)  # the input has a ruler below
    return columns, rows


def coarsest(input_shape: tuple[int, int], pooled_shape: tuple[int, int]) -> Overview:
    """The overview that shows an input as small as a 16×16 one (exact up to 16 pixels)."""
    if max(input_shape) <= EXACT_UP_TO:
        return Overview()
    return Overview(
        ceil_div(max(input_shape), EXACT_UP_TO),
        ceil_div(max(pooled_shape), EXACT_UP_TO // 2),
    )


def fit(input_shape: tuple[int, int], pooled_shape: tuple[int, int], columns: int, rows: int) -> Overview:
    """The finest overview whose stack fits ``columns``×``rows`` (the coarsest one when none
    does). The input and layer-1 maps are coarsened first, the smaller pooled maps after."""
    last = coarsest(input_shape, pooled_shape)
    for full in range(1, last.full + 1):
        for pooled in range(1, min(full, last.pooled) + 1):
            overview = Overview(full, pooled)
            need_columns, need_rows = stack_size(input_shape, pooled_shape, overview)
            if need_columns <= columns and need_rows <= rows:
                return overview
    return last
