"""The menu and the runner as a learner drives them: marks, resume, back and next, hints, answers."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, OptionList

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.lesson import KEYS_WORDS, LessonScreen, StoryCard
from tuiconv.app.screens.menu import MenuScreen
from tuiconv.course.progress import ProgressStore

from tests.app.conftest import COURSE, open_lesson, pilot_test, run, settle, status


def test_the_menu_marks_done_lessons_and_opens_the_first_unfinished_one():
    store = ProgressStore(COURSE.key)
    first = COURSE.lessons[0]
    for step in range(1, len(first.steps) + 1):
        store.complete_step(first.id, step, len(first.steps))
    store.save()

    async def go():
        app = TuiconvApp(first_screen=lambda: MenuScreen(COURSE, ProgressStore(COURSE.key)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            menu = app.screen
            options = menu.query_one(OptionList)
            labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert labels[0].startswith("✓  1  Pixels are numbers") and labels[0].endswith("3/3")
            assert labels[1].startswith("·  2  One dot product")
            assert options.highlighted == 1
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, StoryCard)
            lesson = app.screen_stack[-2]
            assert isinstance(lesson, LessonScreen) and lesson.lesson.id == "one-dot-product"
            await pilot.press("enter")  # close the story
            await pilot.press("6", "enter")  # step 1: predict 6
            await settle(pilot)
            assert status(lesson).startswith("✓ ")
            await pilot.press("q")  # back to the menu
            await settle(pilot)
            assert app.screen is menu
            label = str(options.get_option_at_index(1).prompt)
            assert label.startswith("▸  2  One dot product") and label.endswith("1/4")

    run(go())


def test_a_lesson_resumes_at_the_step_where_the_learner_left():
    store = ProgressStore(COURSE.key)
    relu = COURSE.find("relu")
    store.complete_step(relu.id, 1, 4)
    store.complete_step(relu.id, 2, 4)
    store.visit(relu.id, 3)
    store.save()

    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, relu, ProgressStore(COURSE.key)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            assert lesson.number == 3
            task = str(lesson.query_one("#lesson-task").render())
            assert task.startswith("3/4 ✓✓▸· What is the output at row 2, column 1 now?")

    run(go())


def test_back_shows_a_done_step_as_done_and_next_moves_on():
    async def go():
        store = ProgressStore(COURSE.key)
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[0], store))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "1", "enter")  # step 1: a rectangle
            await settle(pilot)
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert lesson.number == 2 and isinstance(app.screen, StoryCard)
            await pilot.press("enter", "escape", "less_than_sign")  # leave the answer box, go back
            await settle(pilot)
            assert lesson.number == 1 and not isinstance(app.screen, StoryCard)
            assert status(lesson) == "✓ done before. > next step"
            assert ProgressStore(COURSE.key).lesson(COURSE.lessons[0].id).current_step == 1

    run(go())


def test_hints_come_one_at_a_time_and_never_run_out_into_an_error():
    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[1], ProgressStore(COURSE.key)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            hints = lesson.step.hints
            await pilot.press("enter", "escape")
            shown = []
            for _ in range(len(hints) + 1):
                await pilot.press("H")
                await settle(pilot, 1)
                shown.append(status(lesson))
            assert shown[: len(hints)] == [f"hint {n}/{len(hints)}: {hint}" for n, hint in enumerate(hints, start=1)]
            assert shown[-1] == shown[-2]

    run(go())


def test_a_wrong_answer_is_cleared_and_nudged_and_the_right_one_passes():
    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[0], ProgressStore(COURSE.key), 2))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "2", "0", "enter")
            await settle(pilot)
            # 20 is 5 × 4, the whole rectangle (the old text described 18, corners counted twice)
            assert status(lesson) == "That is 5 × 4, every cell of the rectangle, the dark 0s inside too. Count only the 1s."
            assert lesson.query_one(Input).value == ""
            await pilot.press("1", "3", "enter")
            await settle(pilot)
            assert status(lesson) == "Not 13: look at the screen again and count once more (H for a hint)."  # no direction to halve on
            await pilot.press("1", "4", "enter")
            await settle(pilot)
            assert status(lesson).startswith("✓ 14 bright pixels")

    run(go())


def test_a_do_step_is_checked_on_every_change_of_the_view():
    async def go():
        padding = COURSE.find("padding")
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, padding, ProgressStore(COURSE.key), 2))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter")
            await settle(pilot)
            await settle(pilot, 10)  # the view's own Changed after the scene is set up comes too
            assert status(lesson) == KEYS_WORDS  # no "Not yet" before the learner has done anything
            await pilot.press("s")  # stride 2: the wrong way
            await settle(pilot)
            assert status(lesson) == "Not yet: output shape is 2×2."
            await pilot.press("S", "z")  # stride 1 again, padding 1
            await settle(pilot)
            assert status(lesson).startswith("✓ Padding 1 keeps")
            assert ProgressStore(COURSE.key).lesson("padding").completed_steps == {2}

    run(go())


def test_the_next_step_on_the_same_scene_goes_on_from_what_the_learner_did():
    async def go():
        training = COURSE.find("training-from-random-weights")
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, training, ProgressStore(COURSE.key), 2))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            await pilot.press("enter", "e")
            for _ in range(100):
                if lesson.done:
                    break
                await asyncio.sleep(0.05)
                await pilot.pause()
            assert lesson.done
            await pilot.press("greater_than_sign")
            await settle(pilot)
            assert lesson.number == 3
            assert lesson.view.state().train_step == 200  # still trained: step 3 asks about the result
            await pilot.press("enter", "escape", "less_than_sign", "less_than_sign")
            await settle(pilot)
            assert lesson.number == 1
            assert lesson.view.state().train_step == 0  # going back sets the step's scene up afresh

    run(go())


def test_the_command_palette_offers_the_lesson_and_its_view():
    async def go():
        app = TuiconvApp(first_screen=lambda: LessonScreen(COURSE, COURSE.lessons[2], ProgressStore(COURSE.key), 3))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lesson = app.screen_stack[0]
            titles = [command.title for command in lesson.palette_commands()]
            assert titles[:4] == ["Lesson: next step", "Lesson: previous step", "Lesson: hint", "Lesson: story"]
            assert any(title.startswith("Stepper: ") for title in titles)
            hint = next(c for c in lesson.palette_commands() if c.title == "Lesson: hint")
            await pilot.press("enter")
            hint.callback()
            await settle(pilot)
            assert status(lesson).startswith("hint 1/2: ")

    run(go())


@pilot_test
async def test_playing_through_the_strongest_cell_completes_only_once_stopped_there():
    """Lesson 3 step 3: p plays the window across the 6s; the step is done when p stops it on one."""
    app = open_lesson("sliding-makes-a-feature-map", step=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the story card
        await settle(pilot)
        screen = app.screen
        session = screen.view.session
        best = float(session.output.max())
        await pilot.press("p")
        for _ in range(200):  # half a second a step: (0, 2) is the first 6 in reading order
            await pilot.pause(0.02)
            if float(session.output[tuple(session.position)]) == best:
                break
        assert float(session.output[tuple(session.position)]) == best
        await pilot.pause()  # the step's Changed reaches the lesson
        assert not screen.done and "press p to stop" in status(screen)
        await pilot.press("p")
        await settle(pilot)
        assert float(session.output[tuple(session.position)]) == best  # stopped within the half second
        assert screen.done, status(screen)


@pilot_test
async def test_markdown_in_a_task_hint_and_feedback_is_shown_as_styles_not_marks(tmp_path):
    """A teacher's `code` and **bold** read as styled words in the story card, the task line and
    the status line, never as backticks and asterisks."""
    from tuiconv.course.library import load_course

    (tmp_path / "01-marks.toml").write_text(
        'id = "marks"\ntitle = "Marks"\nsummary = "s"\n\n[[steps]]\nnarrative = "Look."\n'
        'task = "Press `z` until the map is **5×5**."\nhints = ["`z` adds *one* ring."]\n\n'
        '[steps.scene]\nscreen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\n\n'
        '[steps.check]\nkind = "number"\nanswer = 1\nfeedback = { "2" = "Only **one** ring." }\n',
        encoding="utf-8",
    )
    course = load_course(tmp_path)
    lesson = course.lessons[0]
    app = TuiconvApp(first_screen=lambda: LessonScreen(course, lesson, ProgressStore(course.key), 1))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            if isinstance(app.screen, StoryCard):
                break
            await pilot.pause()
        card_task = app.screen.query_one("#story-task").render()
        assert str(card_task) == "▶ Press z until the map is 5×5."
        assert any("bold" in str(span.style) for span in card_task.spans)  # the marks became a style
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert "Press z until the map is 5×5." in str(screen.query_one("#lesson-task").render())
        screen.action_hint()
        await settle(pilot)
        assert status(screen) == "hint 1/1: z adds one ring."
        await pilot.press("2", "enter")
        await settle(pilot)
        assert status(screen) == "Only one ring."
