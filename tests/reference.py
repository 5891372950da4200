"""The one independent reference every numeric test checks tuiconv against: plain nested loops.

Cross-correlation (as every deep-learning library computes "convolution"), max and average
pooling, and the two-layer network's forward pass, written out cell by cell the way a learner
would on paper, sharing no code with ``tuiconv.engine``. Every test that needs an oracle imports
it from here.
"""

from __future__ import annotations

import math

import numpy as np

CLASSES = ("rectangle", "diamond")


def ref_padding(padding, kernel, dilation):
    """(before, after) zeros, as PyTorch documents them: 'same' puts the odd zero after."""
    reach = dilation * (kernel - 1)
    if padding == "valid":
        return 0, 0
    if padding == "same":
        return reach // 2, reach - reach // 2
    if padding == "full":
        return reach, reach
    return padding, padding


def ref_conv2d(x, w, b, stride=1, padding=0, dilation=1):
    """x (C, H, W) ⋆ w (K, C, F, F) + b (K,) → (K, H2, W2), one output cell at a time."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    channels, height, width = x.shape
    filters, _, f, _ = w.shape
    before, after = ref_padding(padding, f, dilation)
    padded_h, padded_w = height + before + after, width + before + after

    def at(c, r, q):  # the padded input, read cell by cell
        r, q = r - before, q - before
        return x[c, r, q] if 0 <= r < height and 0 <= q < width else 0.0

    out_h = (padded_h - dilation * (f - 1) - 1) // stride + 1
    out_w = (padded_w - dilation * (f - 1) - 1) // stride + 1
    out = np.zeros((filters, out_h, out_w))
    for k in range(filters):
        for i in range(out_h):
            for j in range(out_w):
                total = float(b[k])
                for c in range(channels):
                    for u in range(f):
                        for v in range(f):
                            total += at(c, i * stride + u * dilation, j * stride + v * dilation) * w[k, c, u, v]
                out[k, i, j] = total
    return out


def ref_pool(x, size, stride, reduce):
    """(C, H, W) → pooled (C, H2, W2) and, for max, where each winner sat (ties: the first)."""
    x = np.asarray(x, dtype=float)
    channels, height, width = x.shape
    out_h = (height - size) // stride + 1
    out_w = (width - size) // stride + 1
    out = np.zeros((channels, out_h, out_w))
    where = np.zeros((channels, out_h, out_w, 2), dtype=int)
    for c in range(channels):
        for i in range(out_h):
            for j in range(out_w):
                cells = [
                    (x[c, i * stride + u, j * stride + v], (i * stride + u, j * stride + v))
                    for u in range(size)
                    for v in range(size)
                ]
                if reduce == "max":
                    best = cells[0]
                    for cell in cells[1:]:  # strictly greater: ties keep the first in reading order
                        if cell[0] > best[0]:
                            best = cell
                    out[c, i, j], where[c, i, j] = best[0], best[1]
                else:
                    out[c, i, j] = sum(value for value, _ in cells) / len(cells)
    return out, where


# ---------------------------------------------------------------- one filter, one map


def conv_one(x, w, bias=0.0, stride=1, padding=0, dilation=1):
    """One filter over every channel: x (C, H, W) ⋆ w (C, F, F) + bias → (H2, W2)."""
    return ref_conv2d(x, np.asarray(w)[None], [bias], stride, padding, dilation)[0]


def max_pool_one(x, size, stride):
    """One (H, W) map → (pooled (H2, W2), {output cell: the winner's cell})."""
    pooled, where = ref_pool(np.asarray(x)[None], size, stride, "max")
    winners = {(i, j): tuple(int(v) for v in where[0, i, j]) for i in range(pooled.shape[1]) for j in range(pooled.shape[2])}
    return pooled[0], winners


# ---------------------------------------------------------------- the two-layer network


def relu(maps):
    return np.maximum(np.asarray(maps, dtype=float), 0.0)


def forward_loops(net, image):
    """Every layer of the network on one (H, W) grid: conv 3×3 (padding 1) → ReLU → 2×2 max pool
    → conv 3×3 (padding 1) over every channel → ReLU → global max → dense → softmax, with the verdict."""
    x = np.asarray(image, dtype=float).reshape(np.shape(image)[-2:])[None]
    relu1 = relu(ref_conv2d(x, net.w1, net.b1, 1, 1, 1))
    pool1 = ref_pool(relu1, 2, 2, "max")[0]
    relu2 = relu(ref_conv2d(pool1, net.w2, net.b2, 1, 1, 1))
    maxima = [max(max(row) for row in m) for m in relu2.tolist()]
    # The dense layer: each kind's score is a weighted sum of the maxima plus a bias (a net
    # without one passes the maxima on as they are).
    w3 = getattr(net, "w3", np.eye(len(maxima)))
    b3 = getattr(net, "b3", np.zeros(len(maxima)))
    logits = [sum(float(w3[j][k]) * maxima[k] for k in range(len(maxima))) + float(b3[j]) for j in range(len(b3))]
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    scores = [e / sum(exps) for e in exps]
    kinds = getattr(net, "kinds", CLASSES)
    return {
        "relu1": relu1,
        "pool1": pool1,
        "relu2": relu2,
        "maxima": maxima,
        "logits": logits,
        "scores": scores,
        "verdict": kinds[scores.index(max(scores))],
    }


def pixels_that_move(map_id: str, cell: tuple[int, int], shape: tuple[int, int]) -> set[tuple[int, int]]:
    """The input pixels whose change moves ``cell`` of ``map_id`` ("conv1:k", "pool:k", "conv2:k"),
    found by bumping every pixel in turn: the receptive field, measured rather than computed.

    With positive weights and biases no ReLU is ever off, and a bump of 1000 makes the layer-1
    cells it feeds the winners of their pool windows, so every pixel the cell can see moves it
    and no other pixel can.
    """
    rng = np.random.default_rng(3)

    class Positive:
        w1 = rng.uniform(0.5, 1.0, (4, 1, 3, 3))
        b1 = np.full(4, 0.1)
        w2 = rng.uniform(0.5, 1.0, (2, 4, 3, 3))
        b2 = np.full(2, 0.1)

    layer, k = map_id.split(":")
    key = {"conv1": "relu1", "pool": "pool1", "conv2": "relu2"}[layer]
    image = rng.uniform(0.0, 1.0, shape)
    base = forward_loops(Positive, image)[key][int(k)][cell[0]][cell[1]]
    moved = set()
    for r in range(shape[0]):
        for c in range(shape[1]):
            bumped = image.copy()
            bumped[r, c] += 1000.0
            if abs(forward_loops(Positive, bumped)[key][int(k)][cell[0]][cell[1]] - base) > 1e-9:
                moved.add((r, c))
    return moved
