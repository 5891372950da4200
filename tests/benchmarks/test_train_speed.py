"""Training speed: steps per second at batch 32 on 16×16 shapes, against PyTorch on one thread.

Run with ``pytest tests/benchmarks -s``. Prints figures and ratios; asserts nothing about time.
PyTorch is not a dependency: where ``import torch`` fails the baseline is skipped and said so
(the CPU wheel, ``pip install torch`` from a CPU index, is enough).
Goals: the 4 → 2 net at least 2× PyTorch's steps per second (at this size PyTorch's per-op
overhead dominates), the 32 → 32 net over four kinds at least 1×. Both sides use one thread:
``torch.set_num_threads(1)``, and the Trainer keeps numpy's BLAS to one thread itself. The
machine may be shared, so the two are timed in alternating rounds and each keeps its best (the
range over the rounds is printed too). The Trainer computes a 16 → 16 net's steps and wider ones
in float32 on float64 master weights (smaller nets in float64); the float32 gradients are checked
here against the float64 ones.
"""

import importlib.util
import time

import numpy as np
import pytest

from tuiconv.engine import backprop
from tuiconv.engine.network import CONV1_PADDING, CONV2_PADDING, PARAMETER_NAMES
from tuiconv.engine.train import DECAYED, DEFAULT_LR, WEIGHT_DECAY, ShapeSet, Trainer, one_blas_thread, starting_network

BATCH, SIZE, STEPS, ROUNDS = 32, 16, 300, 5
FOUR = ("rectangle", "diamond", "cross", "triangle")


def float32_agrees_with_float64(net, images, labels) -> float:
    """The largest difference between the float32 and the float64 gradients on one batch, as a
    fraction of the largest float64 gradient of the same parameter."""
    weights = {name: getattr(net, name) for name in PARAMETER_NAMES}
    results = [
        backprop.loss_and_gradients(
            *(weights[name].astype(dtype) for name in ("w1", "b1", "w2", "b2")), images, labels, CONV1_PADDING, CONV2_PADDING,
            w3=weights["w3"].astype(dtype), b3=weights["b3"].astype(dtype),
        )
        for dtype in (np.float64, np.float32)
    ]
    (loss64, grads64, _), (loss32, grads32, _) = results
    assert abs(loss32 - loss64) < 1e-5 * max(1.0, abs(loss64))
    return max(
        np.abs(getattr(grads32, name) - getattr(grads64, name)).max() / np.abs(getattr(grads64, name)).max() for name in PARAMETER_NAMES
    )


def timed(run_steps) -> float:
    start = time.perf_counter()
    run_steps(STEPS)
    return time.perf_counter() - start


def torch_trainer(data: ShapeSet, dtype_name: str, filters, kinds):
    """The same network, start, data, batch size and optimiser (AdamW with the same decay on the
    weights, then layer-1 filters shifted back to sum to zero), in PyTorch on one thread."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    dtype = getattr(torch, dtype_name)
    start = starting_network(0, filters, kinds)
    params = [torch.tensor(getattr(start, n), dtype=dtype, requires_grad=True) for n in PARAMETER_NAMES]
    w1, b1, w2, b2, w3, b3 = params
    # As the Trainer: with one layer-2 filter per kind the dense layer stays the identity.
    trained = PARAMETER_NAMES if filters[1] != len(kinds) else PARAMETER_NAMES[:4]
    groups = [
        {"params": [p], "weight_decay": WEIGHT_DECAY if n in DECAYED else 0.0} for n, p in zip(PARAMETER_NAMES, params) if n in trained
    ]
    optimiser = torch.optim.AdamW(groups, lr=DEFAULT_LR)
    images, labels = data.groups[SIZE]
    images_t = torch.tensor(images, dtype=dtype).unsqueeze(1)
    labels_t = torch.tensor(labels)
    generator = torch.Generator().manual_seed(0)

    def loss_of(x, y):
        maps = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        maxima = F.relu(F.conv2d(maps, w2, b2, padding=1)).flatten(2).max(dim=2).values
        return F.cross_entropy(maxima @ w3.T + b3, y)

    def run_steps(count: int) -> None:
        for _ in range(count):
            pick = torch.randint(0, len(labels_t), (BATCH,), generator=generator)
            loss = loss_of(images_t[pick], labels_t[pick])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            with torch.no_grad():
                w1.sub_(w1.mean(dim=(1, 2, 3), keepdim=True))

    return run_steps, loss_of, torch


@pytest.mark.parametrize(("filters", "kinds", "goal"), [((4, 2), FOUR[:2], 2.0), ((32, 32), FOUR, 1.0)])
def test_training_steps_per_second_against_pytorch(filters, kinds, goal):
    data = ShapeSet.generate(300, seed=0, sizes=(SIZE, SIZE), kinds=kinds)
    trainer = Trainer(seed=0, data=data, batch=BATCH, filters=filters)
    label = f"{filters[0]} → {filters[1]} over {len(kinds)} kinds"
    trainer.step(30)  # warm-up (caches, allocator, lazy imports), and weights that have moved
    images, labels = data.groups[SIZE]
    assert float32_agrees_with_float64(trainer.network(), images[:BATCH], labels[:BATCH]) < 1e-4
    if importlib.util.find_spec("torch") is None:
        ours = STEPS / min(timed(trainer.step) for _ in range(ROUNDS))
        print(f"\n{label}: tuiconv {ours:7.0f} steps/s; PyTorch is not installed: no baseline this run")
        return
    baselines = {}
    for dtype in ("float64", "float32"):
        run_steps, loss_of, torch = torch_trainer(data, dtype, filters, kinds)
        if dtype == "float64":
            # The same network: PyTorch's loss on a batch equals ours before any training.
            net = Trainer(seed=0, data=data, filters=filters).network()
            ours_loss = backprop.loss_and_gradients(
                net.w1, net.b1, net.w2, net.b2, images[:BATCH], labels[:BATCH], CONV1_PADDING, CONV2_PADDING, w3=net.w3, b3=net.b3
            )[0]
            with torch.no_grad():
                theirs = float(loss_of(torch.tensor(images[:BATCH]).unsqueeze(1), torch.tensor(labels[:BATCH])))
            assert abs(ours_loss - theirs) < 1e-9
        run_steps(30)
        baselines[dtype] = run_steps
    rounds: dict[str, list[float]] = {"tuiconv": [], "float64": [], "float32": []}
    for _ in range(ROUNDS):
        rounds["tuiconv"].append(timed(trainer.step))
        for dtype, run_steps in baselines.items():
            rounds[dtype].append(timed(run_steps))

    def rate(side: str) -> tuple[float, str]:
        rates = [STEPS / seconds for seconds in rounds[side]]
        return max(rates), f"(rounds {min(rates):.0f}–{max(rates):.0f})"

    ours, spread = rate("tuiconv")
    print(f"\n{label}, batch {BATCH}, {SIZE}×{SIZE}: tuiconv (numpy, {trainer.compute_dtype} steps, 1 BLAS thread) {ours:7.0f} steps/s {spread}")
    for dtype in baselines:
        theirs, spread = rate(dtype)
        print(
            f"  PyTorch {torch.__version__} ({dtype}, 1 thread): {theirs:7.0f} steps/s {spread}   "
            f"tuiconv / PyTorch = {ours / theirs:.2f}×  (goal ≥ {goal:g}×)"
        )
    assert np.isfinite(ours)


def test_one_blas_thread_is_what_the_trainer_runs_on():
    from threadpoolctl import threadpool_info

    with one_blas_thread():
        assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
