"""A course with a broken lesson: the menu opens the good ones and lists the broken one, with
its reason, as an option that cannot be opened."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList

from tests.hostile.test_corpus import LESSON
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.menu import MenuScreen
from tuiconv.course.library import load_course
from tuiconv.course.progress import ProgressStore


def test_the_menu_lists_a_broken_lesson_with_its_reason_and_keeps_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    course_dir = tmp_path / "course"
    course_dir.mkdir()
    (course_dir / "01-good.toml").write_text(LESSON)
    (course_dir / "02-bidi.toml").write_text(LESSON.replace("Look.", "Look \u202e.").replace('"tiny"', '"two"'))
    course = load_course(course_dir)

    async def go():
        app = TuiconvApp(first_screen=lambda: MenuScreen(course, ProgressStore(course.key)))
        async with app.run_test(size=(100, 24)) as pilot:
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert labels[0].startswith("·  1  A tiny lesson")
            assert "02-bidi.toml: cannot open (U+202E RIGHT-TO-LEFT OVERRIDE (column 19): lesson text may not hold control or invisible characters, line 6)" in labels[1]
            assert options.get_option_at_index(1).disabled
            await pilot.press("down", "enter")  # the broken one cannot be chosen: the good one opens
            await pilot.pause()
            assert any(getattr(screen, "lesson", None) is course.lessons[0] for screen in app.screen_stack)

    asyncio.run(go())
