"""The two-layer network: it tells rectangles from diamonds, and every intermediate it keeps is right."""

import math
from pathlib import Path

import numpy as np
import pytest

from tuiconv.engine.kernels import EDGE_KERNELS, LAYER2, kernel
from tuiconv.engine.network import (
    CLASSES,
    HAND_TEMPERATURE,
    Network,
    accuracy,
    classify,
    forward,
    parameter_counts,
    receptive_field,
)
from tuiconv.engine.shapes import load_shape, make_shape, sample_shapes
from tuiconv.errors import InputError

from tests.reference import ref_conv2d, ref_pool  # the plain-loop references


@pytest.mark.parametrize("kind", CLASSES)
def test_hand_designed_net_classifies_98_percent_of_1000_generated_shapes(kind):
    net = Network.hand_designed()
    shapes = sample_shapes(kind, 1000, seed=2026, sizes=(12, 32))
    sizes = {s.shape[0] for s in shapes}
    assert min(sizes) == 12 and max(sizes) == 32
    assert accuracy(net, shapes, [kind] * len(shapes)) >= 0.98


def test_verdict_follows_the_shape_on_small_and_filled_grids():
    net = Network.hand_designed()
    for seed in range(20):
        assert classify(net, make_shape("rectangle", 8, seed))[0] == "rectangle"
        assert classify(net, make_shape("diamond", 8, seed))[0] == "diamond"
        assert classify(net, make_shape("filled-rectangle", 20, seed))[0] == "rectangle"
        assert classify(net, make_shape("filled-diamond", 20, seed))[0] == "diamond"


def test_hand_designed_weights_are_the_named_kernels():
    net = Network.hand_designed()
    for channel, name in enumerate(EDGE_KERNELS):
        assert np.array_equal(net.w1[channel, 0], kernel(name))
    assert np.array_equal(net.w2[0], LAYER2["rectangle"]) and np.array_equal(net.w2[1], LAYER2["diamond"])
    assert CLASSES == ("rectangle", "diamond")


# ---------------------------------------------------------------- intermediates vs loops

@pytest.mark.parametrize(("height", "width", "seed"), [(7, 9, 0), (8, 8, 1), (11, 6, 2)])
def test_forward_keeps_every_intermediate_and_each_matches_hand_loops(height, width, seed):
    rng = np.random.default_rng(seed)
    net = Network.random(seed)
    net.b1[:] = rng.normal(size=4)
    net.b2[:] = rng.normal(size=2)
    image = rng.normal(size=(height, width))
    result = forward(net, image)

    conv1 = ref_conv2d(image[None], net.w1, net.b1, stride=1, padding=1, dilation=1)
    relu1 = np.where(conv1 > 0, conv1, 0.0)
    pool1, where = ref_pool(relu1, 2, 2, "max")
    conv2 = ref_conv2d(pool1, net.w2, net.b2, stride=1, padding=1, dilation=1)
    relu2 = np.where(conv2 > 0, conv2, 0.0)

    assert result.input.shape == (1, height, width)
    for name, want in [("conv1", conv1), ("relu1", relu1), ("pool1", pool1), ("conv2", conv2), ("relu2", relu2)]:
        got = getattr(result, name)
        assert got.shape == want.shape, name
        assert np.abs(got - want).max() < 1e-9, name
        assert np.array_equal(result.layer(name), got)
    assert np.array_equal(result.pool1_argmax, where)
    for k in range(2):
        best = max(relu2[k].ravel())
        assert abs(result.maxima[k] - best) < 1e-9
        i, j = result.maxima_at[k]
        assert result.relu2[k, i, j] == result.maxima[k] and abs(relu2[k, i, j] - best) < 1e-9
    exps = [math.exp(m - max(result.maxima)) for m in result.maxima]
    assert np.allclose(result.scores, [e / sum(exps) for e in exps], atol=1e-12, rtol=0)
    assert result.verdict == CLASSES[int(result.scores[1] > result.scores[0])]
    assert classify(net, image)[0] == result.verdict


def test_blank_grid_is_a_coin_toss():
    result = forward(Network.hand_designed(), np.zeros((12, 12)))
    assert result.scores.tolist() == [0.5, 0.5]


