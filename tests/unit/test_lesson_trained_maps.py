"""Lesson 20 tells what training made of the shipped 4→2 net; every claim it makes is checked here
against the file, `tuiconv train`, and the plain loops of tests/reference.py."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import conv_one, forward_loops
from tuiconv.course.library import builtin_dir, load_course
from tuiconv.engine import learned, network, shapes, train

LESSON = load_course().find("trained-layer-2-reads-trained-maps")


@pytest.fixture(scope="module")
def net():
    return network.Network.load(builtin_dir() / "trained-4-2.npz")


def test_the_shipped_weights_are_what_tuiconv_train_seed_4_writes(net):
    trained = train.train(seed=4, steps=200).network()  # `tuiconv train --headless --seed 4`
    for name in network.PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(net, name), getattr(trained, name))
    assert net.kinds == ("rectangle", "diamond")


def test_filter_0_is_the_negated_diagonal_and_layer2_1_the_diamond_detector(net):
    match = learned.match_filter(0, net.w1[0])
    assert match.label == "−diagonal" and abs(match.similarity) >= learned.WEAK_MATCH
    roles = {role.detector: role.filter for role in learned.layer2_roles(net)}
    assert roles == {"rectangle": 0, "diamond": 1}
    w = net.w1[0, 0]
    assert -0.55 < w[1, 1] < -0.45  # "its centre weight is about −0.5"
    beside = [w[0, 1], w[1, 0], w[1, 2], w[2, 1]]
    assert 0.265 <= min(beside) and max(beside) <= 0.445  # "+0.27 to +0.44"


def test_layer_1_filter_0_fires_beside_the_diamonds_line_never_on_it(net):
    image = shapes.make_shape("diamond", 8, 0)  # step 2's input
    relu1 = np.maximum(conv_one(image[None], net.w1[0], net.b1[0], 1, 1, 1), 0.0)
    line = image > 0
    assert np.all(relu1[line] < 0.01)  # silent on the line's own pixels
    lit = np.argwhere(relu1 > 0.1)
    assert len(lit) >= 12
    padded = np.pad(line, 1)
    for r, c in lit:  # every real response is a dark pixel with a lit pixel beside it
        assert not line[r, c] and padded[r : r + 3, c : c + 3].any()
    assert tuple(np.argwhere(relu1 == relu1.max())[0]) == (3, 6)  # step 2's solution
    assert round(relu1.max(), 2) == 1.04 and image[3, 6] == 0  # step 3: a dark middle


def test_the_diamond_unit_weighs_the_negated_diagonal_map_most_at_its_strongest_cell(net):
    image = shapes.make_shape("diamond", 12, 0)  # steps 4–6
    pool1 = np.asarray(forward_loops(net, image)["pool1"])
    assert pool1.min() >= 0  # after ReLU and pooling: no negative value to multiply
    output = conv_one(pool1, net.w2[1], net.b2[1], 1, 1, 1)
    assert tuple(np.argwhere(output == output.max())[0]) == (1, 2) and round(output.max(), 2) == 6.49
    window = np.pad(pool1, ((0, 0), (1, 1), (1, 1)))[:, 1:4, 2:5]
    sums = (window * net.w2[1]).sum(axis=(1, 2))
    assert int(np.argmax(sums)) == 0 and round(sums[0], 2) == 3.59  # ≈−diagonal adds the most
    assert np.sum(net.w2[1, 0] > 0) == 8  # "all but one positive"
    assert net.w2[0, 0].sum() < 0  # the rectangle unit weighs the same map negatively


def test_the_lesson_asks_about_the_maps_the_net_labels():
    step = LESSON.steps[4]
    labels = [f"≈{m.label}" for m in learned.layer1_matches(network.Network.load(builtin_dir() / "trained-4-2.npz"))]
    assert step.check.params["options"] == labels and step.check.params["answer"] == labels[0]
