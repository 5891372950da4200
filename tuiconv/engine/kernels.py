"""Named kernels: the layer-1 edge filters a learner steps by hand, and the layer-2 shape detectors.

Layer-1 kernels are 3×3 and read one channel. The four edge kernels are line detectors: a
bright line along their direction scores 2+2+2 = 6, the cells beside it subtract, and the
weights sum to zero, so a flat patch (all dark or all bright) scores 0.

Layer-2 kernels are (4, 3, 3): one 3×3 slice for each of the four edge maps, in the order of
``EDGE_KERNELS``. Each adds up the evidence it wants and subtracts the evidence it does not.
"""

from __future__ import annotations

import numpy as np


def _grid(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


LAYER1: dict[str, np.ndarray] = {
    "horizontal": _grid([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]),
    "vertical": _grid([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]]),
    "diagonal": _grid([[2, -1, -1], [-1, 2, -1], [-1, -1, 2]]),  # a "\" line
    "antidiagonal": _grid([[-1, -1, 2], [-1, 2, -1], [2, -1, -1]]),  # a "/" line
    "sobel-x": _grid([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel-y": _grid([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": _grid([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "identity": _grid([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
}

# The network's four layer-1 channels, in channel order.
EDGE_KERNELS = ("horizontal", "vertical", "diagonal", "antidiagonal")

# Layer 2 reads pooled edge maps, where an edge 2 input cells long or more shows up as a 6.
# "rectangle" adds horizontal and vertical evidence in its 3×3 neighbourhood and subtracts
# diagonal evidence; "diamond" is the reverse. Every tap has the same weight, so the filter
# asks "how much of this kind of edge is around here?" rather than "exactly where?".
_WANT, _AVOID = 1.0, -1.0
LAYER2: dict[str, np.ndarray] = {
    "rectangle": np.stack([np.full((3, 3), v) for v in (_WANT, _WANT, _AVOID, _AVOID)]),
    "diamond": np.stack([np.full((3, 3), v) for v in (_AVOID, _AVOID, _WANT, _WANT)]),
}

# Where edges sit: the top-left corner of a rectangle is a horizontal edge that starts at a
# cell and runs right, and a vertical edge that starts at the same cell and runs down. The
# corner sits in the window's centre: the horizontal slice wants its middle row from the centre
# rightwards, the vertical slice its middle column from the centre downwards, and each slice
# says "and it does not carry on" with −2 just before the centre (left of it, above it). That
# last part is what a cross lacks: where its arms meet, both edges carry on through the centre.
# (With the edges in the window's top row and left column instead, the window cannot see past
# the corner, and a cross's arms score as high as a corner: 26 against 26 on generated shapes.)
# On pooled edge maps of generated shapes a corner scores 13 to 18, a cross at most 10; the
# bias CORNER_BIAS makes the detector fire (ReLU above 0) on every rectangle and on no cross.
LAYER2["corner"] = np.stack(
    [
        _grid([[0, 0, 0], [-2, 1, 1], [0, 0, 0]]),  # horizontal edge: from the centre rightwards
        _grid([[0, -2, 0], [0, 1, 0], [0, 1, 0]]),  # vertical edge: from the centre downwards
        np.zeros((3, 3)),
        np.zeros((3, 3)),
    ]
)
CORNER_BIAS = -11.0

_DESCRIPTIONS = {
    "horizontal": "responds to a horizontal line: a bright row between darker rows",
    "vertical": "responds to a vertical line: a bright column between darker columns",
    "diagonal": "responds to a \\ diagonal line, from top-left to bottom-right",
    "antidiagonal": "responds to a / diagonal line, from bottom-left to top-right",
    "sobel-x": "responds to a dark-to-bright step from left to right",
    "sobel-y": "responds to a dark-to-bright step from top to bottom",
    "blur": "averages each cell with its 8 neighbours, softening edges",
    "sharpen": "boosts each cell against its 4 neighbours, making edges crisper",
    "identity": "copies the input unchanged: 1 in the centre, 0 elsewhere",
    "rectangle": "adds up horizontal and vertical edges nearby and subtracts diagonal ones",
    "diamond": "adds up diagonal edges nearby and subtracts horizontal and vertical ones",
    "corner": "top-left corner: one edge runs right, one runs down, from the same cell",
}


def _known() -> str:
    return ", ".join([*LAYER1, *LAYER2])


def kernel(name: str) -> np.ndarray:
    """A copy of the named kernel: (3, 3) for layer 1, (4, 3, 3) for layer 2."""
    key = name.strip().lower()
    found = LAYER1.get(key)
    if found is None:
        found = LAYER2.get(key)
    if found is None:
        raise ValueError(f"unknown kernel {name!r}; known kernels: {_known()}")
    return found.copy()


def describe(name: str) -> str:
    """One line saying what the named kernel responds to, for the UI."""
    key = name.strip().lower()
    if key not in _DESCRIPTIONS:
        raise ValueError(f"unknown kernel {name!r}; known kernels: {_known()}")
    return _DESCRIPTIONS[key]