def test_too_small_or_wrong_shaped_input_is_refused():
    with pytest.raises(ValueError, match="at least 2×2"):
        forward(Network.hand_designed(), np.ones((1, 5)))
    with pytest.raises(ValueError, match="one grid"):
        forward(Network.hand_designed(), np.ones((2, 5, 5)))


# ---------------------------------------------------------------- receptive field


def cells_that_see(net, shape, layer):
    """For each map cell, the input pixels whose change changes it: found by poking each pixel.

    With positive weights, zero biases and a zero input, a single bright pixel makes every cell
    downstream of it positive (ReLU and max pooling pass it on), and leaves every other cell 0.
    """
    base = forward(net, np.zeros(shape)).layer(layer)
    seen = {}
    for r in range(shape[0]):
        for q in range(shape[1]):
            poked = np.zeros(shape)
            poked[r, q] = 1.0
            changed = np.argwhere((forward(net, poked).layer(layer) != base).any(axis=0))
            for i, j in changed:
                seen.setdefault((int(i), int(j)), set()).add((r, q))
    return seen


@pytest.mark.parametrize("shape", [(9, 12), (10, 11)])
@pytest.mark.parametrize("layer", ["conv1", "pool1", "conv2", "relu2"])
def test_receptive_field_is_what_poking_pixels_shows(shape, layer):
    rng = np.random.default_rng(0)
    net = Network(
        w1=rng.uniform(0.5, 1.5, (4, 1, 3, 3)), b1=np.zeros(4), w2=rng.uniform(0.5, 1.5, (2, 4, 3, 3)), b2=np.zeros(2)
    )
    seen = cells_that_see(net, shape, layer)
    rows, cols = forward(net, np.zeros(shape)).layer(layer).shape[1:]
    assert len(seen) == rows * cols
    for (i, j), pixels in seen.items():
        top, left, bottom, right = receptive_field(layer, i, j, shape)
        box = {(r, q) for r in range(top, bottom + 1) for q in range(left, right + 1)}
        assert pixels == box, (layer, i, j)


def test_a_conv2_cell_sees_an_8x8_patch():
    field = receptive_field("conv2", 3, 4, (16, 16))
    assert tuple(field) == (3, 5, 10, 12) and field.size == 8 and field.height == field.width == 8
    corner = receptive_field("conv2", 0, 0, (16, 16))
    assert tuple(corner) == (0, 0, 4, 4) and corner.unclipped == (-3, -3, 4, 4) and corner.size == 8
    assert receptive_field("conv1", 0, 0, (16, 16)).size == 3
    assert receptive_field("pool1", 0, 0, (16, 16)).size == 4
    with pytest.raises(ValueError, match="outside the 8×8 conv2 map"):
        receptive_field("conv2", 8, 0, (16, 16))
    with pytest.raises(ValueError, match="unknown layer"):
        receptive_field("conv3", 0, 0, (16, 16))


# ---------------------------------------------------------------- weights files


def test_save_and_load_round_trip(tmp_path):
    net = Network.random(7)
    path = tmp_path / "net.npz"
    net.save(path)
    again = Network.load(path)
    for name in ("w1", "b1", "w2", "b2", "w3", "b3"):
        assert np.array_equal(getattr(again, name), getattr(net, name))
    with np.load(path) as data:
        # The file records its own shape: every array, and the kinds its scores are for.
        assert sorted(data.files) == ["b1", "b2", "b3", "kinds", "w1", "w2", "w3"]
        assert data["kinds"].tolist() == ["rectangle", "diamond"]
    image = make_shape("diamond", 16, 1)
    assert np.array_equal(forward(again, image).scores, forward(net, image).scores)


def test_a_32_by_32_net_over_four_kinds_round_trips_with_its_shape_and_kinds(tmp_path):
    kinds = ("rectangle", "diamond", "cross", "triangle")
    net = Network.random(3, filters=(32, 32), kinds=kinds)
    net.b3[:] = np.arange(4) * 0.1
    net.save(tmp_path / "big.npz")
    again = Network.load(tmp_path / "big.npz")
    assert again.kinds == kinds and again.w1.shape == (32, 1, 3, 3) and again.w2.shape == (32, 32, 3, 3)
    assert again.w3.shape == (4, 32)
    image = make_shape("cross", 16, 2)
    assert np.array_equal(forward(again, image).scores, forward(net, image).scores)
    assert forward(again, image).verdict in kinds and forward(again, image).scores.shape == (4,)


