"""Training the two-layer network from random weights on generated rectangles and diamonds.

A ``Trainer`` owns the weights, an Adam optimiser and a seeded stream of mini-batches; each
``step()`` is one batch: forward, backward (``backprop``), update. Everything is seeded, so the
same seed, learning rate and number of steps always give the same weights, on any screen.

The shapes come from ``shapes.sample_shapes``: on grids of 12 to 32 cells, the network's whole
range, half of them outlines and half filled. A batch holds grids of one size (so it is one
array); each step picks the size.

Three choices make the layer-1 filters settle into clean edge detectors rather than whatever
first happened to separate the two shapes (outlines alone are told apart in a handful of steps,
and the filters then stop changing while still mostly random):

* Filled shapes: inside a filled shape every 3×3 patch is the same, so only a filter that
  responds to edges, and to their direction, tells a filled rectangle from a filled diamond.
* Layer-1 filters sum to zero, like every named edge detector (a flat patch, all dark or all
  bright, scores 0): they start that way and each update is projected back onto it.
* They start small, and weight decay shrinks every weight a little each step, so a weight keeps
  its size only while the shapes keep asking for it: the random start fades and what stays is
  the pattern the data needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tuiconv.engine import backprop
from tuiconv.engine.network import (
    CLASSES,
    CONV1_PADDING,
    CONV2_PADDING,
    DEFAULT_FILTERS1,
    PARAMETER_NAMES,
    Network,
    check_filters,
    check_kinds,
)
from tuiconv.engine.shapes import sample_shapes
from tuiconv.limits import RANGES, check

DEFAULT_LR = 0.02
DEFAULT_STEPS = 200
DEFAULT_BATCH = 32
DEFAULT_SEED = 0
# With more than two kinds (default_filters, default_steps): 8 → 8 filters, 200 steps per kind.
MANY_KINDS_FILTERS = 8
STEPS_PER_KIND = 200
SIZES = (12, 32)
# Shapes per class the trainer draws its batches from (with the run's seed), and in the held-out
# set every run is judged on (with a seed of its own, so other draws than any run trains on; on
# the smallest grids there are only so many diamonds, and about 1 in 10 coincides by chance).
TRAINING_SHAPES = 600
HELD_OUT_SHAPES = 500
HELD_OUT_SEED = 2**31 + 12345
MAX_LR = RANGES["lr"].high
# Fraction of the training shapes that are filled rather than outlines (the held-out set is all
# outlines: the shapes every other screen shows).
FILLED_FRACTION = 0.5
# Layer-1 filters start at this fraction of the usual random size (He initialisation), so what
# they become is drawn by training rather than left over from the random start.
W1_START_SCALE = 0.1
# Decoupled weight decay (AdamW): each step every weight (not the biases) shrinks by
# lr × WEIGHT_DECAY × its value, 2 % at the default learning rate.
WEIGHT_DECAY = 1.0
DECAYED = ("w1", "w2", "w3")
# What the three choices above are, in a learner's words (the training screen and the headless
# summary both say it).
RECIPE = (
    "Half the training shapes are filled, so only edges tell them apart. Filters are kept summing "
    "to zero, like the named detectors, and weight decay shrinks every weight a little each step: "
    "only the weights the shapes need survive."
)
# Layer-2 biases start here rather than at 0. A layer-2 filter whose map is below 0 everywhere
# scores 0 through its ReLU for every shape and so gets no gradient: it can never learn again.
# Starting above 0 keeps both detectors alive while the first updates push them around (with
# 0, about 1 seed in 40 lost its diamond detector; with 1, none of 100).
START_BIAS2 = 1.0
# Nets with at least this many (layer-1, layer-2) filter pairs, 16 → 16 and up, compute each step
# in float32 (on a float32 copy of the float64 weights Adam updates): their time goes into matrix
# products and memory traffic, which float32 halves. Smaller nets cost numpy calls more than
# arithmetic and stay in float64, so their runs give the same numbers as before (the training
# screen's 4 → 2, the default 8 → 8 over four kinds). A float32 run learns as well but, seed for
# seed, ends elsewhere: rounding differences of 1e-7 grow over hundreds of steps.
FLOAT32_FILTER_PAIRS = 256


def check_settings(
    steps: int | None = None, lr: float | None = None, batch: int | None = None, seed: int | None = None
) -> None:
    """ValueError with one clear line when a training setting is out of range (tuiconv/limits.py)."""
    for name, value in (("seed", seed), ("steps", steps), ("lr", lr)):
        if value is not None:
            check(name, value, "learning rate" if name == "lr" else name)
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 2):
        raise ValueError(f"batch size must be a whole number of at least 2, not {batch!r}")


@dataclass
class ShapeSet:
    """Labelled grids grouped by size: ``groups[size] = (images (M, size, size), labels (M,))``."""

    groups: dict[int, tuple[np.ndarray, np.ndarray]]
    kinds: tuple[str, ...] = CLASSES

    @classmethod
    def generate(
        cls, per_class: int, seed: int, sizes: tuple[int, int] = SIZES, filled: float = 0.0, kinds: tuple[str, ...] = CLASSES
    ) -> ShapeSet:
        """``per_class`` shapes of each kind (label = its index in ``kinds``), on grids of
        sizes[0]..sizes[1] cells; the fraction ``filled`` of each kind filled, the rest outlines."""
        by_size: dict[int, list[tuple[np.ndarray, int]]] = {}
        filled_count = int(round(per_class * filled))
        # The filled shapes come from a stream of their own, so the outlines stay the same
        # whatever the fraction.
        filled_seed = int(np.random.default_rng([seed, 0xF111ED]).integers(2**32))
        for label, kind in enumerate(check_kinds(kinds)):
            grids = sample_shapes(kind, per_class - filled_count, seed=seed, sizes=sizes)
            if filled_count:
                grids += sample_shapes(kind, filled_count, seed=filled_seed, sizes=sizes, filled=True)
            for grid in grids:
                by_size.setdefault(grid.shape[0], []).append((grid, label))
        groups = {
            size: (np.stack([g for g, _ in items]), np.array([lab for _, lab in items]))
            for size, items in sorted(by_size.items())
        }
        return cls(groups, tuple(kinds))

    def __len__(self) -> int:
        return sum(len(labels) for _, labels in self.groups.values())


def training_set(seed: int, per_class: int = TRAINING_SHAPES, kinds: tuple[str, ...] = CLASSES) -> ShapeSet:
    """The shapes a run trains on: outlines and filled shapes, seeded by the run's seed."""
    return ShapeSet.generate(per_class, seed, filled=FILLED_FRACTION, kinds=kinds)


