"""The pre-forked start of every served session: one process that has imported the app once.

`tuiconv serve` starts this process beside itself. It imports Textual, numpy and every tuiconv
screen, loads the class's course, freezes that heap (``gc.freeze``, so that collections in the
children never touch — and so never copy — the shared pages) and then waits. For each learner
the server sends it the slave end of a fresh pseudo-terminal (SCM_RIGHTS over a Unix socket)
with a small JSON header, one SOCK_SEQPACKET message each; it forks, and the child makes that terminal its controlling terminal
(``setsid`` + ``TIOCSCTTY``, so window-size changes reach it as SIGWINCH), sets the
environment and limits of a served session and runs the app. A session so costs a fork, not an
interpreter start and two hundred imports.

The zygote is single-threaded with no event loop, so forking it is safe. It answers each start
with ``{"id", "pid"}`` and each exit with ``{"exited", "status"}``, one JSON line each.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import select
import signal
import socket
import sys

HEADER_CAP = 16 * 1024


def preload(class_dir: str):
    """Import what a session needs and load the course; the course is shared by every child."""
    from tuiconv.serve import classdir

    config = classdir.load(class_dir)
    from tuiconv.course.library import load_course

    lessons = config.lessons_dir()
    course = load_course(lessons)
    # Imported here so that no child imports them: the screens a lesson can open.
    import textual.drivers.linux_driver  # noqa: F401
    import tuiconv.app.app  # noqa: F401
    import tuiconv.app.screens.lesson  # noqa: F401
    import tuiconv.app.screens.menu  # noqa: F401
    import tuiconv.app.screens.network  # noqa: F401
    import tuiconv.app.screens.stepper  # noqa: F401
    import tuiconv.app.screens.train  # noqa: F401
    import tuiconv.app.widgets.picker  # noqa: F401
    import tuiconv.course.progress  # noqa: F401

    return config, course


def run_child(config, course, header: dict, terminal: int) -> int:
    """In the forked child: become the session, run the app, return its exit code."""
    os.setsid()
    import fcntl
    import termios

    fcntl.ioctl(terminal, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(terminal, fd)
    if terminal > 2:
        os.close(terminal)
    os.environ.clear()
    os.environ.update(header["env"])
    limit = header.get("memory_bytes")
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.chdir(config.directory)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)

    from tuiconv import startup
    from tuiconv.app.app import TuiconvApp
    from tuiconv.app.screens.menu import MenuScreen
    from tuiconv.course.progress import ProgressStore

    store = ProgressStore(course.key, config.database_path, learner=header["learner"])
    startup.hold()
    TuiconvApp(first_screen=lambda: MenuScreen(course, store)).run()
    return 0


def serve(channel: socket.socket, class_dir: str) -> None:
    config, course = preload(class_dir)
    gc.collect()
    gc.freeze()
    children: set[int] = set()

    def say(message: dict) -> None:
        channel.sendall((json.dumps(message) + "\n").encode())

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us by closing the socket
    say({"ready": os.getpid()})
    while True:
        ready, _, _ = select.select([channel], [], [], 0.2)
        for pid in list(children):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                children.discard(pid)
                continue
            if done:
                children.discard(pid)
                say({"exited": pid, "status": os.waitstatus_to_exitcode(status)})
        if not ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(channel, HEADER_CAP, 1)
        except OSError:
            data, fds = b"", []
        if not data:  # the server is gone: end every session it had
            for pid in children:
                try:
                    os.kill(pid, signal.SIGHUP)
                except ProcessLookupError:
                    pass
            return
        header = json.loads(data)
        if not fds:
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            log = os.dup(2)  # the server's log, before the terminal takes fd 2
            try:
                channel.close()
                code = run_child(config, course, header, fds[0])
            except BaseException:  # noqa: BLE001 - a child must never return into the zygote's loop
                import traceback

                # The learner sees one line; the server's log gets the traceback.
                os.write(log, f"tuiconv serve: session of {header.get('learner')} failed:\n{traceback.format_exc()}".encode())
                try:
                    os.write(1, b"\r\ntuiconv: this session ended because of an error; the teacher's log has it\r\n")
                except OSError:
                    pass
            finally:
                os._exit(code)
        os.close(fds[0])
        children.add(pid)
        say({"id": header["id"], "pid": pid})


def main() -> None:
    channel = socket.socket(fileno=int(sys.argv[1]))
    try:
        serve(channel, sys.argv[2])
    except Exception as error:  # noqa: BLE001 - told to the server as one line, then we stop
        try:
            channel.sendall((json.dumps({"failed": str(error)}) + "\n").encode())
        except OSError:
            pass
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
