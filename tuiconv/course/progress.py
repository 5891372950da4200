"""Where each learner is in each lesson, kept in one small JSON file they could read themselves.

``$XDG_DATA_HOME/tuiconv/progress.json`` (default ``~/.local/share/tuiconv/progress.json``)::

    {"format": 1,
     "courses": {"built-in": {"one-dot-product": {"current_step": 2, "completed_steps": [1, 2],
                                                   "completed": false}}}}

Steps count from 1, as the learner does. A teacher's course (``--lessons DIR``) is kept under
its directory so its lesson ids never mix with the built-in ones.

Saving is atomic (temp file in the same directory, fsync, ``os.replace``), so a crash leaves
either the old file or the new one. A file that cannot be understood is moved aside to
``progress.json.corrupt-<time>`` with a warning — never a crash, never silently emptied.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 1


def data_dir() -> Path:
    """``$XDG_DATA_HOME/tuiconv``; the spec says a relative XDG_DATA_HOME is to be ignored."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "tuiconv"


def default_path() -> Path:
    return data_dir() / "progress.json"


@dataclass
class LessonProgress:
    """One lesson: the step to resume at, the steps done, and whether the lesson is finished."""

    current_step: int = 1
    completed_steps: set[int] = field(default_factory=set)
    completed: bool = False

    @property
    def started(self) -> bool:
        return bool(self.completed_steps) or self.current_step > 1 or self.completed

    def to_json(self) -> dict:
        return {"current_step": self.current_step, "completed_steps": sorted(self.completed_steps), "completed": self.completed}

    @classmethod
    def from_json(cls, data: object) -> LessonProgress:
        if not isinstance(data, dict):
            raise ValueError("a lesson entry is not an object")
        step, steps, done = data.get("current_step", 1), data.get("completed_steps", []), data.get("completed", False)
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise ValueError(f"current_step {step!r} is not a step number")
        if not isinstance(steps, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in steps):
            raise ValueError("completed_steps is not a list of step numbers")
        if not isinstance(done, bool):
            raise ValueError("completed is not true or false")
        return cls(step, set(steps), done)


class ProgressStore:
    """The progress of one course (``course`` = "built-in" or a lesson directory) in one file.

    ``warnings`` collects what went wrong on loading, for the caller to show; when the file
    could not be read at all the store is ``read_only`` so that saving cannot destroy it.
    """

    def __init__(self, course: str, path: str | Path | None = None):
        self.course = course
        self.path = Path(path) if path is not None else default_path()
        self.warnings: list[str] = []
        self.read_only = False
        self._data: dict = {"format": FORMAT, "courses": {}}
        self._load()

    # ------------------------------------------------------------ loading

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self._set_aside(f"cannot read {self.path} ({reason})")
            return
        try:
            data = json.loads(text)
            self._data = self._validated(data)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            self._set_aside(f"{self.path} is damaged ({error})")

    @staticmethod
    def _validated(data: object) -> dict:
        if not isinstance(data, dict) or not isinstance(data.get("courses", {}), dict):
            raise ValueError("not a progress file")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        for course in data.get("courses", {}).values():
            if not isinstance(course, dict):
                raise ValueError("a course entry is not an object")
            for entry in course.values():
                LessonProgress.from_json(entry)
        return {"format": FORMAT, "courses": data.get("courses", {})}

    def _set_aside(self, problem: str) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, aside)
        except OSError as error:
            self.read_only = True
            self.warnings.append(f"{problem}; could not move it aside ({error.strerror or error}), so progress will not be saved this time")
            return
        self.warnings.append(f"{problem}; moved it to {aside} and started a fresh progress file")

    # ------------------------------------------------------------ reading and changing

    def _course(self) -> dict:
        return self._data["courses"].setdefault(self.course, {})

    def lesson(self, lesson_id: str) -> LessonProgress:
        return LessonProgress.from_json(self._course().get(lesson_id, {}))

    def _put(self, lesson_id: str, progress: LessonProgress) -> None:
        self._course()[lesson_id] = progress.to_json()

    def visit(self, lesson_id: str, step: int) -> None:
        """Remember ``step`` as where to resume this lesson."""
        progress = self.lesson(lesson_id)
        progress.current_step = step
        self._put(lesson_id, progress)

    def complete_step(self, lesson_id: str, step: int, step_count: int) -> LessonProgress:
        """Mark ``step`` done; the lesson is completed once all ``step_count`` steps are."""
        progress = self.lesson(lesson_id)
        progress.completed_steps.add(step)
        if progress.completed_steps >= set(range(1, step_count + 1)):
            progress.completed = True
        self._put(lesson_id, progress)
        return progress

    def reset(self, lesson_ids: list[str] | None = None) -> list[str]:
        """Forget the given lessons (all of this course when None); the ids that had progress."""
        course = self._course()
        targets = list(course) if lesson_ids is None else [i for i in lesson_ids if i in course]
        forgotten = [i for i in targets if LessonProgress.from_json(course[i]).started]
        for lesson_id in targets:
            del course[lesson_id]
        return forgotten

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        """Write the file atomically; OSError if it cannot be written (the old file stays)."""
        if self.read_only:
            raise OSError(f"progress is not saved this session: {self.path} could not be read or moved aside")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._data, indent=1, sort_keys=True) + "\n"
        handle, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        _fsync_directory(self.path.parent)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable; not every system allows opening a directory."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
