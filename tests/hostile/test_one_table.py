"""One table of ranges: the command line, a lesson and the app's session refuse the same value
in the same words."""

from __future__ import annotations

import pytest

from tests.hostile.test_corpus import LESSON
from tuiconv.explore.stepper import StepperSession
from tuiconv.cli import main
from tuiconv.course.lesson import read_lesson

CASES = [
    # setting, value, command line, lesson line replaced, session call
    ("stride", 5, ["step", "--stride", "5"], ("stride = 1", "stride = 5"), lambda s: s.set_geometry(stride=5)),
    ("padding", 4, ["step", "--padding", "4"], ("padding = 1", "padding = 4"), lambda s: s.set_geometry(padding=4)),
    ("dilation", 4, ["step", "--dilation", "4"], ("stride = 1", "stride = 1\ndilation = 4"), lambda s: s.set_geometry(dilation=4)),
    ("bias", 2e6, ["step", "--bias", "2e6"], ("stride = 1", "stride = 1\nbias = 2e6"), lambda s: s.set_bias(2e6)),
    ("pool_size", 4, None, ("stride = 1", 'stride = 1\npool = "max"\npool_size = 4'), lambda s: s.set_pool("max", 4)),
]


@pytest.mark.parametrize("setting, value, argv, replace, call", CASES, ids=[c[0] for c in CASES])
def test_the_command_line_a_lesson_and_the_app_refuse_alike(tmp_path, capsys, setting, value, argv, replace, call):
    from tuiconv.limits import RANGES

    words = f"must be {RANGES[setting].describe()}"
    if argv is not None:
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2 and words in capsys.readouterr().err
    path = tmp_path / "01-x.toml"
    path.write_text(LESSON.replace(*replace))
    _, problems = read_lesson(path)
    assert any(f"{setting} {words}" in str(p) for p in problems), [str(p) for p in problems]
    session = StepperSession.build("rectangle:16", "vertical")
    with pytest.raises(ValueError, match=f"{setting} {words}"):
        call(session)


def test_a_lesson_that_gained_a_step_since_it_was_completed_is_not_done(tmp_path, monkeypatch, capsys):
    from tuiconv.course.library import load_course
    from tuiconv.course.progress import ProgressStore

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    course_dir = tmp_path / "course"
    course_dir.mkdir()
    (course_dir / "01-x.toml").write_text(LESSON)
    store = ProgressStore(load_course(course_dir).key)
    store.complete_step("tiny", 1, 1)
    store.save()
    assert main(["--lessons", str(course_dir), "lessons"]) == 0
    assert "✓ done 1/1" in capsys.readouterr().out
    step = LESSON[LESSON.index("[[steps]]") :]
    (course_dir / "01-x.toml").write_text(LESSON + "\n" + step)  # the teacher adds a step
    assert main(["--lessons", str(course_dir), "lessons"]) == 0
    out = capsys.readouterr().out
    assert "✓ done" not in out and "1/2" in out and "0 of 1 done" in out
