"""`tuiconv class ...` as a teacher types it, and the served mode's one rule for files."""

from __future__ import annotations

import os
import sqlite3

import asyncssh
import pytest

from tuiconv.cli import main
from tuiconv.course.library import load_course
from tuiconv.course.progress import ProgressStore
from tuiconv.engine.files import read_bytes
from tuiconv.errors import InputError
from tuiconv.serve import classdir
from tuiconv.serve.report import lesson_rows, now_rows


@pytest.fixture
def made(tmp_path):
    directory = tmp_path / "cnn"
    assert main(["class", "init", str(directory), "--code"]) == 0
    return directory


def public_key(tmp_path, name="ada"):
    path = tmp_path / f"{name}.pub"
    path.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_public_key())
    return path


def test_init_makes_the_config_a_private_host_key_and_the_database(made, capsys):
    config = classdir.load(made)
    assert config.name == "cnn" and config.course == "built-in" and len(config.code) >= 6
    assert oct(made.stat().st_mode & 0o777) == "0o700"
    assert oct((made / "host_key").stat().st_mode & 0o777) == "0o600"
    assert asyncssh.read_private_key(str(made / "host_key")).algorithm == b"ssh-ed25519"
    with sqlite3.connect(made / "progress.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert main(["class", "init", str(made)]) == 2
    assert "already a class directory" in capsys.readouterr().err


def test_add_and_remove_learners_with_and_without_keys(made, tmp_path, capsys):
    key = public_key(tmp_path)
    assert main(["class", "add", str(made), "ada", "--key", str(key)]) == 0
    assert main(["class", "add", str(made), "bea"]) == 0
    config = classdir.load(made)
    assert config.learners["ada"].keys == [key.read_text().strip()] and config.learners["bea"].keys == []
    assert main(["class", "remove", str(made), "bea"]) == 0
    assert list(classdir.load(made).learners) == ["ada"]
    assert main(["class", "remove", str(made), "bea"]) == 2
    assert "no learner 'bea' in this class; learners: ada" in capsys.readouterr().err


def test_a_bad_name_or_key_file_is_one_line_and_exit_2(made, tmp_path, capsys):
    assert main(["class", "add", str(made), "Ada Lovelace"]) == 2
    assert "'Ada Lovelace' is not a learner name" in capsys.readouterr().err
    bad = tmp_path / "bad.pub"
    bad.write_text("# mine\nssh-ed25519 not-base64!\n")
    assert main(["class", "add", str(made), "ada", "--key", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tuiconv: error: {bad}:2: not an OpenSSH public key") and err.count("\n") == 1
    private = tmp_path / "id_ed25519"
    private.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nxxx\n")
    assert main(["class", "add", str(made), "ada", "--key", str(private)]) == 2
    assert "this is a private key" in capsys.readouterr().err
    assert classdir.load(made).learners == {}


def test_a_broken_class_toml_names_its_line(made, capsys):
    (made / "class.toml").write_text('name = "cnn"\ncourse = \n')
    assert main(["serve", str(made)]) == 2
    assert capsys.readouterr().err.startswith(f"tuiconv: error: {made / 'class.toml'}:2: ")


def test_a_course_outside_the_class_directory_is_refused(made, capsys):
    text = (made / "class.toml").read_text().replace('course = "built-in"', 'course = "../elsewhere"')
    (made / "class.toml").write_text(text)
    assert main(["serve", str(made)]) == 2
    assert "not a directory inside the class directory" in capsys.readouterr().err


def test_a_local_learner_gets_the_course_of_tuiconv_lessons(made, tmp_path, monkeypatch, capsys):
    import shutil

    from tuiconv.course.library import builtin_dir

    lessons = made / "lessons"
    lessons.mkdir()
    shutil.copy(builtin_dir() / "05-padding.toml", lessons / "01-padding.toml")
    text = (made / "class.toml").read_text().replace('course = "built-in"', 'course = "lessons"')
    (made / "class.toml").write_text(text)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TUICONV_LESSONS", str(made))  # a class directory: its course
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "Padding" in out and "Pixels" not in out
    monkeypatch.setenv("TUICONV_LESSONS", str(lessons))  # or a lessons directory itself
    assert main(["lessons"]) == 0
    assert "Padding" in capsys.readouterr().out


def test_a_served_session_reads_files_inside_the_class_directory_only(made, tmp_path, monkeypatch):
    inside = made / "shape.txt"
    inside.write_text("#.\n.#\n")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (made / "link.txt").symlink_to(outside)
    monkeypatch.setenv("TUICONV_FILE_ROOT", str(made))
    assert read_bytes(inside, "shape") == b"#.\n.#\n"
    for path in (outside, made / "link.txt", made / ".." / "secret.txt", "/etc/passwd"):
        with pytest.raises(InputError, match="not in the class directory"):
            read_bytes(path, "shape")
    monkeypatch.delenv("TUICONV_FILE_ROOT")
    assert read_bytes(outside, "shape") == b"secret"  # a local learner reads any file


def test_the_report_counts_steps_attempts_and_hints_per_learner_and_lesson(made, tmp_path, capsys):
    assert main(["class", "add", str(made), "ada"]) == 0
    assert main(["class", "add", str(made), "bea"]) == 0
    capsys.readouterr()
    ada = ProgressStore("built-in", made / "progress.db", learner="ada")
    ada.visit("pixels-are-numbers", 1)
    for _ in range(6):
        ada.attempt("pixels-are-numbers", 1)
    ada.hint("pixels-are-numbers", 1)
    bea = ProgressStore("built-in", made / "progress.db", learner="bea")
    for step in (1, 2, 3):
        bea.complete_step("pixels-are-numbers", step, 3)
    rows = {(row.learner, row.lesson): row for row in lesson_rows(classdir.load(made))}
    assert (rows["ada", "pixels-are-numbers"].done, rows["ada", "pixels-are-numbers"].attempts, rows["ada", "pixels-are-numbers"].hints) == (0, 6, 1)
    assert (rows["bea", "pixels-are-numbers"].done, rows["bea", "pixels-are-numbers"].steps) == (3, 3)
    assert rows["bea", "padding"].last_seen is None
    assert main(["class", "report", str(made), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "learner,lesson_number,lesson,steps_done,steps,attempts,hints,last_seen"
    assert lines[1].startswith("ada,1,pixels-are-numbers,0,3,6,1,") and len(lines) == 1 + 2 * len(load_course().lessons)

    now = {row.learner: row for row in now_rows(classdir.load(made), load_course(None))}
    assert now["ada"].stuck == "6 tries" and (now["ada"].lesson_number, now["ada"].step) == (1, 1)
    assert now["bea"].stuck == ""
