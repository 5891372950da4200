"""The two-layer network on a whole batch at once, forward and backward, each op beside its gradient.

Read it top to bottom like micrograd: every op returns its output and what its backward pass
needs (its "tape"), and its ``*_backward`` turns the gradient of the loss with respect to the
output into gradients with respect to its input and weights. The wants screen uses these ops
one at a time. Training, ``batch_scores`` and ``loss_and_gradients`` run the same arithmetic
through ``batched``, which lays the whole pass out for speed (in float32 for the Trainer).

A training step on 16×16 images costs numpy calls, not arithmetic, so three choices keep the
number of calls small:

* Inside this module a stack of maps is (C, N, H, W): channel, then sample. A convolution is then
  one matrix product of the flattened filters (K, C·F·F) with "im2col" patches (C·F·F, N·H·W)
  and its result is already channel-first.
* ReLU and max commute (max(relu(a), relu(b)) = relu(max(a, b)), exactly, in floats too), so we
  pool the raw convolution and apply ReLU to the 4× smaller pooled map, and take the global max
  of conv2 before its ReLU. Values are identical to conv → ReLU → pool; so are the gradients (a
  window whose winner is ≤ 0 passes no gradient either way).
* Conv1's patches are laid out pool window by pool window, (F·F, 4, N, Hp, Wp), so the 2×2 max
  pool is a max over one axis and needs no reshuffling.

Ties in a max go to the first cell in reading order, as in ``ops.max_pool`` and PyTorch.
"""

from __future__ import annotations

import numpy as np

from tuiconv.engine import batched
from tuiconv.engine.batched import Gradients


