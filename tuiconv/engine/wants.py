"""What a unit wants to see: the input that excites it most, and the patches that excite it most.

A unit is named as on the command line: ``layer1:I`` (layer-1 filter I), ``layer2:J`` (layer-2
filter J) or a kind's name (``rectangle``: the dense layer's score for that kind, its detector).
A unit's response to a grid is what the network passes on from it: the strongest value of its
map anywhere (before ReLU, so that a unit that does not fire still has a slope to climb), or
for a kind, its score before softmax.

* ``preferred_input``: activation maximisation (Erhan et al. 2009; Olah et al., "Feature
  Visualization", Distill 2017): start from seeded noise and climb the gradient of the response
  with respect to the input, keeping every cell in [0, 1] and pulling each cell a little
  towards 0 (an L2 regulariser), so that only the cells the unit asks for stay bright.
* ``top_patches``: the 9 generated shapes whose best cell excites the unit most, each cut to
  that cell's receptive field (Zeiler & Fergus 2014).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuiconv.engine import backprop
from tuiconv.engine.network import CONV1_PADDING, CONV2_PADDING, Network, as_image, forward, receptive_field
from tuiconv.engine.shapes import sample_shapes

# Gradient ascent: steps, the largest change of one cell per step, and the L2 pull towards 0
# (in the same units: a cell the response does not need loses REGULARISER × its value a step).
ASCENT_STEPS = 150
STEP_SIZE = 0.1
REGULARISER = 0.05
TOP = 9
# Generated shapes of each kind searched for the top patches.
SHAPES_PER_KIND = 40


@dataclass(frozen=True)
class Unit:
    """One unit: ``layer`` is "layer1", "layer2" or "kind"; ``index`` the filter or the kind's index."""

    layer: str
    index: int
    name: str  # as the learner wrote it: "layer2:0", "rectangle"


def parse_unit(text: str, net: Network) -> Unit:
    """``layer1:I``, ``layer2:J`` or a kind's name; ValueError (one line) naming what exists."""
    spec = str(text).strip().lower()
    known = f"units: layer1:0…{net.filters1 - 1}, layer2:0…{net.filters2 - 1}, or a kind ({', '.join(net.kinds)})"
    if spec in net.kinds:
        return Unit("kind", net.kinds.index(spec), spec)
    layer, colon, index = spec.partition(":")
    if colon and layer in ("layer1", "layer2") and index.isdigit():
        count = net.filters1 if layer == "layer1" else net.filters2
        if int(index) < count:
            return Unit(layer, int(index), spec)
        raise ValueError(f"{layer} has filters 0 to {count - 1}, not {index}; {known}")
    raise ValueError(f"no unit called {text!r}; {known}")


def response_and_gradient(net: Network, image: np.ndarray, unit: Unit) -> tuple[float, np.ndarray]:
    """The unit's response to ``image`` (H, W) and its gradient with respect to every cell (H, W)."""
    x = as_image(image)
    pooled, tape1 = backprop.conv_pool_forward(x, net.w1, net.b1, CONV1_PADDING)
    grad_pooled = np.zeros_like(pooled)
    if unit.layer == "layer1":
        # The pool's windows hold every conv1 cell the network reads, so the largest pooled
        # value (before ReLU) is the largest conv1 value there.
        where = np.unravel_index(np.argmax(pooled[unit.index, 0]), pooled.shape[2:])
        value = float(pooled[unit.index, 0][where])
        grad_pooled[(unit.index, 0) + where] = 1.0
    else:
        act1, mask1 = backprop.relu_forward(pooled)
        best, tape2 = backprop.conv_globalmax_forward(act1, net.w2, net.b2, CONV2_PADDING)
        grad_best = np.zeros_like(best)
        if unit.layer == "layer2":
            value = float(best[unit.index, 0])
            grad_best[unit.index, 0] = 1.0
        else:
            features, mask2 = backprop.relu_forward(best)
            value = float(net.w3[unit.index] @ features[:, 0] + net.b3[unit.index])
            grad_best[:, 0] = net.w3[unit.index] * mask2[:, 0]
        grad_act1, _, _ = backprop.conv_globalmax_backward(grad_best, tape2)
        grad_pooled = backprop.relu_backward(grad_act1, mask1)
    grad_image, _, _ = backprop.conv_pool_backward(grad_pooled, tape1, want_input=True)
    return value, grad_image[0]


