"""Training: seeded and repeatable, Adam as published, and it reliably learns rectangles vs diamonds."""

import numpy as np
import pytest

from tuiconv.engine import kernels
from tuiconv.engine.learned import EDGE_DETECTORS, layer1_matches, layer2_roles, match_filter
from tuiconv.engine.network import CLASSES, Network, classify
from tuiconv.engine.train import (
    DEFAULT_STEPS,
    HELD_OUT_SHAPES,
    START_BIAS2,
    Adam,
    ShapeSet,
    Trainer,
    evaluate,
    held_out_set,
    predict,
    train,
)


def test_the_same_seed_gives_the_same_weights_and_another_seed_others():
    a, b, c = Trainer(seed=3), Trainer(seed=3), Trainer(seed=4)
    for t in (a, b, c):
        t.step(15)
    assert np.array_equal(a.network().w1, b.network().w1)
    assert [r.loss for r in a.history] == [r.loss for r in b.history]
    assert not np.allclose(a.network().w1, c.network().w1)


def test_training_in_pieces_equals_training_in_one_go():
    whole, pieces = Trainer(seed=1), Trainer(seed=1)
    whole.step(12)
    for _ in range(4):
        pieces.step(3)
    assert pieces.steps_done == 12
    assert np.array_equal(whole.network().w2, pieces.network().w2)


def test_training_starts_from_the_networks_own_random_weights_with_live_detectors():
    t = Trainer(seed=9)
    start = Network.random(9)
    assert np.array_equal(t.network().w1, start.w1) and np.array_equal(t.network().w2, start.w2)
    assert np.array_equal(t.network().b1, start.b1)
    assert (t.network().b2 == START_BIAS2).all()


def test_adam_update_follows_the_published_formulas():
    params = np.array([1.0, -2.0, 0.5])
    adam = Adam(3, lr=0.1)
    m = v = np.zeros(3)
    expected = params.copy()
    for t, grad in enumerate([np.array([0.3, -1.0, 0.0]), np.array([0.1, 2.0, -0.5])], start=1):
        adam.update(params, grad)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        expected = expected - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
        assert np.abs(params - expected).max() < 1e-12


def test_a_step_lowers_the_loss_on_average():
    t = Trainer(seed=0)
    t.step(60)
    losses = [r.loss for r in t.history]
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])


def test_changing_the_learning_rate_takes_effect_and_is_checked():
    slow, fast = Trainer(seed=2, lr=0.02), Trainer(seed=2, lr=0.02)
    fast.set_lr(0.2)
    slow.step(1), fast.step(1)
    start = Network.random(2).w1
    # Adam's first step moves every weight by about lr.
    assert np.abs(fast.network().w1 - start).max() == pytest.approx(0.2, rel=1e-3)
    assert np.abs(slow.network().w1 - start).max() == pytest.approx(0.02, rel=1e-3)
    for bad in (0, -1, float("nan"), 1e9):
        with pytest.raises(ValueError, match="learning rate"):
            fast.set_lr(bad)


@pytest.mark.parametrize("steps", [0, -5, 2.5, True])
def test_impossible_step_counts_are_refused(steps):
    with pytest.raises(ValueError, match="steps"):
        train(steps=steps)


def test_the_held_out_set_is_half_rectangles_half_diamonds_of_every_size_and_mostly_unseen():
    held = held_out_set()
    labels = np.concatenate([lab for _, lab in held.groups.values()])
    assert len(held) == 2 * HELD_OUT_SHAPES == 1000
    assert (labels == 0).sum() == (labels == 1).sum() == 500
    assert min(held.groups) == 12 and max(held.groups) == 32
    # Drawn with other seeds than any training run. A 12×12 grid has room for only so many
    # diamonds and rectangles, so some coincide with training grids by chance (about 1 in 10),
    # and the set itself is nearly all distinct grids.
    grids = [img.tobytes() for images, _ in held.groups.values() for img in images]
    training = ShapeSet.generate(600, seed=0)
    seen = {img.tobytes() for images, _ in training.groups.values() for img in images}
    assert sum(g in seen for g in grids) < 0.15 * len(held)
    assert len(set(grids)) > 0.9 * len(held)


def test_batched_predictions_equal_classify_one_grid_at_a_time():
    held = held_out_set(40)
    net = train(seed=5, steps=40).network()
    for images, _ in held.groups.values():
        verdicts = [CLASSES.index(classify(net, image)[0]) for image in images]
        assert predict(net, images).tolist() == verdicts


def test_from_random_weights_at_least_19_of_20_seeds_reach_98_percent():
    held = held_out_set()
    accuracies = [evaluate(train(seed=seed).network(), held) for seed in range(20)]
    assert sum(a >= 0.98 for a in accuracies) >= 19, accuracies
    # A random network is near chance, so the learning is real.
    assert evaluate(Network.random(0), held) < 0.8
    assert DEFAULT_STEPS <= 200


# --------------------------------------------------------------------------- what filters became


@pytest.mark.parametrize("name", EDGE_DETECTORS)
def test_a_filter_equal_to_a_named_detector_matches_it_exactly(name):
    match = match_filter(0, 3.0 * kernels.kernel(name))
    assert (match.detector, match.label) == (name, name)
    assert match.similarity == pytest.approx(1.0)


def test_a_negated_detector_is_matched_and_said_to_be_negated():
    match = match_filter(2, -kernels.kernel("vertical"))
    assert match.detector == "vertical" and match.negated
    assert match.similarity == pytest.approx(-1.0)
    assert match.label == "−vertical"


def test_similarity_is_the_cosine_computed_by_hand():
    weights = np.arange(9.0).reshape(3, 3) - 3
    match = match_filter(0, weights)
    for name in EDGE_DETECTORS:
        k = kernels.kernel(name).ravel()
        expected = weights.ravel() @ k / np.linalg.norm(weights) / np.linalg.norm(k)
        assert match.similarities[name] == pytest.approx(expected)
    assert abs(match.similarity) == max(abs(s) for s in match.similarities.values())


def test_the_hand_designed_network_reads_as_its_own_design():
    net = Network.hand_designed()
    matches = layer1_matches(net)
    assert [m.label for m in matches] == list(kernels.EDGE_KERNELS)
    rectangle, diamond = layer2_roles(net)
    assert (rectangle.filter, rectangle.detector) == (0, "rectangle")
    assert rectangle.adds(matches) == ["horizontal", "vertical"]
    assert rectangle.subtracts(matches) == ["diagonal", "antidiagonal"]
    assert diamond.adds(matches) == ["diagonal", "antidiagonal"]