def test_an_old_weights_file_without_a_dense_layer_loads_with_its_old_scores(tmp_path):
    # Written as tuiconv did before the dense layer: w1, b1, w2, b2 only, and the scores were
    # softmax of the two layer-2 maxima.
    rng = np.random.default_rng(5)
    old = {"w1": rng.normal(size=(4, 1, 3, 3)), "b1": rng.normal(size=4), "w2": rng.normal(size=(2, 4, 3, 3)), "b2": rng.normal(size=2)}
    write_npz(tmp_path / "old.npz", **old)
    net = Network.load(tmp_path / "old.npz")
    assert net.kinds == ("rectangle", "diamond")
    image = make_shape("rectangle", 14, 3)
    result = forward(net, image)
    conv1 = ref_conv2d(image[None], old["w1"], old["b1"], stride=1, padding=1, dilation=1)
    pool1, _ = ref_pool(np.maximum(conv1, 0), 2, 2, "max")
    conv2 = ref_conv2d(pool1, old["w2"], old["b2"], stride=1, padding=1, dilation=1)
    maxima = np.maximum(conv2, 0).reshape(2, -1).max(axis=1)
    exps = np.exp(maxima - maxima.max())
    assert np.allclose(result.scores, exps / exps.sum(), atol=1e-12, rtol=0)


def test_the_forward_pass_of_a_wider_net_matches_hand_loops_up_to_the_dense_layer():
    rng = np.random.default_rng(11)
    kinds = ("rectangle", "diamond", "cross")
    net = Network.random(11, filters=(5, 7), kinds=kinds)
    net.b1[:], net.b2[:], net.b3[:] = rng.normal(size=5), rng.normal(size=7), rng.normal(size=3)
    image = rng.random((10, 9))
    result = forward(net, image)
    conv1 = ref_conv2d(image[None], net.w1, net.b1, stride=1, padding=1, dilation=1)
    pool1, _ = ref_pool(np.maximum(conv1, 0), 2, 2, "max")
    conv2 = ref_conv2d(pool1, net.w2, net.b2, stride=1, padding=1, dilation=1)
    maxima = [max(0.0, conv2[k].max()) for k in range(7)]
    logits = [sum(net.w3[j, k] * maxima[k] for k in range(7)) + net.b3[j] for j in range(3)]
    exps = [math.exp(v - max(logits)) for v in logits]
    assert np.abs(result.conv2 - conv2).max() < 1e-9
    assert np.allclose(result.logits, logits, atol=1e-9, rtol=0)
    assert np.allclose(result.scores, [e / sum(exps) for e in exps], atol=1e-12, rtol=0)
    assert result.verdict == kinds[int(np.argmax(logits))]


def test_parameter_counts_are_f_f_d_k_plus_k_per_layer():
    counts = {row.layer: row for row in parameter_counts(Network.random(0, filters=(32, 32), kinds=("rectangle", "diamond", "cross", "triangle")))}
    assert counts["conv1"].total == 3 * 3 * 1 * 32 + 32 == 320
    assert counts["conv2"].total == 3 * 3 * 32 * 32 + 32 == 9248
    assert counts["dense"].total == 32 * 4 + 4 == 132
    assert counts["conv2"].formula == "3·3·32·32 + 32 = 9248"
    hand = {row.layer: row.total for row in parameter_counts(Network.hand_designed())}
    assert hand == {"conv1": 9 * 4 + 4, "conv2": 9 * 4 * 2 + 2, "dense": 2 * 2 + 2}


@pytest.mark.parametrize(
    ("filters", "kinds", "message"),
    [
        ((0, 2), CLASSES, "layer 1 must have from 1 to 32 filters, not 0"),
        ((4, 33), CLASSES, "layer 2 must have from 1 to 32 filters, not 33"),
        ((4, 2), ("rectangle", "hexagon"), "unknown kind 'hexagon'"),
        ((4, 2), ("rectangle", "rectangle"), "each kind may be named once"),
        ((4, 2), ("rectangle",), "at least two kinds"),
    ],
)
def test_impossible_sizes_and_kinds_are_refused(filters, kinds, message):
    with pytest.raises(ValueError, match=message):
        Network.random(0, filters=filters, kinds=kinds)


