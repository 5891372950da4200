"""The lesson runner as the QA learner drove it: keys from the answer box, escape, skipped steps,
concealed answers revealed once answered, long hints read whole."""

from __future__ import annotations


from textual.widgets import OptionList

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.confirm import Confirm
from tuiconv.app.screens.lesson import LessonScreen, StoryCard
from tuiconv.app.screens.menu import MenuScreen
from tuiconv.course.progress import ProgressStore

from tests.app.conftest import COURSE, open_lesson, run, settle, status


def test_hint_story_and_steps_work_from_the_answer_box_without_typing_into_it():
    async def go():
        app = open_lesson("sliding-makes-a-feature-map")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter")  # close the story: the answer box has the keys
            await settle(pilot)
            answer = lesson.query_one("#lesson-answer")
            assert app.focused is answer
            await pilot.press("H")
            await settle(pilot, 1)
            assert answer.value == "" and status(lesson).startswith("hint 1/2: ")
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, StoryCard) and answer.value == ""
            await pilot.press("enter")
            await settle(pilot)
            # a size is typed with an x inside it: only a first key is taken as the lesson's
            await pilot.press("4", "x", "4")
            assert answer.value == "4x4"
            await pilot.press("enter")
            await settle(pilot)
            assert status(lesson).startswith("✓ 4: ")
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert lesson.number == 2

    run(go())


def test_greater_than_in_the_answer_box_moves_on_instead_of_typing():
    async def go():
        app = open_lesson("one-dot-product")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "greater_than_sign")
            await settle(pilot)
            assert lesson.number == 2 and lesson.query_one("#lesson-answer").value == ""

    run(go())


def test_a_long_hint_is_readable_whole_at_80_columns():
    async def go():
        app = open_lesson("sliding-makes-a-feature-map")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "H")
            await settle(pilot)
            hint = lesson.step.hints[0]
            shown = lesson.query_one("#lesson-status")
            lines = shown.render_lines(shown.region.reset_offset)
            words = " ".join("".join(segment.text for segment in line).strip() for line in lines)
            assert words.split() == f"hint 1/2: {hint}".split()  # every word on screen, none cut off

    run(go())


def test_escape_from_a_lesson_goes_to_the_menu_on_that_lesson_and_escape_there_does_not_quit():
    async def go():
        app = open_lesson("padding")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter", "escape")  # story closed; answer box hands keys to the view
            await settle(pilot)
            assert isinstance(app.screen, LessonScreen)
            await pilot.press("escape")  # asks first: a stray escape loses nothing
            await settle(pilot)
            assert isinstance(app.screen, Confirm) and "Your progress is saved" in app.screen.question
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, MenuScreen)
            options = app.screen.query_one(OptionList)
            assert options.highlighted == COURSE.lessons.index(COURSE.find("padding"))
            await pilot.press("escape", "escape")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, MenuScreen)

    run(go())


def test_leaving_a_lesson_with_q_keeps_the_menu_cursor_on_it():
    async def go():
        app = TuiconvApp(first_screen=lambda: MenuScreen(COURSE, ProgressStore(COURSE.key)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("down", "down", "down", "enter")
            await settle(pilot)
            await pilot.press("enter", "q")  # the story, then back to the menu
            await settle(pilot)
            assert isinstance(app.screen, MenuScreen)
            assert app.screen.query_one(OptionList).highlighted == 3

    run(go())


def test_a_skipped_step_is_where_the_lesson_resumes_and_finishing_it_completes_the_lesson():
    dot = COURSE.find("one-dot-product")
    store = ProgressStore(COURSE.key)
    for step in (2, 3, 4):
        store.complete_step(dot.id, step, 4)
    store.visit(dot.id, 4)
    store.save()

    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, dot, ProgressStore(COURSE.key), 4))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            assert lesson.number == 4 and status(lesson) == "✓ done before. > step 1, still to do"
            await pilot.press("enter", "greater_than_sign")  # the last step is done: > goes to step 1
            await settle(pilot)
            assert lesson.number == 1
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, dot, ProgressStore(COURSE.key)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            assert lesson.number == 1  # reopening returns to the unfinished step
            # step 1: a vertical line under the kernel's middle column of 2s: 2 + 2 + 2 = 6
            await pilot.press("enter", "6", "enter")
            await settle(pilot)
            assert "Lesson complete!" in status(lesson)
            assert ProgressStore(COURSE.key).lesson(dot.id, len(dot.steps)).completed

    run(go())


class Recorder:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1


def test_a_concealed_answer_is_revealed_once_the_question_is_answered():
    async def go():
        app = open_lesson("sliding-makes-a-feature-map")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            assert lesson.step.scene.conceal  # the size question keeps the size covered
            view = lesson.view
            reveal = Recorder()
            view.reveal = reveal
            await pilot.press("enter", "5", "enter")
            await settle(pilot)
            assert reveal.calls == 0  # a wrong answer reveals nothing
            await pilot.press("4", "enter")
            await settle(pilot)
            assert reveal.calls == 1

    run(go())


def test_a_done_question_reopens_with_nothing_concealed():
    sliding = COURSE.find("sliding-makes-a-feature-map")
    store = ProgressStore(COURSE.key)
    store.complete_step(sliding.id, 1, len(sliding.steps))
    store.save()

    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, sliding, ProgressStore(COURSE.key), 2))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            applied = []
            original = lesson.view.apply_scene
            lesson.view.apply_scene = lambda scene: (applied.append(scene), original(scene))
            await pilot.press("enter", "less_than_sign")
            await settle(pilot)
            assert lesson.number == 1 and applied and applied[-1].conceal == ()

    run(go())


def test_a_hint_key_after_digits_still_asks_for_a_hint_in_a_number_question():
    async def go():
        app = open_lesson("one-dot-product")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "1", "H")
            await settle(pilot, 1)
            assert lesson.query_one("#lesson-answer").value == "1"
            assert status(lesson).startswith("hint 1/")

    run(go())


def test_a_in_a_number_question_is_the_answer_key_not_a_letter_in_the_box():
    async def go():
        app = open_lesson("one-dot-product")  # step 1 asks for a number (a prediction)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            lesson = app.screen_stack[0]
            answer = lesson.query_one("#lesson-answer")
            await pilot.press("escape", "a")  # the keys to the view, then "type an answer"
            await settle(pilot)
            assert app.focused is answer and answer.value == ""
            await pilot.press("a", "1", "a", "8")  # already in the box: a is no digit either
            assert answer.value == "18"

    run(go())
