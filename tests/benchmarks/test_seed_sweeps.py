"""It learns four kinds: at least 19 of 20 seeds reach 95 % held-out accuracy on rectangles,
diamonds, crosses and triangles, with the default settings (8 → 8 filters, 800 steps) and at
``--filters 32,32``. Too slow for CI (minutes); tests/unit/test_train.py runs one seed of each.

Run with ``pytest tests/benchmarks/test_seed_sweeps.py -s``; prints the seed counts.
"""

import time

import pytest

from tuiconv.engine.train import default_filters, default_steps, evaluate, held_out_set, train

FOUR = ("rectangle", "diamond", "cross", "triangle")
SEEDS, GOAL = 20, 0.95


@pytest.mark.parametrize("filters", [None, (32, 32)], ids=["default", "32x32"])
def test_at_least_19_of_20_seeds_reach_95_percent_on_four_kinds(filters):
    held = held_out_set(kinds=FOUR)
    start = time.perf_counter()
    accuracies = [evaluate(train(seed=seed, kinds=FOUR, filters=filters).network(), held) for seed in range(SEEDS)]
    reached = sum(a >= GOAL for a in accuracies)
    k1, k2 = filters or default_filters(FOUR)
    print(
        f"\n{k1} → {k2} filters, {default_steps(FOUR)} steps, 4 kinds: {reached} of {SEEDS} seeds reach "
        f"{GOAL:.0%} on {len(held)} held-out shapes (worst {min(accuracies):.1%}, "
        f"median {sorted(accuracies)[SEEDS // 2]:.1%}; {time.perf_counter() - start:.0f} s)"
    )
    print("  " + " ".join(f"{a:.3f}" for a in accuracies))
    assert reached >= 19, accuracies
