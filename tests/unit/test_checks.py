"""Checks judge what the learner did or typed, and a wrong answer gets a nudge, never the answer."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import conv_one
from tuiconv.course.checks import Check, evaluate, parse_number
from tuiconv.explore.scene import ViewState

LINE = np.array([[0, 0, 1, 0, 0]] * 5, dtype=float)  # a vertical line in column 2
VERTICAL = np.array([[-1, 2, -1]] * 3, dtype=float)


def stepper(x=LINE, w=VERTICAL, bias=0.0, stride=1, padding=0, position=(0, 0), relu=False, **more) -> ViewState:
    output = conv_one(x[None], w[None], bias, stride, padding)
    if relu:
        output = np.maximum(output, 0)
    return ViewState(
        screen="stepper", input=x[None], kernel=w[None], bias=bias, stride=stride, padding=padding,
        position=position, output=output, relu=relu, **more,
    )


def nudge(check: Check, state: ViewState, answer: str) -> str:
    outcome = evaluate(check, state, answer)
    assert not outcome.passed
    return outcome.message


# ---------------------------------------------------------------- answers


@pytest.mark.parametrize("text, value", [("3", 3), ("-1.5", -1.5), ("−2", -2), ("1/2", 0.5), (" 6 ", 6), ("2,5", 2.5), ("six", None), ("", None), ("1/0", None)])
def test_typed_numbers_are_read_as_a_learner_writes_them(text, value):
    assert parse_number(text) == value


def test_number_within_tolerance_passes_and_otherwise_nudges_without_a_direction():
    check = Check("number", {"answer": 14, "tolerance": 0})
    state = stepper()
    assert evaluate(check, state, "14").passed
    # "too high"/"too low" would let a learner halve their way to 14 without looking.
    assert nudge(check, state, "15") == "Not 15: look at the screen again and count once more (H for a hint)."
    assert nudge(check, state, "9") == "Not 9: look at the screen again and count once more (H for a hint)."
    for wrong in ("15", "9", "100", "0"):
        assert "high" not in nudge(check, state, wrong) and "low" not in nudge(check, state, wrong)
    assert nudge(check, state, "-14") == "Right size, wrong sign: check which products are negative."
    assert "Type a number" in nudge(check, state, "fourteen")


def test_the_lessons_own_feedback_wins_over_the_generic_nudge():
    check = Check("number", {"answer": 14, "feedback": {"18": "Did you count the corners twice?"}})
    assert nudge(check, stepper(), "18.0") == "Did you count the corners twice?"


def test_no_nudge_ever_contains_the_answer():
    check = Check("number", {"answer": 14})
    for wrong in ("15", "13", "-14", "0", "140", "x"):
        assert "14" not in nudge(check, stepper(), wrong).replace(wrong, "")


def test_predict_reads_the_value_shown_and_catches_a_forgotten_bias():
    state = stepper(bias=-2.0, position=(0, 0))
    right = conv_one(LINE[None], VERTICAL[None], -2.0)[1, 1]  # 6 − 2
    check = Check("predict", {"at": [1, 1]})
    assert right == 4
    assert evaluate(check, state, "4").passed
    assert nudge(check, state, "6") == "Almost: you left out the bias."
    assert nudge(check, state, "3") == "That is the sum of the window alone: multiply each cell by its weight first."


def test_predict_without_at_uses_the_window_position_and_knows_relu():
    state = stepper(position=(0, 0), relu=True)  # before ReLU the value here is −3
    check = Check("predict", {})
    assert evaluate(check, state, "0").passed
    assert nudge(check, state, "-3") == "That is the value before ReLU: what does ReLU do to it?"


def test_output_size_follows_the_engine_formula_and_recognises_the_usual_slips():
    x = np.zeros((8, 8))
    state = stepper(x=x)
    with_stride = Check("output-size", {"with": {"stride": 2}})  # (8 − 3)/2 + 1 = 3.5 → 3
    windows = len(range(0, 8 - 3 + 1, 2))  # count the window positions directly
    assert windows == 3
    assert evaluate(with_stride, state, "3").passed
    assert evaluate(with_stride, state, "3x3").passed
    assert evaluate(with_stride, state, "3 × 3").passed
    assert nudge(with_stride, state, "4") == "A window cannot hang off the edge: when the division is not whole, round down."
    assert nudge(with_stride, state, "3.5") == "Close, but a size is a whole number of windows: round down."
    assert nudge(with_stride, state, "6") == "That is the size with stride 1; with stride 2 the window jumps 2 cells."
    assert nudge(with_stride, state, "8") == "That is the size of the input: the kernel cannot hang over the edge, so fewer windows fit."
    assert nudge(with_stride, state, "3x5") == "Not 5: put this question's numbers into (W − F + 2P)/S + 1, or count the window's places."
    # Before padding, stride and dilation are met (lesson 3), the nudge names no formula with them.
    plain = Check("output-size", {})
    assert len(range(0, 8 - 3 + 1)) == 6
    assert nudge(plain, state, "9") == "Not 9: count the places the window fits, one cell at a time (H for a hint)."
    assert "(W − F + 2P)" in nudge(plain, stepper(x=x, padding=1), "9")


def test_output_size_with_padding_knows_the_size_before_padding():
    state = stepper(x=np.zeros((5, 5)))
    check = Check("output-size", {"with": {"padding": 2}})  # (5 − 3 + 4) + 1 = 7
    assert evaluate(check, state, "7").passed
    assert nudge(check, state, "3") == "That is the size before padding: count the border of zeros too."
    assert nudge(check, state, "6") == "Close: you counted the jumps between windows; count the first window too."
    assert nudge(check, state, "9") == "That is the padded input; how many windows fit in it?"
    # With padding 2 the map (7) is bigger than the input (5): "fewer windows fit" would be wrong.
    assert nudge(check, state, "5") == "That is the size of the input: count the windows over the padded input."


def test_output_size_of_the_pooled_map():
    state = stepper(x=np.zeros((8, 8)), padding=1, pool="max", pool_size=2)
    check = Check("output-size", {"of": "pooled"})
    assert evaluate(check, state, "4").passed
    assert nudge(check, state, "8") == "That is the size of the feature map before pooling."
    # Any other slip: the pool's own formula, not the convolution's with its padding.
    assert nudge(check, state, "9") == "Not 9: (W − F)/S + 1 again, with the feature map's width as W and the pool's size and stride as F and S."


def test_a_wrong_pooled_value_is_nudged_towards_the_block_not_a_dot_product():
    x = np.zeros((4, 4))
    x[1, 1] = 1.0
    state = stepper(x=x, w=np.ones((1, 1)), pool="max")
    state.pooled = np.array([[1.0, 0.0], [0.0, 0.0]])  # max of each 2×2 block of the 4×4 map
    check = Check("predict", {"of": "pooled", "at": [0, 0]})
    assert evaluate(check, state, "1").passed
    assert nudge(check, state, "7") == "Not 7: read the block's values in the feature map and keep the largest (H for a hint)."
    state.pool = "avg"
    state.pooled = np.array([[0.25, 0.0], [0.0, 0.0]])
    assert nudge(check, state, "7") == "Not 7: read the block's values in the feature map and take their average (H for a hint)."


def test_a_dilated_size_question_nudges_with_the_dilated_formula():
    state = stepper(x=np.zeros((7, 7)))
    check = Check("output-size", {"with": {"dilation": 2}})  # span 5: (7 − 5) + 1 = 3
    assert evaluate(check, state, "3").passed
    assert "(W + 2P − D(F − 1) − 1)/S + 1" in nudge(check, state, "9")


def test_choice_accepts_the_number_or_the_text_and_nudges_per_option():
    check = Check("choice", {"options": ["a rectangle", "a diamond"], "answer": "a rectangle", "feedback": {"a diamond": "Slanted?"}})
    assert evaluate(check, stepper(), "1").passed
    assert evaluate(check, stepper(), "A Rectangle").passed
    assert nudge(check, stepper(), "2") == "Slanted?"
    assert nudge(check, stepper(), "7") == "Pick one of the options (1–2)."


def test_text_ignores_case_and_spaces():
    check = Check("text", {"accept": ["vertical edge", "vertical"]})
    assert evaluate(check, stepper(), "  Vertical   Edge ").passed
    assert not evaluate(check, stepper(), "horizontal").passed


def test_an_empty_answer_is_not_judged_at_all():
    assert evaluate(Check("number", {"answer": 1}), stepper(), "  ") == evaluate(Check("number", {"answer": 1}), stepper(), None)
    assert evaluate(Check("number", {"answer": 1}), stepper(), None).message == ""


# ---------------------------------------------------------------- doing


def test_strongest_passes_on_any_of_the_tied_maxima_and_says_when_not_there():
    state = stepper(x=np.array([[0, 0, 0, 1, 0, 0]] * 6, dtype=float))
    output = conv_one(state.input[0][None], VERTICAL[None])
    tops = {tuple(int(v) for v in cell) for cell in np.argwhere(output == output.max())}
    check = Check("strongest", {})
    for cell in tops:
        state.position = cell
        assert evaluate(check, state).passed
    state.position = (0, 0)
    outcome = evaluate(check, state)
    assert not outcome.passed and outcome.message == "Not yet: the output here is 0; somewhere it is larger."


def test_a_cell_the_playing_window_passes_is_not_chosen_until_it_stops_there():
    """"Move the window to the strongest response": playing (p) through it is not moving there."""
    check = Check("strongest", {})
    state = stepper(position=(0, 1), playing=True)  # (0, 1) holds 6, the largest value
    outcome = evaluate(check, state)
    assert not outcome.passed and "press p to stop" in outcome.message
    state.playing = False
    assert evaluate(check, state).passed
    move = Check("state", {"equals": {"position": [0, 1]}})
    assert not evaluate(move, stepper(position=(0, 1), playing=True)).passed
    assert evaluate(move, stepper(position=(0, 1))).passed
    # A check on anything else does not wait for the player: filling the map is what p is for.
    assert evaluate(Check("state", {"at_least": {"stride": 1}}), stepper(playing=True)).passed


def test_strongest_negative():
    state = stepper(position=(0, 0))  # the most negative value, −3, is at columns 0 and 2
    check = Check("strongest", {"sign": "negative"})
    assert evaluate(check, state).passed
    state.position = (0, 1)
    assert evaluate(check, state).message == "Not yet: the output here is 6; somewhere it is more negative."


def test_state_check_on_output_shape_stride_and_relu():
    check = Check("state", {"equals": {"output_shape": [5, 5], "relu": True}, "at_least": {"stride": 1}})
    state = stepper(x=np.zeros((5, 5)), padding=1, relu=True)
    assert evaluate(check, state).passed
    state = stepper(x=np.zeros((5, 5)), relu=True)
    assert evaluate(check, state).message == "Not yet: output shape is 3×3."


def test_state_one_of_and_texts_ignore_case():
    check = Check("state", {"one_of": {"kernel_name": ["diagonal", "antidiagonal"]}})
    assert evaluate(check, stepper(kernel_name="Diagonal")).passed
    assert not evaluate(check, stepper(kernel_name="vertical")).passed


def test_uncovered_columns_follow_the_stride():
    check = Check("state", {"equals": {"uncovered": 0}})
    assert not evaluate(check, stepper(x=np.zeros((8, 8)), stride=2)).passed  # column 7 is never read
    assert evaluate(check, stepper(x=np.zeros((9, 9)), stride=2)).passed


def test_filled_counts_the_cells_stepped_through():
    state = stepper(filled=5)  # a 3×3 map
    check = Check("filled", {})
    assert evaluate(check, state).message == "5 of 9 cells filled so far."
    state.filled = 9
    assert evaluate(check, state).passed


def test_network_fields():
    check = Check("state", {"equals": {"verdict": "diamond"}, "at_least": {"diamond_score": 0.9}})
    assert evaluate(check, ViewState(screen="network", verdict="diamond", scores=(0.01, 0.99))).passed
    assert not evaluate(check, ViewState(screen="network", verdict="rectangle", scores=(0.99, 0.01))).passed


def test_detects_judges_a_designed_layer2_kernel_on_real_shapes():
    from tuiconv.engine import kernels

    check = Check("detects", {"shape": "diamond", "against": ["rectangle"]})
    assert evaluate(check, ViewState(screen="stepper", kernel=kernels.kernel("diamond"))).passed
    outcome = evaluate(check, ViewState(screen="stepper", kernel=kernels.kernel("rectangle")))
    assert not outcome.passed and "a rectangle makes it fire" in outcome.message


def test_a_state_nudge_names_cells_and_maps_in_the_learners_words():
    at = Check("state", {"equals": {"position": [1, 1]}})
    assert nudge(at, stepper(position=(0, 2)), "") == "Not yet: position is row 0, column 2."
    pick = Check("state", {"equals": {"selected_map": "conv2:1"}})
    state = ViewState(screen="network", selected_map="pool:0", selected_cell=(0, 0))
    assert nudge(pick, state, "") == "Not yet: selected map is pooled map 1 (horizontal edges)."
    state.selected_map = "conv2:0"
    assert "pool:" not in nudge(pick, state, "") and "rectangle detector" in nudge(pick, state, "")


def test_a_question_with_a_task_first_is_answered_only_once_the_task_is_done():
    check = Check("choice", {"options": ["rectangle", "diamond"], "answer": "diamond", "first": {"equals": {"input_name": "circle"}}})
    cross = ViewState(screen="network", input_name="cross", verdict="rectangle")
    circle = ViewState(screen="network", input_name="circle", verdict="diamond")
    outcome = evaluate(check, cross, "diamond")
    assert not outcome.passed and outcome.message == "First the task: the input is cross."
    assert evaluate(check, circle, "diamond").passed
    assert not evaluate(check, circle, "rectangle").passed


def test_a_state_nudge_says_what_is_on_screen_in_the_learners_words():
    unsure = Check("state", {"at_most": {"rectangle_score": 0.6}})
    sure = ViewState(screen="network", input_name="rectangle", scores=(0.916827, 0.083173), verdict="rectangle")
    assert nudge(unsure, sure, "") == "Not yet: rectangle score is 0.92."  # as the score line prints it
    fill = Check("state", {"at_least": {"filled": 16}})
    assert nudge(fill, stepper(), "") == "Not yet: 0 cells filled so far."
    assert nudge(Check("state", {"equals": {"pool": "max"}}), stepper(), "") == "Not yet: pooling is off."
    assert nudge(Check("state", {"equals": {"kernel_name": "horizontal"}}), stepper(kernel_name="vertical"), "") == "Not yet: the kernel is vertical."
