"""The size notice: on top while the terminal is too small, always with its current size, gone by itself."""

from __future__ import annotations

from tests.app.conftest import COURSE, app_for, pilot_test, settle
from tuiconv.app.app import TooSmallScreen, TuiconvApp
from tuiconv.app.screens.help import HelpScreen
from tuiconv.app.screens.lesson import LessonScreen, StoryCard
from tuiconv.course.progress import ProgressStore
from tuiconv.explore.stepper import StepperSession


def notice(app) -> str | None:
    top = app.screen
    return str(top.query_one("#too-small").render()) if isinstance(top, TooSmallScreen) else None


@pilot_test
async def test_the_notice_follows_the_size_and_goes_away_by_itself_even_after_help():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert notice(app) is None
        await pilot.resize_terminal(50, 15)
        await settle(pilot)
        assert notice(app) == "tuiconv needs 60×20; this terminal is 50×15 (q quits)"
        await pilot.press("question_mark")  # help does not open over the notice
        await settle(pilot)
        assert notice(app) is not None and not any(isinstance(s, HelpScreen) for s in app.screen_stack)
        await pilot.resize_terminal(55, 18)
        await settle(pilot)
        assert notice(app) == "tuiconv needs 60×20; this terminal is 55×18 (q quits)"
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert notice(app) is None and app.is_running
        await pilot.press("escape")  # back on the stepper: escape leaves the app from there
        await settle(pilot)
        assert notice(app) is None


@pilot_test
async def test_a_screen_opened_while_too_small_goes_under_the_notice_and_is_there_afterwards():
    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(40, 12)
        await settle(pilot)
        assert notice(app) is not None
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)


@pilot_test
async def test_a_lessons_story_card_never_covers_the_notice():
    lesson = COURSE.lessons[0]
    app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, lesson, ProgressStore(COURSE.key)))
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot, 6)
        assert notice(app) == "tuiconv needs 60×20; this terminal is 50×15 (q quits)"
        await pilot.resize_terminal(80, 24)
        await settle(pilot, 6)
        assert isinstance(app.screen, StoryCard)  # the step's story, once there is room for it
        assert not any(isinstance(s, TooSmallScreen) for s in app.screen_stack)
