"""Escape (or q) never throws away what a learner made, or leaves a lesson, without asking."""

from __future__ import annotations

from tests.app.conftest import app_for, open_lesson, pilot_test, settle, view_of
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.confirm import Confirm
from tuiconv.app.screens.lesson import LessonScreen
from tuiconv.app.screens.train import TrainScreen
from tuiconv.explore.stepper import StepperSession


@pilot_test
async def test_escape_from_a_drawing_asks_before_quitting_and_no_keeps_the_drawing():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n", "space", "escape")  # draw one cell, back to the feature map
        await settle(pilot)
        drawn = view_of(app).state().input.copy()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == "Quit tuiconv? Your drawing will be lost."
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running and (view_of(app).state().input == drawn).all()
        await pilot.press("q")  # q asks too
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
    assert not app.is_running


@pilot_test
async def test_a_fresh_stepper_quits_at_once():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space", "escape")  # stepping is not work to lose
        await settle(pilot)
    assert not app.is_running


@pilot_test
async def test_an_edited_kernel_and_bias_are_named_in_the_question():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("e", "plus", "escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm) and app.screen.question == "Quit tuiconv? Your kernel edits will be lost."


@pilot_test
async def test_quitting_training_asks_once_it_has_trained_unsaved_weights():
    app = TuiconvApp(first_screen=lambda: TrainScreen(autoplay=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, Confirm) and app.screen.question == "Quit tuiconv? The weights trained so far (2 steps) will be lost."
        await pilot.press("escape")  # escape answers no
        await settle(pilot)
        assert isinstance(app.screen, TrainScreen)


@pilot_test
async def test_escape_on_a_task_step_asks_before_leaving_the_lesson():
    app = open_lesson("edge-detectors")  # step 1 is a task: the keys are on the stepper
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm) and "Edge detectors" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.number == 1
