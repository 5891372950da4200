"""One browser learner's tuiconv, as textual-serve starts it: `python -m tuiconv.serve.web_session
DIR NAME`. The web server has already checked NAME and the class code; this only runs the menu
with NAME's progress, under the same limits as an SSH session."""

from __future__ import annotations

import os
import resource
import sys


def main() -> int:
    directory, learner = sys.argv[1], sys.argv[2]
    limit = int(os.environ.get("TUICONV_MEMORY_BYTES", "0") or 0)
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from tuiconv import startup
    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.menu import MenuScreen
    from tuiconv.course.library import load_course
    from tuiconv.course.progress import ProgressStore
    from tuiconv.serve import classdir

    config = classdir.load(directory)
    if learner not in config.learners:
        return 2
    os.chdir(config.directory)
    course = load_course(config.lessons_dir())
    store = ProgressStore(course.key, config.database_path, learner=learner)
    startup.hold()
    TuiconvApp(first_screen=lambda: MenuScreen(course, store)).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
