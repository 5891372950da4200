"""A course: every lesson file of one directory, in file-name order, and where the built-in one lives."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    # One broken file does not stop the course: its first problem, per file, for the menu.
    broken: list[Problem] = field(default_factory=list)

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


# A course folder with more lesson files than this is not a course (and would take minutes).
MAX_LESSON_FILES = 200


def check_directory(directory: str | Path, partial: bool = False, warnings: bool = False) -> tuple[list[Lesson], list[Problem]]:
    """Every valid lesson in ``directory`` and every problem of every file in it (and, with
    ``warnings``, every warning): the one validation `lessons check` and the app share."""
    folder = Path(directory)
    if not str(directory).strip():
        raise InputError("the lessons directory name is empty")
    try:
        if not folder.is_dir():
            raise InputError("not a directory of lessons" if folder.exists() else "no such directory", folder)
        files = sorted(path for path in folder.glob("*.toml"))
    except OSError as error:
        raise InputError(f"cannot read the directory: {error.strerror or error}", folder) from None
    if len(files) > MAX_LESSON_FILES:
        raise InputError(f"holds {len(files)} lesson files; a course has at most {MAX_LESSON_FILES}", folder)
    if not files:
        return [], [Problem(str(folder), None, "no lesson files (*.toml) here")]
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in files:
        lesson, found = read_lesson(path, partial=partial, warnings=warnings)
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
    from tuiconv.engine.files import read_text

    return key_lines(read_text(path, "lesson")).get(("id",))


def load_course(directory: str | Path | None = None) -> Course:
    """The course in ``directory`` (the built-in one when None).

    A broken lesson file does not stop the others: the course holds the valid lessons and, in
    ``broken``, the first problem of each broken file (the menu lists it with its reason).
    InputError only when no lesson at all is valid.
    """
    folder = builtin_dir() if directory is None else Path(directory)
    lessons, problems = check_directory(folder)
    broken: dict[str, Problem] = {}
    for problem in problems:
        broken.setdefault(problem.path, problem)
    if not lessons:
        first = problems[0] if problems else Problem(str(folder), None, "no lessons")
        more = f" (and {len(problems) - 1} more problem(s): tuiconv lessons check {folder})" if len(problems) > 1 else ""
        raise InputError(first.message + more, first.path, first.line)
    key = BUILTIN if directory is None else str(folder.resolve())
    return Course(key=key, directory=folder, lessons=lessons, broken=list(broken.values()))
