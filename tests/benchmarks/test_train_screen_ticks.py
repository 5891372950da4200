"""How long the training screen's timer ticks take while it trains: 4 → 2 against 32 → 32 over
four kinds, at 80×24, playing at 200 steps/s and rushing to the end (`e`).

Run with ``pytest tests/benchmarks/test_train_screen_ticks.py -s``. Prints figures; asserts
nothing about time. A tick should stay near TICK_BUDGET (train.py) whatever the network, so
that keys are answered within about a tick: the 32 → 32 net trains fewer steps a tick, not
longer ticks. The ratio of the two nets' median ticks is the figure to watch (near 1).
"""

import asyncio
import statistics
import time

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.train import TICK_BUDGET, TrainScreen, TrainView

FOUR = ("rectangle", "diamond", "cross", "triangle")
SECONDS = 3.0


async def ticks_of(filters, kinds) -> dict[str, tuple[float, float, float]]:
    """mode → (median tick, longest tick, steps a second)."""
    app = TuiconvApp(first_screen=lambda: TrainScreen(filters=filters, kinds=kinds, autoplay=False, steps=100_000))
    figures = {}
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one(TrainView)
        durations: list[float] = []
        tick = view._tick

        def timed_tick() -> None:
            start = time.perf_counter()
            tick()
            durations.append(time.perf_counter() - start)

        view._timer.stop()
        view._tick = timed_tick
        view._timer = view.set_interval(0.05, view._tick, pause=True)
        for mode, keys in (("200 steps/s", ["plus", "plus", "p"]), ("to the end", ["p", "e"])):
            durations.clear()
            before, start = view.session.trainer.steps_done, time.perf_counter()
            await pilot.press(*keys)
            await pilot.pause(SECONDS)
            rate = (view.session.trainer.steps_done - before) / (time.perf_counter() - start)
            figures[mode] = (statistics.median(durations), max(durations), rate)
    return figures


def test_a_tick_stays_within_its_budget_at_32_by_32():
    small = asyncio.run(ticks_of((4, 2), ("rectangle", "diamond")))
    large = asyncio.run(ticks_of((32, 32), FOUR))
    print(f"\ntick budget {TICK_BUDGET * 1000:.0f} ms (rushing: 40 ms)")
    for mode in small:
        for name, figures in (("4 → 2", small[mode]), ("32 → 32", large[mode])):
            median, longest, rate = figures
            print(f"{mode:12} {name:8} median tick {median * 1000:5.1f} ms, longest {longest * 1000:5.1f} ms, {rate:6.0f} steps/s")
        print(f"{mode:12} median tick 32 → 32 / 4 → 2: {large[mode][0] / small[mode][0]:.2f}")
