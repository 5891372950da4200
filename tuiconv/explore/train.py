"""What the training screen shows, as plain state: the run, its target, held-out accuracy,
rolling loss and accuracy, and which learned filter became which detector.

No Textual here: ``TrainView`` runs a ``TrainingSession`` on a timer and draws it; lessons and
the tests drive it with plain calls. Every number comes from ``tuiconv.engine``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tuiconv.engine.learned import DetectorRole, FilterMatch, layer1_matches, layer2_roles
from tuiconv.engine.network import CLASSES, Network
from tuiconv.engine.train import (
    DEFAULT_LR,
    DEFAULT_SEED,
    DEFAULT_STEPS,
    RECIPE,
    ShapeSet,
    Trainer,
    check_settings,
    evaluate,
    held_out_set,
    mean_responses,
)
from tuiconv.explore.scene import Scene, ViewState

EVALUATE_EVERY = 50  # steps between held-out accuracy checks while training runs
RECENT = 20  # batches the status line averages loss and accuracy over
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


def nearest_lr_index(lr: float) -> int:
    return int(np.argmin([abs(np.log(lr / x)) for x in LEARNING_RATES]))


class TrainingSession:
    """One training run from random weights towards ``target`` steps, and what it has learned."""

    def __init__(self, seed: int = DEFAULT_SEED, steps: int = DEFAULT_STEPS, lr: float = DEFAULT_LR, *, out: str | None = None):
        check_settings(steps=steps, lr=lr, seed=seed)
        self.out = out
        self.target = steps
        self.steps_per_run = steps
        self.playing = False  # the view's timer trains while this is on
        self.rushing = False  # training to the end as fast as the screen allows
        self.message = RECIPE  # until the first key: how this training differs from the plain one
        self._held: ShapeSet | None = None
        self.concealed: frozenset[str] = frozenset()  # the training screen hides nothing
        self.saved_at: int | None = None  # the step count whose weights were last saved to ``out``
        self._start(seed, lr)

    @classmethod
    def from_scene(cls, scene: Scene) -> "TrainingSession":
        session = cls()
        session.apply_scene(scene)
        return session

    def _start(self, seed: int, lr: float) -> None:
        self.trainer = Trainer(seed=seed, lr=lr)
        self._held_accuracy: tuple[int, float] | None = None
        self._responses: tuple[int, np.ndarray] | None = None

    # -- what it shows ---------------------------------------------------------------------

    @property
    def held_out(self) -> ShapeSet:
        if self._held is None:
            self._held = held_out_set()
        return self._held

    def held_out_accuracy(self) -> float:
        """Accuracy on the held-out shapes now (worked out once per step count)."""
        done = self.trainer.steps_done
        if self._held_accuracy is None or self._held_accuracy[0] != done:
            self._held_accuracy = (done, evaluate(self.trainer.network(), self.held_out))
        return self._held_accuracy[1]

    @property
    def known_accuracy(self) -> float | None:
        """The last held-out accuracy worked out (None before any): what the status line shows."""
        return None if self._held_accuracy is None else self._held_accuracy[1]

    @property
    def finished(self) -> bool:
        return self.trainer.steps_done >= self.target

    @property
    def network(self) -> Network:
        return self.trainer.network()

    def recent_loss(self) -> float | None:
        """Mean loss of the last RECENT batches (None before the first)."""
        recent = self.trainer.history[-RECENT:]
        return sum(r.loss for r in recent) / len(recent) if recent else None

    def recent_accuracy(self) -> float | None:
        """Mean batch accuracy of the last RECENT batches (None before the first)."""
        recent = self.trainer.history[-RECENT:]
        return sum(r.accuracy for r in recent) / len(recent) if recent else None

    def loss_curve(self) -> list[float]:
        return [r.loss for r in self.trainer.history]

    def accuracy_curve(self) -> list[float]:
        return [r.accuracy for r in self.trainer.history]

    def layer1_matches(self) -> list[FilterMatch]:
        """Each learned layer-1 filter's closest named edge detector (cosine similarity)."""
        return layer1_matches(self.network)

    def layer2_roles(self) -> list[DetectorRole]:
        """Which layer-2 filter became which detector (by its mean responses once a run ended)."""
        responses = None if self._responses is None else self._responses[1]
        return layer2_roles(self.network, responses)

    def role_title(self, role: DetectorRole) -> str:
        """What to call a layer-2 filter: nothing it is not yet. Random weights are no detector;
        training ties filter k to class k, so it is learning that class until the run ends."""
        if self.trainer.steps_done == 0:
            return f"filter {role.filter}: untrained"
        if not self.finished:
            return f"filter {role.filter}: learning {role.detector}"
        return f"filter {role.filter}: {role.detector} detector"

    # -- training ----------------------------------------------------------------------------

    def train(self, count: int) -> None:
        """Up to ``count`` steps, never past the target; a held-out check every EVALUATE_EVERY."""
        before = self.trainer.steps_done
        count = min(count, self.target - before)
        if count > 0:
            self.trainer.step(count)
        # A held-out check costs about as much as 50 steps: not while rushing to the end.
        crossed = before // EVALUATE_EVERY != self.trainer.steps_done // EVALUATE_EVERY
        if self.finished or (crossed and not self.rushing):
            self.held_out_accuracy()
        if self.finished:
            self.finish_run()

    def step_once(self) -> None:
        """One batch, even past the end of the run (the target moves by one)."""
        self.playing = self.rushing = False
        if self.finished:
            self.target += 1
        self.message = ""
        self.train(1)
        self.held_out_accuracy()

    def extend(self) -> None:
        """Another run of the same length after this one ended."""
        if self.finished:
            self.target += self.steps_per_run

    def finish_run(self) -> None:
        """The end of a run: the summary line, and the weights saved when asked to."""
        self.playing = self.rushing = False
        done = self.trainer.steps_done
        if self._responses is None or self._responses[0] != done:
            self._responses = (done, mean_responses(self.network, self.held_out))
        message = f"Done: {self.held_out_accuracy():.1%} right on {len(self.held_out)} held-out shapes. "
        scores = self._responses[1]  # (shape class, filter)
        parts = [
            f"of filter {k}: {scores[k, k]:.1f} on {name}s, {scores[1 - k, k]:.1f} on {CLASSES[1 - k]}s"
            for k, name in enumerate(CLASSES)
        ]
        message += "Mean score " + "; ".join(parts) + ". "
        if self.out:
            try:
                self.network.save(self.out)
                self.saved_at = done
                message += f"Weights saved to {Path(self.out).name}. "
            except OSError as error:
                message += f"Could not save {self.out}: {error.strerror or error}. "
        self.message = message + f"p trains {self.steps_per_run} more, s tries another seed."

    def change_lr(self, delta: int) -> None:
        index = min(max(nearest_lr_index(self.trainer.lr) + delta, 0), len(LEARNING_RATES) - 1)
        self.trainer.set_lr(LEARNING_RATES[index])
        self.message = f"learning rate {self.trainer.lr:g} from the next step on"

    def restart(self, seed: int | None = None) -> None:
        """New random weights from ``seed`` (default: the same seed again), at step 0."""
        seed = self.trainer.seed if seed is None else max(seed, 0)
        self.target = self.steps_per_run
        self._start(seed, self.trainer.lr)
        self.message = f"seed {seed}: new random weights, step 0"

    def reveal(self) -> bool:
        return False

    def what_would_be_lost(self) -> str | None:
        """The weights trained so far, unless this run has nothing to lose or saved them."""
        done = self.trainer.steps_done
        if done == 0 or (self.out and self.saved_at == done):
            return None
        return f"the weights trained so far ({done} steps)"

    # -- the lesson contract -----------------------------------------------------------------

    def apply_scene(self, scene: Scene) -> None:
        """A fresh run with the scene's seed, learning rate and steps (None: defaults), paused."""
        steps = scene.steps if scene.steps is not None else DEFAULT_STEPS
        lr = scene.lr if scene.lr is not None else DEFAULT_LR
        seed = scene.seed if scene.seed is not None else DEFAULT_SEED
        check_settings(steps=steps, lr=lr, seed=seed)
        self.playing = self.rushing = False
        self.target = self.steps_per_run = steps
        self._start(seed, lr)
        self.message = "p starts training, space trains one batch"

    def state(self) -> ViewState:
        matches = self.layer1_matches()
        return ViewState(
            screen="train",
            train_step=self.trainer.steps_done,
            accuracy=self.known_accuracy,
            loss=self.recent_loss(),
            extra={
                "lr": self.trainer.lr,
                "seed": self.trainer.seed,
                "playing": self.playing,
                "finished": self.finished,
                "layer1": [m.label for m in matches],
                "similarity": [m.similarity for m in matches],
            },
        )
