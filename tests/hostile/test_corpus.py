"""Hostile files and arguments, each with the one line it must get, within a time bound.

The static corpus is tests/hostile/data/ with its table expected.tsv (made by make_corpus.py);
what cannot be a file in git (FIFOs, devices, symlinks, loops, files over a cap) is made here.
Loaders are called in-process (cheap); a few cases run the real command in a subprocess, with
a timeout, for the exit code and what reaches the terminal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest

from tuiconv.cli import main
from tuiconv.course.lesson import read_lesson
from tuiconv.course.library import check_directory, load_course
from tuiconv.engine.network import Network
from tuiconv.engine.shapes import load_shape, resolve_input
from tuiconv.errors import InputError

HERE = Path(__file__).parent
DATA = HERE / "data"
ROWS = [line.split("\t", 1) for line in (HERE / "expected.tsv").read_text(encoding="utf-8").splitlines()[1:]]
LESSON = (DATA / "lesson-bom-ok.toml").read_text(encoding="utf-8-sig")
# The bound on one hostile input: a hang or a runaway read would blow far past it.
BOUND_SECONDS = 5


@contextmanager
def bounded(seconds: int = BOUND_SECONDS):
    """Fail (rather than hang the suite) if the body takes longer than ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def messages_for(path: Path) -> list[str]:
    """Every line tuiconv says about ``path``, loaded as its kind (by extension)."""
    with bounded():
        try:
            if path.suffix == ".toml":
                _, problems = read_lesson(path, warnings=True)
                return [str(p) for p in problems]
            if path.suffix == ".npz":
                Network.load(path)
            else:
                load_shape(path)
        except InputError as error:
            return [str(error)]
    return []


def assert_clean(line: str) -> None:
    """One readable line: no newline, no character a terminal would obey, bounded length."""
    assert "\n" not in line and len(line) <= 500, line[:300]
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp") for ch in line), ascii(line[:300])


def test_the_corpus_holds_at_least_80_hostile_inputs():
    assert len(ROWS) >= 80


@pytest.mark.parametrize("name, expect", ROWS, ids=[name for name, _ in ROWS])
def test_each_hostile_file_gets_its_message(name, expect):
    messages = messages_for(DATA / name)
    if not expect:
        assert messages == [], messages
        return
    assert messages, f"{name} was accepted"
    assert any(expect in m for m in messages), messages[:3]
    for line in messages:
        assert_clean(line)
        assert line.startswith(str(DATA / name) + ":"), line[:200]


