"""The two-layer network that turns edges into shapes, keeping every intermediate for display.

    input (1, H, W)
    conv1: the 4 edge filters, 3×3, stride 1, padding 1 ("same": the edge maps are H×W, so an
           edge on the border of the grid is seen as well as one in the middle)
    ReLU
    2×2 max pool, stride 2 (H//2 × W//2; an odd last row/column is dropped, as in PyTorch)
    conv2: 2 filters, each 3×3 over all 4 pooled edge maps, stride 1, padding 1
    ReLU
    global max: the strongest response of each conv2 map anywhere in the grid
    softmax over the two maxima: the scores; the larger one is the verdict

One conv2 cell sees an 8×8 patch of the input: 3 (conv1) → 4 (2×2 pool) → 4 + 2×2 = 8 (conv2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from tuiconv.engine import kernels
from tuiconv import limits
from tuiconv.engine import npz
from tuiconv.engine.files import read_bytes, write_atomically
from tuiconv.engine.ops import conv2d, max_pool, relu
from tuiconv.errors import InputError

CLASSES = ("rectangle", "diamond")
CONV1_PADDING = 1
CONV2_PADDING = 1
POOL_SIZE = 2
KERNEL_SIZE = 3
LAYERS = ("conv1", "relu1", "pool1", "conv2", "relu2")
# The smallest input the network accepts: pooling needs at least a 2×2 edge map.
MIN_INPUT = 2

# Layer-1 bias of the hand-designed net: a line along a filter's direction scores 6, while a
# line in another direction leaks 1 beside it; −1 silences those leaks and keeps the lines.
HAND_BIAS1 = -1.0

# name → shape of each parameter, in the order a .npz file stores them.
PARAMETER_SHAPES = {
    "w1": (4, 1, KERNEL_SIZE, KERNEL_SIZE),
    "b1": (4,),
    "w2": (len(CLASSES), 4, KERNEL_SIZE, KERNEL_SIZE),
    "b2": (len(CLASSES),),
}


@dataclass
class Network:
    """The weights: w1 (4, 1, 3, 3), b1 (4,), w2 (2, 4, 3, 3), b2 (2,)."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def __post_init__(self) -> None:
        for name, shape in PARAMETER_SHAPES.items():
            value = np.array(getattr(self, name), dtype=np.float64)
            if value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, not {value.shape}")
            setattr(self, name, value)

    @classmethod
    def hand_designed(cls) -> Network:
        """Layer 1 = the four edge kernels, layer 2 = the rectangle and diamond kernels."""
        w1 = np.stack([kernels.kernel(name) for name in kernels.EDGE_KERNELS])[:, None]
        w2 = np.stack([kernels.kernel(name) for name in CLASSES])
        return cls(w1=w1, b1=np.full(4, HAND_BIAS1), w2=w2, b2=np.zeros(len(CLASSES)))

    @classmethod
    def random(cls, seed: int = 0, scale: float | None = None) -> Network:
        """Small random weights (He initialisation unless ``scale`` is given), zero biases."""
        rng = np.random.default_rng(seed)

        def draw(shape: tuple[int, ...]) -> np.ndarray:
            fan_in = int(np.prod(shape[1:]))
            return rng.normal(0.0, scale if scale is not None else np.sqrt(2.0 / fan_in), shape)

        return cls(
            w1=draw(PARAMETER_SHAPES["w1"]),
            b1=np.zeros(4),
            w2=draw(PARAMETER_SHAPES["w2"]),
            b2=np.zeros(len(CLASSES)),
        )

    def copy(self) -> Network:
        return Network(self.w1.copy(), self.b1.copy(), self.w2.copy(), self.b2.copy())

    def save(self, path: str | Path) -> None:
        """Write the weights as an .npz with keys w1, b1, w2, b2, atomically (all or nothing)."""
        write_atomically(path, lambda handle: np.savez(handle, w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2))

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Read weights written by ``save``; any problem is one InputError naming the file.

        Names, shapes and sizes are checked before anything is decompressed (engine/npz.py),
        and every weight must be a real number within the one table's range (tuiconv/limits.py).
        """
        where = str(path)
        data = read_bytes(path, "weights")
        arrays = npz.read_arrays(data, PARAMETER_SHAPES, where, "a weights file holds w1, b1, w2, b2", "weights")
        for name in PARAMETER_SHAPES:
            problem = limits.values_problem(arrays[name], name)
            if problem:
                raise InputError(problem, where)
        return cls(**{name: arrays[name].astype(np.float64) for name in PARAMETER_SHAPES})


@dataclass
class Forward:
    """Every intermediate of one forward pass, for display."""

    input: np.ndarray  # (1, H, W)
    conv1: np.ndarray  # (4, H, W), before ReLU
    relu1: np.ndarray  # (4, H, W)
    pool1: np.ndarray  # (4, H//2, W//2)
    pool1_argmax: np.ndarray  # (4, H//2, W//2, 2): the relu1 (row, col) each max came from
    conv2: np.ndarray  # (2, H//2, W//2), before ReLU
    relu2: np.ndarray  # (2, H//2, W//2)
    maxima: np.ndarray  # (2,) global max of each relu2 map
    maxima_at: np.ndarray  # (2, 2): the relu2 (row, col) of each maximum (first in reading order)
    scores: np.ndarray  # (2,) softmax of the maxima
    verdict: str  # CLASSES[argmax(scores)]

    def layer(self, name: str) -> np.ndarray:
        """One of the stacked maps by layer name ("conv1", "relu1", "pool1", "conv2", "relu2")."""
        if name not in LAYERS:
            raise ValueError(f"unknown layer {name!r}; layers: {', '.join(LAYERS)}")
        return getattr(self, name)


def softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - np.max(values))
    return shifted / shifted.sum()


def as_image(image: np.ndarray) -> np.ndarray:
    """A (1, H, W) float64 copy of an (H, W) or (1, H, W) grid; ValueError if it cannot be one."""
    x = np.array(image, dtype=np.float64)
    if x.ndim == 2:
        x = x[None]
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(f"the network reads one grid (H, W), not shape {np.shape(image)}")
    if min(x.shape[1:]) < MIN_INPUT:
        raise ValueError(f"the network needs a grid of at least {MIN_INPUT}×{MIN_INPUT}, not {x.shape[1]}×{x.shape[2]}")
    return x


def forward(net: Network, image: np.ndarray) -> Forward:
    """Run the network on one grid, keeping every intermediate."""
    x = as_image(image)
    c1 = conv2d(x, net.w1, net.b1, padding=CONV1_PADDING)
    r1 = relu(c1)
    p1, p1_at = max_pool(r1, POOL_SIZE, return_argmax=True)
    c2 = conv2d(p1, net.w2, net.b2, padding=CONV2_PADDING)
    r2 = relu(c2)
    flat = r2.reshape(r2.shape[0], -1)
    best = flat.argmax(axis=1)
    maxima = flat[np.arange(len(best)), best]
    at = np.stack(np.unravel_index(best, r2.shape[1:]), axis=1)
    scores = softmax(maxima)
    return Forward(
        input=x,
        conv1=c1,
        relu1=r1,
        pool1=p1,
        pool1_argmax=p1_at,
        conv2=c2,
        relu2=r2,
        maxima=maxima,
        maxima_at=at,
        scores=scores,
        verdict=CLASSES[int(np.argmax(scores))],
    )


def classify(net: Network, image: np.ndarray) -> tuple[str, np.ndarray]:
    """(verdict, scores) for one grid."""
    result = forward(net, image)
    return result.verdict, result.scores


def accuracy(net: Network, images: Iterable[np.ndarray], labels: Iterable[str | int]) -> float:
    """Fraction of ``images`` whose verdict matches ``labels`` (class names or indices)."""
    right = total = 0
    for image, label in zip(images, labels, strict=True):
        want = CLASSES[label] if isinstance(label, (int, np.integer)) else label
        right += classify(net, image)[0] == want
        total += 1
    if total == 0:
        raise ValueError("accuracy of no images is undefined")
    return right / total


class ReceptiveField(tuple):
    """(top, left, bottom, right): the inclusive box of input cells one map cell can see,
    clipped to the input. ``unclipped`` is the same box before clipping (it may reach into the
    padding), and ``size`` its side: 3 for conv1, 4 for pool1, 8 for conv2."""

    unclipped: tuple[int, int, int, int]
    size: int

    def __new__(cls, box: tuple[int, int, int, int], unclipped: tuple[int, int, int, int], size: int):
        self = super().__new__(cls, box)
        self.unclipped = unclipped
        self.size = size
        return self

    top = property(lambda self: self[0])
    left = property(lambda self: self[1])
    bottom = property(lambda self: self[2])
    right = property(lambda self: self[3])
    height = property(lambda self: self[2] - self[0] + 1)
    width = property(lambda self: self[3] - self[1] + 1)


# For each layer, (first, size): a map cell at index i sees input cells first(i) … first(i)+size−1,
# composed from the layers below: a 3×3 conv with padding 1 reaches one cell back, the pool
# doubles indices, and conv2 reaches one pooled cell (two input cells) back.
def _span(layer: str, i: int) -> tuple[int, int]:
    if layer in ("conv1", "relu1"):
        return i - CONV1_PADDING, KERNEL_SIZE
    if layer == "pool1":
        start, size = POOL_SIZE * i - CONV1_PADDING, KERNEL_SIZE + POOL_SIZE - 1
        return start, size
    if layer in ("conv2", "relu2"):
        first_pool = i - CONV2_PADDING
        pool_start, pool_size = _span("pool1", first_pool)
        return pool_start, pool_size + POOL_SIZE * (KERNEL_SIZE - 1)
    raise ValueError(f"unknown layer {layer!r}; layers: {', '.join(LAYERS)}")


def map_shape(layer: str, input_shape: tuple[int, int]) -> tuple[int, int]:
    """(rows, cols) of one map of ``layer`` for an input of ``input_shape`` (H, W)."""
    h, w = input_shape[-2:]
    if layer in ("conv1", "relu1"):
        return h, w
    if layer in ("pool1", "conv2", "relu2"):
        return h // POOL_SIZE, w // POOL_SIZE
    raise ValueError(f"unknown layer {layer!r}; layers: {', '.join(LAYERS)}")


def receptive_field(layer: str, i: int, j: int, input_shape: tuple[int, ...]) -> ReceptiveField:
    """The input box (top, left, bottom, right), inclusive and clipped, that cell (i, j) sees."""
    h, w = input_shape[-2:]
    rows, cols = map_shape(layer, (h, w))
    if not (0 <= i < rows and 0 <= j < cols):
        raise ValueError(f"cell ({i}, {j}) is outside the {rows}×{cols} {layer} map")
    top, size = _span(layer, i)
    left, _ = _span(layer, j)
    unclipped = (top, left, top + size - 1, left + size - 1)
    box = (max(top, 0), max(left, 0), min(top + size - 1, h - 1), min(left + size - 1, w - 1))
    return ReceptiveField(box, unclipped, size)
