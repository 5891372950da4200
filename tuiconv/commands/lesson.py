"""`tuiconv lesson ID`: open one lesson, where you left off."""

from __future__ import annotations

HELP = "open one lesson (by id or number, see `tuiconv lessons`), resuming where you left off"


def add_arguments(parser) -> None:
    parser.add_argument("lesson", metavar="ID", help="a lesson id (pixels-are-numbers) or number (1)")
    parser.add_argument("--step", metavar="N", type=int, help="start at step N instead of where you left off")


def run(args) -> int:
    from tuiconv.course.library import load_course
    from tuiconv.course.progress import ProgressStore

    course = load_course(args.lessons)
    lesson = course.find(args.lesson)
    if args.step is not None and not 1 <= args.step <= len(lesson.steps):
        raise ValueError(f"--step must be from 1 to {len(lesson.steps)} for lesson {lesson.id!r}, not {args.step}")
    store = ProgressStore(course.key)

    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.lesson import LessonScreen

    def first_screen():
        screen = LessonScreen(course, lesson, store, args.step)
        for warning in store.warnings:
            screen.notify(warning, severity="warning", timeout=10, markup=False)
        return screen

    TuiconvApp(first_screen=first_screen, lessons_dir=args.lessons).run()
    return 0
