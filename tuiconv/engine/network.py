"""The two-layer network that turns edges into shapes, keeping every intermediate for display.

    input (1, H, W)
    conv1: K1 filters, 3×3, stride 1, padding 1 ("same": the edge maps are H×W, so an edge on
           the border of the grid is seen as well as one in the middle)
    ReLU
    2×2 max pool, stride 2 (H//2 × W//2; an odd last row/column is dropped, as in PyTorch)
    conv2: K2 filters, each 3×3 over all K1 pooled maps, stride 1, padding 1
    ReLU
    global max: the strongest response of each conv2 map anywhere in the grid
    dense: one score per kind of shape, a weighted sum of the K2 maxima plus a bias
    softmax over the scores: the probabilities; the largest is the verdict

K1 and K2 run from 1 to 32. The hand-designed net has K1 = 4 edge filters, K2 = 2 shape
detectors (rectangle, diamond) and a dense layer that divides each detector's maximum by
HAND_TEMPERATURE, so its probabilities are readable rather than 1.00 / 0.00.

One conv2 cell sees an 8×8 patch of the input: 3 (conv1) → 4 (2×2 pool) → 4 + 2×2 = 8 (conv2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from tuiconv.engine import kernels
from tuiconv import limits
from tuiconv.engine import npz
from tuiconv.engine.files import read_bytes, write_atomically
from tuiconv.engine.ops import conv2d, max_pool, relu
from tuiconv.engine.shapes import SHAPE_KINDS
from tuiconv.errors import InputError

# The kinds of shape the hand-designed net (and, by default, training) tells apart.
CLASSES = ("rectangle", "diamond")
DEFAULT_KINDS = CLASSES
CONV1_PADDING = 1
CONV2_PADDING = 1
POOL_SIZE = 2
KERNEL_SIZE = 3
LAYERS = ("conv1", "relu1", "pool1", "conv2", "relu2")
# The smallest input the network accepts: pooling needs at least a 2×2 edge map.
MIN_INPUT = 2
# How many filters a layer may have: 32 is the learner's question ("32 filters over 32 maps").
MAX_FILTERS = 32
DEFAULT_FILTERS1 = 4

# Layer-1 bias of the hand-designed net: a line along a filter's direction scores 6, while a
# line in another direction leaks 1 beside it; −1 silences those leaks and keeps the lines.
HAND_BIAS1 = -1.0
# The hand-designed dense layer divides each detector's maximum by this. Its detectors beat
# each other by 16 to 47 (median about 30) on generated shapes, so without it softmax says
# 1.00 / 0.00 on every shape; divided by 15, a typical shape gets 0.75 to 0.95.
HAND_TEMPERATURE = 15.0

# name → shape of each parameter of the hand-designed (default) net, in the order a .npz
# file stores them; ``parameter_shapes`` gives them for any size.
PARAMETER_NAMES = ("w1", "b1", "w2", "b2", "w3", "b3")


def parameter_shapes(filters1: int = DEFAULT_FILTERS1, filters2: int = len(CLASSES), kinds: int = len(CLASSES)) -> dict:
    """name → shape of each weight array of a net with those sizes."""
    f = KERNEL_SIZE
    return {
        "w1": (filters1, 1, f, f),
        "b1": (filters1,),
        "w2": (filters2, filters1, f, f),
        "b2": (filters2,),
        "w3": (kinds, filters2),
        "b3": (kinds,),
    }


PARAMETER_SHAPES = parameter_shapes()


def check_filters(filters1: int, filters2: int) -> None:
    """ValueError (one line) unless both filter counts are whole numbers from 1 to MAX_FILTERS."""
    for layer, count in (("layer 1", filters1), ("layer 2", filters2)):
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_FILTERS:
            raise ValueError(f"{layer} must have from 1 to {MAX_FILTERS} filters, not {count!r}")


def check_kinds(kinds) -> tuple[str, ...]:
    """The kinds as a tuple of known, distinct shape names (at least two); ValueError otherwise."""
    names = tuple(str(k).strip().lower() for k in kinds)
    for name in names:
        if name not in SHAPE_KINDS:
            raise ValueError(f"unknown kind {name!r}; kinds: {', '.join(SHAPE_KINDS)}")
    if len(set(names)) != len(names):
        raise ValueError(f"each kind may be named once, not {', '.join(names)}")
    if len(names) < 2:
        raise ValueError(f"a verdict needs at least two kinds to choose from, not {', '.join(names) or 'none'}")
    return names


def _expected_shapes(shapes: dict, kinds: int) -> dict:
    """The shapes every array must have, read off w1's and w2's first dimensions."""
    w1, w2 = tuple(shapes["w1"]), tuple(shapes["w2"])
    k1 = w1[0] if w1 else DEFAULT_FILTERS1
    k2 = w2[0] if w2 else len(CLASSES)
    return parameter_shapes(k1, k2, kinds)


@dataclass
class Network:
    """The weights: w1 (K1, 1, 3, 3), b1 (K1,), w2 (K2, K1, 3, 3), b2 (K2,), w3 (kinds, K2),
    b3 (kinds,), and the names of the kinds its scores are for.

    Without w3 and b3 (as in a weights file from before the dense layer) each layer-2 filter's
    maximum is its kind's score: w3 is the identity and b3 zero, so K2 must equal the kinds.
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    w3: np.ndarray | None = None
    b3: np.ndarray | None = None
    kinds: tuple[str, ...] = CLASSES

    def __post_init__(self) -> None:
        self.kinds = check_kinds(self.kinds)
        if self.w3 is None:
            if np.ndim(self.w2) == 0 or np.shape(self.w2)[0] != len(self.kinds):
                raise ValueError(f"without a dense layer (w3) a net needs one layer-2 filter per kind ({len(self.kinds)})")
            self.w3 = np.eye(len(self.kinds))
        if self.b3 is None:
            self.b3 = np.zeros(len(self.kinds))
        shapes = {name: np.shape(getattr(self, name)) for name in ("w1", "w2")}
        for name, shape in _expected_shapes(shapes, len(self.kinds)).items():
            value = np.array(getattr(self, name), dtype=np.float64)
            if value.shape != shape:
                raise ValueError(f"{name} must have shape {shape}, not {value.shape}")
            setattr(self, name, value)
        check_filters(self.filters1, self.filters2)

    @property
    def filters1(self) -> int:
        return self.w1.shape[0]

    @property
    def filters2(self) -> int:
        return self.w2.shape[0]

    @property
    def classes(self) -> tuple[str, ...]:
        return self.kinds

    @classmethod
    def hand_designed(cls) -> Network:
        """Layer 1 = the four edge kernels, layer 2 = the rectangle and diamond kernels, and a
        dense layer that passes each detector's maximum on, divided by HAND_TEMPERATURE."""
        w1 = np.stack([kernels.kernel(name) for name in kernels.EDGE_KERNELS])[:, None]
        w2 = np.stack([kernels.kernel(name) for name in CLASSES])
        return cls(
            w1=w1,
            b1=np.full(4, HAND_BIAS1),
            w2=w2,
            b2=np.zeros(len(CLASSES)),
            w3=np.eye(len(CLASSES)) / HAND_TEMPERATURE,
            b3=np.zeros(len(CLASSES)),
        )

    @classmethod
    def random(
        cls,
        seed: int = 0,
        scale: float | None = None,
        filters: tuple[int, int] | None = None,
        kinds: tuple[str, ...] = CLASSES,
    ) -> Network:
        """Small random weights (He initialisation unless ``scale`` is given), zero biases.

        With one layer-2 filter per kind the dense layer starts as the identity (filter k is
        kind k's detector, as in the hand-designed net); otherwise it is random too.
        """
        kinds = check_kinds(kinds)
        k1, k2 = filters if filters is not None else (DEFAULT_FILTERS1, len(kinds))
        check_filters(k1, k2)
        shapes = parameter_shapes(k1, k2, len(kinds))
        rng = np.random.default_rng(seed)

        def draw(shape: tuple[int, ...]) -> np.ndarray:
            fan_in = int(np.prod(shape[1:]))
            return rng.normal(0.0, scale if scale is not None else np.sqrt(2.0 / fan_in), shape)

        w1, w2 = draw(shapes["w1"]), draw(shapes["w2"])
        w3 = np.eye(len(kinds)) if k2 == len(kinds) else draw(shapes["w3"])
        return cls(w1=w1, b1=np.zeros(k1), w2=w2, b2=np.zeros(k2), w3=w3, b3=np.zeros(len(kinds)), kinds=kinds)

    def copy(self) -> Network:
        return Network(*(getattr(self, name).copy() for name in PARAMETER_NAMES), kinds=self.kinds)

    def save(self, path: str | Path) -> None:
        """Write the weights as an .npz with keys w1, b1, w2, b2, w3, b3 and kinds (the names
        of the kinds, in score order), atomically: the file says what shape of net it holds."""
        arrays = {name: getattr(self, name) for name in PARAMETER_NAMES}
        write_atomically(path, lambda handle: np.savez(handle, **arrays, kinds=np.array(self.kinds)))

    @classmethod
    def load(cls, path: str | Path) -> Network:
        """Read weights written by ``save`` (or by an older tuiconv, without w3, b3 and kinds:
        then the layer-2 maxima are the rectangle and diamond scores, as they were); any
        problem is one InputError naming the file.

        The shapes are read from the arrays' headers and checked, and every array is checked
        by name, shape and size, before anything is decompressed (engine/npz.py); every weight
        must be a real number within the one table's range (tuiconv/limits.py).
        """
        where = str(path)
        what = "a weights file holds w1, b1, w2, b2, and w3, b3, kinds for a dense layer"
        data = read_bytes(path, "weights")
        shapes = npz.member_shapes(data, (*PARAMETER_NAMES, "kinds"), where, what, "weights")
        missing = [name for name in PARAMETER_NAMES[:4] if name not in shapes]
        if missing:
            raise InputError(f"missing {', '.join(missing)} ({what})", where)
        dense = [name for name in ("w3", "b3", "kinds") if name in shapes]
        if dense and len(dense) < 3:
            lacking = [name for name in ("w3", "b3", "kinds") if name not in shapes]
            raise InputError(f"missing {', '.join(lacking)} (a file with a dense layer holds w3, b3 and kinds)", where)
        for name in ("w1", "w2"):
            shape = shapes[name]
            if len(shape) != 4 or not 1 <= shape[0] <= MAX_FILTERS:
                layer = name[1]
                raise InputError(f"{name} has shape {shape}, expected (K{layer}, …, 3, 3) with K{layer} from 1 to {MAX_FILTERS}", where)
        count = shapes["kinds"][0] if dense and len(shapes["kinds"]) == 1 else len(CLASSES)
        if dense and (len(shapes["kinds"]) != 1 or not 1 <= count <= len(SHAPE_KINDS)):
            raise InputError(f"kinds has shape {shapes['kinds']}, expected a list of 1 to {len(SHAPE_KINDS)} shape names", where)
        expected = _expected_shapes(shapes, count)
        if not dense:
            expected = {name: expected[name] for name in PARAMETER_NAMES[:4]}
        else:
            expected["kinds"] = (count,)
        arrays = npz.read_arrays(data, expected, where, what, "weights", texts=frozenset({"kinds"}))
        kinds = CLASSES
        if dense:
            try:
                kinds = check_kinds(arrays.pop("kinds").tolist())
            except ValueError as error:
                raise InputError(str(error), where) from None
        else:
            arrays["w3"], arrays["b3"] = np.eye(len(CLASSES)), np.zeros(len(CLASSES))
        for name in PARAMETER_NAMES:
            problem = limits.values_problem(arrays[name], name)
            if problem:
                raise InputError(problem, where)
        return cls(**{name: arrays[name].astype(np.float64) for name in PARAMETER_NAMES}, kinds=kinds)


