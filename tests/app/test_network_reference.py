"""A plain-loop two-layer network, independent of the engine, for the network screen's tests.

conv 3×3 (padding 1) → ReLU → 2×2 max pool → conv 3×3 (padding 1) over every channel → ReLU →
global max → softmax: written out the way a learner would on paper, with no numpy tricks, so the
screen's numbers can be checked against something that does not share the engine's code.
"""

from __future__ import annotations

import math

import numpy as np

CLASSES = ("rectangle", "diamond")


def conv_loops(x, w, b, padding=1):
    """x: (C, H, W), w: (K, C, 3, 3), b: (K,) → (K, H, W) with zero padding."""
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    size = len(w[0][0])
    out_h = height + 2 * padding - size + 1
    out_w = width + 2 * padding - size + 1
    out = [[[0.0] * out_w for _ in range(out_h)] for _ in range(len(w))]
    for k in range(len(w)):
        for i in range(out_h):
            for j in range(out_w):
                total = float(b[k])
                for c in range(channels):
                    for u in range(size):
                        for v in range(size):
                            r, q = i + u - padding, j + v - padding
                            if 0 <= r < height and 0 <= q < width:
                                total += float(x[c][r][q]) * float(w[k][c][u][v])
                out[k][i][j] = total
    return out


def relu_loops(maps):
    return [[[max(0.0, v) for v in row] for row in m] for m in maps]


def pool_loops(maps):
    out = []
    for m in maps:
        rows, cols = len(m) // 2, len(m[0]) // 2
        out.append([[max(m[2 * i][2 * j], m[2 * i][2 * j + 1], m[2 * i + 1][2 * j], m[2 * i + 1][2 * j + 1]) for j in range(cols)] for i in range(rows)])
    return out


def forward_loops(net, image):
    """Every layer of the network on one (H, W) grid, as nested lists, plus scores and verdict."""
    x = [[[float(v) for v in row] for row in np.asarray(image).reshape(np.shape(image)[-2:])]]
    relu1 = relu_loops(conv_loops(x, net.w1, net.b1))
    pool1 = pool_loops(relu1)
    relu2 = relu_loops(conv_loops(pool1, net.w2, net.b2))
    maxima = [max(max(row) for row in m) for m in relu2]
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


def test_reference_on_a_worked_example():
    """One bright pixel through an all-ones network: counts worked out by hand."""

    class Ones:
        w1 = np.ones((4, 1, 3, 3))
        b1 = np.zeros(4)
        w2 = np.ones((2, 4, 3, 3))
        b2 = np.array([0.0, -1.0])

    image = np.zeros((4, 4))
    image[1, 1] = 1.0
    out = forward_loops(Ones, image)
    # The pixel reaches the 3×3 block of conv1 cells around it, so every 2×2 pool window that
    # touches rows/cols 0..2 holds a 1: all four pooled cells are 1 in each of 4 channels.
    assert out["pool1"][0] == [[1.0, 1.0], [1.0, 1.0]]
    # A conv2 cell with padding 1 sees all 4 pooled cells × 4 channels = 16 at every position.
    assert out["relu2"][0] == [[16.0, 16.0], [16.0, 16.0]]
    assert out["maxima"] == [16.0, 15.0]
    assert math.isclose(out["scores"][0], math.e / (math.e + 1))
    assert out["verdict"] == "rectangle"
