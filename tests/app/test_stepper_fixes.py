"""What a QA pass found in the stepper, as a learner meets it: each test fails without its fix."""

import asyncio
import functools

import numpy as np
import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperScreen, StepperView
from tuiconv.app.stepper_session import StepperSession


def pilot_test(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def screen_text(app: TuiconvApp) -> str:
    """Every character on the terminal, one line per row, as the learner sees it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def app_for(session: StepperSession) -> TuiconvApp:
    return TuiconvApp(lambda: StepperScreen(session))


def view_of(app) -> StepperView:
    return app.screen.query_one(StepperView)


SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "keys, typed",
    [
        (("e", "enter", "ctrl+u"), "-0.75"),  # a kernel weight
        (("e", "b", "ctrl+u"), "2.5"),  # the bias
        (("i", "tab"), "shapes/my-shape.txt"),  # a shape file path
    ],
)
@pilot_test
async def test_what_is_typed_into_a_box_is_on_the_screen(size, keys, typed):
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys, *typed)
        await pilot.pause()
        assert typed in screen_text(app)
