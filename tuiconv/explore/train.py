"""What the training screen shows, as plain state: the run, its target, held-out accuracy
(overall and per kind), rolling loss and accuracy, which learned filter became which detector,
each layer's parameter count, and which layer-1 filters and layer-2 filter are on screen when
they do not all fit (``paged``).

No Textual here: ``TrainView`` runs a ``TrainingSession`` on a timer and draws it; lessons and
the tests drive it with plain calls. Every number comes from ``tuiconv.engine``.

A small network (the default 4 → 2) is checked on the held-out shapes at once, as before; a
larger one in slices (``explore.held_out``) that the view runs between training steps, so the
screen keeps answering keys at 32 → 32.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tuiconv.engine.learned import DetectorRole, FilterMatch, layer1_matches, layer2_roles
from tuiconv.engine.network import CLASSES, LayerSize, Network, check_filters, parameter_counts
from tuiconv.engine.train import (
    DEFAULT_LR,
    DEFAULT_SEED,
    DEFAULT_STEPS,
    RECIPE,
    ShapeSet,
    Trainer,
    check_settings,
    default_filters,
    held_out_set,
)
from tuiconv.explore.held_out import SLICE, HeldOutCheck, HeldOutResult
from tuiconv.explore.scene import Scene, ViewState

EVALUATE_EVERY = 50  # steps between held-out accuracy checks while training runs
RECENT = 20  # batches the status line averages loss and accuracy over
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
# The training screen shows every filter at once up to this many layer-1 filters, with two
# layer-2 filters, one per kind (the hand-designed net's shape); anything else is paged.
ALL_AT_ONCE = 4
# A held-out check is run whole when it costs at most this many times the default network's
# (4 → 2 over 1000 shapes, a few hundredths of a second); a dearer one runs in slices.
CHECK_AT_ONCE_UP_TO = 2.0
FILTERS_PER_PAGE = 5  # layer-1 filters a page shows until the view says how many fit


def step_cost(filters: tuple[int, int]) -> float:
    """The multiply-adds per input cell of a forward pass, relative to the default 4 → 2 net's:
    9·K1 for the 3×3 layer-1 filters, 9·K1·K2 on a quarter of the cells after pooling."""

    def cost(k1: int, k2: int) -> float:
        return 9 * k1 + 9 * k1 * k2 / 4

    return cost(*filters) / cost(4, 2)


def plural(kind: str) -> str:
    """"rectangle" → "rectangles", "cross" → "crosses"."""
    return kind + ("es" if kind.endswith("s") else "s")


def nearest_lr_index(lr: float) -> int:
    return int(np.argmin([abs(np.log(lr / x)) for x in LEARNING_RATES]))


class TrainingSession:
    """One training run from random weights towards ``target`` steps, and what it has learned."""

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        steps: int = DEFAULT_STEPS,
        lr: float = DEFAULT_LR,
        *,
        out: str | None = None,
        filters: tuple[int, int] | None = None,
        kinds: tuple[str, ...] = CLASSES,
    ):
        check_settings(steps=steps, lr=lr, seed=seed)
        self.kinds = tuple(kinds)
        self.filters = tuple(filters) if filters is not None else default_filters(self.kinds)
        check_filters(*self.filters)
        self.out = out
        self.target = steps
        self.steps_per_run = steps
        self.playing = False  # the view's timer trains while this is on
        self.rushing = False  # training to the end as fast as the screen allows
        self.message = RECIPE  # until the first key: how this training differs from the plain one
        self._held: ShapeSet | None = None
        self.concealed: frozenset[str] = frozenset()  # the training screen hides nothing
        self.saved_at: int | None = None  # the step count whose weights were last saved to ``out``
        self.per_page = FILTERS_PER_PAGE
        self.first_shown = 0  # the first layer-1 filter on the page
        self.unit = 0  # the layer-2 filter whose slices are shown (paged)
        self._start(seed, lr)

    @classmethod
    def from_scene(cls, scene: Scene) -> "TrainingSession":
        session = cls()
        session.apply_scene(scene)
        return session

    def _start(self, seed: int, lr: float) -> None:
        self.trainer = Trainer(seed=seed, lr=lr, kinds=self.kinds, filters=self.filters)
        self.kinds = self.trainer.kinds  # checked and lower-cased by the engine
        self._result: HeldOutResult | None = None
        self._check: HeldOutCheck | None = None
        self._check_again = False  # weights newer than the running check's want one too
        self._summary_due = False  # the run ended: its summary waits for the final check
        self._saved_note = ""
        self._net: tuple[int, Network] | None = None
        self._matches: tuple[int, list[FilterMatch]] | None = None

    # -- the network's shape -------------------------------------------------------------

    @property
    def paged(self) -> bool:
        """True unless every filter fits on one screen: up to ALL_AT_ONCE layer-1 filters and
        one layer-2 filter for each of two kinds (the hand-designed net's layout)."""
        k1, k2 = self.filters
        return not (k1 <= ALL_AT_ONCE and k2 == len(self.kinds) == 2)

    @property
    def one_filter_per_kind(self) -> bool:
        """Each layer-2 filter is one kind's detector (the dense layer stays the identity)."""
        return not self.trainer.trains_dense

    @property
    def step_cost(self) -> float:
        """A step's work relative to the default network's (see ``step_cost``)."""
        return step_cost(self.filters)

    @property
    def checks_in_slices(self) -> bool:
        """A held-out check too dear to run at once: the view runs it a slice per tick."""
        return self.step_cost * len(self.held_out) / 1000 > CHECK_AT_ONCE_UP_TO

    def parameter_counts(self) -> list[LayerSize]:
        """conv1, conv2, dense: F·F·D·K weights + K biases each (``engine.network``)."""
        return parameter_counts(self.network)

    # -- what it shows ---------------------------------------------------------------------

    @property
    def held_out(self) -> ShapeSet:
        if self._held is None:
            self._held = held_out_set(kinds=self.kinds)
        return self._held

    def held_out_accuracy(self) -> float:
        """Accuracy on the held-out shapes now (worked out once per step count, whole)."""
        while self._result is None or self._result.step != self.trainer.steps_done:
            self.check_now()  # behind a running check of older weights, which finishes first
            self._run_check(until=None)
        return self._result.accuracy

    def check_now(self) -> None:
        """Judge the current weights on the held-out shapes: at once for a small network, else
        in slices (``advance_check``). A check already running finishes first."""
        done = self.trainer.steps_done
        if self._result is not None and self._result.step == done:
            return
        if self._check is not None:
            self._check_again = self._check.step != done
            return
        if self.checks_in_slices:
            self._check = HeldOutCheck(self.network, self.held_out, done, slice=SLICE)
        else:
            self._check = HeldOutCheck(self.network, self.held_out, done)
            self._run_check(until=None)

    @property
    def checking(self) -> bool:
        """A held-out check is under way (in slices)."""
        return self._check is not None

    def advance_check(self, until: float) -> bool:
        """Run the pending check until the ``time.perf_counter()`` deadline (at least one slice);
        True when a check finished, which the screen then shows."""
        return self._check is not None and self._run_check(until)

    def _run_check(self, until: float | None) -> bool:
        check = self._check
        if check is None or not check.run(until):
            return False
        self._result = check.result()
        self._check = None
        if self._check_again:
            self._check_again = False
            self.check_now()
        if self._summary_due and self._result.step == self.trainer.steps_done:
            self._summary_due = False
            self.message = self._summary()
        return True

    @property
    def last_check(self) -> HeldOutResult | None:
        """The latest finished held-out check (None before any)."""
        return self._result

    @property
    def known_accuracy(self) -> float | None:
        """The last held-out accuracy worked out (None before any): what the status line shows."""
        return None if self._result is None else self._result.accuracy

    @property
    def finished(self) -> bool:
        return self.trainer.steps_done >= self.target

    @property
    def network(self) -> Network:
        """The current weights (a copy, made once per step)."""
        done = self.trainer.steps_done
        if self._net is None or self._net[0] != done:
            self._net = (done, self.trainer.network())
        return self._net[1]

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
        done = self.trainer.steps_done
        if self._matches is None or self._matches[0] != done:
            self._matches = (done, layer1_matches(self.network))
        return self._matches[1]

    def layer2_roles(self) -> list[DetectorRole]:
        """Which layer-2 filter became which detector (by its mean responses once a run ended)."""
        return layer2_roles(self.network, self._final_responses())

    def _final_responses(self) -> np.ndarray | None:
        """The kinds' mean scores on the held-out shapes, once the run ended and was checked."""
        result = self._result
        if not self.finished or result is None or result.step != self.trainer.steps_done:
            return None
        return result.responses

    def _proven(self, unit: int, kind: int) -> bool:
        """The run ended and, on the held-out shapes, kind ``kind``'s score (the maximum of
        layer-2 filter ``unit`` when there is one filter per kind) is highest on its own kind."""
        responses = self._final_responses()
        if responses is None:
            return False
        column = responses[:, kind]
        return bool(all(column[kind] > column[i] for i in range(len(self.kinds)) if i != kind))

    def role_title(self, role: DetectorRole) -> str:
        """What to call a layer-2 filter: nothing it is not yet. Random weights are no detector;
        training ties filter k to class k, so it is learning that class until the run has ended
        and the held-out shapes show it scoring highest on its own kind."""
        if self.trainer.steps_done == 0:
            return f"filter {role.filter}: untrained"
        kind = self.kinds.index(role.detector)
        if not self._proven(role.filter, kind):
            return f"filter {role.filter}: learning {role.detector}"
        return f"filter {role.filter}: {role.detector} detector"

    def unit_title(self, unit: int) -> str:
        """What to call layer-2 filter ``unit`` of any network. With one filter per kind, as
        ``role_title``; when the dense layer mixes the filters into the kinds' scores, no filter
        is one kind's detector: it says which score the filter's maximum counts most in."""
        if self.trainer.steps_done == 0:
            return f"filter {unit}: untrained"
        if self.one_filter_per_kind:
            kind = self.kinds[unit]
            return f"filter {unit}: {kind} detector" if self._proven(unit, unit) else f"filter {unit}: learning {kind}"
        weights = self.network.w3[:, unit]
        kind = int(np.argmax(weights))
        return f"filter {unit}: counts most in the {self.kinds[kind]} score ({weights[kind]:+.2f})".replace("-", "−")

    # -- paging: which filters are on screen ----------------------------------------------------

    def set_per_page(self, count: int) -> None:
        """How many layer-1 filters fit on a page (the view's width decides); the page keeps
        the filter it starts with."""
        self.per_page = max(1, int(count))
        self.first_shown = (self.first_shown // self.per_page) * self.per_page

    def shown_filters(self) -> range:
        """The layer-1 filters on the current page."""
        return range(self.first_shown, min(self.first_shown + self.per_page, self.filters[0]))

    @property
    def pages(self) -> int:
        return -(-self.filters[0] // self.per_page)

    def turn_page(self, delta: int) -> bool:
        """The next (+1) or previous (−1) page of layer-1 filters; False when there is none."""
        page = self.first_shown // self.per_page + delta
        if not 0 <= page < self.pages:
            return False
        self.first_shown = page * self.per_page
        return True

    def select_unit(self, delta: int) -> bool:
        """The next (+1) or previous (−1) layer-2 filter; False past the first or the last."""
        unit = self.unit + delta
        if not 0 <= unit < self.filters[1]:
            return False
        self.unit = unit
        return True

    # -- training ----------------------------------------------------------------------------

    def train(self, count: int) -> None:
        """Up to ``count`` steps, never past the target; a held-out check every EVALUATE_EVERY."""
        before = self.trainer.steps_done
        count = min(count, self.target - before)
        if count > 0:
            self.trainer.step(count)
        # A held-out check costs about as much as 50 steps: not while rushing to the end.
        crossed = before // EVALUATE_EVERY != self.trainer.steps_done // EVALUATE_EVERY
        if self.finished:
            self.finish_run()
        elif crossed and not self.rushing:
            self.check_now()

    def step_once(self) -> None:
        """One batch, even past the end of the run (the target moves by one)."""
        self.playing = self.rushing = False
        if self.finished:
            self.target += 1
        self.message = ""
        self.train(1)
        self.check_now()

    def extend(self) -> None:
        """Another run of the same length after this one ended."""
        if self.finished:
            self.target += self.steps_per_run

    def finish_run(self) -> None:
        """The end of a run: the weights saved when asked to, and the summary line (once the
        final held-out check is done: at once for a small network)."""
        self.playing = self.rushing = False
        done = self.trainer.steps_done
        if self.out and self.saved_at != done:
            try:
                self.network.save(self.out)
                self.saved_at = done
                self._saved_note = f"Weights saved to {Path(self.out).name}. "
            except OSError as error:
                self._saved_note = f"Could not save {self.out}: {error.strerror or error}. "
        self._summary_due = True
        self.message = f"Done: {done} steps. {self._saved_note}Checking the held-out shapes…"
        self.check_now()
        if self._summary_due and self._check is None and self._result is not None and self._result.step == done:
            self._summary_due = False
            self.message = self._summary()

    def _summary(self) -> str:
        result = self._result
        message = f"Done: {result.accuracy:.1%} right on {result.shapes} held-out shapes. "
        kinds = self.kinds
        if self.one_filter_per_kind and len(kinds) == 2:
            scores = result.responses  # (shape class, filter)
            # Two lines at 80 columns: under a lesson's task the screen has no row for a third.
            parts = [f"filter {k} {scores[k, k]:.1f} on {plural(name)} vs {scores[1 - k, k]:.1f}" for k, name in enumerate(kinds)]
            message += "Mean: " + "; ".join(parts) + ". "
        return message + self._saved_note + f"p: {self.steps_per_run} more, s: new seed."

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
        result = self._result
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
                "filters": self.filters,
                "kinds": self.kinds,
                "shown_filters": list(self.shown_filters()) if self.paged else list(range(self.filters[0])),
                "unit": self.unit,
                "kind_accuracy": None if result is None else dict(zip(self.kinds, result.kind_accuracy)),
            },
        )
