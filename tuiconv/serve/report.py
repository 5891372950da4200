"""What a teacher reads about a class: per learner and lesson the steps done, answers tried,
hints shown and when they were last seen; and, for the live view, who is where right now."""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass

# A step looks hard for a learner after this many answers tried, or this long open undone.
STUCK_ATTEMPTS = 5
STUCK_SECONDS = 10 * 60


@dataclass
class LessonRow:
    learner: str
    number: int
    lesson: str
    title: str
    done: int
    steps: int
    attempts: int
    hints: int
    last_seen: float | None


@dataclass
class NowRow:
    learner: str
    online: bool
    lesson_number: int | None
    lesson: str | None
    step: int | None
    steps: int | None
    seconds_on_step: float | None
    attempts: int
    hints: int
    stuck: str  # why they look stuck, or ""


def _course(config):
    from tuiconv.course.library import load_course

    return load_course(config.lessons_dir())


def _learners(config, records) -> list[str]:
    return sorted(set(config.learners) | {record.learner for record in records})


def lesson_rows(config, course=None) -> list[LessonRow]:
    """One row per learner and lesson, learners in name order, lessons in course order."""
    from tuiconv.course.progress import ClassProgress

    course = course or _course(config)
    store = ClassProgress(config.database_path)
    try:
        records = store.records(course.key)
    finally:
        store.close()
    by_key: dict[tuple[str, str], list] = {}
    for record in records:
        by_key.setdefault((record.learner, record.lesson), []).append(record)
    rows = []
    for learner in _learners(config, records):
        for number, lesson in enumerate(course.lessons, start=1):
            mine = [r for r in by_key.get((learner, lesson.id), []) if 1 <= r.step <= len(lesson.steps)]
            seen = [r.last_seen for r in mine if r.last_seen is not None]
            rows.append(LessonRow(
                learner, number, lesson.id, lesson.title,
                done=sum(r.completed is not None for r in mine), steps=len(lesson.steps),
                attempts=sum(r.attempts for r in mine), hints=sum(r.hints for r in mine),
                last_seen=max(seen) if seen else None,
            ))
    return rows


def now_rows(config, course, now: float | None = None) -> list[NowRow]:
    """Each learner's current step, whether they are logged in, and whether they look stuck."""
    from tuiconv.course.progress import ClassProgress

    now = time.time() if now is None else now
    store = ClassProgress(config.database_path)
    try:
        records = store.records(course.key)
        positions = store.positions(course.key)
        online = store.online()
    finally:
        store.close()
    steps = {(r.learner, r.lesson, r.step): r for r in records}
    numbers = {lesson.id: (number, len(lesson.steps)) for number, lesson in enumerate(course.lessons, start=1)}
    rows = []
    for learner in sorted(set(_learners(config, records)) | set(online)):
        position = positions.get(learner)
        if position is None or position[0] not in numbers:
            rows.append(NowRow(learner, learner in online, None, None, None, None, None, 0, 0, ""))
            continue
        lesson, step, _ = position
        number, count = numbers[lesson]
        record = steps.get((learner, lesson, step))
        attempts = record.attempts if record else 0
        hints = record.hints if record else 0
        done = record is not None and record.completed is not None
        seconds = now - record.opened if record and record.opened and not done else None
        stuck = ""
        if not done and attempts >= STUCK_ATTEMPTS:
            stuck = f"{attempts} tries"
        elif seconds is not None and seconds >= STUCK_SECONDS and learner in online:
            stuck = f"{seconds / 60:.0f} min"
        rows.append(NowRow(learner, learner in online, number, lesson, step, count, seconds, attempts, hints, stuck))
    return rows


def _when(stamp: float | None) -> str:
    return "never" if stamp is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def print_report(config, csv_out: bool = False) -> int:
    rows = lesson_rows(config)
    if csv_out:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["learner", "lesson_number", "lesson", "steps_done", "steps", "attempts", "hints", "last_seen"])
        for row in rows:
            seen = "" if row.last_seen is None else time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(row.last_seen))
            out.writerow([row.learner, row.number, row.lesson, row.done, row.steps, row.attempts, row.hints, seen])
        return 0
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"class {config.name}: progress", title_justify="left", box=box.SIMPLE_HEAD)
    for name, justify in (("learner", "left"), ("#", "right"), ("lesson", "left"), ("done", "right"), ("tries", "right"), ("hints", "right"), ("last seen", "left")):
        table.add_column(name, justify=justify, no_wrap=True)
    learners = sorted({row.learner for row in rows})
    for learner in learners:
        mine = [row for row in rows if row.learner == learner]
        active = [row for row in mine if row.last_seen is not None]
        if not active:
            table.add_row(learner, "", "not started", "", "", "", "")
            continue
        for row in active:
            table.add_row(learner, str(row.number), row.title, f"{row.done}/{row.steps}", str(row.attempts), str(row.hints), _when(row.last_seen))
    Console().print(table)
    finished = {learner: sum(row.done == row.steps for row in rows if row.learner == learner) for learner in learners}
    lessons = len({row.lesson for row in rows})
    print("Lessons finished: " + (", ".join(f"{name} {count}/{lessons}" for name, count in finished.items()) or "no learners yet"))
    return 0
