"""`tuiconv lessons`, `lessons reset` and `lessons check`, as a learner and a teacher type them."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tuiconv.engine import kernels

from tuiconv.cli import main
from tuiconv.course.library import builtin_dir, load_course
from tuiconv.course.progress import ProgressStore, default_path


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path / "data"


def test_lessons_lists_every_lesson_with_its_status(capsys):
    store = ProgressStore("built-in")
    store.complete_step("pixels-are-numbers", 1, 3)
    store.complete_step("pixels-are-numbers", 2, 3)
    store.complete_step("pixels-are-numbers", 3, 3)
    store.complete_step("one-dot-product", 1, 4)
    store.visit("one-dot-product", 2)
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split() and line.split()[0].isdigit()}
    assert "Pixels are numbers" in rows["1"] and "✓ done 3/3" in rows["1"]
    assert "One dot product" in rows["2"] and "▶ step 2 1/4" in rows["2"]
    assert "Padding" in rows["5"] and "new    0/4" in rows["5"]
    assert f"1 of {len(load_course().lessons)} done. Next: `tuiconv lesson 2` (one-dot-product)" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_reset_forgets_progress_keeps_a_backup_and_says_what_it_did(capsys):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.complete_step("relu", 1, 4)
    assert main(["lessons", "reset", "padding"]) == 0
    out = capsys.readouterr().out
    assert "Reset 1 lesson(s): Padding." in out
    assert not ProgressStore("built-in").lesson("padding").started
    assert ProgressStore("built-in").lesson("relu").started
    backup = default_path().with_name("progress.db.bak")
    assert f"The previous progress is kept in {backup}." in out
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT lesson FROM steps ORDER BY lesson").fetchall() == [("padding",), ("relu",)]
    assert main(["lessons", "reset"]) == 0
    assert "Reset 1 lesson(s): ReLU." in capsys.readouterr().out
    assert main(["lessons", "reset"]) == 0
    assert "Nothing to reset" in capsys.readouterr().out


def test_reset_of_one_lesson_named_twice_resets_it_once(capsys):
    ProgressStore("built-in").complete_step("pixels-are-numbers", 1, 3)
    assert main(["lessons", "reset", "1", "1", "pixels-are-numbers"]) == 0
    assert "Reset 1 lesson(s): Pixels are numbers." in capsys.readouterr().out
    assert not ProgressStore("built-in").lesson("pixels-are-numbers").started


def test_a_lesson_that_gained_a_step_is_listed_as_not_done(tmp_path, capsys):
    teacher = tmp_path / "mine"
    teacher.mkdir()
    shutil.copy(builtin_dir() / "01-pixels-are-numbers.toml", teacher / "01-pixels.toml")
    store = ProgressStore(str(teacher.resolve()))
    for step in (1, 2, 3):
        store.complete_step("pixels-are-numbers", step, 3)
    assert main(["--lessons", str(teacher), "lessons"]) == 0
    assert "✓ done 3/3" in capsys.readouterr().out
    text = (teacher / "01-pixels.toml").read_text()
    last = text.rindex("[[steps]]")
    (teacher / "01-pixels.toml").write_text(text + "\n" + text[last:])
    assert main(["--lessons", str(teacher), "lessons"]) == 0
    assert "▶ step 1 3/4" in capsys.readouterr().out


def test_reset_of_an_unknown_lesson_is_one_line_and_exit_2(capsys):
    assert main(["lessons", "reset", "pading"]) == 2
    err = capsys.readouterr().err
    assert err == f'tuiconv: error: no lesson "pading" (did you mean "padding"?); `tuiconv lessons` lists them (by id or number 1–{len(load_course().lessons)})\n'


def test_check_counts_the_valid_built_in_lessons(capsys):
    assert main(["lessons", "check", str(builtin_dir())]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{len(load_course().lessons)} lessons, ") and "all valid" in out


def test_check_prints_every_problem_as_file_line_message_and_exits_2(tmp_path, capsys):
    teacher = tmp_path / "mine"
    shutil.copytree(builtin_dir(), teacher)
    padding = teacher / "05-padding.toml"
    padding.write_text(padding.read_text().replace('kernel = "vertical"', 'kernel = "vertcal"', 1))
    stride = teacher / "06-stride.toml"
    text = stride.read_text().replace("stride = 2\n", "stride = 4\n", 1)  # the first solution no longer makes 3×3
    stride.write_text(text)
    assert main(["lessons", "check", str(teacher)]) == 2
    out = capsys.readouterr().out.splitlines()
    kernel_line = next(n for n, line in enumerate(padding.read_text().splitlines(), 1) if "vertcal" in line)
    solution_line = next(n for n, line in enumerate(text.splitlines(), 1) if line == "[steps.solution]")
    assert out == [
        f'{padding}:{kernel_line}: unknown kernel "vertcal" (did you mean "vertical"?); kernels: {", ".join([*kernels.LAYER1, *kernels.LAYER2])}',
        f"{stride}:{solution_line}: step 1: the solution does not pass the check (Not yet: output shape is 2×2.)",
    ]


def test_check_of_a_missing_directory_is_one_line(tmp_path, capsys):
    assert main(["lessons", "check", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"tuiconv: error: {tmp_path / 'nope'}: no such directory\n"


def test_the_global_lessons_option_lists_a_teachers_course(tmp_path, capsys):
    teacher = tmp_path / "mine"
    teacher.mkdir()
    shutil.copy(builtin_dir() / "05-padding.toml", teacher / "01-padding.toml")
    assert main(["--lessons", str(teacher), "lessons"]) == 0
    out = capsys.readouterr().out
    assert "Padding" in out and "Pixels" not in out


def test_a_damaged_progress_database_is_a_warning_not_a_crash(data_home, capsys):
    default_path().parent.mkdir(parents=True)
    default_path().write_text("{oops" * 1000)
    assert main(["lessons"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("tuiconv: warning: ") and "moved it to" in err and err.count("\n") == 1


def test_lesson_names_an_unknown_lesson_or_step_in_one_line_before_any_screen(capsys):
    assert main(["lesson", "relu", "--step", "9"]) == 2
    assert capsys.readouterr().err == "tuiconv: error: --step must be from 1 to 4 for lesson 'relu', not 9\n"
    assert main(["lesson", "strides"]) == 2
    assert 'no lesson "strides" (did you mean "stride"?)' in capsys.readouterr().err


def test_a_broken_teachers_lesson_stops_the_menu_with_its_file_and_line(tmp_path, capsys):
    teacher = tmp_path / "mine"
    teacher.mkdir()
    text = (builtin_dir() / "09-relu.toml").read_text().replace('kind = "strongest"', 'kind = "strongestt"', 1)
    (teacher / "01-relu.toml").write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "strongestt" in row)
    assert main(["--lessons", str(teacher)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'tuiconv: error: {teacher / "01-relu.toml"}:{line}: unknown check kind "strongestt" (did you mean "strongest"?)')


def test_check_reports_a_broken_scene_and_a_wrong_answer_in_another_step_at_once(tmp_path, capsys):
    teacher = tmp_path / "mine"
    shutil.copytree(builtin_dir(), teacher)
    padding = teacher / "05-padding.toml"
    # step 1's kernel is unknown; the last step's solution answers 8 where 7 is right
    text = padding.read_text().replace('kernel = "vertical"', 'kernel = "vertcal"', 1).replace("answer = 7", "answer = 8")
    padding.write_text(text)
    assert main(["lessons", "check", str(teacher)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2, out
    assert 'unknown kernel "vertcal"' in out[0]
    assert out[1].startswith(f"{padding}:") and 'the solution\'s answer "8" fails its check' in out[1]