def test_hand_designed_probabilities_are_readable_and_verdicts_unchanged():
    # The dense layer divides each maximum by HAND_TEMPERATURE: the verdict is the larger
    # maximum, as before, but a typical shape is no longer 1.00 / 0.00.
    net = Network.hand_designed()
    winners = []
    for kind in CLASSES:
        for image in sample_shapes(kind, 200, seed=7, sizes=(12, 32)):
            result = forward(net, image)
            assert result.verdict == CLASSES[int(np.argmax(result.maxima))]
            assert np.allclose(result.logits, result.maxima / HAND_TEMPERATURE, atol=1e-12, rtol=0)
            winners.append(result.scores.max())
    winners = np.array(winners)
    assert np.median(winners) > 0.7 and np.median(winners) < 0.95, np.median(winners)
    assert np.mean((winners >= 0.7) & (winners <= 0.97)) > 0.9


def test_random_networks_differ_by_seed_and_repeat_by_seed():
    assert np.array_equal(Network.random(1).w1, Network.random(1).w1)
    assert not np.array_equal(Network.random(1).w1, Network.random(2).w1)


def write_npz(path, **arrays):
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


GOOD = {"w1": np.zeros((4, 1, 3, 3)), "b1": np.zeros(4), "w2": np.zeros((2, 4, 3, 3)), "b2": np.zeros(2)}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "net.npz: no such file"),
        (lambda p: p.write_text("w1 = 1\n"), "net.npz: not an .npz weights file"),
        (lambda p: p.write_bytes(b"PK\x03\x04 and then nothing"), "net.npz: damaged .npz weights file"),
        (lambda p: write_npz(p, **{k: v for k, v in GOOD.items() if k != "b2"}), "net.npz: missing b2"),
        (lambda p: write_npz(p, **{**GOOD, "w2": np.zeros((2, 4, 5, 5))}), r"net.npz: w2 has shape \(2, 4, 5, 5\), expected \(2, 4, 3, 3\)"),
        (lambda p: write_npz(p, **{**GOOD, "b1": np.array(["a"] * 4)}), "net.npz: b1 holds <U1, not numbers"),
        (lambda p: write_npz(p, **{**GOOD, "w1": np.full((4, 1, 3, 3), np.nan)}), "net.npz: w1 contains NaN or infinity"),
    ],
)
def test_bad_weights_files_say_what_is_wrong(tmp_path, make, message):
    path = tmp_path / "net.npz"
    make(path)
    with pytest.raises(InputError, match=message) as error:
        Network.load(path)
    assert str(error.value).startswith(str(path))


def test_wrong_shaped_weights_are_refused_when_built():
    with pytest.raises(ValueError, match=r"w1 must have shape \(4, 1, 3, 3\)"):
        Network(np.zeros((4, 3, 3)), np.zeros(4), np.zeros((2, 4, 3, 3)), np.zeros(2))


def test_shipped_example_shapes_are_classified_as_named():
    folder = Path(__file__).resolve().parents[2] / "assets" / "shapes"
    net = Network.hand_designed()
    for kind in CLASSES:
        assert classify(net, load_shape(folder / f"{kind}.txt"))[0] == kind


def test_a_weights_file_too_large_to_be_a_network_is_refused_without_unpacking_it(tmp_path):
    big = tmp_path / "big.npz"
    write_npz(big, **GOOD, padding=np.zeros(200_000))  # 1.6 MB of arrays
    with pytest.raises(InputError, match="big.npz: is 1.53 MiB: a weights file may be at most 1 MiB"):
        Network.load(big)
    packed = tmp_path / "packed.npz"
    with open(packed, "wb") as handle:  # compressed to a few KiB, 8 MB unpacked
        np.savez_compressed(handle, **GOOD, padding=np.zeros(1_000_000))
    assert packed.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"packed.npz: holds 1 unexpected member\(s\): padding.npy"):  # refused by name, never unpacked
        Network.load(packed)
