"""No lesson shows a question's answer before the learner gives it, and every one shows it after.

Each test opens the step at 80×24 as a learner would, tries the way round the question the
issue found (moving the window onto the predicted cell, pressing z before saying what z does),
reads the terminal, then answers and reads it again.
"""

from __future__ import annotations

from tests.app.conftest import COURSE, open_lesson, output_cells, pilot_test, screen_text, settle, status
from tuiconv.app.screens.lesson import LessonScreen


async def _open(pilot, app) -> LessonScreen:
    await settle(pilot)
    await pilot.press("enter")  # the story card
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LessonScreen)
    return screen


async def _answer(pilot, screen: LessonScreen, text: str) -> None:
    screen.query_one("#lesson-answer").focus()
    await pilot.press(*text, "enter")
    await settle(pilot)
    assert status(screen).startswith("✓"), status(screen)


def _sum_line(screen) -> str:
    return str(screen.query_one("#arith-sum").render()) if screen.query_one("#stepper-arithmetic").display else ""


@pilot_test
async def test_moving_the_window_onto_the_predicted_cell_does_not_give_the_sum_away():
    app = open_lesson("one-dot-product", step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        view = screen.view
        right = float(view.session.output[0, 1])  # the engine's value the learner must predict
        assert right == 6
        assert "= −3" in _sum_line(screen)  # at (0, 0) the panel shows that cell's own sum
        screen.focus_view()
        await pilot.press("right")
        await settle(pilot)
        assert tuple(view.session.position) == (0, 1)
        assert not screen.query_one("#stepper-arithmetic").display  # the sum at (0, 1) is covered
        assert "6" not in [c for row in output_cells(view) for c in row]  # and so is its feature-map cell
        await pilot.press("right")  # past it: the feature map has filled (0, 1) in
        await settle(pilot)
        assert tuple(view.session.position) == (0, 2)
        assert "6" not in [c for row in output_cells(view) for c in row]
        assert "= −3" in _sum_line(screen)  # (0, 2)'s own sum is no secret
        await pilot.press("m")  # pooling shows the whole feature map at once
        await settle(pilot)
        assert view.session.pool is not None
        assert "6" not in [c for row in output_cells(view) for c in row]
        await pilot.press("m", "m", "left")  # pooling off again, back onto the cell
        await settle(pilot)
        assert view.session.pool is None and tuple(view.session.position) == (0, 1)
        await pilot.press("left")
        await settle(pilot)
        assert "= −3" in _sum_line(screen)  # away from it, the panel is back
        await _answer(pilot, screen, "6")
        await pilot.press("right")
        await settle(pilot)
        assert "= 6" in _sum_line(screen)  # answered: nothing is covered any more


@pilot_test
async def test_layer_2_prediction_is_covered_on_its_cell_too():
    app = open_lesson("layer-2-reads-every-channel", step=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        view = screen.view
        right = float(view.session.output[1, 1])
        screen.focus_view()
        await pilot.press("down", "right")
        await settle(pilot)
        assert tuple(view.session.position) == (1, 1)
        assert not screen.query_one("#stepper-arithmetic").display
        await _answer(pilot, screen, f"{right:g}")
        assert screen.query_one("#stepper-arithmetic").display


@pilot_test
async def test_padding_question_is_not_printed_on_the_grid():
    """Lesson 5 step 3 asks for a value the screen does not show (an edge cell's output)."""
    app = open_lesson("padding", step=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        check = screen.step.check
        assert check.kind == "predict"
        at = tuple(check.params["at"])
        assert tuple(screen.view.session.position) != at  # the window does not start on it
        value = float(screen.view.session.output[at])
        assert value == 6  # window on padding, input column 0 (bright) and column 1, vertical kernel: 3 × 2
        await _answer(pilot, screen, "6")


@pilot_test
async def test_z_before_answering_shows_neither_the_size_nor_the_formula():
    app = open_lesson("padding", step=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        screen.focus_view()
        await pilot.press("z")
        await settle(pilot)
        assert screen.view.session.padding == 2
        text = screen_text(app)
        assert "feature map 7×7" not in text and "= 7" not in text
        assert "feature map ?×?" in text
        await _answer(pilot, screen, "7")
        text = screen_text(app)
        assert "feature map 7×7" in text and "= 7" in text


@pilot_test
async def test_pooled_size_answer_keeps_the_pooled_values_for_the_next_question():
    app = open_lesson("pooling", step=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        await _answer(pilot, screen, "4")
        view = screen.view
        assert view.pooled_grid.display and view.pooled_grid.concealed  # step 3 asks for a pooled value
        assert "pooled cell" not in screen_text(app)
        await screen.open_step(3)
        await settle(pilot)
        right = float(view.session.pooled[1, 0])
        await pilot.press("enter")
        await settle(pilot)
        await _answer(pilot, screen, f"{right:g}")
        assert not view.pooled_grid.concealed and "pooled cell" in screen_text(app)


def test_choice_answers_are_not_in_the_story():
    """Lesson 8 step 4 and lesson 11 step 5: the narrative does not state the right option."""
    for lesson_id, number in (("many-filters-make-depth", 4), ("layer-2-reads-every-channel", 5)):
        step = COURSE.find(lesson_id).steps[number - 1]
        answer = step.check.params["answer"].lower()
        narrative = " ".join(step.narrative.lower().split())
        words = answer.split()
        # No run of four words of the answer appears in the story.
        runs = {" ".join(words[k : k + 4]) for k in range(len(words) - 3)} or {answer}
        assert not any(run in narrative for run in runs), (lesson_id, number, step.narrative)


@pilot_test
async def test_receptive_field_tint_waits_for_the_answer():
    """Lesson 13 step 2: the input's tint (and its rulers) would show the pooled cell's field."""
    app = open_lesson("the-receptive-field", step=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        view = screen.view
        screen.focus_view()
        await pilot.press(*["tab"] * 4)  # from conv1:0 on to pool:0, the cell the question is about
        await settle(pilot)
        assert view.session.layer == "pool"
        top, left, bottom, right = view.session.receptive_field()
        assert (bottom - top + 1, right - left + 1) == (4, 4)  # what the learner must work out
        assert not view.grids["input"].window
        assert "▔" not in screen_text(app)
        await _answer(pilot, screen, "4")
        await settle(pilot)
        assert len(view.grids["input"].window) == 16
        assert "▔" * 4 in screen_text(app)


@pilot_test
async def test_pooling_before_a_size_answer_does_not_fill_the_map_in():
    """Lesson 3 step 1 asks how wide the feature map is; m would pool it, which fills every cell."""
    app = open_lesson("sliding-makes-a-feature-map", step=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        view = screen.view
        screen.focus_view()
        await pilot.press("m")
        await settle(pilot)
        assert view.session.pool is None
        assert "Pooling (m) waits until you answer" in status(screen)
        assert sum(text not in ("", "·") for row in output_cells(view) for text in row) == 1  # the window's own cell
        await _answer(pilot, screen, "4")
        screen.focus_view()
        await pilot.press("m")
        await settle(pilot)
        assert view.session.pool == "max"
        assert sum(text not in ("", "·") for row in output_cells(view) for text in row) == 16  # 4×4, all shown
