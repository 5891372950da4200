"""Backpropagation: the batched forward equals network.forward, and every gradient equals the
slope of the loss measured by nudging one number (central differences on float64).

The reference loss is computed grid by grid with the engine's own ``network.forward`` (scipy
convolution, plain ReLU and pooling), never with the batched code under test.
"""

import numpy as np
import pytest

from tuiconv.engine import backprop
from tuiconv.engine.network import CONV1_PADDING, CONV2_PADDING, Network, forward
from tuiconv.engine.shapes import make_shape

P1, P2 = CONV1_PADDING, CONV2_PADDING
NUDGE = 1e-6


def reference_loss(net: Network, images: np.ndarray, labels: np.ndarray) -> float:
    """Mean −log softmax(global maxima)[label], one grid at a time with network.forward."""
    total = 0.0
    for image, label in zip(images, labels):
        maxima = forward(net, image).maxima
        shifted = maxima - maxima.max()
        total += np.log(np.exp(shifted).sum()) - shifted[label]
    return total / len(labels)


def kink_margin(net: Network, images: np.ndarray) -> float:
    """How far the data is from any kink (a ReLU input at 0, a tie in a max), so that a nudge
    of NUDGE cannot cross one and central differences measure a true slope."""
    gaps = []
    for image in images:
        f = forward(net, image)
        gaps += [np.abs(f.conv1).min(), np.abs(f.conv2).min()]
        h, w = f.relu1.shape[1] // 2 * 2, f.relu1.shape[2] // 2 * 2
        windows = f.conv1[:, :h, :w].reshape(4, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4).reshape(4, h // 2, w // 2, 4)
        top2 = np.sort(windows, axis=-1)[..., -2:]
        gaps.append((top2[..., 1] - top2[..., 0]).min())
        flat = np.sort(f.conv2.reshape(2, -1), axis=1)
        gaps.append((flat[:, -1] - flat[:, -2]).min())
    return float(min(gaps))


def random_net(seed: int) -> Network:
    net = Network.random(seed)
    rng = np.random.default_rng(seed + 100)
    net.b1 = rng.normal(0, 0.3, 4)
    net.b2 = rng.normal(0, 0.3, 2)
    return net


def nets_and_batches():
    """Random weights on real-valued grids, several sizes, odd ones too; for each, the first
    seed whose data lies far enough from every kink (the rest are not tried)."""
    for n, h, w in [(3, 8, 8), (4, 9, 7), (2, 12, 12)]:
        for seed in range(100):
            rng = np.random.default_rng([n, h, w, seed])
            net, images = random_net(seed), rng.random((n, h, w))
            if kink_margin(net, images) > 100 * NUDGE:
                break
        yield net, images, rng.integers(0, 2, n)


def numeric_gradient(loss_of, array: np.ndarray, indices) -> dict:
    out = {}
    for index in indices:
        old = array[index]
        array[index] = old + NUDGE
        up = loss_of()
        array[index] = old - NUDGE
        down = loss_of()
        array[index] = old
        out[index] = (up - down) / (2 * NUDGE)
    return out


@pytest.mark.parametrize("case", range(3))
def test_every_parameter_gradient_matches_central_differences(case):
    net, images, labels = list(nets_and_batches())[case]
    assert kink_margin(net, images) > 100 * NUDGE
    loss, grads, _ = backprop.loss_and_gradients(net.w1, net.b1, net.w2, net.b2, images, labels, P1, P2)
    assert loss == pytest.approx(reference_loss(net, images, labels), abs=1e-12)
    for name in ("w1", "b1", "w2", "b2"):
        array = getattr(net, name)
        slopes = numeric_gradient(lambda: reference_loss(net, images, labels), array, list(np.ndindex(array.shape)))
        analytic = getattr(grads, name)
        for index, slope in slopes.items():
            assert analytic[index] == pytest.approx(slope, abs=1e-7), (name, index)
        # Not vacuous: the gradient moves the loss.
        assert np.abs(analytic).max() > 1e-3, name


def test_input_gradient_matches_central_differences_at_a_few_cells():
    net, images, labels = list(nets_and_batches())[1]
    _, grads, _ = backprop.loss_and_gradients(net.w1, net.b1, net.w2, net.b2, images, labels, P1, P2, want_input=True)
    cells = [(0, 0, 0), (1, 4, 3), (2, 8, 6), (3, 5, 0), (0, 2, 6)]
    slopes = numeric_gradient(lambda: reference_loss(net, images, labels), images, cells)
    for cell, slope in slopes.items():
        assert grads.images[cell] == pytest.approx(slope, abs=1e-7), cell
    assert max(abs(s) for s in slopes.values()) > 1e-4


@pytest.mark.parametrize("size", [12, 13, 16, 21, 32])
def test_batched_scores_equal_network_forward(size):
    rng = np.random.default_rng(size)
    shapes = [make_shape(kind, size, seed) for seed in range(4) for kind in ("rectangle", "diamond", "cross")]
    images = np.stack(shapes + [rng.random((size, size)) for _ in range(3)])
    for net in (Network.hand_designed(), random_net(size), Network.random(size)):
        scores, _ = backprop.batch_scores(net.w1, net.b1, net.w2, net.b2, images, P1, P2)
        for image, row in zip(images, scores):
            assert np.abs(row - forward(net, image).maxima).max() < 1e-9


def test_scratch_memory_gives_the_same_numbers_as_fresh_memory():
    net, images, labels = list(nets_and_batches())[0]
    scratch: dict = {}
    fresh = backprop.loss_and_gradients(net.w1, net.b1, net.w2, net.b2, images, labels, P1, P2)
    for _ in range(2):
        reused = backprop.loss_and_gradients(net.w1, net.b1, net.w2, net.b2, images, labels, P1, P2, scratch=scratch)
        assert reused[0] == fresh[0]
        for name in ("w1", "b1", "w2", "b2"):
            assert np.array_equal(getattr(reused[1], name), getattr(fresh[1], name))


def test_a_tie_in_a_pool_window_sends_the_gradient_to_the_first_cell_only():
    # A uniform bright square: the conv1 values inside tie in every pool window. The gradient of
    # w1 must be that of routing each window's gradient to its top-left cell (as in PyTorch),
    # checked here by building the winner-only loss by hand with plain loops.
    image = np.zeros((1, 8, 8))
    image[0, 1:7, 1:7] = 1.0
    net = random_net(3)
    net.w1 = np.full((4, 1, 3, 3), 0.1) * np.arange(1, 5)[:, None, None, None]
    net.b1 = np.zeros(4)
    net.b2 = np.array([1.0, 1.5])  # both maxima above 0, so gradient flows
    labels = np.array([0])
    _, grads, probs = backprop.loss_and_gradients(net.w1, net.b1, net.w2, net.b2, image, labels, P1, P2)
    f = forward(net, image[0])
    # Ties in conv1's pool windows, none in conv2 (random weights): only the pool's rule matters.
    flat = np.sort(f.conv2.reshape(2, -1), axis=1)
    assert (flat[:, -1] - flat[:, -2]).min() > 1e-3 and flat[:, -1].min() > 1e-3
    assert (f.conv1[:, 2:4, 2:4] == f.conv1[:, 2:3, 2:3]).all()
    # d loss / d pool1, by central differences on pool1 through conv2 alone (no ties there).
    def loss_from_pool(pool):
        conv2 = np.zeros((2, 4, 4))
        padded = np.pad(pool, ((0, 0), (1, 1), (1, 1)))
        for k in range(2):
            for i in range(4):
                for j in range(4):
                    conv2[k, i, j] = (padded[:, i : i + 3, j : j + 3] * net.w2[k]).sum() + net.b2[k]
        maxima = np.maximum(conv2, 0).reshape(2, -1).max(axis=1)
        return np.log(np.exp(maxima).sum()) - maxima[0]
    pool = f.pool1.copy()
    d_pool = np.zeros_like(pool)
    for index in np.ndindex(pool.shape):
        old = pool[index]
        pool[index] = old + NUDGE
        up = loss_from_pool(pool)
        pool[index] = old - NUDGE
        down = loss_from_pool(pool)
        pool[index] = old
        d_pool[index] = (up - down) / (2 * NUDGE)
    expected = np.zeros((4, 3, 3))
    padded = np.pad(image[0], 1)
    for k in range(4):
        for i in range(4):
            for j in range(4):
                if f.pool1[k, i, j] <= 0:
                    continue
                window = f.conv1[k, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].ravel()
                r, c = divmod(int(np.argmax(window)), 2)  # first in reading order
                row, col = 2 * i + r, 2 * j + c
                expected[k] += d_pool[k, i, j] * padded[row : row + 3, col : col + 3]
    assert np.abs(grads.w1[:, 0] - expected).max() < 1e-7
    assert np.abs(expected).max() > 1e-3


def test_a_wider_net_with_a_dense_layer_has_every_gradient_right():
    # 5 → 3 filters over 3 kinds: the dense layer mixes the maxima, so every layer-2 filter
    # feeds every kind's score. The reference is network.forward's logits, grid by grid.
    kinds = ("rectangle", "diamond", "cross")
    for seed in range(100):
        rng = np.random.default_rng([7, seed])
        net = Network.random(seed, filters=(5, 3), kinds=kinds)
        net.w3 = rng.normal(size=(3, 3))
        net.b1, net.b2, net.b3 = rng.normal(0, 0.3, 5), rng.normal(0, 0.3, 3) + 0.5, rng.normal(size=3)
        images, labels = rng.random((3, 9, 10)), np.array([0, 2, 1])
        if kink_margin_wide(net, images) > 100 * NUDGE:
            break

    def reference():
        total = 0.0
        for image, label in zip(images, labels):
            logits = forward(net, image).logits
            total += np.log(np.exp(logits - logits.max()).sum()) + logits.max() - logits[label]
        return total / len(labels)

    loss, grads, _ = backprop.loss_and_gradients(
        net.w1, net.b1, net.w2, net.b2, images, labels, P1, P2, want_input=True, w3=net.w3, b3=net.b3
    )
    assert loss == pytest.approx(reference(), abs=1e-12)
    for name in ("w1", "b1", "w2", "b2", "w3", "b3"):
        array = getattr(net, name)
        slopes = numeric_gradient(reference, array, list(np.ndindex(array.shape)))
        for index, slope in slopes.items():
            assert getattr(grads, name)[index] == pytest.approx(slope, abs=1e-7), (name, index)
        assert np.abs(getattr(grads, name)).max() > 1e-3, name
    cells = [(0, 0, 0), (1, 4, 3), (2, 8, 9)]
    for cell, slope in numeric_gradient(reference, images, cells).items():
        assert grads.images[cell] == pytest.approx(slope, abs=1e-7), cell


def kink_margin_wide(net: Network, images: np.ndarray) -> float:
    """kink_margin for any number of filters."""
    gaps = []
    for image in images:
        f = forward(net, image)
        k1, k2 = net.w1.shape[0], net.w2.shape[0]
        gaps += [np.abs(f.conv1).min(), np.abs(f.conv2).min()]
        h, w = f.relu1.shape[1] // 2 * 2, f.relu1.shape[2] // 2 * 2
        windows = f.conv1[:, :h, :w].reshape(k1, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4).reshape(k1, h // 2, w // 2, 4)
        top2 = np.sort(windows, axis=-1)[..., -2:]
        gaps.append((top2[..., 1] - top2[..., 0]).min())
        flat = np.sort(f.conv2.reshape(k2, -1), axis=1)
        gaps.append((flat[:, -1] - flat[:, -2]).min())
    return float(min(gaps))
