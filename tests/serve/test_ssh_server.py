"""`tuiconv serve` as a class meets it: real logins over SSH on 127.0.0.1, screens read through a
VT emulator, progress read back from the class's SQLite database."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess

import asyncssh
import pyte
import pytest

from tests.serve.conftest import CODE, login, run
from tuiconv.course.library import load_course

MENU = "tuiconv · lessons"
COURSE = load_course()
COURSE_SIZE = len(COURSE.lessons)
LAST = f"{COURSE_SIZE}  {COURSE.lessons[-1].title}"  # the menu's last line: the whole menu is drawn
# One class server for the module, its tests in file order on one worker (each starts where the
# ones before it left the class: ada's first step, then a restart that must keep it).
pytestmark = pytest.mark.xdist_group("classroom")


def completed_steps(directory, learner):
    with sqlite3.connect(directory / "progress.db") as db:
        return db.execute(
            "SELECT lesson, step, attempts FROM steps WHERE learner = ? AND completed IS NOT NULL ORDER BY lesson, step", (learner,)
        ).fetchall()


async def answer_first_question(terminal, answer: str) -> None:
    """From the menu: open lesson 1, close its story card, type the answer."""
    await terminal.wait_for(LAST)
    terminal.press("\r")
    await terminal.wait_for("enter: try it")
    terminal.press("\r")
    await terminal.wait_for("enter: try it", gone=True)
    terminal.press(answer, "\r")


def test_a_learner_with_a_key_gets_the_menu_does_a_step_and_it_lands_in_the_database(classroom):
    server, keys = classroom

    async def go():
        connection, terminal = await login(server, "ada", key=keys["ada"])
        screen = await terminal.wait_for(LAST)
        assert f"0 of {COURSE_SIZE} done" in screen and " 1  Pixels are numbers  0/3" in screen
        await answer_first_question(terminal, "2")  # wrong: a diamond
        await terminal.wait_for("square corners?")
        terminal.press("1\r")  # a rectangle
        screen = await terminal.wait_for("✓ Yes.")
        assert "1/3 ✓" in screen
        terminal.press("\x03")  # ctrl+c ends this session
        assert await terminal.ended() == 0
        connection.close()

    run(go())
    assert completed_steps(server.directory, "ada") == [("pixels-are-numbers", 1, 2)]


def test_a_session_runs_in_its_own_controlling_terminal_with_one_blas_thread_and_a_memory_cap(classroom):
    server, keys = classroom

    async def go():
        connection, terminal = await login(server, "cy", key=keys["cy"])
        await terminal.wait_for(MENU)
        # The client's TERM is the session's: 256-colour escapes, not 24-bit ones.
        assert b"\x1b[38;5;" in terminal.received and b"\x1b[38;2;" not in terminal.received
        pid = int(server.log_has(r"login cy .* pid (\d+)$").rsplit(" ", 1)[1])
        environment = dict(
            entry.split("=", 1) for entry in open(f"/proc/{pid}/environ").read().split("\0") if "=" in entry
        )
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        limits = open(f"/proc/{pid}/limits").read()
        connection.close()
        return environment, fields, limits, pid

    environment, fields, limits, pid = run(go())
    # numpy was imported in the zygote, whose start-up environment the session shares.
    assert environment["OPENBLAS_NUM_THREADS"] == "1" and environment["OMP_NUM_THREADS"] == "1"
    session_id, tty = int(fields[3]), int(fields[4])
    assert session_id == pid and tty != 0  # a session leader with a controlling terminal
    line = next(row for row in limits.splitlines() if row.startswith("Max address space"))
    assert line.split()[3] == str(1024 * 1024 * 1024)
    assert server.log_has(r"login ada from 127\.0\.0\.1 \(key\)")
    assert server.log_has(r"logout ada from 127\.0\.0\.1")


def test_a_learner_without_a_key_logs_in_with_name_and_class_code(classroom):
    server, _ = classroom

    async def go():
        connection, terminal = await login(server, "bea", password=CODE)
        await terminal.wait_for(MENU)
        connection.close()

    run(go())
    assert server.log_has(r"login bea from 127\.0\.0\.1 \(class code\)")


@pytest.mark.parametrize(
    "name, key, password, reason",
    [
        ("stranger", "stranger", None, "not on the class roster"),
        ("ada", "stranger", None, "no valid key or code"),
        ("bea", None, "wrong-code-1", "wrong class code"),
        ("ada", None, CODE, "wrong class code"),  # a name with a key must use it
        ("mallory", None, CODE, "not on the class roster"),
    ],
)
def test_unknown_names_wrong_keys_and_wrong_codes_are_refused_and_logged(classroom, name, key, password, reason):
    server, keys = classroom

    async def go():
        with pytest.raises(asyncssh.PermissionDenied):
            await login(server, name, key=keys[key] if key else None, password=password)

    run(go())
    assert reason in server.log_has(rf"refused {name} from 127\.0\.0\.1: {reason}")


def test_a_command_line_is_refused_the_learner_passes_no_options(classroom):
    server, keys = classroom

    async def go():
        async with asyncssh.connect("127.0.0.1", server.port, username="cy", client_keys=[keys["cy"]], known_hosts=None, agent_path=None) as connection:
            with pytest.raises(asyncssh.ChannelOpenError):
                await connection.run("lessons reset", check=False)

    run(go())


def test_a_resize_reaches_the_app(classroom):
    server, keys = classroom

    async def go():
        connection, terminal = await login(server, "cy", key=keys["cy"])
        await terminal.wait_for(MENU)
        terminal.resize(50, 14)
        assert "tuiconv needs 60×20; this terminal is 50×14" in await terminal.wait_for("this terminal is 50×14")
        terminal.resize(100, 30)
        screen = await terminal.wait_for(MENU)
        assert len(terminal.screen.display) == 30 and "Pixels are numbers" in screen
        connection.close()

    run(go())


def test_a_served_file_picker_cannot_open_a_file_of_the_server(classroom):
    server, keys = classroom

    async def go():
        connection, terminal = await login(server, "cy", key=keys["cy"])
        await terminal.wait_for(MENU)
        terminal.press("\r")
        await terminal.wait_for("enter: try it")
        terminal.press("\r")
        await terminal.wait_for("enter: try it", gone=True)
        terminal.press("\x1b")  # escape: the keys go to the stepper
        # A lone escape is told from the start of an escape sequence only by the pause after it.
        await asyncio.sleep(0.4)
        terminal.press("i")
        await terminal.wait_for("type a shape file path")
        await asyncio.sleep(0.3)  # the picker's list takes the focus once it is mounted
        terminal.press("\t")
        await asyncio.sleep(0.3)
        terminal.press("/etc/passwd", "\r")
        screen = await terminal.wait_for("not in the class directory")
        assert "/etc/passwd: not in the class directory" in screen and "root:" not in screen
        connection.close()

    run(go())


def test_two_sessions_of_one_learner_both_keep_their_progress_and_a_third_is_refused(classroom):
    server, _ = classroom
    directory = server.directory
    key = asyncssh.generate_private_key("ssh-ed25519")
    (directory.parent / "dee.pub").write_bytes(key.export_public_key())
    from tuiconv.cli import main

    assert main(["class", "add", str(directory), "dee", "--key", str(directory.parent / "dee.pub")]) == 0  # read while serving

    async def go():
        first_connection, first = await login(server, "dee", key=key)
        second_connection, second = await login(server, "dee", key=key)
        await answer_first_question(first, "1")
        await first.wait_for("✓ Yes.")
        # The second session goes to lesson 2's first question (the answer is 6).
        await second.wait_for(MENU)
        second.press("\x1b[B", "\r")
        await second.wait_for("enter: try it")
        second.press("\r")
        await second.wait_for("enter: try it", gone=True)
        second.press("6\r")
        await second.wait_for("✓")
        third_connection, third = await login(server, "dee", key=key)
        assert "dee already has 2 session(s) open" in await third.wait_for("already has")
        for connection in (first_connection, second_connection, third_connection):
            connection.close()

    run(go())
    assert [row[:2] for row in completed_steps(directory, "dee")] == [("one-dot-product", 1), ("pixels-are-numbers", 1)]


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH's ssh client is not installed")
def test_the_openssh_client_logs_in_too(classroom, tmp_path):
    server, keys = classroom
    identity = tmp_path / "cy"
    keys["cy"].write_private_key(str(identity))
    identity.chmod(0o600)
    command = [
        "ssh", "-tt", "-p", str(server.port), "-i", str(identity), "-o", "IdentitiesOnly=yes",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR", "cy@127.0.0.1",
    ]
    master, slave = os.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    ssh = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True)
    os.close(slave)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    try:
        import select
        import time

        end = time.monotonic() + 20
        while MENU not in "\n".join(screen.display) and time.monotonic() < end:
            if select.select([master], [], [], 0.5)[0]:
                stream.feed(os.read(master, 65536))
        assert MENU in "\n".join(screen.display)
        os.write(master, b"\x03")
        assert ssh.wait(10) == 0
    finally:
        if ssh.poll() is None:
            ssh.kill()
        os.close(master)


def test_a_killed_session_starter_is_started_again_for_the_next_login(classroom):
    server, keys = classroom
    import signal

    children = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 1
    os.kill(int(children[0]), signal.SIGKILL)
    server.log_has("the session starter stopped")

    async def go():
        connection, terminal = await login(server, "bea", password=CODE)
        await terminal.wait_for(MENU)
        connection.close()

    run(go())


def test_stopping_the_server_ends_sessions_cleanly_and_a_restart_keeps_progress(classroom):
    server, keys = classroom

    async def session_ends_when_the_server_stops():
        connection, terminal = await login(server, "ada", key=keys["ada"])
        await terminal.wait_for(MENU)
        await asyncio.get_running_loop().run_in_executor(None, server.stop)
        await terminal.ended()
        assert "session ended: the class server is stopping" in terminal.text
        connection.close()

    run(session_ends_when_the_server_stops())
    assert server.process.returncode == 0
    server.log_has("stopped")
    server.start()

    async def progress_is_still_there():
        connection, terminal = await login(server, "ada", key=keys["ada"])
        screen = await terminal.wait_for(LAST)
        assert " 1  Pixels are numbers  1/3" in screen
        connection.close()

    run(progress_is_still_there())


def test_an_idle_session_is_ended_and_too_many_logins_a_minute_are_refused(classroom):
    from tests.serve.conftest import Server

    first, keys = classroom
    strict = Server(first.directory, "--idle-minutes", "0.01", "--logins-per-minute", "2")
    strict.start()
    try:
        async def go():
            connection, terminal = await login(strict, "cy", key=keys["cy"])
            await terminal.wait_for(MENU)
            await terminal.ended(timeout=10)  # nobody types: ended after 0.6 s
            assert "session ended: idle for 0.01 minutes" in terminal.text
            connection.close()
            second, _ = await login(strict, "cy", key=keys["cy"])
            second.close()
            with pytest.raises((asyncssh.Error, OSError)):
                await login(strict, "cy", key=keys["cy"])

        run(go())
        strict.log_has(r"logout cy .*\(idle for 0\.01 minutes\)")
        strict.log_has(r"refused cy from 127\.0\.0\.1: more than 2 logins a minute from this address")
    finally:
        strict.stop()
