"""A held-out check in slices: a network judged on the held-out shapes one grid size at a time.

At 32 → 32 filters a whole check takes about half a second (seconds on a busy machine),
longer than a screen may stop answering keys; a slice of SLICE shapes of one grid size takes a
few milliseconds. The training view runs a ``HeldOutCheck`` a few slices per timer tick,
between training steps. A small network's check is run whole (``run()``, one grid size a
slice), which is what lessons see.

The numbers are the engine's: ``accuracy`` equals ``engine.train.evaluate`` and ``responses``
``engine.train.mean_responses`` on the same network and shapes (to the last bit when a slice is
a whole grid size: the same sums in the same order; to rounding with smaller slices). Per kind
it adds what those leave out: the fraction of each kind's shapes classified right, and their
mean loss (cross-entropy of the softmax).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tuiconv.engine.network import Network
from tuiconv.engine.train import ShapeSet, batch_logits, one_blas_thread

SLICE = 32  # shapes a slice judges, when a check runs in slices (as many as a training batch)


@dataclass(frozen=True)
class HeldOutResult:
    """How the weights of one step did on the held-out shapes."""

    step: int  # the training step whose weights were judged
    accuracy: float  # fraction of all the shapes classified right
    kind_accuracy: tuple[float, ...]  # per kind (in the network's order): fraction of its shapes right
    kind_loss: tuple[float, ...]  # per kind: mean cross-entropy on its shapes
    responses: np.ndarray  # (kind of the shape, kind's score): mean scores, as engine.train.mean_responses
    shapes: int  # how many shapes were judged


class HeldOutCheck:
    """Judges ``net`` (a copy of one step's weights) on ``shapes``, a slice per ``advance()``:
    ``slice`` shapes of one grid size (None: all of that size)."""

    def __init__(self, net: Network, shapes: ShapeSet, step: int, slice: int | None = None):
        self.net = net
        self.step = step
        self._shapes = len(shapes)
        self._groups = [
            (images[i : i + (slice or len(labels))], labels[i : i + (slice or len(labels))])
            for images, labels in shapes.groups.values()
            for i in range(0, len(labels), slice or len(labels))
        ]
        self._next = 0
        n = len(net.kinds)
        self._right = np.zeros(n, dtype=np.int64)
        self._counts = np.zeros(n, dtype=np.int64)
        self._totals = np.zeros((n, n))
        self._losses = np.zeros(n)

    @property
    def done(self) -> bool:
        return self._next >= len(self._groups)

    @property
    def progress(self) -> float:
        """Fraction of the slices judged so far."""
        return self._next / len(self._groups) if self._groups else 1.0

    def advance(self) -> None:
        """Judge the next slice of shapes."""
        if self.done:
            return
        images, labels = self._groups[self._next]
        self._next += 1
        scores = batch_logits(self.net, images)
        predicted = scores.argmax(axis=1)
        # Cross-entropy of the softmax, from the scores (log-sum-exp shifted by the maximum).
        top = scores.max(axis=1)
        log_total = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
        losses = log_total - scores[np.arange(len(labels)), labels]
        for label in range(len(self._counts)):
            mine = labels == label
            self._right[label] += int((predicted[mine] == label).sum())
            self._counts[label] += int(mine.sum())
            self._totals[label] += scores[mine].sum(axis=0)
            self._losses[label] += float(losses[mine].sum())

    def run(self, until: float | None = None) -> bool:
        """Advance until done, or (``until``: a ``time.perf_counter()`` deadline) until the deadline
        has passed, always at least one slice. True when the check is done."""
        # One BLAS thread, as in training: on a busy 2-core machine more made a slice 3× slower.
        with one_blas_thread():
            while not self.done:
                self.advance()
                if until is not None and time.perf_counter() >= until:
                    break
        return self.done

    def result(self) -> HeldOutResult:
        """What the check found (all of it: call once ``done``)."""
        if not self.done:
            raise RuntimeError("the held-out check has not judged every shape yet")
        counts = np.maximum(self._counts, 1)
        return HeldOutResult(
            step=self.step,
            accuracy=int(self._right.sum()) / self._shapes,
            kind_accuracy=tuple(float(r / c) for r, c in zip(self._right, counts)),
            kind_loss=tuple(float(x / c) for x, c in zip(self._losses, counts)),
            responses=self._totals / counts[:, None],
            shapes=self._shapes,
        )
