"""A course: every lesson file of one directory, in file-name order, and where the built-in one lives."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from tuiconv.course.lesson import Lesson, Problem, read_lesson
from tuiconv.errors import InputError

BUILTIN = "built-in"


def builtin_dir() -> Path:
    """The shipped lessons: ``tuiconv/_lessons`` in an installed wheel; in a checkout that is a
    symlink to the top-level ``lessons/`` (resolved, so messages name the file a teacher edits)."""
    packaged = Path(__file__).resolve().parents[1] / "_lessons"
    if packaged.is_dir() and any(packaged.glob("*.toml")):
        return packaged.resolve()
    return Path(__file__).resolve().parents[2] / "lessons"


@dataclass
class Course:
    """The lessons of one directory; ``key`` names it in the progress file."""

    key: str
    directory: Path
    lessons: list[Lesson]

    def find(self, name: str) -> Lesson:
        """A lesson by id, by number ("3") or by file name; InputError with a did-you-mean if none."""
        wanted = name.strip().lower()
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.lessons):
            return self.lessons[int(wanted) - 1]
        for lesson in self.lessons:
            if wanted in (lesson.id, lesson.path.stem.lower(), lesson.path.name.lower()):
                return lesson
        starting = [lesson for lesson in self.lessons if lesson.id.startswith(wanted)]
        if len(starting) == 1:  # "training" for "training-from-random-weights"
            return starting[0]
        close = get_close_matches(wanted, [lesson.id for lesson in self.lessons], n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise InputError(f'no lesson "{name}"{hint}; `tuiconv lessons` lists them (by id or number 1–{len(self.lessons)})')


def check_directory(directory: str | Path, partial: bool = False) -> tuple[list[Lesson], list[Problem]]:
    """Every valid lesson in ``directory`` and every problem of every file in it."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("not a directory of lessons" if folder.exists() else "no such directory", folder)
    files = sorted(folder.glob("*.toml"))
    if not files:
        return [], [Problem(str(folder), None, "no lesson files (*.toml) here")]
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in files:
        lesson, found = read_lesson(path, partial=partial)
        problems.extend(found)
        if lesson is None:
            continue
        if lesson.id and lesson.id in seen:
            line = _id_line(path)
            problems.append(Problem(str(path), line, f'duplicate lesson id "{lesson.id}": {seen[lesson.id].name} uses it too'))
            continue
        seen[lesson.id] = path
        lessons.append(lesson)
    return lessons, problems


def _id_line(path: Path) -> int | None:
    from tuiconv.course.toml_lines import key_lines

    return key_lines(path.read_text(encoding="utf-8-sig")).get(("id",))


def load_course(directory: str | Path | None = None) -> Course:
    """The course in ``directory`` (the built-in one when None); InputError at its first problem."""
    folder = builtin_dir() if directory is None else Path(directory)
    lessons, problems = check_directory(folder)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problem(s): tuiconv lessons check {folder})" if len(problems) > 1 else ""
        raise InputError(first.message + more, first.path, first.line)
    key = BUILTIN if directory is None else str(folder.resolve())
    return Course(key=key, directory=folder, lessons=lessons)