def held_out_set(per_class: int = HELD_OUT_SHAPES, kinds: tuple[str, ...] = CLASSES) -> ShapeSet:
    """The shapes every accuracy is measured on: 500 of each kind (rectangles and diamonds by
    default), the same for every run, drawn separately from any run's training shapes."""
    return ShapeSet.generate(per_class, HELD_OUT_SEED, kinds=kinds)


# ---------------------------------------------------------------------------------------------


class _Parameters:
    """The six weight arrays as views into one flat vector, so Adam updates them in one go."""

    def __init__(self, net: Network):
        self.kinds = net.kinds
        self.shapes = {name: getattr(net, name).shape for name in PARAMETER_NAMES}
        self.flat = np.concatenate([getattr(net, name).ravel() for name in PARAMETER_NAMES])
        self.views = self.views_of(self.flat)

    def views_of(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Each parameter's array as a view into ``flat`` (laid out like ``self.flat``)."""
        views, start = {}, 0
        for name, shape in self.shapes.items():
            size = int(np.prod(shape))
            views[name] = flat[start : start + size].reshape(shape)
            start += size
        return views

    def network(self) -> Network:
        return Network(**{name: view.copy() for name, view in self.views.items()}, kinds=self.kinds)


def zero_mean(w1: np.ndarray) -> None:
    """Shift each layer-1 filter (in place) so that its weights sum to zero."""
    w1 -= w1.mean(axis=(1, 2, 3), keepdims=True)


def starting_network(seed: int, filters: tuple[int, int] | None = None, kinds: tuple[str, ...] = CLASSES) -> Network:
    """The random start of a run: ``Network.random(seed)`` with layer-1 filters scaled down by
    W1_START_SCALE and shifted to sum to zero, and layer-2 biases at START_BIAS2."""
    net = Network.random(seed, filters=filters, kinds=kinds)
    net.w1 *= W1_START_SCALE
    zero_mean(net.w1)
    net.b2[:] = START_BIAS2
    return net


def one_blas_thread():
    """A context in which numpy's BLAS uses one thread. Its matrices here are small: on a
    shared 2-core machine, BLAS threads spinning against each other (and against other
    programs) made a 32 → 32 step 50× slower than on one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


class Adam:
    """Adam (Kingma & Ba, 2015) on one flat parameter vector, with decoupled weight decay
    (AdamW, Loshchilov & Hutter, 2019): ``decay`` holds each parameter's coefficient."""

    def __init__(
        self, size: int, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, decay: np.ndarray | None = None
    ):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.decay = decay
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0
        self._spare = (np.empty(size), np.empty(size))  # room for the update's intermediate values

    def update(self, params: np.ndarray, grad: np.ndarray) -> None:
        """One step, in place: no array is allocated (``params`` and ``grad`` are float64 or
        float32 vectors of ``size`` numbers; the moments are float64)."""
        self.t += 1
        spare, decayed = self._spare
        np.multiply(grad, 1 - self.beta1, out=spare)
        self.m *= self.beta1
        self.m += spare
        np.multiply(grad, grad, out=spare)
        spare *= 1 - self.beta2
        self.v *= self.beta2
        self.v += spare
        # Bias correction: the moments start at 0, so early averages are scaled up to size.
        # m̂ / (√v̂ + ε) with m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ).
        np.divide(self.v, 1 - self.beta2**self.t, out=spare)
        np.sqrt(spare, out=spare)
        spare += self.eps
        np.divide(self.m, spare, out=spare)
        spare *= self.lr / (1 - self.beta1**self.t)
        if self.decay is not None:
            # Decoupled decay, on the weights before this step: params −= lr·(step + decay·params).
            np.multiply(self.decay, self.lr, out=decayed)
            decayed *= params
            params -= decayed
        params -= spare


@dataclass
class StepResult:
    """What one training step did: its batch's loss and accuracy, before the update."""

    step: int
    loss: float
    accuracy: float


@dataclass
class Trainer:
    """Weights, optimiser and batch stream for one training run; ``step()`` advances it."""

    seed: int = DEFAULT_SEED
    lr: float = DEFAULT_LR
    batch: int = DEFAULT_BATCH
    data: ShapeSet | None = None
    start: Network | None = None
    kinds: tuple[str, ...] = CLASSES
    filters: tuple[int, int] | None = None  # (K1, K2); default (4, one per kind)
    steps_done: int = 0
    history: list[StepResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_settings(lr=self.lr, batch=self.batch, seed=self.seed)
        if self.start is not None:
            self.kinds = self.start.kinds
        elif self.data is not None:
            self.kinds = self.data.kinds
        self.kinds = check_kinds(self.kinds)
        if self.filters is None:
            self.filters = default_filters(self.kinds)
        check_filters(*self.filters)
        if self.data is None:
            self.data = training_set(self.seed, kinds=self.kinds)
        if self.start is None:
            self.start = starting_network(self.seed, self.filters, self.kinds)
        self._params = _Parameters(self.start)
        # One layer-2 filter per kind: each filter is its kind's detector and the dense layer
        # stays what it starts as, the identity (each maximum is its kind's score, as in the
        # hand-designed net). With more or fewer filters than kinds it learns how to mix them.
        self.trains_dense = self.start.filters2 != len(self.kinds)
        trained = PARAMETER_NAMES if self.trains_dense else PARAMETER_NAMES[:4]
        decay = np.concatenate(
            [
                np.full(getattr(self.start, name).size, WEIGHT_DECAY if name in DECAYED and name in trained else 0.0)
                for name in PARAMETER_NAMES
            ]
        )
        self._adam = Adam(self._params.flat.size, self.lr, decay=decay)
        self._rng = np.random.default_rng([self.seed, 0x7EA1])
        self._scratch: dict = {}
        self._compute_flat = None  # the float32 copy of the weights a step computes with, if any
        compute = self._params.views
        if self.compute_dtype == np.float32:
            self._compute_flat = np.empty(self._params.flat.size, np.float32)
            compute = self._params.views_of(self._compute_flat)
        self._compute_views = compute
        self._grad = np.empty_like(self._params.flat)
        self._no_dense_grad = (np.zeros_like(compute["w3"]), np.zeros_like(compute["b3"]))
        # A batch's grid size is drawn in proportion to how many shapes have it.
        self._groups = [self.data.groups[size] for size in sorted(self.data.groups)]
        self._ends = np.cumsum([len(labels) for _, labels in self._groups])
        self._queue: list = []

    @property
    def compute_dtype(self) -> np.dtype:
        """float32 for nets of FLOAT32_FILTER_PAIRS filter pairs and more, float64 below."""
        pairs = self.start.filters1 * self.start.filters2
        return np.dtype(np.float32 if pairs >= FLOAT32_FILTER_PAIRS else np.float64)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next step on (Adam's moments are kept)."""
        check_settings(lr=lr)
        self.lr = self._adam.lr = lr

    def network(self) -> Network:
        """A copy of the current weights."""
        return self._params.network()

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        # Random draws come 64 batches at a time: one generator call per step costs more than
        # the arithmetic it picks the data for.
        if not self._queue:
            groups = np.searchsorted(self._ends, self._rng.integers(self._ends[-1], size=64), "right")
            fractions = self._rng.random((64, self.batch))
            self._queue = list(zip(groups.tolist(), fractions))[::-1]
        group, fractions = self._queue.pop()
        images, labels = self._groups[group]
        pick = (fractions * len(labels)).astype(np.intp)
        return images[pick], labels[pick]

    def step(self, count: int = 1) -> StepResult:
        """Train on ``count`` batches; returns the last one's loss and accuracy."""
        check_settings(steps=count)
        with one_blas_thread():
            return self._steps(count)

    def _steps(self, count: int) -> StepResult:
        v, c = self._params.views, self._compute_views
        for _ in range(count):
            images, labels = self._next_batch()
            if self._compute_flat is not None:
                np.copyto(self._compute_flat, self._params.flat, casting="same_kind")
            loss, grads, probs = backprop.loss_and_gradients(
                c["w1"], c["b1"], c["w2"], c["b2"], images, labels, CONV1_PADDING, CONV2_PADDING,
                scratch=self._scratch, w3=c["w3"], b3=c["b3"],
            )
            if not self.trains_dense:
                grads.w3, grads.b3 = self._no_dense_grad
            parts = (grads.w1, grads.b1, grads.w2, grads.b2, grads.w3, grads.b3)
            np.concatenate([part.ravel() for part in parts], out=self._grad)
            self._adam.update(self._params.flat, self._grad)
            zero_mean(v["w1"])  # the projection: back onto filters that sum to zero
            self.steps_done += 1
            result = StepResult(self.steps_done, loss, float((probs.argmax(axis=1) == labels).mean()))
            self.history.append(result)
        return result


# ---------------------------------------------------------------------------------------------


def predict(net: Network, images: np.ndarray) -> np.ndarray:
    """Index in ``net.kinds`` (0 rectangle, 1 diamond, ...) of each same-size grid in ``images`` (N, H, W).

    Agrees with ``network.classify`` grid by grid; batched, so a thousand grids take milliseconds.
    """
    return batch_logits(net, images).argmax(axis=1)


def batch_logits(net: Network, images: np.ndarray) -> np.ndarray:
    """The dense layer's scores (N, kinds) of same-size grids (N, H, W), before softmax."""
    scores, _ = backprop.batch_scores(
        net.w1, net.b1, net.w2, net.b2, np.asarray(images, np.float64), CONV1_PADDING, CONV2_PADDING, w3=net.w3, b3=net.b3
    )
    return scores


def evaluate(net: Network, shapes: ShapeSet) -> float:
    """Fraction of ``shapes`` the network classifies correctly."""
    right = sum(int((predict(net, images) == labels).sum()) for images, labels in shapes.groups.values())
    return right / len(shapes)


def mean_responses(net: Network, shapes: ShapeSet) -> np.ndarray:
    """(kind of the shape, kind's score): each kind's mean score (the dense layer's output,
    before softmax) over the shapes of each kind; a detector scores high on its own shape, low
    on the others. With one layer-2 filter per kind and an identity dense layer, the score is
    that filter's global max after ReLU."""
    n = len(net.kinds)
    totals, counts = np.zeros((n, n)), np.zeros(n)
    for images, labels in shapes.groups.values():
        scores = batch_logits(net, images)
        for label in range(n):
            totals[label] += scores[labels == label].sum(axis=0)
            counts[label] += (labels == label).sum()
    return totals / np.maximum(counts, 1)[:, None]


def default_filters(kinds: tuple[str, ...] = CLASSES) -> tuple[int, int]:
    """(K1, K2) when none are given: for two kinds the hand-designed net's 4 → 2; for more,
    8 → 8. Four edge filters and one detector per kind learn rectangles, diamonds, crosses and
    triangles too, but slowly and not on every seed (6 of 8 seeds at 95 % after 1000 steps):
    a rectangle and a cross are both made of straight edges and differ in where they sit."""
    return (DEFAULT_FILTERS1, len(kinds)) if len(kinds) == 2 else (MANY_KINDS_FILTERS, MANY_KINDS_FILTERS)


def default_steps(kinds: tuple[str, ...] = CLASSES) -> int:
    """Training steps when none are given: DEFAULT_STEPS for two kinds, STEPS_PER_KIND each for more."""
    return DEFAULT_STEPS if len(kinds) == 2 else STEPS_PER_KIND * len(kinds)


def train(
    seed: int = DEFAULT_SEED,
    steps: int | None = None,
    lr: float = DEFAULT_LR,
    batch: int = DEFAULT_BATCH,
    kinds: tuple[str, ...] = CLASSES,
    filters: tuple[int, int] | None = None,
) -> Trainer:
    """A finished training run with the given settings (steps: ``default_steps(kinds)``)."""
    kinds = check_kinds(kinds)
    steps = default_steps(kinds) if steps is None else steps
    check_settings(steps=steps, lr=lr, batch=batch, seed=seed)
    trainer = Trainer(seed=seed, lr=lr, batch=batch, kinds=kinds, filters=filters)
    trainer.step(steps)
    return trainer
