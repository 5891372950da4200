"""The whole network's forward and backward pass over a batch, laid out so training is fast.

Training runs here: ``backprop.loss_and_gradients`` and ``backprop.batch_scores`` call it. The
arithmetic is backprop's op by op (its functions, which the wants screen reads, are the same
maths one op at a time); what differs is where the numbers sit in memory, chosen so that each
layer is one matrix product and everything around the products is a handful of numpy calls on
long contiguous runs. The numbers come out in the weights' precision: float64 weights (every test
and every display) give float64 throughout; the Trainer passes float32 copies, which halves the
memory traffic and doubles what BLAS does per cycle, and keeps its own float64 master weights.

Layouts (N samples, K1 and K2 filters, F×F kernels, Hp×Wp pooled maps):

* conv1 + pool. im2col patches (F·F, 2·2·N·Hp·Wp) ordered pool window cell first, so conv1 is
  one product whose result (4, N·Hp·Wp, K1) holds each window cell in its own contiguous block:
  the pool is three ``maximum`` calls and its winner (the first on a tie, as in PyTorch) is
  three comparisons.
* The layer-1 maps, channels last, in one flat zero-bordered buffer of rows of K1 numbers: cell
  (n, y, x) is row base + n·S + y·R + x with R = Wp + P (the P zeros after each row are also the
  next row's left border) and S = (Hp + P)·R. A conv2 window whose top-left corner, in padded
  coordinates, is (n, r, c) starts at row n·S + r·R + c, and its tap (i, j) is i·R + j rows on. So
  conv2's im2col matrix (N·positions, F·F·K1) is a copy of a strided view whose inner runs are
  F·K1 contiguous numbers, and col2im is F·F adds of whole rows.
* The global max keeps only each map's winning position, so conv2's backward pass touches only
  the windows some filter won: their patches (rows of the im2col matrix) for the weights, and one
  small product for what those windows send back to the maps.

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
        rows = wp + padding
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
    w1m: np.ndarray  # (F·F, K1)
    cols1: np.ndarray  # (F·F, 4·N·Hp·Wp)
    conv1: np.ndarray  # (4, N·Hp·Wp, K1), before the bias
    halves: tuple[np.ndarray, np.ndarray]  # the max of window cells 0, 1 and of cells 2, 3
    grid: _Layer2Grid
    maps: np.ndarray  # the flat layer-1 buffer (total, K1) after bias and ReLU
    w2: np.ndarray
    w2m: np.ndarray  # (K2, F·F·K1), taps in (row, column, channel) order
    cols2: np.ndarray  # (N·positions, F·F·K1)
    where: np.ndarray  # (N, K2): each map's first largest position
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

    # conv1, one product over the im2col patches, laid out pool window cell by cell.
    xp = buffer(scratch, "padded images", (n, h + 2 * padding1, wd + 2 * padding1), dtype)
    if padding1:
        xp.fill(0)
    xp[:, padding1 : padding1 + h, padding1 : padding1 + wd] = images
    s_n, s_h, s_w = xp.strides
    windows = _view(xp, (f1, f1, 2, 2, n, hp, wp), (s_h, s_w, s_h, s_w, s_n, 2 * s_h, 2 * s_w))
    cols1 = buffer(scratch, "cols1", windows.shape, dtype)
    np.copyto(cols1, windows)
    cols1 = cols1.reshape(f1 * f1, 4 * cells)
    w1m = w1.reshape(k1, f1 * f1).T
    conv1 = np.matmul(cols1.T, w1m, out=buffer(scratch, "conv1", (4 * cells, k1), dtype)).reshape(4, cells, k1)

    # The 2×2 pool, then bias and ReLU straight into the flat buffer conv2 reads. ReLU and max
    # commute (max(relu(a), relu(b)) = relu(max(a, b)), exactly), so pooling first is the same.
    top = np.maximum(conv1[0], conv1[1], out=buffer(scratch, "pool top", (cells, k1), dtype))
    bottom = np.maximum(conv1[2], conv1[3], out=buffer(scratch, "pool bottom", (cells, k1), dtype))
    grid = _Layer2Grid.of(n, hp, wp, f2, padding2)
    maps = buffer(scratch, "maps", (grid.total, k1), dtype)
    maps.fill(0)
    inside = grid.interior(maps)
    np.maximum(top.reshape(inside.shape), bottom.reshape(inside.shape), out=inside)
    inside += b1
    np.maximum(inside, 0, out=inside)

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
    where = conv2.argmax(axis=1)  # (N, K2): the first position with the largest value
    best = np.take_along_axis(conv2, where[:, None, :], axis=1)[:, 0] + b2
    features = np.maximum(best, 0)
    scores = features if w3 is None else features @ w3.T + b3
    tape = Tape((n, h, wd), padding1, w1, w1m, cols1, conv1, (top, bottom), grid, maps, w2, w2m, cols2, where, best, features, w3, scratch)
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
    samples = np.arange(n)[:, None]
    positions = grid.out_h * grid.out_w
    patches = tape.cols2[(samples * positions + tape.where).ravel()].reshape(n, k2, -1)
    grad_w2m = np.einsum("nkc,nk->kc", patches, grad)
    grad_w2 = np.ascontiguousarray(grad_w2m.reshape(k2, f2, f2, k1).transpose(0, 3, 1, 2))

    # What the winning windows send back to the maps: several filters often win the same window,
    # so first each window's gradient per filter, then one product with the filters, then each
    # tap's rows added where it read them (within one tap the windows' rows are distinct).
    top, left = np.divmod(tape.where, grid.out_w)
    corners = samples * grid.sample + top * grid.rows + left  # (N, K2): each window's first row
    won, slot = np.unique(corners.ravel(), return_inverse=True)
    per_window = np.zeros((len(won), k2), dtype)
    per_window[slot.ravel(), np.tile(np.arange(k2), n)] = grad.ravel()
    taps = per_window @ tape.w2m  # (windows, F·F·K1)
    grad_maps = buffer(scratch, "grad maps", (grid.total, k1), dtype)
    grad_maps.fill(0)
    for i in range(f2):
        for j in range(f2):
            t = i * f2 + j
            grad_maps[won + (i * grid.rows + j)] += taps[:, t * k1 : (t + 1) * k1]

    # Back through ReLU and the pool: each window's gradient goes to its winning cell.
    hp, wp = grid.hp, grid.wp
    inside = grid.interior(tape.maps)
    cells = n * hp * wp
    grad_pool = buffer(scratch, "grad pool", (n, hp, wp, k1), dtype)
    np.multiply(grid.interior(grad_maps), inside > 0, out=grad_pool)
    grad_pool = grad_pool.reshape(cells, k1)
    grad_b1 = grad_pool.sum(axis=0)
    conv1, (top_half, bottom_half) = tape.conv1, tape.halves
    grad_conv1 = buffer(scratch, "grad conv1", conv1.shape, dtype)
    # Winner: the bottom pair only if strictly larger, then within a pair the second cell only
    # if strictly larger. g·[bottom] and g − g·[bottom] split g exactly.
    low, high = grad_conv1[0], grad_conv1[2]
    np.multiply(grad_pool, bottom_half > top_half, out=high)
    np.subtract(grad_pool, high, out=low)
    np.multiply(low, conv1[1] > conv1[0], out=grad_conv1[1])
    low -= grad_conv1[1]
    np.multiply(high, conv1[3] > conv1[2], out=grad_conv1[3])
    high -= grad_conv1[3]
    flat_grad = grad_conv1.reshape(4 * cells, k1)
    f1 = tape.w1.shape[2]
    grad_w1 = (tape.cols1 @ flat_grad).T.reshape(k1, 1, f1, f1)
    grad_images = _images_gradient(flat_grad, tape, hp, wp) if want_input else None
    return Gradients(grad_w1, grad_b1, grad_w2, grad_b2, grad_images, grad_w3, grad_b3)


def _images_gradient(flat_grad: np.ndarray, tape: Tape, hp: int, wp: int) -> np.ndarray:
    """Only the tests ask for this: add each patch's gradient back onto the cells it read."""
    n, h, wd = tape.images_shape
    f = tape.w1.shape[2]
    padding = tape.padding1
    patch_grad = (flat_grad @ tape.w1m.T).T.reshape(f, f, 2, 2, n, hp, wp)
    grad_xp = np.zeros((n, h + 2 * padding, wd + 2 * padding), flat_grad.dtype)
    for i in range(f):
        for j in range(f):
            for a in range(2):
                for c in range(2):
                    rows = slice(i + a, i + a + 2 * hp, 2)
                    cols = slice(j + c, j + c + 2 * wp, 2)
                    grad_xp[:, rows, cols] += patch_grad[i, j, a, c]
    return grad_xp[:, padding : padding + h, padding : padding + wd]