def test_no_message_quotes_a_file_outside_the_course(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-1 2 3\n")
    course = tmp_path / "course"
    course.mkdir()
    (course / "link.txt").symlink_to(secret)
    (course / "01-a.toml").write_text(LESSON.replace('input = "rectangle"', 'input = "link.txt"'))
    (course / "02-b.toml").write_text(LESSON.replace('input = "rectangle"', 'input = "../secret.txt"').replace('"tiny"', '"two"'))
    lessons, problems = check_directory(course)
    assert lessons == [] and len(problems) == 2
    for problem in problems:
        assert "lies outside the lesson's folder" in str(problem) and "TOPSECRET" not in str(problem)


# ---------------------------------------------------------------- what cannot live in git


def special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    big = tmp_path / "big"
    with open(big, "wb") as handle:  # sparse: 60 MB that take no disk
        handle.truncate(60 * 1024 * 1024)
    (tmp_path / "folder").mkdir()
    return {"fifo": fifo, "zero": tmp_path / "zero", "urandom": Path("/dev/urandom"), "loop": tmp_path / "loop-a", "big": big, "folder": tmp_path / "folder"}


SPECIAL = [
    ("fifo", "is a named pipe (FIFO)"),
    ("zero", "is a device"),
    ("urandom", "is a device"),
    ("loop", "a loop of symbolic links"),
    ("big", "may be at most"),
    ("folder", "is a directory"),
]


@pytest.mark.parametrize("loader", ["shape", "lesson", "weights"])
def test_fifos_devices_loops_folders_and_huge_files_are_refused_before_reading(tmp_path, loader):
    files = special_files(tmp_path)
    for which, expect in SPECIAL:
        path = files[which]
        renamed = {"shape": path, "lesson": path, "weights": path}[loader]
        with bounded():
            if loader == "lesson":
                _, problems = read_lesson(renamed)
                said = str(problems[0])
            else:
                with pytest.raises(InputError) as caught:
                    (load_shape if loader == "shape" else Network.load)(renamed)
                said = str(caught.value)
        assert expect in said, (which, said)
        assert_clean(said)


def test_an_empty_path_names_the_problem():
    for load in (load_shape, Network.load):
        with pytest.raises(InputError, match="the file name is empty"):
            load("")
    _, problems = read_lesson("")
    assert "the file name is empty" in str(problems[0])


def test_a_lesson_input_that_is_a_fifo_or_a_loop_inside_the_course_is_one_line(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "01-a.toml").write_text(LESSON.replace('input = "rectangle"', 'input = "pipe.txt"'))
    (tmp_path / "02-b.toml").write_text(LESSON.replace('input = "rectangle"', 'input = "loop.txt"').replace('"tiny"', '"two"'))
    with bounded():
        _, problems = check_directory(tmp_path)
    said = [str(p) for p in problems]
    assert "is a named pipe (FIFO)" in said[0] and "a loop of symbolic links" in said[1], said


def test_one_broken_lesson_leaves_the_others_and_is_listed_with_its_reason(tmp_path):
    (tmp_path / "01-good.toml").write_text(LESSON)
    (tmp_path / "02-bad.toml").write_text(LESSON.replace("stride = 1", "stride = 99").replace('"tiny"', '"bad"'))
    (tmp_path / "03-good.toml").write_text(LESSON.replace('"tiny"', '"three"'))
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["tiny", "three"]
    assert [(Path(p.path).name, p.message) for p in course.broken] == [("02-bad.toml", "stride must be a whole number from 1 to 4, not 99")]


def test_lessons_check_reports_every_problem_in_every_file(tmp_path, capsys):
    (tmp_path / "01-npz.toml").write_text(
        LESSON.replace('screen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\npadding = 1\nstride = 1', 'screen = "network"\nweights = "w.npz"')
    )
    (tmp_path / "w.npz").write_text("not a zip")
    (tmp_path / "02-inf.toml").write_text(LESSON.replace('kernel = "vertical"', "kernel = [[0, inf, 0], [0, 1, 0], [0, 1, 0]]").replace('"tiny"', '"two"'))
    (tmp_path / "03-warn.toml").write_text(LESSON.replace('options = ["a", "b"]', 'options = ["a", "A", "b"]').replace('"tiny"', '"three"'))
    assert main(["lessons", "check", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "01-npz.toml" in out and "not an .npz weights file" in out
    assert "02-inf.toml" in out and "the kernel contains NaN or infinity" in out
    assert "03-warn.toml" in out and "warning: options" in out


# ---------------------------------------------------------------- names and numbers


HOSTILE_NAMES = ["[@click=app.quit]q.txt", "[red.txt", "\x1b]0;owned\x07.txt", "a\u202etxt.exe", "nl\nname.txt", "x" * 250 + ".txt"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_file_name_is_shown_escaped_and_never_as_markup(tmp_path, name):
    path = tmp_path / name
    path.write_text("..#\n.#x\n")
    with pytest.raises(InputError) as caught:
        load_shape(path)
    assert_clean(str(caught.value))
    path.write_text("..#\n.#.\n")
    shown, _ = resolve_input(str(path))
    assert_clean(shown)


CLI_REFUSALS = [
    (["step", "--padding", "1" + "0" * 32], "argument --padding: must be a whole number from 0 to 3"),
    (["step", "--padding", "100000"], "argument --padding: must be a whole number from 0 to 3, not 100000"),
    (["step", "--padding", "1000"], "not 1000"),
    (["step", "--padding", "9" * 100_000], "argument --padding"),
    (["step", "--stride", str(2**63)], "argument --stride: must be a whole number from 1 to 4"),
    (["step", "--dilation", "-5"], "argument --dilation: must be a whole number from 1 to 3, not -5"),
    (["step", "--bias", "inf"], "argument --bias: must be a number from -1000000 to 1000000, not inf"),
    (["step", "--bias", "1e308"], "argument --bias"),
    (["step", "--bias", "1+2j"], "argument --bias"),
    (["step", "--size", "100000"], "argument --size: must be a whole number from 8 to 64, not 100000"),
    (["step", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    (["network", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    (["classify", "rectangle", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    (["show", "rectangle", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    (["train", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    (["train", "--steps", "10" * 20], "argument --steps: must be a whole number from 1 to 100000"),
    (["train", "--lr", "nan"], "argument --lr: must be a number above 0 and at most 10, not nan"),
    (["train", "--headless", "--steps", "3", "--out", "/dev/full"], "/dev/full: is a device, not a file to write the weights to"),
    (["train", "--headless", "--steps", "3", "--out", ""], "the file name is empty"),
    (["--lessons", "", "lessons"], "--lessons needs a directory, not an empty name"),
    (["show", ""], "the file name is empty"),
    (["show", "/dev/zero"], "/dev/zero: is a device, not a shape file"),
    (["show", "diamond:" + "9" * 5000], "the size after ':' must be a whole number"),
    (["show", "x" * 1_000_000], "is neither a shape file nor a shape name"),
    (["classify", "--weights", "/dev/urandom", "rectangle"], "/dev/urandom: is a device, not a weights file"),
]


@pytest.mark.parametrize("argv, expect", CLI_REFUSALS, ids=range(len(CLI_REFUSALS)))
def test_hostile_arguments_are_one_line_and_exit_2(argv, expect, capsys):
    with bounded():
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse
            code = exit.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert expect in err, err[:300]
    assert err.count("\n") == 1 and len(err) < 600, err[:300]


def test_real_processes_exit_2_and_print_no_escape_from_a_file_name(tmp_path):
    """A few cases end to end: a real process, its exit code, the bytes it writes."""
    evil = tmp_path / "\x1b]0;owned\x07[@click=app.quit]q.txt"
    evil.write_text("..#\n.#\x0b\n")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    for argv, expect in [
        (["show", str(evil)], "U+000B LINE TABULATION"),
        (["classify", str(evil), "rectangle"], "U+000B LINE TABULATION"),
        (["show", str(fifo)], "is a named pipe (FIFO)"),
        (["step", "--padding", "1e32"], "argument --padding"),
    ]:
        done = subprocess.run([sys.executable, "-m", "tuiconv", *argv], capture_output=True, timeout=20, env=env)
        err = done.stderr.decode()
        assert done.returncode == 2 and expect in err, err
        assert b"\x1b" not in done.stderr + done.stdout and b"\x07" not in done.stderr
        assert "Traceback" not in err and err.count("\n") == 1
    good = tmp_path / "\x1b]0;owned\x07\u202e.txt"
    good.write_text("..#\n.#.\n")
    for argv in (["show", str(good)], ["classify", str(good)]):
        done = subprocess.run([sys.executable, "-m", "tuiconv", *argv], capture_output=True, timeout=20, env=env)
        assert done.returncode == 0, done.stderr
        assert b"\\x1b]0;owned\\x07\\u202e.txt" in done.stdout and b"\x1b]" not in done.stdout and "\u202e".encode() not in done.stdout