@dataclass(frozen=True)
class LayerSize:
    """How many numbers one layer learns: F·F·D·K weights (K filters of F×F over D maps) + K biases."""

    layer: str
    filters: int  # K
    depth: int  # D: the maps (channels) each filter reads
    size: int  # F: 3 for a conv layer, 1 for the dense layer (one weight per maximum)
    weights: int
    biases: int

    @property
    def total(self) -> int:
        return self.weights + self.biases

    @property
    def formula(self) -> str:
        """"3·3·4·32 + 32 = 1184"."""
        return f"{self.size}·{self.size}·{self.depth}·{self.filters} + {self.filters} = {self.total}"


def parameter_counts(net: Network) -> list[LayerSize]:
    """The parameter count of each layer: conv1, conv2, dense."""
    rows = []
    for layer, w in (("conv1", net.w1), ("conv2", net.w2)):
        k, d, f, _ = w.shape
        rows.append(LayerSize(layer, k, d, f, k * d * f * f, k))
    kinds, k2 = net.w3.shape
    rows.append(LayerSize("dense", kinds, k2, 1, kinds * k2, kinds))
    return rows


@dataclass
class Forward:
    """Every intermediate of one forward pass, for display (K1, K2 filters; N kinds)."""

    input: np.ndarray  # (1, H, W)
    conv1: np.ndarray  # (K1, H, W), before ReLU
    relu1: np.ndarray  # (K1, H, W)
    pool1: np.ndarray  # (K1, H//2, W//2)
    pool1_argmax: np.ndarray  # (K1, H//2, W//2, 2): the relu1 (row, col) each max came from
    conv2: np.ndarray  # (K2, H//2, W//2), before ReLU
    relu2: np.ndarray  # (K2, H//2, W//2)
    maxima: np.ndarray  # (K2,) global max of each relu2 map
    maxima_at: np.ndarray  # (K2, 2): the relu2 (row, col) of each maximum (first in reading order)
    logits: np.ndarray  # (N,) the dense layer's score of each kind, before softmax
    scores: np.ndarray  # (N,) softmax of the logits: the probability of each kind
    verdict: str  # kinds[argmax(scores)]
    kinds: tuple[str, ...] = CLASSES

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
    logits = net.w3 @ maxima + net.b3
    scores = softmax(logits)
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
        logits=logits,
        scores=scores,
        verdict=net.kinds[int(np.argmax(scores))],
        kinds=net.kinds,
    )


def edge_maps(shape: np.ndarray) -> np.ndarray:
    """What layer 2 reads from a one-channel shape: the hand-designed layer 1's four pooled edge maps."""
    return forward(Network.hand_designed(), shape).pool1


def classify(net: Network, image: np.ndarray) -> tuple[str, np.ndarray]:
    """(verdict, scores) for one grid."""
    result = forward(net, image)
    return result.verdict, result.scores


def accuracy(net: Network, images: Iterable[np.ndarray], labels: Iterable[str | int]) -> float:
    """Fraction of ``images`` whose verdict matches ``labels`` (class names or indices)."""
    right = total = 0
    for image, label in zip(images, labels, strict=True):
        want = net.kinds[label] if isinstance(label, (int, np.integer)) else label
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
