"""`tuiconv lessons`: list the lessons with your progress, start over, or check a teacher's lessons."""

from __future__ import annotations

import sys

from tuiconv.clean_text import escape

HELP = "list the lessons and your progress; `lessons reset` starts over, `lessons check DIR` validates lessons"


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="list the lessons with your progress (the default)")
    reset = actions.add_parser(
        "reset",
        help="forget your progress, in every lesson or only the ones named",
        description="Forget your progress, in every lesson or only the ones named. "
        "A copy of the progress database from before is kept beside it as progress.db.bak.",
    )
    reset.add_argument("lesson", nargs="*", metavar="LESSON", help="a lesson id or number (default: all)")
    check = actions.add_parser(
        "check",
        help="validate a directory of lesson files: file:line: message for every problem",
        description="Validate every lesson file in DIR (default: the lessons in use) and play each "
        "step's solution. Prints file:line: message for every problem; exit code 2 if there is one.",
    )
    check.add_argument("directory", nargs="?", metavar="DIR", help="a directory of *.toml lessons")


def run(args) -> int:
    action = getattr(args, "action", None) or "list"
    if action == "check":
        return check(args.directory or args.lessons)
    from tuiconv.course.library import load_course
    from tuiconv.course.progress import ProgressStore

    course = load_course(args.lessons)
    for problem in course.broken:
        print(f"tuiconv: warning: {problem} (this lesson is left out; tuiconv lessons check says all)", file=sys.stderr)
    store = ProgressStore(course.key)
    for warning in store.warnings:
        print(f"tuiconv: warning: {warning}", file=sys.stderr)
    if action == "reset":
        return reset(course, store, args.lesson)
    show(course, store)
    return 0


def show(course, store) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    # Ids are long; below 100 columns the number is enough (`tuiconv lesson 3` works too).
    with_ids = console.width >= 100
    # Text, not markup: a title or a folder name may hold "[".
    title = Text("tuiconv lessons" + ("" if course.key == "built-in" else f" from {escape(str(course.directory))}"))
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right")
    table.add_column("lesson", no_wrap=True)
    if with_ids:
        table.add_column("id", style="dim", no_wrap=True)
    table.add_column("progress", no_wrap=True)
    next_up = None
    for number, lesson in enumerate(course.lessons, start=1):
        total = len(lesson.steps)
        progress = store.lesson(lesson.id, total)
        done = len(progress.completed_steps & set(range(1, total + 1)))
        if progress.completed and done == total:  # not if the lesson gained a step since
            status = f"[green]✓ done[/] {total}/{total}"
        elif progress.started:
            status = f"[yellow]▶ step {min(progress.current_step, total)}[/] {done}/{total}"
            next_up = next_up or lesson
        else:
            status = f"  new    0/{total}"
            next_up = next_up or lesson
        table.add_row(str(number), Text(lesson.title), *([lesson.id] if with_ids else []), status)
    console.print(table)
    from rich.markup import escape as markup_escape

    where_shown = markup_escape(escape(str(course.directory)))
    done = sum(store.lesson(lesson.id, len(lesson.steps)).completed for lesson in course.lessons)
    where = "" if course.key == "built-in" else f" --lessons {where_shown}"
    if next_up is None:
        console.print(f"All {done} lessons done. `tuiconv{where} lessons reset` starts over.")
    else:
        number = course.lessons.index(next_up) + 1
        console.print(f"{done} of {len(course.lessons)} done. Next: `tuiconv{where} lesson {number}` ({next_up.id}), or `tuiconv{where}` for the menu.")


def reset(course, store, names: list[str]) -> int:
    # "reset 1 1" or "reset 1 pixels-are-numbers" names one lesson once.
    chosen = {}
    for name in names:
        lesson = course.find(name)
        chosen.setdefault(lesson.id, lesson)
    lessons = list(chosen.values()) if names else course.lessons
    backup = store.path.with_name(store.path.name + ".bak")
    # The copy first, then one transaction: a failure in either leaves the progress as it was.
    store.backup(backup)
    forgotten = store.reset([lesson.id for lesson in lessons])
    if not forgotten:
        what = "any lesson" if not names else ", ".join(lesson.id for lesson in lessons)
        print(f"Nothing to reset: no progress in {what}.")
        return 0
    titles = [lesson.title for lesson in lessons if lesson.id in forgotten]
    print(f"Reset {len(titles)} lesson(s): {', '.join(titles)}.")
    print(f"The previous progress is kept in {backup}.")
    return 0


def check(directory: str | None) -> int:
    """Every problem as file:line: message (exit 2), or how many lessons and steps are valid."""
    from tuiconv.course.lesson import Problem
    from tuiconv.course.library import builtin_dir, check_directory
    from tuiconv.course.rehearse import rehearse

    from tuiconv.errors import InputError

    folder = directory if directory is not None else str(builtin_dir())
    # Partial: the valid steps of a lesson with problems are rehearsed too, so one run says all;
    # the same validation the app loads lessons with (course/lesson.py), plus its warnings.
    lessons, found = check_directory(folder, partial=True, warnings=True)
    for lesson in lessons:
        for step in lesson.steps:
            try:
                messages = rehearse(step)
            except (InputError, ValueError) as error:  # one step that cannot be played stops nothing else
                messages = [f"the solution cannot be played: {error}"]
            found.extend(Problem(str(lesson.path), step.solution_line, message) for message in messages)
    problems = [p for p in found if not p.warning]
    warnings = [p for p in found if p.warning]
    for problem in problems + warnings:
        print(problem)
    shown = escape(str(folder))
    if problems:
        print(f"{len(problems)} problem(s), {len(warnings)} warning(s) in {shown}", file=sys.stderr)
        return 2
    steps = sum(len(lesson.steps) for lesson in lessons)
    also = f", {len(warnings)} warning(s)" if warnings else ""
    print(f"{len(lessons)} lessons, {steps} steps: all valid{also} ({shown})")
    return 0
