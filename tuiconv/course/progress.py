"""Where each learner is in each lesson: one SQLite database (stdlib ``sqlite3``, WAL mode).

Local use keeps it in ``$XDG_DATA_HOME/tuiconv/progress.db`` (default
``~/.local/share/tuiconv/progress.db``) for the learner ``local``; a class keeps one in its
class directory for all its learners. Per learner, course and step it records when the step
was first opened and first completed, the answers tried and the hints shown; per lesson the
step to resume at. Steps count from 1, as the learner does. A teacher's course (``--lessons
DIR``) is kept under its directory so its lesson ids never mix with the built-in ones.

Why it cannot lose what was saved:
- every change is one short transaction of its own (an UPSERT of one row, never a rewrite of
  the whole store), so two sessions of one learner add to each other instead of overwriting;
- a committed transaction is on disk before the call returns (WAL, ``synchronous=FULL``), so
  killing a session or the server with SIGKILL keeps it;
- a database SQLite cannot read is moved aside to a name never used before, with a warning;
  if it cannot be moved, the store works in memory for this session and says nothing is saved.

The old ``progress.json`` beside the database is imported once (its import is recorded in the
same transaction as its rows). This module is the only one that speaks SQL, so that a shared
database server could replace it for several servers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from tuiconv.engine.files import read_text
from tuiconv.errors import InputError

LOCAL_LEARNER = "local"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 5000
# A progress.json of the old format larger than this is not a progress file anyone wrote.
JSON_IMPORT_CAP = 4 * 1024 * 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS steps (
    learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL, step INTEGER NOT NULL,
    opened REAL, completed REAL, attempts INTEGER NOT NULL DEFAULT 0,
    hints INTEGER NOT NULL DEFAULT 0, last_seen REAL,
    PRIMARY KEY (learner, course, lesson, step));
CREATE TABLE IF NOT EXISTS lessons (
    learner TEXT NOT NULL, course TEXT NOT NULL, lesson TEXT NOT NULL,
    current_step INTEGER NOT NULL, updated REAL NOT NULL,
    PRIMARY KEY (learner, course, lesson));
CREATE TABLE IF NOT EXISTS presence (
    session TEXT PRIMARY KEY, learner TEXT NOT NULL, started REAL NOT NULL, via TEXT NOT NULL);
"""


def data_dir() -> Path:
    """``$XDG_DATA_HOME/tuiconv``; the spec says a relative XDG_DATA_HOME is to be ignored."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "tuiconv"


def default_path() -> Path:
    return data_dir() / "progress.db"


def legacy_json_path(database: Path) -> Path:
    return database.with_name("progress.json")


@dataclass
class LessonProgress:
    """One lesson: the step to resume at, the steps done, and whether every step is done.

    ``completed`` is worked out from the lesson's step count, so a lesson that gained a step
    since the learner finished it shows as not complete.
    """

    current_step: int = 1
    completed_steps: set[int] = field(default_factory=set)
    completed: bool = False

    @property
    def started(self) -> bool:
        return bool(self.completed_steps) or self.current_step > 1 or self.completed


@dataclass
class StepRecord:
    """One row of the teacher's view: a learner on one step of one lesson."""

    learner: str
    course: str
    lesson: str
    step: int
    opened: float | None
    completed: float | None
    attempts: int
    hints: int
    last_seen: float | None


