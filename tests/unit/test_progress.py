"""Progress survives: resumes where the learner left off, never lost to a crash or a damaged file."""

from __future__ import annotations

import json
import os

import pytest

from tuiconv.course import progress as progress_module
from tuiconv.course.progress import ProgressStore, default_path


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def test_the_file_lives_under_xdg_data_home(data_home):
    assert default_path() == data_home / "tuiconv" / "progress.json"


def test_without_xdg_data_home_it_is_under_local_share(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "tuiconv" / "progress.json"


def test_a_relative_xdg_data_home_is_ignored_as_the_spec_says(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "tuiconv" / "progress.json"


def test_progress_is_saved_and_read_back_to_resume(data_home):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.visit("padding", 2)
    store.save()
    again = ProgressStore("built-in").lesson("padding")
    assert (again.current_step, again.completed_steps, again.completed) == (2, {1}, False)
    on_disk = json.loads(default_path().read_text())
    assert on_disk["courses"]["built-in"]["padding"] == {"current_step": 2, "completed_steps": [1], "completed": False}


def test_a_lesson_is_completed_when_every_step_is(data_home):
    store = ProgressStore("built-in")
    for step in (1, 3, 2):
        done = store.complete_step("relu", step, 3)
    assert done.completed


def test_a_teachers_course_is_kept_apart_from_the_built_in_one(data_home):
    built_in = ProgressStore("built-in")
    built_in.complete_step("padding", 1, 4)
    built_in.save()
    teacher = ProgressStore("/home/teacher/lessons")
    assert not teacher.lesson("padding").started


def test_reset_forgets_all_or_only_the_named_lessons(data_home):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.complete_step("relu", 1, 4)
    assert store.reset(["relu"]) == ["relu"]
    assert store.lesson("padding").started and not store.lesson("relu").started
    assert store.reset() == ["padding"]
    assert not store.lesson("padding").started


def test_a_crash_in_the_middle_of_a_save_leaves_the_old_file_intact(data_home, monkeypatch):
    store = ProgressStore("built-in")
    store.complete_step("padding", 1, 4)
    store.save()
    before = default_path().read_bytes()

    store.complete_step("padding", 2, 4)

    def crash(*args, **kwargs):
        raise OSError("simulated power cut")

    with monkeypatch.context() as patch:
        patch.setattr(progress_module.os, "replace", crash)
        with pytest.raises(OSError, match="simulated power cut"):
            store.save()

    assert default_path().read_bytes() == before
    assert ProgressStore("built-in").lesson("padding").completed_steps == {1}
    assert [p.name for p in default_path().parent.iterdir()] == ["progress.json"]  # no temp file left


def test_a_crash_half_way_through_writing_leaves_the_old_file_intact(data_home, monkeypatch):
    store = ProgressStore("built-in")
    store.visit("padding", 3)
    store.save()
    before = default_path().read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            raise OSError("disk full")

    store.visit("padding", 4)
    with monkeypatch.context() as patch:
        patch.setattr(progress_module.os, "fdopen", lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k)))
        with pytest.raises(OSError, match="disk full"):
            store.save()
    assert default_path().read_bytes() == before
    assert ProgressStore("built-in").lesson("padding").current_step == 3


def test_a_corrupt_file_is_moved_aside_with_a_warning_not_emptied(data_home):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "courses": {"built-in": {"padding": {"current_st')
    store = ProgressStore("built-in")
    assert not store.lesson("padding").started
    assert len(store.warnings) == 1
    warning = store.warnings[0]
    assert f"{path} is damaged" in warning and "moved it to" in warning
    aside = [p for p in path.parent.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_text().endswith('"current_st')  # the learner's data is still there
    store.visit("padding", 2)
    store.save()
    assert ProgressStore("built-in").lesson("padding").current_step == 2


def test_a_file_with_the_wrong_structure_is_also_moved_aside(data_home):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": 1, "courses": {"built-in": {"padding": {"current_step": "two"}}}}))
    store = ProgressStore("built-in")
    assert "is damaged" in store.warnings[0]
    assert not path.exists()


def test_an_unreadable_file_that_cannot_be_moved_is_left_alone_and_not_overwritten(data_home, monkeypatch):
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_text("not json")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr(progress_module.os, "replace", refuse)
        store = ProgressStore("built-in")
    assert store.read_only and "will not be saved" in store.warnings[0]
    with pytest.raises(OSError):
        store.save()
    assert path.read_text() == "not json"
