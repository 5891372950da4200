"""A real class on 127.0.0.1: a class directory, `tuiconv serve` started for real on a free port,
and a real SSH client (asyncssh) whose screen is read through a VT emulator (pyte)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncssh
import pyte
import pytest

from tuiconv.cli import main

CODE = "kite-orange-42"


class Server:
    """`tuiconv serve DIR --port 0` as a child process; its log lines collected as they come."""

    def __init__(self, directory: Path, *options: str):
        self.directory = directory
        self.options = options
        self.lines: list[str] = []
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tuiconv", "serve", str(self.directory), "--host", "127.0.0.1", "--port", "0", *self.options],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
        )
        ready = threading.Event()

        def read() -> None:
            for line in self.process.stderr:
                self.lines.append(line.rstrip("\n"))
                found = re.search(r" port (\d+) ", line)
                if found:
                    self.port = int(found.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(30) and self.port, "\n".join(self.lines)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(15)

    def log_has(self, pattern: str, timeout: float = 5) -> str:
        """The first log line matching ``pattern`` (waiting for it a little: logs are asynchronous)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for line in self.lines:
                if re.search(pattern, line):
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no log line matches {pattern!r}:\n" + "\n".join(self.lines))


class Terminal:
    """One learner's SSH session, seen the way their terminal would show it."""

    def __init__(self, process, width: int, height: int):
        self.process = process
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.received = bytearray()

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, wanted: str, timeout: float = 20, gone: bool = False) -> str:
        """Read what the server sends until ``wanted`` is on the screen (or, ``gone``, is not)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while (wanted in self.text) if gone else (wanted not in self.text):
            left = end - loop.time()
            if left <= 0:
                raise AssertionError(f"{wanted!r} never {'went' if gone else 'appeared'}; the screen:\n{self.text}")
            try:
                data = await asyncio.wait_for(self.process.stdout.read(65536), left)
            except asyncio.TimeoutError:
                continue
            self.received += data
            if not data:
                raise AssertionError(f"the session ended before {wanted!r} appeared; the screen:\n{self.text}")
            self.stream.feed(data)
        return self.text

    async def ended(self, timeout: float = 10) -> int | None:
        while True:
            data = await asyncio.wait_for(self.process.stdout.read(65536), timeout)
            if not data:
                break
            self.stream.feed(data)
        await asyncio.wait_for(self.process.wait_closed(), timeout)
        return self.process.exit_status

    def press(self, *keys: str) -> None:
        for key in keys:
            self.process.stdin.write(key.encode())

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(height, width)
        self.process.change_terminal_size(width, height)


async def login(server: Server, name: str, *, key=None, password: str | None = None, size=(80, 24)):
    """Connect as ``name`` and open a terminal session; (connection, Terminal)."""
    connection = await asyncssh.connect(
        "127.0.0.1", server.port, username=name, known_hosts=None,
        client_keys=[key] if key is not None else [], password=password,
        agent_path=None, preferred_auth="publickey,password" if password is None else "password",
    )
    process = await connection.create_process(term_type="xterm-256color", term_size=size, encoding=None)
    return connection, Terminal(process, *size)


def web_class(tmp_path_factory, name: str, *options: str):
    """A class with bea (class code only) served with ``--web`` on a free port of 127.0.0.1:
    yields (its URL, its directory, the server's output file) and stops it afterwards."""
    import socket

    directory = tmp_path_factory.mktemp(name) / "cnn"
    assert main(["class", "init", str(directory)]) == 0
    text = (directory / "class.toml").read_text()
    (directory / "class.toml").write_text(text.replace('course = "built-in"\n', f'course = "built-in"\ncode = "{CODE}"\n'))
    assert main(["class", "add", str(directory), "bea"]) == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = directory.parent / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tuiconv", "serve", str(directory), "--web", "--host", "127.0.0.1", "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", directory, log
    server.send_signal(signal.SIGINT)
    server.wait(10)


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """A class with ada and cy (keys) and bea (class code only), served once for the module."""
    directory = tmp_path_factory.mktemp("class") / "cnn"
    assert main(["class", "init", str(directory)]) == 0
    config = (directory / "class.toml").read_text()
    (directory / "class.toml").write_text(config.replace('course = "built-in"\n', f'course = "built-in"\ncode = "{CODE}"\n'))
    keys = {}
    for name in ("ada", "cy", "stranger"):
        key = asyncssh.generate_private_key("ssh-ed25519")
        keys[name] = key
        public = directory.parent / f"{name}.pub"
        public.write_bytes(key.export_public_key())
        if name != "stranger":
            assert main(["class", "add", str(directory), name, "--key", str(public)]) == 0
    assert main(["class", "add", str(directory), "bea"]) == 0
    server = Server(directory)
    server.start()
    yield server, keys
    if server.process.poll() is None:
        server.stop()