def response(net: Network, image: np.ndarray, unit: Unit) -> float:
    """The unit's response alone, from the display forward pass (``network.forward``)."""
    result = forward(net, image)
    if unit.layer == "layer1":
        h, w = result.conv1.shape[1:]
        return float(result.conv1[unit.index, : h // 2 * 2, : w // 2 * 2].max())
    if unit.layer == "layer2":
        return float(result.conv2[unit.index].max())
    return float(result.logits[unit.index])


@dataclass
class Preference:
    """The input a unit prefers, and how its response grew on the way."""

    unit: Unit
    image: np.ndarray  # (size, size), every cell in [0, 1]
    response: float
    history: list[float]  # the response before each step


def preferred_input(net: Network, unit: Unit, size: int = 16, seed: int = 0, steps: int = ASCENT_STEPS) -> Preference:
    """Projected gradient ascent on the input: each step moves every cell by at most STEP_SIZE
    along the response's gradient (scaled so the steepest cell moves the full step), less
    REGULARISER × its value, then clips it back into [0, 1]."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 4 <= size <= 64:
        raise ValueError(f"size must be a whole number from 4 to 64, not {size!r}")
    rng = np.random.default_rng([int(seed), 0xA11])
    image = rng.random((size, size))
    history = []
    with _one_thread():
        for _ in range(steps):
            value, grad = response_and_gradient(net, image, unit)
            history.append(value)
            steepest = np.abs(grad).max()
            climb = grad / steepest if steepest > 0 else np.zeros_like(grad)
            image = np.clip(image + STEP_SIZE * climb - REGULARISER * image, 0.0, 1.0)
        value, _ = response_and_gradient(net, image, unit)
    return Preference(unit, image, value, history)


def _one_thread():
    from tuiconv.engine.train import one_blas_thread

    return one_blas_thread()


@dataclass(frozen=True)
class Patch:
    """One of a unit's top patches: which shape, where, how strongly, and the cells it saw."""

    kind: str
    number: int  # which of the generated shapes of that kind (0-based)
    cell: tuple[int, int]  # the map cell that responded most (for a kind: (0, 0))
    response: float
    box: tuple[int, int, int, int]  # its receptive field, (top, left, bottom, right), unclipped
    patch: np.ndarray  # the input cells in the box, 0 where the box reaches past the grid


def unit_map(net: Network, image: np.ndarray, unit: Unit) -> np.ndarray:
    """The map whose best cell is the unit's response: conv1 or conv2 (before ReLU), or the kind's score as a 1×1 map."""
    result = forward(net, image)
    if unit.layer == "layer1":
        h, w = result.conv1.shape[1:]
        return result.conv1[unit.index, : h // 2 * 2, : w // 2 * 2]
    if unit.layer == "layer2":
        return result.conv2[unit.index]
    return np.array([[result.logits[unit.index]]])


def unit_maps(net: Network, images: np.ndarray, unit: Unit) -> np.ndarray:
    """``unit_map`` for a batch of same-size grids (N, H, W) at once → (N, rows, cols), through
    the batched training code (a 32 → 32 net's display forward pass takes milliseconds a grid)."""
    images = np.asarray(images, dtype=np.float64)
    n = len(images)
    pooled, tape1 = backprop.conv_pool_forward(images, net.w1, net.b1, CONV1_PADDING)
    if unit.layer == "layer1":
        # The tape keeps conv1 window by window: (K, row in window · 2 + col in window, N, Hp, Wp).
        conv = tape1[1][unit.index]
        hp, wp = conv.shape[-2:]
        full = conv.reshape(2, 2, n, hp, wp).transpose(2, 3, 0, 4, 1).reshape(n, 2 * hp, 2 * wp)
        return full + net.b1[unit.index]
    act1, _ = backprop.relu_forward(pooled)
    best, tape2 = backprop.conv_globalmax_forward(act1, net.w2, net.b2, CONV2_PADDING)
    if unit.layer == "layer2":
        cols, _, positions, out_w = tape2[:4]
        values = net.w2[unit.index].reshape(-1) @ cols + net.b2[unit.index]
        return values.reshape(n, positions // out_w, out_w)
    features, _ = backprop.relu_forward(best)
    return (net.w3[unit.index] @ features + net.b3[unit.index]).reshape(n, 1, 1)


def _cut(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    top, left, bottom, right = box
    h, w = image.shape
    patch = np.zeros((bottom - top + 1, right - left + 1))
    rows, cols = slice(max(top, 0), min(bottom, h - 1) + 1), slice(max(left, 0), min(right, w - 1) + 1)
    patch[rows.start - top : rows.stop - top, cols.start - left : cols.stop - left] = image[rows, cols]
    return patch


def top_patches(net: Network, unit: Unit, size: int = 16, seed: int = 0, per_kind: int = SHAPES_PER_KIND, count: int = TOP) -> list[Patch]:
    """The ``count`` generated shapes (outlines, ``per_kind`` of each of the net's kinds, on
    size×size grids) whose best cell excites the unit most, strongest first; on a tie the
    earlier shape (kinds in the net's order) and the first cell in reading order."""
    found = []
    for kind in net.kinds:
        images = np.stack(sample_shapes(kind, per_kind, seed=seed, sizes=(size, size)))
        with _one_thread():
            maps = unit_maps(net, images, unit)
        for number, (image, values) in enumerate(zip(images, maps)):
            i, j = (int(v) for v in np.unravel_index(np.argmax(values), values.shape))
            if unit.layer == "kind":
                box = (0, 0, size - 1, size - 1)
            else:
                layer = "conv1" if unit.layer == "layer1" else "conv2"
                box = receptive_field(layer, i, j, image.shape).unclipped
            found.append(Patch(kind, number, (i, j), float(values[i, j]), box, _cut(image, box)))
    order = sorted(range(len(found)), key=lambda n: -found[n].response)
    return [found[n] for n in order[:count]]