def _buffer(scratch: dict | None, name: str, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """An uninitialised array, reusing ``scratch[name]``'s memory when a scratch dict is given.

    Allocating and freeing the same few hundred kilobytes every step makes the C library hand
    the memory back to the system and fault it in again each time, which doubled the cost of a
    step; a Trainer keeps one scratch dict for its whole run.
    """
    need = int(np.prod(shape))
    if scratch is None:
        return np.empty(shape, dtype)
    held = scratch.get(name)
    if held is None or held.size < need:
        held = scratch[name] = np.empty(need, dtype)
    return held[:need].reshape(shape)


def _pad(x: np.ndarray, padding: int) -> np.ndarray:
    """A C-contiguous copy with zeros around the last two axes (np.pad costs 4× more here)."""
    if not padding:
        return np.ascontiguousarray(x)
    out = np.zeros(x.shape[:-2] + (x.shape[-2] + 2 * padding, x.shape[-1] + 2 * padding))
    out[..., padding:-padding, padding:-padding] = x
    return out


def _view(x: np.ndarray, shape: tuple[int, ...], strides: tuple[int, ...]) -> np.ndarray:
    """A read-only strided view of contiguous ``x`` (as_strided, without its 10 µs of overhead)."""
    view = np.ndarray(shape, x.dtype, x, 0, strides)
    view.flags.writeable = False
    return view


# ---------------------------------------------------------------------------------------------
# conv1 (one input channel) fused with the 2×2 max pool that follows it


def conv_pool_forward(images: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int, scratch: dict | None = None):
    """images (N, H, W); w (K, 1, F, F); b (K,).

    Returns the max of each 2×2 pool window of the convolution, (K, N, H1//2, W1//2), and the
    tape. Rows and columns of the convolution that no pool window covers (an odd H1) are never
    computed: nothing downstream reads them.
    """
    n, h, wd = images.shape
    k, _, f, _ = w.shape
    xp = _pad(images, padding)
    out_h, out_w = (h + 2 * padding - f + 1) // 2, (wd + 2 * padding - f + 1) // 2
    s_n, s_h, s_w = xp.strides
    # (kernel row, kernel col, row in pool window, col in pool window, sample, pool row, pool col)
    windows = _view(xp, (f, f, 2, 2, n, out_h, out_w), (s_h, s_w, s_h, s_w, s_n, 2 * s_h, 2 * s_w))
    cols = _buffer(scratch, "cols1", windows.shape)
    np.copyto(cols, windows)
    cols = cols.reshape(f * f, -1)
    conv = np.matmul(w.reshape(k, f * f), cols, out=_buffer(scratch, "conv1", (k, cols.shape[1])))
    conv = conv.reshape(k, 4, n, out_h, out_w)
    pooled = conv.max(axis=1)
    return pooled + b[:, None, None, None], (cols, conv, pooled, images.shape, padding, w, scratch)


def _first_winner(conv: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """(K, 4, N, Hp, Wp) mask of the cell that won each pool window; on a tie, the first."""
    won = conv == pooled[:, None]
    taken = won[:, 0].copy()
    for q in range(1, 4):
        won[:, q] &= ~taken
        taken |= won[:, q]
    return won


def conv_pool_backward(grad: np.ndarray, tape, want_input: bool = False):
    """grad (K, N, Hp, Wp) → (grad_images or None, grad_w (K, 1, F, F), grad_b (K,))."""
    cols, conv, pooled, images_shape, padding, w, scratch = tape
    k, _, f, _ = w.shape
    grad_conv = np.multiply(_first_winner(conv, pooled), grad[:, None], out=_buffer(scratch, "grad_conv1", conv.shape))
    flat = grad_conv.reshape(k, -1)
    grad_w = (flat @ cols.T).reshape(w.shape)
    grad_b = grad.sum(axis=(1, 2, 3))
    if not want_input:
        return None, grad_w, grad_b
    # Only the tests ask for this: add each patch's gradient back onto the cells it read.
    n = images_shape[0]
    out_h, out_w = conv.shape[3:]
    patch_grad = (w.reshape(k, f * f).T @ flat).reshape(f, f, 2, 2, n, out_h, out_w)
    return batched.add_patches_back(patch_grad, images_shape, padding), grad_w, grad_b


# ---------------------------------------------------------------------------------------------
# ReLU


def relu_forward(x: np.ndarray):
    """max(0, x), and the mask of cells that pass gradient back (x > 0)."""
    mask = x > 0
    return x * mask, mask


def relu_backward(grad: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return grad * mask


# ---------------------------------------------------------------------------------------------
# conv2 (every filter reads all channels) fused with the global max over positions


def conv_globalmax_forward(maps: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int, scratch: dict | None = None):
    """maps (C, N, H, W); w (K, C, F, F). Returns each filter's largest response (K, N), and the tape."""
    c, n, h, wd = maps.shape
    k, _, f, _ = w.shape
    xp = _pad(maps, padding)
    out_h, out_w = h + 2 * padding - f + 1, wd + 2 * padding - f + 1
    s_c, s_n, s_h, s_w = xp.strides
    # (channel, kernel row, kernel col, sample, out row, out col): w's own axis order first.
    windows = _view(xp, (c, f, f, n, out_h, out_w), (s_c, s_h, s_w, s_n, s_h, s_w))
    cols = _buffer(scratch, "cols2", windows.shape)
    np.copyto(cols, windows)
    cols = cols.reshape(c * f * f, n * out_h * out_w)
    conv = (w.reshape(k, c * f * f) @ cols).reshape(k, n, out_h * out_w)
    where = conv.argmax(axis=2)  # (K, N): the first position with the largest value
    best = conv.max(axis=2)
    return best + b[:, None], (cols, where, out_h * out_w, out_w, maps.shape, padding, w, scratch)


def conv_globalmax_backward(grad: np.ndarray, tape):
    """grad (K, N) → (grad_maps (C, N, H, W), grad_w, grad_b).

    Only each map's winning position gets gradient. A small layer (the 4 → 2 net) gathers
    those K×N patches for the weights and adds each filter back onto its own winning window
    cell by cell (np.bincount sums the cells where two filters' windows overlap). A wide one
    (32 → 32) does it in two matrix products instead; see ``_winners_back_dense``.
    """
    cols, where, positions, out_w, maps_shape, padding, w, scratch = tape
    c, n, h, wd = maps_shape
    k, _, f, _ = w.shape
    if k * c > _SMALL_CONV2:
        grad_xp, grad_w = _winners_back_dense(grad, cols, where, positions, out_w, maps_shape, padding, w)
    else:
        columns = np.arange(n) * positions + where  # (K, N): each winner's column in cols
        patches = np.take(cols, columns.ravel(), axis=1).reshape(c * f * f, k, n)
        grad_w = (patches * grad).sum(axis=2).T.reshape(w.shape)
        grad_xp = _winners_back_cellwise(grad, where, out_w, maps_shape, padding, w)
    if padding:
        grad_xp = grad_xp[:, :, padding:-padding, padding:-padding]
    return grad_xp, grad_w, grad.sum(axis=1)


# Above this many (filter, channel) pairs, two matrix products cost less than gathering and
# scattering each winning window cell by cell.
_SMALL_CONV2 = 64


def _winners_back_cellwise(grad, where, out_w, maps_shape, padding, w) -> np.ndarray:
    c, n, h, wd = maps_shape
    k, _, f, _ = w.shape
    padded_h, padded_w = h + 2 * padding, wd + 2 * padding
    # Flat index of every cell each winning window covers, in the padded (C, N, H, W) maps.
    top, left = where // out_w, where % out_w
    corner = (np.arange(n) * padded_h + top) * padded_w + left  # (K, N)
    offsets = (np.arange(c)[:, None, None] * n * padded_h + np.arange(f)[:, None]) * padded_w + np.arange(f)
    cells = corner[:, None, :, None, None] + offsets[None, :, None, :, :]  # (K, C, N, F, F)
    values = grad[:, None, :, None, None] * w[:, :, None, :, :]
    grad_xp = np.bincount(cells.ravel(), values.ravel(), c * n * padded_h * padded_w)
    return grad_xp.reshape(c, n, padded_h, padded_w)


def _winners_back_dense(grad, cols, where, positions, out_w, maps_shape, padding, w):
    """(padded grad_maps, grad_w) through two matrix products over the windows some filter won.

    Several filters often win the same window, so the (K, windows won) matrix of each filter's
    gradient at its winning window is all the backward pass needs: times those windows' patches
    it is the weights' gradient; the filters times it is what each window sends back to each of
    its F·F taps. A window is also named by its top-left cell in the flat *padded* maps, and the
    tap (i, j) lands i rows and j columns further on, one shift by i·Wp + j; within one tap the
    windows' cells are distinct, so col2im is F·F plain indexed adds.
    """
    c, n, h, wd = maps_shape
    k, _, f, _ = w.shape
    padded_h, padded_w = h + 2 * padding, wd + 2 * padding
    won, slot = np.unique((np.arange(n) * positions + where).ravel(), return_inverse=True)
    per_window = np.zeros((k, len(won)), grad.dtype)
    per_window[np.repeat(np.arange(k), n), slot] = grad.ravel()
    grad_w = (per_window @ np.take(cols, won, axis=1).T).reshape(w.shape)
    taps = (w.reshape(k, c * f * f).T @ per_window).reshape(c, f * f, len(won))
    sample, position = won // positions, won % positions
    corners = (sample * padded_h + position // out_w) * padded_w + position % out_w
    grad_xp = np.zeros((c, n * padded_h * padded_w), grad.dtype)
    for i in range(f):
        for j in range(f):
            grad_xp[:, corners + (i * padded_w + j)] += taps[:, i * f + j]
    return grad_xp.reshape(c, n, padded_h, padded_w), grad_w


# ---------------------------------------------------------------------------------------------
# softmax + cross-entropy


def softmax(scores: np.ndarray) -> np.ndarray:
    """Probabilities along the last axis."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def cross_entropy_forward(scores: np.ndarray, labels: np.ndarray):
    """scores (N, classes). Mean −log p(true class) over the batch, and the probabilities."""
    probs = softmax(scores)
    picked = probs[np.arange(len(labels)), labels]
    return -float(np.log(np.maximum(picked, 1e-300)).sum()) / len(labels), probs


def cross_entropy_backward(probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """d loss / d scores = (p − one_hot(label)) / N."""
    grad = probs.copy()
    grad[np.arange(len(labels)), labels] -= 1.0
    return grad / len(labels)


# ---------------------------------------------------------------------------------------------
# the dense layer: one score per kind, a weighted sum of the K2 maxima


def dense_forward(features: np.ndarray, w: np.ndarray, b: np.ndarray):
    """features (N, K2); w (kinds, K2); b (kinds,). Scores (N, kinds), and the tape."""
    return features @ w.T + b, (features, w)


def dense_backward(grad: np.ndarray, tape):
    """grad (N, kinds) → (grad_features (N, K2), grad_w, grad_b)."""
    features, w = tape
    return grad @ w, grad.T @ features, grad.sum(axis=0)


# ---------------------------------------------------------------------------------------------
# the whole network


def batch_scores(w1, b1, w2, b2, images: np.ndarray, padding1: int, padding2: int, scratch: dict | None = None, w3=None, b3=None):
    """Scores before softmax of same-size images (N, H, W), and the tape: (N, kinds) through
    the dense layer ``w3``, ``b3``, or the layer-2 maxima themselves (N, K2) without one.

    Computed by ``batched`` in the weights' precision (float32 weights: float32 throughout).
    ``scratch`` (an empty dict to start with, kept between calls) lets repeated calls reuse
    memory; a tape is then good until the next call with the same scratch.
    """
    return batched.forward(w1, b1, w2, b2, images, padding1, padding2, w3, b3, scratch)


def backward(grad_scores: np.ndarray, tape, want_input: bool = False) -> Gradients:
    """d (something) / d scores (N, kinds) → the gradient of every parameter (and the images)."""
    return batched.backward(grad_scores, tape, want_input)


def loss_and_gradients(
    w1, b1, w2, b2, images, labels, padding1: int, padding2: int, want_input=False, scratch: dict | None = None, w3=None, b3=None
):
    """Mean cross-entropy of a batch, its gradients, and the batch's probabilities (N, kinds).

    The loss and its gradient with respect to the scores are always worked out in float64 (they
    are a few numbers per sample); the rest in the weights' precision.
    """
    scores, tape = batch_scores(w1, b1, w2, b2, images, padding1, padding2, scratch, w3, b3)
    loss, probs = cross_entropy_forward(scores.astype(np.float64, copy=False), labels)
    grads = backward(cross_entropy_backward(probs, labels), tape, want_input)
    return loss, grads, probs
