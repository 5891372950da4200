"""`tuiconv` with no command: the lesson menu, with a mark on every lesson done."""

from __future__ import annotations

HELP = "the lesson menu (what `tuiconv` opens with no command)"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    # Lessons and progress are read before Textual starts, so a broken lesson file is one line
    # on stderr and exit code 2, and a damaged progress file a warning inside the app.
    from tuiconv.course.library import load_course
    from tuiconv.course.progress import ProgressStore

    course = load_course(getattr(args, "lessons", None))
    store = ProgressStore(course.key)

    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.menu import MenuScreen

    TuiconvApp(first_screen=lambda: MenuScreen(course, store), lessons_dir=getattr(args, "lessons", None)).run()
    return 0
