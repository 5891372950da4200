"""Training speed: steps per second at batch 32 on 16×16 shapes, against PyTorch on one thread.

Run with ``pytest tests/benchmarks -s``. Prints figures and ratios; asserts nothing about time.
PyTorch is not a dependency: where ``import torch`` fails the baseline is skipped and said so.
Goal: at least 2× PyTorch's steps per second (at this size PyTorch's per-op overhead dominates).
"""

import time

import numpy as np

from tuiconv.engine.train import DECAYED, DEFAULT_LR, WEIGHT_DECAY, ShapeSet, Trainer, starting_network

BATCH, SIZE, STEPS, ROUNDS = 32, 16, 1000, 3


def best_rate(run_steps) -> float:
    """Steps per second of the fastest of ROUNDS rounds (the machine is shared: noise only slows)."""
    run_steps(50)  # warm-up: caches, allocator, lazy imports
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run_steps(STEPS)
        best = min(best, time.perf_counter() - start)
    return STEPS / best


def torch_trainer(data: ShapeSet, dtype_name: str):
    """The same network, start, data, batch size and optimiser (AdamW with the same decay on the
    weights, then layer-1 filters shifted back to sum to zero), in PyTorch on one thread."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    dtype = getattr(torch, dtype_name)
    start = starting_network(0)
    names = ("w1", "b1", "w2", "b2")
    params = [torch.tensor(getattr(start, n), dtype=dtype, requires_grad=True) for n in names]
    w1, b1, w2, b2 = params
    groups = [{"params": [p], "weight_decay": WEIGHT_DECAY if n in DECAYED else 0.0} for n, p in zip(names, params)]
    optimiser = torch.optim.AdamW(groups, lr=DEFAULT_LR)
    images, labels = data.groups[SIZE]
    images_t = torch.tensor(images, dtype=dtype).unsqueeze(1)
    labels_t = torch.tensor(labels)
    generator = torch.Generator().manual_seed(0)

    def loss_of(x, y):
        maps = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        scores = F.relu(F.conv2d(maps, w2, b2, padding=1)).flatten(2).max(dim=2).values
        return F.cross_entropy(scores, y)

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


def test_training_steps_per_second_against_pytorch():
    data = ShapeSet.generate(300, seed=0, sizes=(SIZE, SIZE))
    trainer = Trainer(seed=0, data=data, batch=BATCH)
    ours = best_rate(trainer.step)
    print(f"\ntuiconv (numpy, float64): {ours:7.0f} training steps/s at batch {BATCH} on {SIZE}×{SIZE}")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed: no baseline this run (pip install torch to compare)")
        return
    for dtype in ("float64", "float32"):
        run_steps, loss_of, torch = torch_trainer(data, dtype)
        if dtype == "float64":
            # The same network: PyTorch's loss on a batch equals ours before any training.
            images, labels = data.groups[SIZE]
            fresh = Trainer(seed=0, data=data)
            from tuiconv.engine import backprop
            from tuiconv.engine.network import CONV1_PADDING, CONV2_PADDING

            net = fresh.network()
            ours_loss = backprop.loss_and_gradients(
                net.w1, net.b1, net.w2, net.b2, images[:BATCH], labels[:BATCH], CONV1_PADDING, CONV2_PADDING
            )[0]
            with torch.no_grad():
                theirs = float(loss_of(torch.tensor(images[:BATCH]).unsqueeze(1), torch.tensor(labels[:BATCH])))
            assert abs(ours_loss - theirs) < 1e-9
        rate = best_rate(run_steps)
        print(
            f"PyTorch {torch.__version__} ({dtype}, 1 thread): {rate:7.0f} steps/s   "
            f"tuiconv / PyTorch = {ours / rate:.2f}×  (goal ≥ 2×)"
        )
    assert np.isfinite(ours)
