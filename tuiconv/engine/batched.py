"""The whole network's forward and backward pass over a batch, laid out so training is fast.

Training runs here: ``backprop.loss_and_gradients`` and ``backprop.batch_scores`` call it. The
arithmetic is backprop's op by op (its functions, which the wants screen reads, are the same
maths one op at a time); what differs is where the numbers sit in memory, chosen so that each
layer is one matrix product and everything around the products is a handful of numpy calls on
long contiguous runs. The numbers come out in the weights' precision: float64 weights (every test
and every display) give float64 throughout; the Trainer passes float32 copies, which halves the
memory traffic and doubles what BLAS does per cycle, and keeps its own float64 master weights.

Layouts (N samples, K1 and K2 filters, F×F kernels, Hp×Wp pooled maps):

* conv1 + pool. im2col patches (F·F + 1, 2·2·N·Hp·Wp) ordered pool window cell first, with a
  row of ones that adds the biases inside the product. conv1's result (4, N·Hp·Wp, K1) holds
  each window cell in its own contiguous block, so the pool is three ``maximum`` calls and the
  cell each window's gradient goes back to is found with three comparisons, in the forward pass
  while the numbers are still in cache. ReLU after the pool equals ReLU before it, exactly.
* The layer-1 maps, channels last, in one flat zero-bordered buffer of rows of K1 numbers: cell
  (n, y, x) is row base + n·S + y·R + x, with at least P zeros after each row (which are also
  the next row's left border) and S = (Hp + P)·R. A conv2 window whose top-left corner, in
  padded coordinates, is (n, r, c) starts at row n·S + r·R + c, and its tap (i, j) is i·R + j
  rows on. So conv2's im2col matrix (N·positions, F·F·K1) is a copy of a strided view whose
  inner runs are F·K1 contiguous numbers, and one strided view of the buffer has every F×F
  window as an item.
* The global max keeps only each map's winning position, so conv2's backward pass touches only
  the windows some filter won: their patches (rows of the im2col matrix) for the weights, and
  what they send back to the maps added window by window (``_windows_back_*``).

Ties in a max go to the first cell in reading order, as in ``ops.max_pool`` and PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Gradients:
    """d loss / d each parameter, shaped like the network's; ``images`` only when asked for,
    w3 and b3 only when the batch went through a dense layer."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    images: np.ndarray | None = None
    w3: np.ndarray | None = None
    b3: np.ndarray | None = None


def compute_dtype(w: np.ndarray) -> type:
    """float32 when the weights are float32, float64 otherwise."""
    return np.float32 if w.dtype == np.float32 else np.float64


