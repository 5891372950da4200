"""What a unit wants: seconds for one unit's preferred input (activation maximisation) and its
top patches at 16×16, on the hand-designed net and on a 32 → 32 net over four kinds, and for
what `w` on the network screen computes in its worker thread (both, ``WantsSession.compute``),
for a unit of each layer.

Run with ``pytest tests/benchmarks/test_wants_speed.py -s``. Goal: at most 0.3 s for one unit
(the network screen computes it off the UI thread, but a learner waits for it). Prints the
figures; asserts nothing about time.
"""

import time

from tuiconv.engine.network import Network
from tuiconv.engine.wants import parse_unit, preferred_input, top_patches
from tuiconv.explore.wants import WantsSession

FOUR = ("rectangle", "diamond", "cross", "triangle")


def best_of(work, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def test_seconds_for_one_units_preferred_input_and_top_patches():
    nets = {"hand-designed 4 → 2": Network.hand_designed(), "random 32 → 32, 4 kinds": Network.random(0, filters=(32, 32), kinds=FOUR)}
    print()
    for label, net in nets.items():
        for name in ("layer1:0", "layer2:1", net.kinds[0]):
            unit = parse_unit(name, net)
            ascent = best_of(lambda: preferred_input(net, unit, size=16))
            patches = best_of(lambda: top_patches(net, unit, size=16))
            print(f"{label:>24}  {name:<10} preferred input {ascent:.3f} s   top 9 patches {patches:.3f} s   (goal ≤ 0.3 s)")


def test_seconds_for_what_the_network_screens_w_computes():
    nets = {"hand-designed 4 → 2": Network.hand_designed(), "random 32 → 32, 4 kinds": Network.random(0, filters=(32, 32), kinds=FOUR)}
    print()
    for label, net in nets.items():
        for name in ("layer1:0", "layer2:1"):
            screen = best_of(lambda: WantsSession(net, name, 16).compute())
            print(f"{label:>24}  {name:<10} w screen's worker {screen:.3f} s   ({screen / 0.3:.0%} of the 0.3 s goal)")
