"""A learner walks through a lesson of each screen with the keyboard alone, and finishes it.

Each step is done the way its ``solution`` says, by pressing the keys a learner would: typing
an answer, pressing z/s/d/u/m for padding, stride, dilation, ReLU and pooling, choosing a
kernel from the picker, moving the window with the arrows, editing weights with + and −,
switching shapes with n and maps with tab, training with e. After each step the lesson must say it is done.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from tests.app.conftest import COURSE, settle
from tuiconv.app.app import TuiconvApp
from tuiconv.app.widgets.inline_text import inline_markdown
from tuiconv.app.screens.lesson import LessonScreen, StoryCard
from tuiconv.course.progress import ProgressStore

from tuiconv.engine import kernels



async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
    await settle(pilot)


async def do_stepper(pilot, screen: LessonScreen, step) -> None:
    view = screen.view
    state = view.state()
    solution = step.solution
    for key, up, down in (("padding", "z", "Z"), ("stride", "s", "S"), ("dilation", "d", "D")):
        if key in solution:
            delta = solution[key] - getattr(state, key)
            await press(pilot, *([up] * delta if delta > 0 else [down] * -delta))
    if solution.get("relu") and not state.relu:
        await press(pilot, "u")
    if solution.get("pool") == "max":
        await press(pilot, "m")
    if isinstance(solution.get("kernel"), str):
        names = [*kernels.LAYER1, *kernels.LAYER2]
        await press(pilot, "f")  # the picker opens on the kernel shown now: home goes to the first
        await press(pilot, "home", *(["down"] * names.index(solution["kernel"])), "enter")
    elif isinstance(solution.get("kernel"), list):
        await edit_kernel(pilot, view, np.asarray(solution["kernel"], dtype=float))
    if "position" in solution:
        screen.focus_view()
        i, j = view.state().position
        ti, tj = solution["position"]
        keys = (["down"] * (ti - i) if ti > i else ["up"] * (i - ti)) + (["right"] * (tj - j) if tj > j else ["left"] * (j - tj))
        await press(pilot, *keys)
    if solution.get("filled") == "all":
        screen.focus_view()
        cells = view.state().output.size
        await press(pilot, *(["space"] * (cells - view.state().filled)))


async def edit_kernel(pilot, view, target: np.ndarray) -> None:
    """e focuses the kernel; arrows pick a weight, + and − change it by one, c the next channel."""
    await press(pilot, "e")
    channels = target.shape[0]
    for channel in range(channels):
        current = view.state().kernel[channel]
        row, col = view.kernel_grid.cursor or (0, 0)
        for r in range(target.shape[1]):
            for c in range(target.shape[2]):
                delta = int(round(target[channel, r, c] - current[r, c]))
                if not delta:
                    continue
                moves = (["down"] * (r - row) if r > row else ["up"] * (row - r)) + (["right"] * (c - col) if c > col else ["left"] * (col - c))
                await press(pilot, *moves, *(["plus"] * delta if delta > 0 else ["minus"] * -delta))
                row, col = r, c
        await press(pilot, "c")
    assert np.array_equal(view.state().kernel, target)


async def do_network(pilot, screen: LessonScreen, step) -> None:
    view = screen.view
    solution = step.solution
    if "input" in solution:
        for _ in range(6):
            if view.state().input_name == solution["input"]:
                break
            await press(pilot, "n")
    if "select" in solution:
        for _ in range(12):
            if view.state().selected_map == solution["select"]:
                break
            await press(pilot, "tab")
    if "position" in solution:
        i, j = view.state().selected_cell
        ti, tj = solution["position"]
        keys = (["down"] * (ti - i) if ti > i else ["up"] * (i - ti)) + (["right"] * (tj - j) if tj > j else ["left"] * (j - tj))
        await press(pilot, *keys)


async def do_train(pilot, screen: LessonScreen, step) -> None:
    """e trains the remaining steps at once; the held-out accuracy is measured at the end."""
    await press(pilot, "e")
    for _ in range(200):
        if screen.view.state().train_step >= step.scene.steps and screen.done:
            break
        await asyncio.sleep(0.05)
        await pilot.pause()


async def walk(lesson) -> list[str]:
    store = ProgressStore(COURSE.key)
    app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, lesson, store))
    said = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 3)
        screen = app.screen_stack[0]
        assert isinstance(screen, LessonScreen)
        for step in lesson.steps:
            assert isinstance(app.screen, StoryCard), f"step {step.number} opens with its story"
            await press(pilot, "enter")
            assert screen.number == step.number
            assert not screen.done, f"step {step.number} is not done before the learner acts"
            if step.check.is_question:
                await pilot.press(*str(step.solution["answer"]))
                await press(pilot, "enter")
            elif step.scene.screen == "stepper":
                await do_stepper(pilot, screen, step)
            elif step.scene.screen == "train":
                await do_train(pilot, screen, step)
            else:
                await do_network(pilot, screen, step)
            await settle(pilot)
            status = str(screen.query_one("#lesson-status").render())
            said.append(status)
            assert screen.done, f"{lesson.id} step {step.number}: not done; the lesson says {status!r}"
            assert status.startswith("✓ " + inline_markdown(step.success).plain), status
            await press(pilot, "greater_than_sign")
        await settle(pilot)
    return said


# Every lesson is played on its screens' sessions (tests/unit/test_lessons_on_sessions.py); here
# one lesson per screen kind, with the keys: the stepper's kernel picker and moves, its kernel
# editor, the network's maps and cursor, training to the end.
# design-a-detector is played on the sessions (tests/unit/test_lessons_on_sessions.py): its
# keyboard walk alone took 19 s of the suite.
KEYBOARD_WALKS = ["edge-detectors", "the-receptive-field", "training-from-random-weights"]


@pytest.mark.parametrize("lesson", [COURSE.find(name) for name in KEYBOARD_WALKS], ids=KEYBOARD_WALKS)
def test_a_learner_completes_the_lesson_with_the_keyboard(lesson):
    said = asyncio.run(walk(lesson))
    assert len(said) == len(lesson.steps)
    assert said[-1].endswith("> next lesson") or said[-1].endswith("q back to the menu")
    assert "Lesson complete!" in said[-1]
    progress = ProgressStore(COURSE.key).lesson(lesson.id, len(lesson.steps))
    assert progress.completed and progress.completed_steps == set(range(1, len(lesson.steps) + 1))