def buffer(scratch: dict | None, name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised array, reusing ``scratch``'s memory for ``name`` when a scratch dict is given.

    Allocating and freeing the same few hundred kilobytes every step makes the C library hand
    the memory back to the system and fault it in again each time, which doubled the cost of a
    step; a Trainer keeps one scratch dict for its whole run. A buffer grows to the largest size
    asked for and is reused for every smaller one.
    """
    need = int(np.prod(shape))
    if scratch is None:
        return np.empty(shape, dtype)
    key = (name, np.dtype(dtype).char)
    held = scratch.get(key)
    if held is None or held.size < need:
        held = scratch[key] = np.empty(need, dtype)
    return held[:need].reshape(shape)


def _view(x: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """A read-only strided view of contiguous ``x`` (as_strided, without its 10 µs of overhead)."""
    view = np.ndarray(shape, x.dtype, x, 0, strides)
    view.flags.writeable = False
    return view


@dataclass
class _Layer2Grid:
    """Where the layer-1 maps sit in the flat buffer conv2 reads (see the module docstring)."""

    n: int
    hp: int  # the maps' size
    wp: int
    rows: int  # R: cells from one row to the next
    sample: int  # S: cells from one sample to the next
    base: int  # the row of cell (0, 0, 0)
    total: int  # rows in the buffer
    out_h: int  # conv2's output size
    out_w: int

    @classmethod
    def of(cls, n: int, hp: int, wp: int, f: int, padding: int) -> _Layer2Grid:
        # At least P zeros after each row, and a row length that is a multiple of F, so that
        # windows in the same class (row mod F, column mod F) never share a cell (col2im).
        rows = -(-(wp + padding) // f) * f
        sample = (hp + padding) * rows
        base = padding * (rows + 1)
        # The last window reads up to row n·S + P·(R + 1) − 1 (worked out from the sizes).
        out_h, out_w = hp + 2 * padding - f + 1, wp + 2 * padding - f + 1
        return cls(n, hp, wp, rows, sample, base, base + n * sample, out_h, out_w)

    def interior(self, flat: np.ndarray) -> np.ndarray:
        """The (N, Hp, Wp, K1) view of the cells that hold maps (not borders) in ``flat``."""
        k = flat.shape[1]
        whole = flat[self.base : self.base + self.n * self.sample].reshape(self.n, self.sample // self.rows, self.rows, k)
        return whole[:, : self.hp, : self.wp]


@dataclass
class Tape:
    """What the backward pass needs from the forward pass. It lives in the scratch buffers, so it
    is good until the next forward pass with the same scratch dict."""

    images_shape: tuple[int, int, int]
    padding1: int
    w1: np.ndarray
    w1m: np.ndarray  # (F·F + 1, K1): the filters, then the biases
    cols1: np.ndarray  # (F·F + 1, 4·N·Hp·Wp): the patches, then a row of ones
    conv1: np.ndarray  # (4, N·Hp·Wp, K1), bias added
    routes: np.ndarray  # (4, N·Hp·Wp, K1): True where a pool window's gradient goes
    grid: _Layer2Grid
    maps: np.ndarray  # the flat layer-1 buffer (total, K1) after bias and ReLU
    w2: np.ndarray
    w2m: np.ndarray  # (K2, F·F·K1), taps in (row, column, channel) order
    cols2: np.ndarray  # (N·positions, F·F·K1)
    winners: np.ndarray  # (N, K2): the row in cols2 of each map's first largest value
    best: np.ndarray  # (N, K2): its value, bias added, before ReLU
    features: np.ndarray  # (N, K2) after ReLU
    w3: np.ndarray | None
    scratch: dict | None


def forward(w1, b1, w2, b2, images, padding1: int, padding2: int, w3=None, b3=None, scratch: dict | None = None):
    """Scores (N, kinds) through the dense layer, or the layer-2 maxima (N, K2) without one, of
    same-size images (N, H, W); and the tape."""
    dtype = compute_dtype(w1)
    n, h, wd = images.shape
    k1, _, f1, _ = w1.shape
    k2, _, f2, _ = w2.shape
    hp, wp = (h + 2 * padding1 - f1 + 1) // 2, (wd + 2 * padding1 - f1 + 1) // 2
    cells = n * hp * wp

    # conv1, one product over the im2col patches, laid out pool window cell by cell; a row of
    # ones below the patches and the biases below the filters add the biases in the product.
    xp = buffer(scratch, "padded images", (n, h + 2 * padding1, wd + 2 * padding1), dtype)
    if padding1:
        xp.fill(0)
    xp[:, padding1 : padding1 + h, padding1 : padding1 + wd] = images
    s_n, s_h, s_w = xp.strides
    windows = _view(xp, (f1, f1, 2, 2, n, hp, wp), (s_h, s_w, s_h, s_w, s_n, 2 * s_h, 2 * s_w))
    cols1 = buffer(scratch, "cols1", (f1 * f1 + 1, 4 * cells), dtype)
    np.copyto(cols1[: f1 * f1].reshape(windows.shape), windows)
    cols1[f1 * f1] = 1
    w1m = np.concatenate([w1.reshape(k1, f1 * f1).T, b1[None]])
    conv1 = np.matmul(cols1.T, w1m, out=buffer(scratch, "conv1", (4 * cells, k1), dtype)).reshape(4, cells, k1)

    # The 2×2 pool, then ReLU, straight into the flat buffer conv2 reads.
    pooled = np.maximum(conv1[0], conv1[1], out=buffer(scratch, "pooled", (cells, k1), dtype))
    bottom = np.maximum(conv1[2], conv1[3], out=buffer(scratch, "pool bottom", (cells, k1), dtype))
    routes = _pool_routes(conv1, pooled, bottom, scratch)
    np.maximum(pooled, bottom, out=pooled)
    grid = _Layer2Grid.of(n, hp, wp, f2, padding2)
    maps = buffer(scratch, "maps", (grid.total, k1), dtype)
    maps.fill(0)
    inside = grid.interior(maps)
    np.maximum(pooled.reshape(inside.shape), 0, out=inside)
    np.logical_and(routes, (pooled > 0)[None], out=routes)  # no gradient through a ReLU at 0

    # conv2 over every window, one product; then each map's largest value.
    s_row, s_k = maps.strides
    windows2 = _view(
        maps,
        (n, grid.out_h, grid.out_w, f2, f2 * k1),
        (grid.sample * s_row, grid.rows * s_row, s_row, grid.rows * s_row, s_k),
    )
    positions = grid.out_h * grid.out_w
    cols2 = buffer(scratch, "cols2", windows2.shape, dtype)
    np.copyto(cols2, windows2)
    cols2 = cols2.reshape(n * positions, f2 * f2 * k1)
    w2m = w2.transpose(0, 2, 3, 1).reshape(k2, f2 * f2 * k1)
    conv2 = np.matmul(cols2, w2m.T, out=buffer(scratch, "conv2", (n * positions, k2), dtype)).reshape(n, positions, k2)
    # The first position with the largest value, as a row of cols2 (N, K2).
    winners = conv2.argmax(axis=1) + np.arange(0, n * positions, positions)[:, None]
    best = conv2.reshape(-1)[winners * k2 + np.arange(k2)] + b2
    features = np.maximum(best, 0)
    scores = features if w3 is None else features @ w3.T + b3
    tape = Tape((n, h, wd), padding1, w1, w1m, cols1, conv1, routes, grid, maps, w2, w2m, cols2, winners, best, features, w3, scratch)
    return scores, tape


def backward(grad_scores: np.ndarray, tape: Tape, want_input: bool = False) -> Gradients:
    """d (something) / d scores (N, kinds) → the gradient of every parameter (and the images)."""
    scratch, grid = tape.scratch, tape.grid
    n, h, wd = tape.images_shape
    k2, k1, f2, _ = tape.w2.shape
    dtype = tape.cols2.dtype
    grad_w3 = grad_b3 = None
    grad = grad_scores.astype(dtype, copy=False)
    if tape.w3 is not None:
        grad_w3, grad_b3 = grad.T @ tape.features, grad.sum(axis=0)
        grad = grad @ tape.w3
    grad = grad * (tape.best > 0)  # (N, K2) at each map's winning position
    grad_b2 = grad.sum(axis=0)

    # conv2's weights: the sum over samples of each filter's winning patch times its gradient.
    patches = tape.cols2[tape.winners.T.ravel()].reshape(k2, n, -1)
    grad_w2m = np.matmul(np.ascontiguousarray(grad.T)[:, None, :], patches)[:, 0]
    grad_w2 = np.ascontiguousarray(grad_w2m.reshape(k2, f2, f2, k1).transpose(0, 3, 1, 2))

    # What the winning windows send back to the maps: each filter's gradient times its weights,
    # added onto the cells its window read.
    grad_maps = buffer(scratch, "grad maps", (grid.total, k1), dtype)
    grad_maps.fill(0)
    if grad.size * f2 * f2 * k1 <= _SCATTER_AT_ONCE:
        _windows_back_at_once(grad_maps, tape.winners, grad, tape.w2m, grid, f2)
    else:
        _windows_back_by_class(grad_maps, tape.winners, grad, tape.w2m, grid, f2, scratch)

    # Back through ReLU and the pool: each window's gradient goes to its winning cell.
    hp, wp = grid.hp, grid.wp
    cells = n * hp * wp
    grad_conv1 = buffer(scratch, "grad conv1", tape.conv1.shape, dtype)
    inside = grid.interior(grad_maps)
    for q in range(4):
        np.multiply(inside, tape.routes[q].reshape(inside.shape), out=grad_conv1[q].reshape(inside.shape))
    flat_grad = grad_conv1.reshape(4 * cells, k1)
    f1 = tape.w1.shape[2]
    grad_w1m = tape.cols1 @ flat_grad  # the row of ones sums the gradient: the biases'
    grad_w1, grad_b1 = grad_w1m[: f1 * f1].T.reshape(k1, 1, f1, f1), grad_w1m[f1 * f1]
    grad_images = _images_gradient(flat_grad, tape, hp, wp) if want_input else None
    return Gradients(grad_w1, grad_b1, grad_w2, grad_b2, grad_images, grad_w3, grad_b3)


def _pool_routes(conv1: np.ndarray, top: np.ndarray, bottom: np.ndarray, scratch) -> np.ndarray:
    """(4, cells, K1) masks of the cell that wins each 2×2 window: the first in reading order on
    a tie, as in PyTorch. ``top`` and ``bottom`` are the maxima of window cells 0, 1 and 2, 3."""
    routes = buffer(scratch, "pool routes", conv1.shape, np.bool_)
    lower, second, upper = routes[2], routes[1], routes[0]  # slots reused as they are filled
    np.greater(bottom, top, out=lower)  # the bottom pair wins only if strictly larger
    np.greater(conv1[1], conv1[0], out=second)  # within a pair, the second cell likewise
    np.greater(conv1[3], conv1[2], out=routes[3])
    np.logical_and(routes[3], lower, out=routes[3])
    np.logical_xor(lower, routes[3], out=routes[2])  # lower and not its second cell
    np.logical_or(routes[2], routes[3], out=upper)
    np.logical_not(upper, out=upper)
    np.logical_and(second, upper, out=routes[1])
    np.logical_xor(upper, routes[1], out=routes[0])
    return routes


# Up to this many numbers (4 → 2 on 32 samples sends 2 304, 8 → 8 18 432), one np.add.at adds
# every filter's weighted window at once; above it, the windows several filters won are merged
# first and added class by class.
_SCATTER_AT_ONCE = 20_000


def _windows_of(flat: np.ndarray, grid: _Layer2Grid, f: int) -> np.ndarray:
    """A view of the flat layer-1 buffer whose item p is the F×F window with first cell p, as
    (F rows, F·K1 numbers). Items overlap: an indexed write must name windows that do not."""
    s_row, s_k = flat.strides
    k = flat.shape[1]
    return np.ndarray((grid.total - (f - 1) * (grid.rows + 1), f, f * k), flat.dtype, flat, 0, (s_row, grid.rows * s_row, s_k))


def _corners(windows: np.ndarray, grid: _Layer2Grid) -> np.ndarray:
    """The row in the flat layer-1 buffer of each window's first cell, from its row in cols2."""
    sample, position = np.divmod(windows, grid.out_h * grid.out_w)
    row, column = np.divmod(position, grid.out_w)
    return sample * grid.sample + row * grid.rows + column


def _windows_back_at_once(grad_maps, winners, grad, w2m, grid: _Layer2Grid, f: int) -> None:
    k1 = grad_maps.shape[1]
    taps = (np.arange(f)[:, None] * grid.rows + np.arange(f)).ravel()
    cells = (_corners(winners, grid)[:, :, None] + taps)[..., None] * k1 + np.arange(k1)  # (N, K2, F·F, K1)
    np.add.at(grad_maps.reshape(-1), cells.ravel(), (grad[:, :, None] * w2m).ravel())


def _windows_back_by_class(grad_maps, winners, grad, w2m, grid: _Layer2Grid, f: int, scratch) -> None:
    """Several filters often win the same window: each won window's gradient per filter
    (windows, K2) times the filters is what it sends back (windows, F·F·K1), one product. Windows
    in the same class, (row mod F, column mod F), never share a cell (the row length is a
    multiple of F), so a class is added in one indexed ``+=`` on a view whose items are whole
    F×F windows."""
    n, k2 = grad.shape
    k1 = grad_maps.shape[1]
    per_position = buffer(scratch, "grad per window", (n * grid.out_h * grid.out_w, k2), grad.dtype)
    per_position.fill(0)
    per_position[winners, np.arange(k2)] = grad
    won_mark = np.zeros(len(per_position), np.bool_)
    won_mark[winners] = True
    won = np.flatnonzero(won_mark)
    corners = _corners(won, grid)
    kind = corners // grid.rows % f * f + corners % f
    order = np.argsort(kind, kind="stable")
    bounds = np.searchsorted(kind[order], np.arange(f * f + 1))
    corners = corners[order]
    sent = (per_position[won[order]] @ w2m).reshape(len(won), f, f * k1)
    windows = _windows_of(grad_maps, grid, f)
    for c in range(f * f):
        if bounds[c] < bounds[c + 1]:
            windows[corners[bounds[c] : bounds[c + 1]]] += sent[bounds[c] : bounds[c + 1]]


def _images_gradient(flat_grad: np.ndarray, tape: Tape, hp: int, wp: int) -> np.ndarray:
    """Only the tests ask for this: add each patch's gradient back onto the cells it read."""
    n, h, wd = tape.images_shape
    f = tape.w1.shape[2]
    padding = tape.padding1
    patch_grad = (flat_grad @ tape.w1m[: f * f].T).T.reshape(f, f, 2, 2, n, hp, wp)
    return add_patches_back(patch_grad, (n, h, wd), padding)


def add_patches_back(patch_grad: np.ndarray, images_shape: tuple[int, int, int], padding: int) -> np.ndarray:
    """patch_grad (F, F, 2, 2, N, Hp, Wp), the gradient of each tap of each conv+pool patch →
    the (N, H, W) images' gradient: every tap added onto the input cell it read."""
    f, _, _, _, n, hp, wp = patch_grad.shape
    _, h, wd = images_shape
    grad_xp = np.zeros((n, h + 2 * padding, wd + 2 * padding), patch_grad.dtype)
    for i in range(f):
        for j in range(f):
            for a in range(2):
                for c in range(2):
                    rows = slice(i + a, i + a + 2 * hp, 2)
                    cols = slice(j + c, j + c + 2 * wp, 2)
                    grad_xp[:, rows, cols] += patch_grad[i, j, a, c]
    return grad_xp[:, padding : padding + h, padding : padding + wd]
