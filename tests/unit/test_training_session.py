"""The training screen's session, without a terminal: its run, its rolling numbers, its summary."""

from __future__ import annotations

import numpy as np
import pytest

from tuiconv.engine.learned import layer1_matches
from tuiconv.engine.train import Trainer, evaluate, held_out_set, mean_responses
from tuiconv.explore.scene import Scene
from tuiconv.explore.train import LEARNING_RATES, RECENT, TrainingSession


def test_a_run_stops_at_its_target_with_the_held_out_accuracy_of_the_same_weights():
    s = TrainingSession.from_scene(Scene(screen="train", seed=3, steps=30, lr=0.02))
    s.train(100)
    assert s.trainer.steps_done == 30 and s.finished and not s.playing
    twin = Trainer(seed=3, lr=0.02)
    twin.step(30)
    assert s.state().accuracy == evaluate(twin.network(), held_out_set())
    assert s.message.startswith(f"Done: {s.state().accuracy:.1%} right on")


def test_the_rolling_loss_and_accuracy_average_the_last_batches():
    s = TrainingSession(seed=1, steps=50)
    s.train(RECENT + 5)
    history = s.trainer.history
    assert s.recent_loss() == pytest.approx(sum(r.loss for r in history[-RECENT:]) / RECENT)
    assert s.recent_accuracy() == pytest.approx(sum(r.accuracy for r in history[-RECENT:]) / RECENT)
    assert s.loss_curve() == [r.loss for r in history] and s.state().loss == s.recent_loss()


def test_each_learned_filter_is_shown_beside_its_detector_signed_to_agree_with_it():
    s = TrainingSession(seed=2, steps=60)
    s.train(60)
    w1 = s.network.w1
    for k, match in enumerate(s.layer1_matches()):
        learned, shown = w1[k, 0].reshape(-1), match.detector_weights.reshape(-1)
        cosine = float(np.dot(learned, shown) / (np.linalg.norm(learned) * np.linalg.norm(shown)))
        # The detector drawn beside filter k points the same way as it: "−vertical" is drawn negated.
        assert cosine == pytest.approx(abs(match.similarity)) and cosine > 0
    assert [m.label for m in s.layer1_matches()] == [m.label for m in layer1_matches(s.network)] == s.state().extra["layer1"]


def test_one_step_past_the_end_moves_the_target_and_the_learning_rate_steps_through_its_table():
    s = TrainingSession(seed=0, steps=5, lr=0.02)
    s.train(5)
    s.step_once()
    assert (s.trainer.steps_done, s.target) == (6, 6)
    s.change_lr(1)
    assert s.trainer.lr == LEARNING_RATES[LEARNING_RATES.index(0.02) + 1]
    s.restart(7)
    assert (s.trainer.seed, s.trainer.steps_done, s.target) == (7, 0, 5)


def test_a_layer2_filter_is_called_a_detector_only_once_training_has_made_it_one():
    s = TrainingSession(seed=0, steps=20)
    assert [s.role_title(r) for r in s.layer2_roles()] == ["filter 0: untrained", "filter 1: untrained"]
    s.train(5)
    assert [s.role_title(r) for r in s.layer2_roles()] == ["filter 0: learning rectangle", "filter 1: learning diamond"]
    s.train(15)
    assert [s.role_title(r) for r in s.layer2_roles()] == ["filter 0: rectangle detector", "filter 1: diamond detector"]


FOUR = ("rectangle", "diamond", "cross", "triangle")


def test_a_mixing_layer2_filter_is_never_called_a_detector():
    # Three layer-2 filters for two kinds: the dense layer mixes them, no filter is one kind's.
    s = TrainingSession(seed=0, steps=10, filters=(4, 3))
    assert s.paged and not s.one_filter_per_kind
    assert [s.unit_title(u) for u in range(3)] == [f"filter {u}: untrained" for u in range(3)]
    s.train(10)
    w3 = s.network.w3
    for u in range(3):
        kind = int(np.argmax(w3[:, u]))
        assert s.unit_title(u).startswith(f"filter {u}: counts most in the {s.kinds[kind]} score")
        assert "detector" not in s.unit_title(u)


def test_one_filter_per_kind_is_a_detector_once_the_held_out_shapes_show_it():
    s = TrainingSession(seed=0, steps=40, filters=(4, 3), kinds=FOUR[:3])
    assert s.one_filter_per_kind
    s.train(39)
    assert s.unit_title(2) == "filter 2: learning cross"
    s.train(1)
    responses = mean_responses(s.network, held_out_set(kinds=s.kinds))  # (kind of the shape, kind's score)
    for u, kind in enumerate(s.kinds):
        proven = all(responses[u, u] > responses[i, u] for i in range(3) if i != u)
        assert s.unit_title(u) == (f"filter {u}: {kind} detector" if proven else f"filter {u}: learning {kind}")


def test_pages_reach_every_layer1_filter_once_and_units_stop_at_the_ends():
    s = TrainingSession(filters=(32, 32), kinds=FOUR)
    s.set_per_page(5)
    seen = list(s.shown_filters())
    while s.turn_page(1):
        seen += list(s.shown_filters())
    assert seen == list(range(32)) and s.shown_filters() == range(30, 32)
    assert not s.turn_page(1)
    s.set_per_page(7)  # a wider terminal: the page keeps its first filter on it
    assert 30 in s.shown_filters() and s.shown_filters() == range(28, 32)
    assert not s.select_unit(-1) and s.unit == 0
    for _ in range(40):
        s.select_unit(1)
    assert s.unit == 31 and s.state().extra["unit"] == 31


def test_a_large_nets_check_runs_in_slices_and_gives_the_engines_accuracy():
    s = TrainingSession(seed=0, steps=100, filters=(8, 8), kinds=FOUR)
    assert s.checks_in_slices
    s.train(3)
    s.check_now()
    assert s.checking and s.known_accuracy is None
    s.advance_check(until=0.0)  # one slice
    assert s.checking
    while not s.advance_check(until=0.0):
        pass
    assert not s.checking and s.last_check.step == 3
    assert s.known_accuracy == evaluate(s.network, held_out_set(kinds=FOUR))
    # The sum the learner reads: F·F·D·K + K per layer, worked out by hand.
    assert [(r.layer, r.total) for r in s.parameter_counts()] == [
        ("conv1", 3 * 3 * 1 * 8 + 8), ("conv2", 3 * 3 * 8 * 8 + 8), ("dense", 8 * 4 + 4)
    ]
