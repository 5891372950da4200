"""A teacher's broken lesson file gets one line per problem: file, the line of the key, what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tuiconv.course.lesson import load_lesson, read_lesson
from tuiconv.course.library import builtin_dir, check_directory, load_course
from tuiconv.errors import InputError

GOOD = """\
id = "tiny"
title = "A tiny lesson"
summary = "One step."

[[steps]]
narrative = "Look."
task = "Type 6."

[steps.scene]
screen = "stepper"
input = "rectangle"
size = 8
kernel = "vertical"
padding = 1
stride = 1

[steps.check]
kind = "choice"
options = ["a", "b"]
answer = "a"
"""


def problems_of(text: str, tmp_path: Path, name: str = "01-x.toml") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    _, problems = read_lesson(path)
    return [str(p) for p in problems]


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_the_example_lesson_is_valid(tmp_path):
    assert problems_of(GOOD, tmp_path) == []


# Each case: a change to GOOD, the text the line must contain, and words the message must say.
BROKEN = {
    "unknown key with a did-you-mean": (GOOD.replace("stride = 1", "strid = 1"), "strid = 1", ['unknown key "strid"', 'did you mean "stride"']),
    "wrong type": (GOOD.replace("stride = 1", 'stride = "2"'), 'stride = "2"', ["stride must be a whole number", 'not the text "2"']),
    "missing title": (GOOD.replace('title = "A tiny lesson"\n', ""), None, ["a lesson has no title"]),
    "no steps": (GOOD.split("[[steps]]")[0] + "steps = []\n", "steps = []", ["the lesson has no steps"]),
    "unknown screen": (GOOD.replace('screen = "stepper"', 'screen = "steper"'), 'screen = "steper"', ['unknown screen "steper"', 'did you mean "stepper"']),
    "unknown kernel": (GOOD.replace('kernel = "vertical"', 'kernel = "verticle"'), 'kernel = "verticle"', ['unknown kernel "verticle"', 'did you mean "vertical"']),
    "unknown shape": (GOOD.replace('input = "rectangle"', 'input = "rectangel"'), 'input = "rectangel"', ['unknown shape "rectangel"', 'did you mean "rectangle"']),
    "unknown check kind": (GOOD.replace('kind = "choice"', 'kind = "choise"'), 'kind = "choise"', ['unknown check kind "choise"', 'did you mean "choice"']),
    "answer not among options": (GOOD.replace('answer = "a"', 'answer = "c"'), 'answer = "c"', ['answer "c" is not among the options: a, b']),
    "invalid TOML syntax": (GOOD.replace("padding = 1", "padding = = 1"), "padding = = 1", ["invalid TOML"]),
    "impossible stride and padding": (
        GOOD.replace('input = "rectangle"\nsize = 8', 'input = ["...", "...", "..."]').replace("stride = 1", "dilation = 3"),
        "dilation = 3",
        ["impossible scene", "output would be empty"],
    ),
    "inline grid rows of unequal length": (GOOD.replace('input = "rectangle"\nsize = 8', 'input = [\n  "....",\n  "...",\n  "....",\n]'), "input = [", ["row 2 has 3 cells but row 1 has 4"]),
    "position outside the feature map": (GOOD.replace("stride = 1", "position = [8, 0]"), "position = [8, 0]", ["position [8, 0] is outside the 8×8 feature map"]),
    "key the screen does not read": (GOOD.replace("stride = 1", 'select = "conv2:0"'), 'select = "conv2:0"', ["select does nothing on the stepper screen"]),
    "state field of another screen": (
        GOOD.replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "state"\nequals = { verdict = "diamond" }'),
        "equals = {",
        ['"verdict" is reported by the network screen, but this scene is the stepper'],
    ),
    "missing narrative": (GOOD.replace('narrative = "Look."\n', ""), "[[steps]]", ["step 1 has no narrative"]),
    "choice check without options": (GOOD.replace('options = ["a", "b"]\n', ""), "[steps.check]", ['a "choice" check has no options']),
    "kernel reads more channels than the input has": (
        GOOD.replace('kernel = "vertical"', 'kernel = "rectangle"').replace('input = "rectangle"\nsize = 8', 'input = ["....", "....", "....", "...."]'),
        'kernel = "rectangle"',
        ["the kernel reads 4 channel(s) but the input has 1"],
    ),
    "stride 'same' padding": (GOOD.replace("padding = 1", 'padding = "same"').replace("stride = 1", "stride = 2"), "stride = 2", ["padding='same' needs stride 1"]),
    "predicted cell off the map": (
        GOOD.replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "predict"\nat = [2, 9]'),
        "at = [2, 9]",
        ["at [2, 9] is outside the 8×8 feature map"],
    ),
    "output-size question with an impossible stride": (
        GOOD.replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "output-size"\nwith = { dilation = 9 }'),
        "with = {",
        ["impossible: output would be empty"],
    ),
    "hints not a list": (GOOD.replace('task = "Type 6."', 'task = "Type 6."\nhints = "look left"'), "hints =", ["hints must be a list of texts"]),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_each_kind_of_broken_lesson_gets_its_message_at_the_right_line(case, tmp_path):
    text, needle, words = BROKEN[case]
    problem = only(problems_of(text, tmp_path))
    path = str(tmp_path / "01-x.toml")
    line = 1 if needle is None else line_of(text, needle)
    assert problem.startswith(f"{path}:{line}: "), problem
    for word in words:
        assert word in problem, problem


def test_too_many_steps_is_reported_at_the_first_step_too_many(tmp_path):
    head, step = GOOD.split("[[steps]]")
    text = head + ("[[steps]]" + step) * 9
    problem = only(problems_of(text, tmp_path))
    ninth = [n for n, line in enumerate(text.splitlines(), start=1) if line == "[[steps]]"][8]
    assert problem == f"{tmp_path / '01-x.toml'}:{ninth}: the lesson has 9 steps; at most 8 keep it short enough to finish (split it in two)"


def test_every_problem_in_a_file_is_reported_not_just_the_first(tmp_path):
    text = GOOD.replace("stride = 1", "strid = 1").replace('kind = "choice"', 'kind = "choise"')
    problems = problems_of(text, tmp_path)
    assert [p.split(":")[1] for p in problems] == [str(line_of(text, "strid")), str(line_of(text, "choise"))]


def test_syntax_error_reports_toml_line_and_column(tmp_path):
    text = GOOD.replace('summary = "One step."', 'summary = "One step.')
    problem = only(problems_of(text, tmp_path))
    assert problem.startswith(f"{tmp_path / '01-x.toml'}:3: invalid TOML: ")


def test_a_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "01-x.toml"
    path.write_bytes(b'id = "x"\ntitle = "\xff"\n')
    _, problems = read_lesson(path)
    assert [str(p) for p in problems] == [f"{path}:2: not a text file (byte 0xff is not UTF-8)"]


def test_duplicate_ids_in_a_directory_name_the_other_file(tmp_path):
    (tmp_path / "01-a.toml").write_text(GOOD)
    (tmp_path / "02-b.toml").write_text(GOOD)
    lessons, problems = check_directory(tmp_path)
    assert [lesson.path.name for lesson in lessons] == ["01-a.toml"]
    assert [str(p) for p in problems] == [f'{tmp_path / "02-b.toml"}:1: duplicate lesson id "tiny": 01-a.toml uses it too']


def test_an_input_file_is_read_relative_to_the_lesson_and_its_errors_are_shown(tmp_path):
    (tmp_path / "shape.txt").write_text("..#\n.#\n")
    text = GOOD.replace('input = "rectangle"\nsize = 8', 'input = "shape.txt"')
    problem = only(problems_of(text, tmp_path))
    assert problem.startswith(f"{tmp_path / '01-x.toml'}:{line_of(text, 'shape.txt')}: input file ")
    assert f"{tmp_path / 'shape.txt'}:2: row 2 has 2 cells but row 1 has 3" in problem


def test_load_lesson_raises_one_input_error_with_file_and_line(tmp_path):
    path = tmp_path / "01-x.toml"
    path.write_text(GOOD.replace("stride = 1", "stride = 0"))
    with pytest.raises(InputError) as caught:
        load_lesson(path)
    assert str(caught.value) == f"{path}:{line_of(GOOD, 'stride = 1')}: stride must be a whole number from 1 to 4, not 0"


def test_an_empty_directory_is_a_problem_not_an_empty_course(tmp_path):
    with pytest.raises(InputError, match="no lesson files"):
        load_course(tmp_path)


# ---------------------------------------------------------------- the shipped curriculum


def test_every_shipped_lesson_validates():
    lessons, problems = check_directory(builtin_dir())
    assert [str(p) for p in problems] == []
    assert len(lessons) >= 12


def test_shipped_lessons_have_3_to_8_steps_and_unique_ids():
    lessons, _ = check_directory(builtin_dir())
    assert all(3 <= len(lesson.steps) <= 8 for lesson in lessons), [(lesson.id, len(lesson.steps)) for lesson in lessons]
    assert len({lesson.id for lesson in lessons}) == len(lessons)


def test_the_curriculum_runs_in_teaching_order():
    ids = [lesson.id for lesson in load_course().lessons]
    order = [
        "pixels-are-numbers", "one-dot-product", "sliding-makes-a-feature-map", "edge-detectors", "padding",
        "stride", "dilation", "many-filters-make-depth", "relu", "pooling", "layer-2-reads-every-channel",
        "rectangle-versus-diamond", "the-receptive-field", "training-from-random-weights",
        "where-the-edges-sit", "thirty-two-filters", "scores-to-a-verdict", "design-a-detector",
        "what-a-unit-wants-to-see", "trained-layer-2-reads-trained-maps",
    ]
    assert [i for i in ids if i in order] == order
    # The challenge, then what its detectors (and the others) want to see, then back to the
    # story: which trained layer-1 maps the trained layer 2 reads.
    assert ids[-3:] == ["design-a-detector", "what-a-unit-wants-to-see", "trained-layer-2-reads-trained-maps"]


def test_every_shipped_step_has_a_solution_and_its_hints_and_success():
    for lesson in load_course().lessons:
        for step in lesson.steps:
            where = f"{lesson.id} step {step.number}"
            assert step.solution, where
            assert step.hints, where
            assert step.success and step.success != "Well done.", where


def test_conceal_takes_only_what_a_view_can_conceal(tmp_path):
    text = GOOD.replace("stride = 1", 'stride = 1\nconceal = ["size", "sise"]')
    problem = only(problems_of(text, tmp_path))
    assert problem == f'{tmp_path / "01-x.toml"}:{line_of(text, "conceal")}: cannot conceal "sise" (did you mean "size"?); conceal: size, formula, uncovered, arithmetic, output, pooled, receptive-field, verdict, scores'
    (tmp_path / "01-x.toml").write_text(text.replace(', "sise"', ', "formula"'))
    assert load_lesson(tmp_path / "01-x.toml").steps[0].scene.conceal == ("size", "formula")


def test_a_hint_too_long_to_read_at_80_columns_is_a_problem(tmp_path):
    # Beside the answer box the status line is 51 columns wide and 3 lines tall.
    fits = "Look at the " + "window " * 14  # 110 characters with "hint 1/1: ": 3 lines of 51
    too_long = "Look at the " + "window " * 20  # 4 lines
    assert problems_of(GOOD.replace('task = "Type 6."', f'task = "Type 6."\nhints = ["{fits.strip()}"]'), tmp_path) == []
    text = GOOD.replace('task = "Type 6."', f'task = "Type 6."\nhints = ["{too_long.strip()}"]')
    problem = only(problems_of(text, tmp_path))
    assert problem == f"{tmp_path / '01-x.toml'}:{line_of(text, 'hints')}: hint 1 takes 4 lines at 80 columns (at most 3 are shown, 51 columns wide): shorten it"


def test_a_question_whose_answer_is_on_screen_is_a_problem(tmp_path):
    size = GOOD.replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "output-size"')
    problem = only(problems_of(size, tmp_path))
    assert 'the screen shows the answer (the output size): add conceal = ["size", "formula"]' in problem
    assert problems_of(size.replace("stride = 1", 'stride = 1\nconceal = ["size", "formula"]'), tmp_path) == []
    predict = GOOD.replace("stride = 1", "stride = 1\nposition = [1, 1]").replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "predict"\nat = [1, 1]')
    assert "the window is on the cell asked about" in only(problems_of(predict, tmp_path))
    assert problems_of(predict.replace("at = [1, 1]", "at = [2, 1]"), tmp_path) == []


def test_every_shipped_hint_feedback_and_success_fits_at_80_columns():
    from tuiconv.course.lesson import STATUS_COLUMNS_BESIDE_ANSWER, STATUS_LINES

    for lesson in load_course().lessons:
        for step in lesson.steps:
            for text in [*step.hints, *step.check.params.get("feedback", {}).values()]:
                lines = textwrap.wrap(f"hint 9/9: {text}", STATUS_COLUMNS_BESIDE_ANSWER)
                assert len(lines) <= STATUS_LINES, (lesson.id, step.number, text)


def test_an_unknown_scene_key_does_not_hide_the_scenes_other_problems(tmp_path):
    text = GOOD.replace('kernel = "vertical"', 'kernel = "vertcal"\ncolour = "red"')
    problems = problems_of(text, tmp_path)
    assert [p.split(":")[1] for p in problems] == [str(line_of(text, "colour")), str(line_of(text, "vertcal"))]
    assert 'unknown key "colour" in a scene; a scene can have: screen, input' in problems[0]
    assert 'unknown kernel "vertcal" (did you mean "vertical"?)' in problems[1]


def test_a_questions_task_first_names_its_line_when_it_asks_for_what_the_screen_has_not(tmp_path):
    text = GOOD + 'first = { equals = { verdict = "circle" }, sooner = {} }\n'
    found = problems_of(text, tmp_path)
    line = len(textwrap.dedent(text).splitlines())
    assert any(p.startswith(f"{tmp_path / '01-x.toml'}:{line}: first holds state conditions") and "'sooner'" in p for p in found), found
    assert any("verdict" in p and "network" in p for p in found), found


def test_lessons_check_warns_when_a_key_shows_what_the_scene_conceals(tmp_path, capsys):
    """On the stepper a cell's value is printed twice: as the arithmetic panel's sum and in the
    feature map. Covering one of them alone leaves it a key away; the other concealments stay
    covered whatever the learner presses, so they pass without a word."""
    from tuiconv.commands.lessons import check

    number = GOOD.replace('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "number"\nanswer = 6')
    files = {
        "01-output-only.toml": number.replace("stride = 1", 'stride = 1\nconceal = ["output"]'),
        "02-arithmetic-only.toml": number.replace("stride = 1", 'stride = 1\nconceal = ["arithmetic"]').replace('"tiny"', '"tiny2"'),
        "03-both.toml": number.replace("stride = 1", 'stride = 1\nconceal = ["arithmetic", "output", "size", "formula", "uncovered", "pooled"]').replace('"tiny"', '"tiny3"'),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert check(str(tmp_path)) == 0  # warnings, not problems: the lessons still load
    out = capsys.readouterr().out.splitlines()
    line = line_of(files["01-output-only.toml"], "conceal")
    assert out[0].startswith(f"{tmp_path / '01-output-only.toml'}:{line}: warning: conceal has \"output\" but not \"arithmetic\": moving the window")
    assert out[1].startswith(f"{tmp_path / '02-arithmetic-only.toml'}:{line}: warning: conceal has \"arithmetic\" but not \"output\": the feature map shows")
    assert out[2:] == [f"3 lessons, 3 steps: all valid, 2 warning(s) ({tmp_path})"]


def test_a_task_too_long_for_the_lines_above_the_view_is_a_problem(tmp_path):
    # "8/8 ········ " and the task, wrapped at 78 columns: 3 lines are shown above the view.
    fits = "Type " + "six " * 52  # 225 characters with the prefix: 3 lines
    too_long = "Type " + "six " * 56  # 241: 4 lines
    assert problems_of(GOOD.replace('task = "Type 6."', f'task = "{fits.strip()}"'), tmp_path) == []
    text = GOOD.replace('task = "Type 6."', f'task = "{too_long.strip()}"')
    problem = only(problems_of(text, tmp_path))
    assert problem == f"{tmp_path / '01-x.toml'}:{line_of(text, 'task')}: the task takes 4 lines at 80 columns (at most 3 are shown above the view): shorten it, and put the rest in the narrative"
