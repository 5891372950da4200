"""The training screen's session, without a terminal: its run, its rolling numbers, its summary."""

from __future__ import annotations

import numpy as np
import pytest

from tuiconv.engine.learned import layer1_matches
from tuiconv.engine.train import Trainer, evaluate, held_out_set
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
