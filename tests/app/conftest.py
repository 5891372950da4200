"""What the app tests share: running a Pilot test, building each screen's app, reading what a
learner sees, and driving the lesson screen. Import the helpers from here."""

from __future__ import annotations

import asyncio
import functools


from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.lesson import LessonScreen
from tuiconv.app.screens.network import NetworkScreen, NetworkView
from tuiconv.app.screens.stepper import StepperScreen, StepperView
from tuiconv.course.library import load_course
from tuiconv.course.progress import ProgressStore
from tuiconv.explore.network import NetworkSession
from tuiconv.explore.stepper import StepperSession

from tests.app.screen_reading import assert_shows, cells_shown, message_of, output_cells, screen_text  # noqa: F401  (shared from here)

COURSE = load_course()


def pilot_test(test):
    """Run an async Pilot test without an asyncio plugin for pytest."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def run(coroutine):
    return asyncio.run(coroutine)


async def settle(pilot, times: int = 3) -> None:
    for _ in range(times):
        await pilot.pause()


# ---------------------------------------------------------------- the stepper

SIZES = [(80, 24), (120, 40)]  # the smallest terminal a learner has, and a roomier one


def app_for(session: StepperSession) -> TuiconvApp:
    return TuiconvApp(lambda: StepperScreen(session))


def view_of(app) -> StepperView:
    return app.screen.query_one(StepperView)


def kernel_keys(name: str) -> list[str]:
    """f, home (the picker opens on the kernel shown now), then down to ``name`` (layer-1
    kernels first), then enter."""
    from tuiconv.engine import kernels

    order = list(kernels.LAYER1) + list(kernels.LAYER2)
    return ["f", "home", *["down"] * order.index(name), "enter"]


# ---------------------------------------------------------------- the network screen

TAB_TO = {"conv1:0": 1, "pool:0": 5, "conv2:0": 9, "conv2:1": 10}  # tabs from the input to each map


def make_app(spec="rectangle", weights=None):
    """The screen with the input map selected at (0, 0), where the key sequences start."""
    session = NetworkSession.open(spec, weights=weights)
    session.select("input", (0, 0))
    return TuiconvApp(first_screen=lambda: NetworkScreen(session)), session


def view(app) -> NetworkView:
    return app.screen.query_one(NetworkView)


# ---------------------------------------------------------------- the lesson screen


def status(screen: LessonScreen) -> str:
    return str(screen.query_one("#lesson-status").render())


def open_lesson(lesson_id: str, step: int | None = None) -> TuiconvApp:
    lesson = COURSE.find(lesson_id)
    return TuiconvApp(first_screen=lambda: LessonScreen(COURSE, lesson, ProgressStore(COURSE.key), step))
