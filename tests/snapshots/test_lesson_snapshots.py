"""What a learner sees: the menu, a step's story card, and the first step of every lesson at 80×24."""

from __future__ import annotations

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.lesson import LessonScreen
from tuiconv.app.screens.menu import MenuScreen
from tuiconv.course.library import load_course
from tuiconv.course.progress import ProgressStore

COURSE = load_course()


@pytest.fixture(autouse=True)
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))


def lesson_app(index: int) -> TuiconvApp:
    store = ProgressStore(COURSE.key)
    return TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[index], store))


async def no_blinking(pilot) -> None:
    from textual.widgets import Input

    from tuiconv.app.screens.lesson import StoryCard

    # A busy machine (tests run in parallel) is slow to open a step: wait for its story card,
    # which every first step opens with, rather than for a fixed time.
    for _ in range(200):
        if isinstance(pilot.app.screen, StoryCard) or not isinstance(pilot.app.screen_stack[0], LessonScreen):
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False


@pytest.mark.parametrize("index", range(len(COURSE.lessons)), ids=[lesson.id for lesson in COURSE.lessons])
def test_first_step_of_every_lesson(snap_compare, index):
    """After the story card: the task on top, the answer box or the nudge, and the live view."""
    assert snap_compare(lesson_app(index), terminal_size=(80, 24), press=["wait:200", "enter", "wait:200"], run_before=no_blinking)


def test_story_card(snap_compare):
    """Each step opens with its narrative and task over the view it is about."""
    assert snap_compare(lesson_app(1), terminal_size=(80, 24), press=["wait:200"], run_before=no_blinking)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_menu_with_progress(snap_compare, size):
    """Done lessons are ticked, the one in progress marked, and the next one highlighted."""
    store = ProgressStore(COURSE.key)
    first = COURSE.lessons[0]
    for step in range(1, len(first.steps) + 1):
        store.complete_step(first.id, step, len(first.steps))
    store.complete_step(COURSE.lessons[1].id, 1, len(COURSE.lessons[1].steps))
    store.visit(COURSE.lessons[1].id, 2)
    app = TuiconvApp(first_screen=lambda: MenuScreen(COURSE, store))
    assert snap_compare(app, terminal_size=size, press=["wait:100"])


def test_a_wrong_answer_gets_the_lessons_nudge(snap_compare):
    """18 bright pixels (corners counted twice) gets the lesson's own nudge, not the answer."""
    app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[0], ProgressStore(COURSE.key), 2))
    press = ["wait:200", "enter", "wait:100", "1", "8", "enter", "wait:100"]
    assert snap_compare(app, terminal_size=(80, 24), press=press, run_before=no_blinking)


def test_a_hint_on_demand(snap_compare):
    """escape leaves the answer box; H shows the first hint of the step."""
    press = ["wait:200", "enter", "wait:100", "escape", "H", "wait:100"]
    assert snap_compare(lesson_app(1), terminal_size=(80, 24), press=press, run_before=no_blinking)


def test_a_larger_terminal_gives_the_view_more_room(snap_compare):
    """At 120×40 the view has room for all its panels; the story is still on its card (x)."""
    assert snap_compare(lesson_app(10), terminal_size=(120, 40), press=["wait:200", "enter", "wait:200"], run_before=no_blinking)


def test_a_wide_terminal_keeps_the_story_beside_the_view(snap_compare):
    """From 124 columns the narrative stays beside the view, so no card covers it."""
    assert snap_compare(lesson_app(2), terminal_size=(132, 40), press=["wait:300"], run_before=no_blinking)
