"""What the lesson-runner tests share: the built-in course, a private progress directory, and
small ways to drive and read the lesson screen."""

from __future__ import annotations

import asyncio

import pytest

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.lesson import LessonScreen
from tuiconv.course.library import load_course
from tuiconv.course.progress import ProgressStore

COURSE = load_course()


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """Every test keeps its progress in its own directory, never the developer's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))


def run(coroutine):
    return asyncio.run(coroutine)


async def settle(pilot, times: int = 3) -> None:
    for _ in range(times):
        await pilot.pause()


def status(screen: LessonScreen) -> str:
    return str(screen.query_one("#lesson-status").render())


def open_lesson(lesson_id: str, step: int | None = None) -> TuiconvApp:
    lesson = COURSE.find(lesson_id)
    return TuiconvApp(first_screen=lambda: LessonScreen(COURSE, lesson, ProgressStore(COURSE.key), step))
