"""Progress survives: resumes where the learner left off, never lost to a crash, a second
session or a damaged database. Every test uses a real SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tuiconv.course.progress import ClassProgress, ProgressStore, default_path


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def rows(path, sql):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_the_database_lives_under_xdg_data_home(data_home):
    assert default_path() == data_home / "tuiconv" / "progress.db"


def test_without_xdg_data_home_it_is_under_local_share(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "tuiconv" / "progress.db"


def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "tuiconv" / "progress.db"


def test_progress_is_written_as_it_happens_and_read_back_to_resume(data_home):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.visit("padding", 2)
    # No save() call: another connection already sees both changes.
    again = ProgressStore("built-in").lesson("padding", 4)
    assert (again.current_step, again.completed_steps, again.completed) == (2, {1}, False)
    assert rows(default_path(), "PRAGMA journal_mode") == [("wal",)]
    assert rows(default_path(), "SELECT learner, lesson, step FROM steps WHERE completed IS NOT NULL") == [("local", "padding", 1)]


def test_opened_completed_attempts_and_hints_are_recorded_per_step(data_home):
    store = ProgressStore("built-in")
    store.visit("relu", 2)
    store.attempt("relu", 2)
    store.attempt("relu", 2)
    store.hint("relu", 2)
    store.complete_step("relu", 2, 4)
    record = store.step("relu", 2)
    assert (record.attempts, record.hints) == (2, 1)
    assert record.opened <= record.completed <= record.last_seen
    first_completion = record.completed
    store.complete_step("relu", 2, 4)  # done again later: the first completion time stays
    assert store.step("relu", 2).completed == first_completion


def test_a_lesson_is_completed_when_every_step_is(data_home):
    store = ProgressStore("built-in")
    for step in (1, 3, 2):
        done = store.complete_step("relu", step, 3)
    assert done.completed


def test_a_lesson_that_gained_a_step_since_it_was_completed_is_not_complete(data_home):
    store = ProgressStore("built-in")
    for step in (1, 2, 3):
        store.complete_step("relu", step, 3)
    assert store.lesson("relu", 3).completed
    assert not store.lesson("relu", 4).completed
    assert store.lesson("relu", 4).completed_steps == {1, 2, 3}


def test_a_teachers_course_and_another_learner_are_kept_apart(data_home):
    ProgressStore("built-in").complete_step("padding", 1, 4)
    assert not ProgressStore("/home/teacher/lessons").lesson("padding").started
    assert not ProgressStore("built-in", learner="bea").lesson("padding").started


def test_two_sessions_of_one_learner_lose_nothing(data_home):
    first, second = ProgressStore("built-in"), ProgressStore("built-in")
    first.complete_step("padding", 1, 4)
    second.complete_step("padding", 2, 4)
    first.complete_step("relu", 1, 4)
    second.attempt("padding", 3)
    first.attempt("padding", 3)
    fresh = ProgressStore("built-in")
    assert fresh.lesson("padding").completed_steps == {1, 2}
    assert fresh.lesson("relu").completed_steps == {1}
    assert fresh.step("padding", 3).attempts == 2


def test_killing_a_session_keeps_what_it_had_written(data_home):
    # A separate process writes, says so, then is killed with SIGKILL in the middle of its life.
    script = textwrap.dedent(
        """
        import sys, time
        from tuiconv.course.progress import ProgressStore
        store = ProgressStore("built-in")
        store.complete_step("stride", 1, 3)
        store.visit("stride", 2)
        print("written", flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stdout.readline().strip() == "written"
    child.send_signal(signal.SIGKILL)
    child.wait()
    progress = ProgressStore("built-in").lesson("stride", 3)
    assert (progress.current_step, progress.completed_steps) == (2, {1})


def test_reset_forgets_all_or_only_the_named_lessons_each_once(data_home):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.complete_step("relu", 1, 4)
    assert store.reset(["relu", "relu"]) == ["relu"]
    assert store.lesson("padding").started and not store.lesson("relu").started
    assert store.reset() == ["padding"]
    assert not store.lesson("padding").started
    assert rows(default_path(), "SELECT count(*) FROM steps") == [(0,)]


def test_an_old_progress_json_is_imported_once_even_with_a_byte_order_mark(data_home):
    old = data_home / "tuiconv" / "progress.json"
    old.parent.mkdir(parents=True)
    data = {"format": 1, "courses": {"built-in": {"padding": {"current_step": 3, "completed_steps": [1, 2], "completed": False}}}}
    old.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    store = ProgressStore("built-in")
    progress = store.lesson("padding", 4)
    assert (progress.current_step, progress.completed_steps) == (3, {1, 2})
    store.reset(["padding"])
    # Opening again does not bring the forgotten progress back from the old file.
    assert not ProgressStore("built-in").lesson("padding").started
    assert old.exists()


def test_a_damaged_progress_json_is_left_alone_with_a_warning(data_home):
    old = data_home / "tuiconv" / "progress.json"
    old.parent.mkdir(parents=True)
    old.write_text('{"format": 1, "courses": {"built-in": {"padding": {"current_st')
    store = ProgressStore("built-in")
    assert len(store.warnings) == 1 and f"could not import {old}" in store.warnings[0]
    assert old.read_text().endswith('"current_st')
    assert ProgressStore("built-in").warnings == []  # said once, not at every start


def test_a_damaged_database_is_moved_aside_with_a_warning_not_emptied(data_home):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not an SQLite database, but the learner's bytes are kept" * 100)
    store = ProgressStore("built-in")
    assert not store.lesson("padding").started and not store.read_only
    assert len(store.warnings) == 1
    warning = store.warnings[0]
    assert f"{path} is damaged" in warning and "moved it to" in warning
    aside = [p for p in path.parent.iterdir() if p.name.startswith("progress.db.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not an SQLite database")
    store.visit("padding", 2)
    assert ProgressStore("built-in").lesson("padding").current_step == 2


def test_a_second_damaged_database_never_overwrites_the_first_copy(data_home):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"first damaged file" * 100)
    ProgressStore("built-in")
    path.unlink()
    for extra in path.parent.glob("progress.db-*"):
        extra.unlink()
    path.write_bytes(b"second damaged file" * 100)
    ProgressStore("built-in")
    copies = sorted(p.read_bytes()[:19] for p in path.parent.iterdir() if p.name.startswith("progress.db.damaged-") and not p.name.endswith(("-wal", "-shm")))
    assert copies == [b"first damaged file" + b"f", b"second damaged file"]


def test_a_truncated_database_is_moved_aside_too(data_home):
    store = ProgressStore("built-in")
    for step in range(1, 200):
        store.visit(f"lesson-{step}", step)
    store.close()
    path = default_path()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    again = ProgressStore("built-in")
    assert "is damaged" in again.warnings[0]
    assert any(p.name.startswith("progress.db.damaged-") for p in path.parent.iterdir())


def test_a_database_that_cannot_be_opened_keeps_progress_in_memory_and_says_so(data_home):
    (data_home / "tuiconv").write_text("a file where the folder should be")
    store = ProgressStore("built-in")
    assert store.read_only and "will not be saved" in store.warnings[0]
    store.visit("padding", 2)
    assert store.lesson("padding").current_step == 2
    with pytest.raises(OSError, match="not saved"):
        store.save()
    assert (data_home / "tuiconv").read_text() == "a file where the folder should be"


def test_a_backup_is_a_readable_copy_of_everything(data_home, tmp_path):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.backup(tmp_path / "copy.db")
    assert rows(tmp_path / "copy.db", "SELECT lesson, step FROM steps") == [("padding", 1)]


def test_the_class_view_sees_every_learner_and_who_is_online(tmp_path):
    path = tmp_path / "progress.db"
    ProgressStore("built-in", path, learner="ada").complete_step("padding", 1, 4)
    ProgressStore("built-in", path, learner="bea").visit("relu", 3)
    teacher = ClassProgress(path)
    assert [(r.learner, r.lesson, r.step, r.completed is not None) for r in teacher.records("built-in")] == [
        ("ada", "padding", 1, True),
        ("bea", "relu", 3, False),
    ]
    assert teacher.positions("built-in")["bea"][:2] == ("relu", 3)
    teacher.session_started("s1", "ada", "ssh")
    teacher.session_started("s2", "ada", "ssh")
    assert ClassProgress(path).online()["ada"][1:] == ("ssh", 2)
    teacher.session_ended("s1")
    teacher.forget_sessions()
    assert ClassProgress(path).online() == {}


def test_an_old_progress_file_nested_too_deeply_or_a_pipe_is_left_alone_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = tmp_path / "tuiconv"
    folder.mkdir()
    (folder / "progress.json").write_text("[" * 100_000)
    store = ProgressStore("built-in")
    assert store.warnings == [f"could not import {folder / 'progress.json'} (nested too deeply); it is left as it was"]
    assert (folder / "progress.json").read_text() == "[" * 100_000
    store.close()
    other = tmp_path / "other"
    monkeypatch.setenv("XDG_DATA_HOME", str(other))
    (other / "tuiconv").mkdir(parents=True)
    os.mkfifo(other / "tuiconv" / "progress.json")  # would block a plain read for ever
    assert ProgressStore("built-in").lesson("pixels-are-numbers").completed_steps == set()
