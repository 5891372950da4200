"""What a unit wants to see: the input gradient is the slope finite differences measure, the
ascent climbs and stays in [0, 1], a kind's preferred input is classified as that kind, and the
top patches are the ones a plain search over every shape finds."""

import numpy as np
import pytest

from tuiconv.engine.network import Network, classify, receptive_field
from tuiconv.engine.shapes import sample_shapes
from tuiconv.engine.train import train
from tuiconv.engine.wants import (
    TOP,
    parse_unit,
    preferred_input,
    response,
    response_and_gradient,
    top_patches,
    unit_map,
    unit_maps,
)

NUDGE = 1e-6
KINDS4 = ("rectangle", "diamond", "cross", "triangle")


def wide_net(seed=3):
    """9 → 8 filters over 4 kinds with random biases: the matrix-product backward of conv2."""
    rng = np.random.default_rng(seed)
    net = Network.random(seed, filters=(9, 8), kinds=KINDS4)
    net.b1, net.b2, net.b3 = rng.normal(0, 0.3, 9), rng.normal(0, 0.3, 8) + 0.5, rng.normal(size=4)
    return net


@pytest.mark.parametrize("net_name", ["hand", "wide"])
@pytest.mark.parametrize("unit_name", ["layer1:1", "layer2:1", "diamond"])
def test_the_input_gradient_of_a_unit_matches_central_differences(net_name, unit_name):
    net = Network.hand_designed() if net_name == "hand" else wide_net()
    unit = parse_unit(unit_name, net)
    image = np.random.default_rng(len(unit_name)).random((12, 12))
    value, grad = response_and_gradient(net, image, unit)
    assert value == pytest.approx(response(net, image, unit), abs=1e-9)
    slopes = []
    for cell in [(r, c) for r in range(12) for c in range(12)]:
        up, down = image.copy(), image.copy()
        up[cell] += NUDGE
        down[cell] -= NUDGE
        slope = (response(net, up, unit) - response(net, down, unit)) / (2 * NUDGE)
        assert grad[cell] == pytest.approx(slope, abs=1e-5), cell
        slopes.append(slope)
    assert max(abs(s) for s in slopes) > 0.1  # the unit does depend on the input


@pytest.mark.parametrize("unit_name", ["rectangle", "diamond", "layer1:2", "layer2:0"])
def test_gradient_ascent_climbs_and_keeps_every_cell_between_0_and_1(unit_name):
    net = Network.hand_designed()
    unit = parse_unit(unit_name, net)
    wanted = preferred_input(net, unit, size=16)
    assert wanted.image.shape == (16, 16)
    assert wanted.image.min() >= 0 and wanted.image.max() <= 1
    assert wanted.response == pytest.approx(response(net, wanted.image, unit), abs=1e-9)
    assert wanted.response > wanted.history[0] + 1.0
    # The regulariser darkens what the unit does not ask for: most cells end near 0.
    assert np.mean(wanted.image < 0.05) > 0.5


def test_what_each_detector_wants_is_classified_as_its_kind_by_the_hand_designed_and_a_trained_net():
    for net in (Network.hand_designed(), train(seed=0).network()):
        for kind in net.kinds:
            wanted = preferred_input(net, parse_unit(kind, net), size=16)
            assert classify(net, np.round(wanted.image, 3))[0] == kind, kind


def test_what_each_of_four_detectors_wants_is_classified_as_its_kind():
    net = train(seed=1, steps=300, kinds=KINDS4).network()
    for kind in KINDS4:
        wanted = preferred_input(net, parse_unit(kind, net), size=16)
        assert classify(net, np.round(wanted.image, 3))[0] == kind, kind


def test_the_batched_unit_maps_equal_the_display_forward_pass():
    net = wide_net()
    images = np.stack(sample_shapes("cross", 5, seed=2, sizes=(14, 14)))
    for unit_name in ("layer1:4", "layer2:7", "triangle"):
        unit = parse_unit(unit_name, net)
        batched = unit_maps(net, images, unit)
        for image, got in zip(images, batched):
            assert np.abs(got - unit_map(net, image, unit)).max() < 1e-9, unit_name


@pytest.mark.parametrize("unit_name", ["layer1:0", "layer2:1", "rectangle"])
def test_the_top_patches_are_what_a_plain_search_over_every_shape_finds(unit_name):
    net = Network.hand_designed()
    unit = parse_unit(unit_name, net)
    found = top_patches(net, unit, size=16, seed=4, per_kind=15)
    # The plain search: every shape, every cell of its map, one best cell per shape.
    candidates = []
    for kind in net.kinds:
        for number, image in enumerate(sample_shapes(kind, 15, seed=4, sizes=(16, 16))):
            values = unit_map(net, image, unit)
            best = max((values[i, j], -i, -j) for i in range(values.shape[0]) for j in range(values.shape[1]))
            candidates.append((best[0], kind, number, (-best[1], -best[2]), image))
    candidates.sort(key=lambda c: -c[0])  # stable: on a tie the earlier shape first
    assert len(found) == TOP
    for patch, (value, kind, number, cell, image) in zip(found, candidates):
        assert (patch.kind, patch.number, patch.cell) == (kind, number, cell)
        assert patch.response == pytest.approx(value, abs=1e-9)
        if unit.layer != "kind":
            layer = "conv1" if unit.layer == "layer1" else "conv2"
            field = receptive_field(layer, *cell, image.shape)
            assert patch.box == field.unclipped and patch.patch.shape == (field.size, field.size)
            top, left = field.unclipped[:2]
            for r in range(field.size):
                for c in range(field.size):
                    inside = 0 <= top + r < 16 and 0 <= left + c < 16
                    assert patch.patch[r, c] == (image[top + r, left + c] if inside else 0.0)
        else:
            assert np.array_equal(patch.patch, image)
    # The rectangle detector's favourites are rectangles.
    if unit_name == "rectangle":
        assert all(p.kind == "rectangle" for p in found)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("layer3:0", "no unit called 'layer3:0'"),
        ("layer1:4", "layer1 has filters 0 to 3, not 4"),
        ("hexagon", "no unit called 'hexagon'; units: layer1:0…3, layer2:0…1, or a kind"),
        ("layer2:x", "no unit called 'layer2:x'"),
    ],
)
def test_unknown_units_are_refused_naming_the_ones_there_are(text, message):
    with pytest.raises(ValueError, match=message):
        parse_unit(text, Network.hand_designed())