class ProgressStore:
    """The progress of one learner in one course (``course`` = "built-in" or a lesson directory).

    ``warnings`` collects what went wrong on opening, for the caller to show. When the database
    can be neither read nor moved aside the store is ``read_only``: it keeps this session's
    progress in memory and ``save()`` raises, so the screens say that nothing is saved.
    """

    def __init__(self, course: str, path: str | Path | None = None, learner: str = LOCAL_LEARNER):
        self.course = course
        self.learner = learner
        self.path = Path(path) if path is not None else default_path()
        self.warnings: list[str] = []
        self.read_only = False
        self._write_error: str | None = None
        self._db = self._open()

    # ------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(self.path)
        except sqlite3.OperationalError as error:
            # Locked for longer than the busy timeout, unreadable, or newer: not damaged.
            return self._in_memory(f"cannot open {self.path} ({error})")
        except sqlite3.DatabaseError as error:
            problem = f"{self.path} is damaged ({error})"
        except OSError as error:
            problem = f"cannot open {self.path} ({error.strerror or error})"
            return self._in_memory(problem)
        aside = self._set_aside()
        if aside is None:
            return self._in_memory(problem)
        self.warnings.append(f"{problem}; moved it to {aside} and started a fresh progress database")
        try:
            return self._connect(self.path)
        except (sqlite3.DatabaseError, OSError) as error:
            return self._in_memory(f"cannot create {self.path} ({error})")

    def _connect(self, path: Path) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; each change below is its own.
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {check}")
            with _transaction(db):
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if version is None:
                    db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                elif version[0] != str(SCHEMA_VERSION):
                    # A newer tuiconv's database is not damaged: leave it alone, save nothing.
                    raise sqlite3.OperationalError(f"written by a newer tuiconv (schema {version[0]!r})")
        except BaseException:
            db.close()
            raise
        if path == self.path and self.learner == LOCAL_LEARNER:
            self._import_json_once(db)
        return db

    def _in_memory(self, problem: str) -> sqlite3.Connection:
        self.read_only = True
        self.warnings.append(f"{problem}; progress will not be saved this time")
        db = sqlite3.connect(":memory:", isolation_level=None)
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        return db

    def _set_aside(self) -> Path | None:
        """Move the damaged database (and its WAL) to a name no earlier copy has; None if it cannot."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for attempt in range(1000):
            suffix = f".damaged-{stamp}" + (f"-{attempt}" if attempt else "")
            aside = self.path.with_name(self.path.name + suffix)
            try:
                # link fails if the name is taken, so an earlier set-aside copy is never replaced.
                os.link(self.path, aside)
            except FileExistsError:
                continue
            except OSError:
                return None
            try:
                os.unlink(self.path)
            except OSError:
                return None
            for extra in ("-wal", "-shm"):
                try:
                    os.replace(f"{self.path}{extra}", f"{aside}{extra}")
                except FileNotFoundError:
                    pass
                except OSError:
                    return None
            return aside
        return None

    def _import_json_once(self, db: sqlite3.Connection) -> None:
        """Bring an old progress.json in, once; a damaged one is left as it is, with a warning."""
        source = legacy_json_path(self.path)
        if db.execute("SELECT 1 FROM meta WHERE key = 'json_import'").fetchone() is not None:
            return
        try:
            if not source.is_file():
                return
            if source.stat().st_size > JSON_IMPORT_CAP:
                raise ValueError(f"larger than {JSON_IMPORT_CAP // (1024 * 1024)} MiB")
            data = _validated_json(json.loads(read_text(source, "progress")))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, InputError) as error:
            reason = "nested too deeply" if isinstance(error, RecursionError) else getattr(error, "strerror", None) or str(error)
            self.warnings.append(f"could not import {source} ({reason}); it is left as it was")
            with _transaction(db):
                db.execute("INSERT OR IGNORE INTO meta VALUES ('json_import', ?)", (f"failed: {reason}",))
            return
        now = time.time()
        with _transaction(db):
            if db.execute("SELECT 1 FROM meta WHERE key = 'json_import'").fetchone() is not None:
                return  # another session imported it meanwhile
            for course, lessons in data.items():
                for lesson, entry in lessons.items():
                    db.execute(
                        "INSERT OR IGNORE INTO lessons VALUES (?, ?, ?, ?, ?)",
                        (self.learner, course, lesson, entry["current_step"], now),
                    )
                    for step in entry["completed_steps"]:
                        db.execute(
                            "INSERT OR IGNORE INTO steps (learner, course, lesson, step, opened, completed, last_seen) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (self.learner, course, lesson, step, now, now, now),
                        )
            db.execute("INSERT INTO meta VALUES ('json_import', ?)", (f"imported {source} at {now:.0f}",))

    # ------------------------------------------------------------ reading

    def lesson(self, lesson_id: str, step_count: int | None = None) -> LessonProgress:
        """Where this learner is in ``lesson_id``; ``completed`` needs the lesson's ``step_count``."""
        row = self._db.execute(
            "SELECT current_step FROM lessons WHERE learner = ? AND course = ? AND lesson = ?",
            (self.learner, self.course, lesson_id),
        ).fetchone()
        done = {
            step
            for (step,) in self._db.execute(
                "SELECT step FROM steps WHERE learner = ? AND course = ? AND lesson = ? AND completed IS NOT NULL",
                (self.learner, self.course, lesson_id),
            )
        }
        completed = step_count is not None and step_count > 0 and done >= set(range(1, step_count + 1))
        return LessonProgress(row[0] if row else 1, done, completed)

    def step(self, lesson_id: str, step: int) -> StepRecord | None:
        row = self._db.execute(
            "SELECT * FROM steps WHERE learner = ? AND course = ? AND lesson = ? AND step = ?",
            (self.learner, self.course, lesson_id, step),
        ).fetchone()
        return StepRecord(*row) if row else None

    # ------------------------------------------------------------ changing (one transaction each)

    def _write(self, sql: str, parameters: tuple) -> None:
        try:
            with _transaction(self._db):
                self._db.execute(sql, parameters)
        except sqlite3.Error as error:
            # The screens call save() after a change and tell the learner once; no crash here.
            self._write_error = str(error)

    def _touch_step(self, lesson_id: str, step: int, column: str, update: str, first: object = None) -> None:
        """Create the step's row (``column`` = ``first``) or apply ``update`` to it, in one statement."""
        now = time.time()
        columns = "learner, course, lesson, step, opened, last_seen"
        values: tuple = (self.learner, self.course, lesson_id, step, now, now)
        if column != "opened":
            columns += f", {column}"
            values += (now if first is None else first,)
        marks = ", ".join("?" * len(values))
        self._write(
            f"INSERT INTO steps ({columns}) VALUES ({marks}) "
            f"ON CONFLICT DO UPDATE SET {column} = {update}, last_seen = excluded.last_seen",
            values,
        )

    def visit(self, lesson_id: str, step: int) -> None:
        """Remember ``step`` as where to resume this lesson, and when it was first opened."""
        now = time.time()
        self._write(
            "INSERT INTO lessons VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "current_step = excluded.current_step, updated = excluded.updated",
            (self.learner, self.course, lesson_id, step, now),
        )
        self._touch_step(lesson_id, step, "opened", "coalesce(opened, excluded.opened)")

    def complete_step(self, lesson_id: str, step: int, step_count: int) -> LessonProgress:
        """Mark ``step`` done (its first completion time stays); the lesson as it now stands."""
        self._touch_step(lesson_id, step, "completed", "coalesce(completed, excluded.completed)")
        return self.lesson(lesson_id, step_count)

    def attempt(self, lesson_id: str, step: int) -> None:
        """One more answer tried at ``step``."""
        self._touch_step(lesson_id, step, "attempts", "attempts + 1", first=1)

    def hint(self, lesson_id: str, step: int) -> None:
        """One more hint shown at ``step``."""
        self._touch_step(lesson_id, step, "hints", "hints + 1", first=1)

    def reset(self, lesson_ids: list[str] | None = None) -> list[str]:
        """Forget the given lessons (all of this course when None), in one transaction.

        Returns the ids that had progress, each once, in the order given.
        """
        where, parameters = "learner = ? AND course = ?", [self.learner, self.course]
        if lesson_ids is None:
            rows = self._db.execute(f"SELECT lesson FROM lessons WHERE {where} UNION SELECT lesson FROM steps WHERE {where}", parameters * 2)
            targets = sorted({lesson for (lesson,) in rows})
        else:
            targets = list(dict.fromkeys(lesson_ids))
        forgotten = [lesson for lesson in targets if self.lesson(lesson).started]
        if self.read_only:
            raise OSError(f"progress is not saved this session: {self.path} could not be opened")
        try:
            with _transaction(self._db):
                for lesson in targets:
                    self._db.execute(f"DELETE FROM lessons WHERE {where} AND lesson = ?", (*parameters, lesson))
                    self._db.execute(f"DELETE FROM steps WHERE {where} AND lesson = ?", (*parameters, lesson))
        except sqlite3.Error as error:
            raise OSError(f"{self.path}: could not reset ({error}); nothing was changed") from None
        return forgotten

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the whole database at ``target`` (written whole, then renamed in)."""
        if self.read_only:  # an in-memory stand-in must never replace an earlier backup
            raise OSError(f"progress is not saved this session: {self.path} could not be opened")
        target = Path(target)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            copy = sqlite3.connect(temporary)
            try:
                self._db.backup(copy)
            finally:
                copy.close()
            os.replace(temporary, target)
        except sqlite3.Error as error:
            raise OSError(f"{target}: could not write a backup ({error})") from None
        finally:
            if temporary.exists():
                temporary.unlink()

    def save(self) -> None:
        """Every change is already on disk; OSError if one could not be written."""
        if self.read_only:
            raise OSError(f"progress is not saved this session: {self.path} could not be opened")
        if self._write_error is not None:
            error, self._write_error = self._write_error, None
            raise OSError(f"{self.path}: {error}")

    def close(self) -> None:
        self._db.close()


class ClassProgress(ProgressStore):
    """A class's database as its teacher and its server see it: every learner, who is online."""

    def __init__(self, path: str | Path):
        super().__init__(course="", path=path, learner="")

    def records(self, course: str) -> list[StepRecord]:
        rows = self._db.execute("SELECT * FROM steps WHERE course = ? ORDER BY learner, lesson, step", (course,))
        return [StepRecord(*row) for row in rows]

    def positions(self, course: str) -> dict[str, tuple[str, int, float]]:
        """Each learner's latest lesson: (lesson, step to resume at, when)."""
        rows = self._db.execute(
            "SELECT learner, lesson, current_step, max(updated) FROM lessons WHERE course = ? GROUP BY learner", (course,)
        )
        return {learner: (lesson, step, when) for learner, lesson, step, when in rows}

    def session_started(self, session: str, learner: str, via: str) -> None:
        self._write("INSERT OR REPLACE INTO presence VALUES (?, ?, ?, ?)", (session, learner, time.time(), via))

    def session_ended(self, session: str) -> None:
        self._write("DELETE FROM presence WHERE session = ?", (session,))

    def forget_sessions(self) -> None:
        """A server starting: sessions of a server that was killed are not online."""
        self._write("DELETE FROM presence", ())

    def online(self) -> dict[str, tuple[float, str, int]]:
        """Who is logged in now: learner → (since, how, how many sessions)."""
        rows = self._db.execute("SELECT learner, min(started), group_concat(DISTINCT via), count(*) FROM presence GROUP BY learner")
        return {learner: (since, via, count) for learner, since, via, count in rows}


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (ROLLBACK on any error): takes the write lock up front,
    so two sessions queue for the busy timeout instead of failing half-way."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, error, trace):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        return False


def _validated_json(data: object) -> dict[str, dict[str, dict]]:
    """The old progress.json's courses, each lesson as {current_step, completed_steps}; ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("courses", {}), dict):
        raise ValueError("not a progress file")
    if data.get("format", 1) != 1:
        raise ValueError(f"unknown format {data.get('format')!r}")
    courses: dict[str, dict[str, dict]] = {}
    for course, lessons in data.get("courses", {}).items():
        if not isinstance(lessons, dict):
            raise ValueError("a course entry is not an object")
        courses[course] = {}
        for lesson, entry in lessons.items():
            if not isinstance(entry, dict):
                raise ValueError("a lesson entry is not an object")
            step, steps = entry.get("current_step", 1), entry.get("completed_steps", [])
            if isinstance(step, bool) or not isinstance(step, int) or step < 1:
                raise ValueError(f"current_step {step!r} is not a step number")
            if not isinstance(steps, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in steps):
                raise ValueError("completed_steps is not a list of step numbers")
            courses[course][lesson] = {"current_step": step, "completed_steps": steps}
    return courses
