"""`tuiconv serve DIR`: the class over SSH, on asyncssh. One tuiconv per learner, in its own
pseudo-terminal, started by the zygote (serve/zygote.py) with a fork.

Built as a stack of small checks, as charmbracelet/wish does: a rate limit on logins per
address, the roster (a name and one of its keys, or a name without a key and the class code),
caps on sessions, then the learner's session, which knows nothing of what the app draws — it
copies bytes between the SSH channel and the pseudo-terminal and passes on window sizes.
Every login, logout and refusal is one line on stderr.
"""

from __future__ import annotations

import asyncio
import fcntl
import hmac
import itertools
import json
import os
import signal
import socket
import struct
import sys
import termios
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from tuiconv.serve import classdir

# What the learner's terminal needs back if a session ends under it: main screen, no mouse
# reports, a cursor, ordinary keys.
TERMINAL_RESTORE = b"\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[0m"
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}
READ_CHUNK = 65536


@dataclass
class Limits:
    max_sessions: int = 60
    max_per_learner: int = 2
    logins_per_minute: int = 20
    idle_seconds: float = 30 * 60
    memory_bytes: int = 1024 * 1024 * 1024
    keepalive_seconds: float = 30
    login_timeout: float = 30


def file_roots(directory: Path) -> str:
    """What a served session may read: the class directory, and the shipped lessons' own files."""
    from tuiconv.course.library import builtin_dir

    return os.pathsep.join([str(directory), str(builtin_dir())])


def log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _plain(text: str, cap: int = 40) -> str:
    """A name as it may appear in a log line: printable, short (it came from the network)."""
    text = "".join(c if c.isprintable() and not c.isspace() else "?" for c in text[:cap])
    return text or "?"


class Zygote:
    """The server's side of serve/zygote.py: start it, ask it for sessions, hear of their ends."""

    def __init__(self, class_dir: Path):
        self.class_dir = class_dir
        self.process: asyncio.subprocess.Process | None = None
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._ids = itertools.count(1)
        self._started: dict[int, asyncio.Future] = {}
        self._exited: dict[int, asyncio.Future] = {}
        self._ready: asyncio.Future | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        # SEQPACKET keeps each request (a header and its terminal) one message: 30 logins at
        # once never run two headers together.
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, **ONE_THREAD}
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tuiconv.serve.zygote", str(theirs.fileno()), str(self.class_dir),
            pass_fds=[theirs.fileno()], env=env, stdin=asyncio.subprocess.DEVNULL,
        )
        theirs.close()
        ours.setblocking(False)
        self._socket = ours
        self._ready = loop.create_future()
        loop.add_reader(ours.fileno(), self._readable)
        await self._ready

    def _readable(self) -> None:
        try:
            data = self._socket.recv(READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self._socket.fileno())
            self._socket.close()
            self._socket = None
            if self._ready.done():
                log("warning: the session starter stopped; it is started again for the next login")
            if self._ready and not self._ready.done():
                self._ready.set_exception(RuntimeError("the session starter stopped before it was ready"))
            for future in [*self._started.values(), *self._exited.values()]:
                if not future.done():
                    future.set_result(None)
            return
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            self._heard(json.loads(line))

    def _heard(self, message: dict) -> None:
        if "ready" in message:
            self._ready.set_result(None)
        elif "failed" in message:
            self._ready.set_exception(RuntimeError(message["failed"]))
        elif "pid" in message:
            future = self._started.pop(message["id"], None)
            if future and not future.done():
                future.set_result(message["pid"])
        elif "exited" in message:
            future = self._exited.setdefault(message["exited"], asyncio.get_running_loop().create_future())
            if not future.done():
                future.set_result(message["status"])

    async def spawn(self, learner: str, env: dict, terminal: int, memory_bytes: int) -> int | None:
        """Start a session on the pseudo-terminal ``terminal`` (its slave end); its pid."""
        if self._socket is None:  # it died (killed, out of memory): a new one for this login
            try:
                await self.start()
            except (OSError, RuntimeError) as error:
                log(f"warning: the session starter could not be started again ({error})")
                return None
        number = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._started[number] = future
        header = json.dumps({"id": number, "learner": learner, "env": env, "memory_bytes": memory_bytes}).encode()
        self._socket.setblocking(True)
        try:
            socket.send_fds(self._socket, [header], [terminal])
        finally:
            self._socket.setblocking(False)
        return await future

    def exited(self, pid: int) -> asyncio.Future:
        return self._exited.setdefault(pid, asyncio.get_running_loop().create_future())

    async def stop(self) -> None:
        if self._socket is not None:
            try:
                asyncio.get_running_loop().remove_reader(self._socket.fileno())
            except (ValueError, OSError):
                pass
            self._socket.close()  # the zygote sees the end and hangs up every session it has
            self._socket = None
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()


class Roster:
    """class.toml's learners and their keys, read again whenever the file changes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._stamp: tuple | None = None
        self.config = classdir.load(directory)
        self._keys: dict[str, set[bytes]] = {}
        self._parse()

    def _parse(self) -> None:
        keys: dict[str, set[bytes]] = {}
        for learner in self.config.learners.values():
            keys[learner.name] = set()
            for line in learner.keys:
                try:
                    keys[learner.name].add(asyncssh.import_public_key(line).public_data)
                except (asyncssh.KeyImportError, ValueError):
                    log(f"warning: {self.config.config_path}: learner {learner.name} has a key that is not an OpenSSH public key; it is ignored")
        self._keys = keys
        stat = self.config.config_path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)

    def refresh(self) -> None:
        try:
            stat = self.config.config_path.stat()
            if (stat.st_mtime_ns, stat.st_size) == self._stamp:
                return
            self.config = classdir.load(self.directory)
            self._parse()
        except (OSError, ValueError) as error:  # InputError is a ValueError
            log(f"warning: class.toml not re-read ({error}); the previous roster stays")

    def knows(self, name: str) -> bool:
        return name in self._keys

    def key_matches(self, name: str, key: asyncssh.SSHKey) -> bool:
        return key.public_data in self._keys.get(name, ())

    def code_matches(self, name: str, code: str) -> bool:
        """The class code opens a name on the roster that has no key (a keyed name needs its key)."""
        expected = self.config.code
        if not expected or name not in self._keys or self._keys[name]:
            return False
        return hmac.compare_digest(code.encode(), expected.encode())


class Classroom:
    """What every connection shares: the roster, the limits, the live sessions, the database."""

    def __init__(self, directory: Path, limits: Limits):
        self.directory = directory
        self.limits = limits
        self.roster = Roster(directory)
        self.zygote = Zygote(directory)
        self.sessions: dict[str, LearnerSession] = {}
        self._attempts: dict[str, deque] = defaultdict(deque)
        self._numbers = itertools.count(1)
        from tuiconv.course.progress import ClassProgress

        self.progress = ClassProgress(self.roster.config.database_path)
        for warning in self.progress.warnings:
            log(f"warning: {warning}")
        self.progress.forget_sessions()

    def next_session_id(self) -> str:
        return f"{os.getpid()}-{next(self._numbers)}"

    def login_allowed(self, address: str) -> bool:
        """At most ``logins_per_minute`` connections from one address in any minute."""
        now = time.monotonic()
        recent = self._attempts[address]
        while recent and now - recent[0] > 60:
            recent.popleft()
        if len(recent) >= self.limits.logins_per_minute:
            return False
        recent.append(now)
        return True

    def count_for(self, learner: str) -> int:
        return sum(1 for session in self.sessions.values() if session.learner == learner)


class ClassServer(asyncssh.SSHServer):
    """One SSH connection: who it is, and whether they may in."""

    def __init__(self, classroom: Classroom):
        self.classroom = classroom
        self.address = "?"
        self.username = "?"
        self.method: str | None = None  # set once asyncssh says the login is complete
        self._offered: str | None = None
        self.refusal: str | None = None
        self.connection: asyncssh.SSHServerConnection | None = None

    def connection_made(self, connection) -> None:
        self.connection = connection
        peer = connection.get_extra_info("peername")
        self.address = peer[0] if peer else "?"

    def connection_lost(self, error) -> None:
        if self.method is None:
            log(f"refused {_plain(self.username)} from {self.address}: {self.refusal or 'no valid key or code'}")

    def begin_auth(self, username: str) -> bool:
        self.username = username
        if not self.classroom.login_allowed(self.address):
            self.refusal = f"more than {self.classroom.limits.logins_per_minute} logins a minute from this address"
            self.connection.close()
            return True
        self.classroom.roster.refresh()
        if not self.classroom.roster.knows(username):
            self.refusal = "not on the class roster"
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.refusal is not None:
            return False
        if self.classroom.roster.key_matches(username, key):
            self._offered = "key"  # a login only once asyncssh has checked the key's signature
            return True
        return False

    def password_auth_supported(self) -> bool:
        return bool(self.classroom.roster.config.code)

    def validate_password(self, username: str, password: str) -> bool:
        if self.refusal is not None:
            return False
        if self.classroom.roster.code_matches(username, password):
            self._offered = "class code"
            return True
        self.refusal = "wrong class code (or a name that must use its key)"
        return False

    def auth_completed(self) -> None:
        self.method = self._offered

    def session_requested(self):
        return LearnerSession(self.classroom, self.username, self.address, self.method or "?")


class LearnerSession(asyncssh.SSHServerSession):
    """One learner's tuiconv: bytes both ways between the channel and its pseudo-terminal."""

    def __init__(self, classroom: Classroom, learner: str, address: str, method: str):
        self.classroom = classroom
        self.learner = learner
        self.address = address
        self.method = method
        self.id = classroom.next_session_id()
        self.channel = None
        self.term: str | None = None
        self.size = (80, 24)
        self.master: int | None = None
        self.pid: int | None = None
        self.started = time.monotonic()
        self.last_input = time.monotonic()
        self._pending = b""
        self._ended = False
        self._idle_timer: asyncio.TimerHandle | None = None

    # -- what the client asks for -----------------------------------------------------------

    def connection_made(self, channel) -> None:
        self.channel = channel

    def pty_requested(self, term_type: str, term_size, term_modes) -> bool:
        self.term = _plain(term_type or "xterm-256color", 64)
        width, height = term_size[0], term_size[1]
        if width and height:
            self.size = (width, height)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # A served learner passes no command line: `ssh host lessons reset` is refused.
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        asyncio.get_running_loop().create_task(self._start())

    # -- starting ---------------------------------------------------------------------------

    def _refuse(self, why: str) -> None:
        log(f"refused {self.learner} from {self.address}: {why}")
        self._ended = True
        try:
            self.channel.write(f"tuiconv: {why}\r\n".encode())
            self.channel.exit(1)
        except (OSError, asyncssh.Error):
            pass  # the client has already gone

    async def _start(self) -> None:
        limits = self.classroom.limits
        if self.term is None:
            self._refuse("tuiconv needs a terminal; connect with `ssh -t`")
            return
        if len(self.classroom.sessions) >= limits.max_sessions:
            self._refuse(f"the class is full ({limits.max_sessions} sessions); try again later")
            return
        if self.classroom.count_for(self.learner) >= limits.max_per_learner:
            self._refuse(f"{self.learner} already has {limits.max_per_learner} session(s) open")
            return
        self.classroom.sessions[self.id] = self
        master, slave = os.openpty()
        self.master = master
        self._set_size(*self.size)
        os.set_blocking(master, False)
        try:
            self.pid = await self.classroom.zygote.spawn(self.learner, self._environment(), slave, limits.memory_bytes)
        finally:
            os.close(slave)
        if self.pid is None or self._ended:
            if self.pid is None:
                log(f"refused {self.learner} from {self.address}: the session could not be started")
            self._finish("could not start", tell=True)
            return
        log(f"login {self.learner} from {self.address} ({self.method}), session {self.id}, pid {self.pid}")
        self.classroom.progress.session_started(self.id, self.learner, "ssh")
        loop = asyncio.get_running_loop()
        loop.add_reader(master, self._from_app)
        self._idle_timer = loop.call_later(min(60, limits.idle_seconds), self._check_idle)
        if self._pending:
            self._to_app(b"")

    def _environment(self) -> dict:
        offered = self.channel.get_environment() if self.channel else {}
        env = {
            "TERM": self.term,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(self.classroom.directory),
            "PATH": "/usr/bin:/bin",
            "TUICONV_FILE_ROOT": file_roots(self.classroom.directory),
            **ONE_THREAD,
        }
        # SSH forwards TERM; the colour system has to be said. 256 colours unless told more or less.
        colour = str(offered.get("COLORTERM", ""))
        if colour in ("truecolor", "24bit") or "direct" in self.term:
            env["COLORTERM"] = "truecolor"
        if "NO_COLOR" in offered:
            env["NO_COLOR"] = "1"
        if self.term in ("xterm", "screen", "tmux", "vt100", "linux") and "COLORTERM" not in env:
            env["TERM"] = self.term + "-256color" if self.term in ("xterm", "screen", "tmux") else self.term
        return env

    # -- bytes both ways ----------------------------------------------------------------------

    def _from_app(self) -> None:
        try:
            data = os.read(self.master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: the app ended and closed the terminal's other end
            data = b""
        if not data:  # the app ended: every copy of the terminal's other end is closed
            self._finish(None)
            return
        self.channel.write(data)

    def pause_writing(self) -> None:
        # The client reads slower than the app draws: stop reading the app until it catches up.
        if self.master is not None and not self._ended:
            asyncio.get_running_loop().remove_reader(self.master)

    def resume_writing(self) -> None:
        if self.master is not None and not self._ended:
            asyncio.get_running_loop().add_reader(self.master, self._from_app)

    def data_received(self, data: bytes, datatype) -> None:
        self.last_input = time.monotonic()
        self._to_app(data)

    def _to_app(self, data: bytes) -> None:
        self._pending += data
        if self.master is None or self._ended or not self._pending:
            return
        try:
            written = os.write(self.master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError:
            return
        self._pending = self._pending[written:]
        loop = asyncio.get_running_loop()
        if self._pending:
            loop.add_writer(self.master, lambda: (loop.remove_writer(self.master), self._to_app(b"")))
        if len(self._pending) > 1024 * 1024:  # a client pasting without end: not a learner's typing
            self._pending = b""

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if width and height:
            self.size = (width, height)
            if self.master is not None and not self._ended:
                self._set_size(width, height)  # the kernel sends the app SIGWINCH

    def _set_size(self, width: int, height: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def break_received(self, msec: int) -> bool:
        return False

    def eof_received(self) -> bool:
        self._finish("the client closed its input")
        return False

    def connection_lost(self, error) -> None:
        self._finish("connection dropped" if error else None)

    # -- ending -------------------------------------------------------------------------------

    def _check_idle(self) -> None:
        if self._ended:
            return
        idle = time.monotonic() - self.last_input
        limit = self.classroom.limits.idle_seconds
        if idle >= limit:
            self._finish(f"idle for {limit / 60:g} minutes", tell=True)
            return
        self._idle_timer = asyncio.get_running_loop().call_later(min(60, limit - idle + 0.1), self._check_idle)

    def _finish(self, why: str | None, tell: bool = False) -> None:
        """End this session (and only it): hang up its terminal, close the channel, log it."""
        if self._ended:
            return
        self._ended = True
        loop = asyncio.get_running_loop()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self.classroom.sessions.pop(self.id, None)
        if self.master is not None:
            loop.remove_reader(self.master)
            loop.remove_writer(self.master)
            os.close(self.master)  # the kernel hangs up the app's terminal: SIGHUP, and it ends
            self.master = None
        if self.pid is not None:
            self.classroom.progress.session_ended(self.id)
            loop.create_task(self._reap(self.pid))
            seconds = time.monotonic() - self.started
            log(f"logout {self.learner} from {self.address}, session {self.id} after {seconds:.0f} s" + (f" ({why})" if why else ""))
        try:
            if why is not None and tell:
                self.channel.write(TERMINAL_RESTORE + f"\r\ntuiconv: session ended: {why}\r\n".encode())
            self.channel.exit(0)
        except (OSError, asyncssh.Error, AttributeError):
            pass

    async def _reap(self, pid: int) -> None:
        """A session that ignores the hang-up is killed; the zygote collects its exit."""
        exited = self.classroom.zygote.exited(pid)
        try:
            await asyncio.wait_for(asyncio.shield(exited), 3)
        except asyncio.TimeoutError:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self, why: str) -> None:
        self._finish(why, tell=True)


async def serve(directory: Path, host: str, port: int, limits: Limits, ready=None) -> None:
    """Run until SIGINT or SIGTERM; then end every session cleanly and stop the zygote."""
    from tuiconv.errors import InputError

    host_key = directory / classdir.HOST_KEY
    try:
        key = asyncssh.read_private_key(str(host_key))
    except (OSError, asyncssh.KeyImportError) as error:
        raise InputError(f"cannot read the host key ({getattr(error, 'strerror', None) or error})", host_key) from None
    classroom = Classroom(directory, limits)
    await classroom.zygote.start()
    server = await asyncssh.create_server(
        lambda: ClassServer(classroom), host, port,
        # Bytes both ways, untouched: asyncssh's line editor must not sit between keys and app.
        server_host_keys=[key], encoding=None, line_editor=False,
        keepalive_interval=limits.keepalive_seconds, keepalive_count_max=3,
        login_timeout=limits.login_timeout,
        agent_forwarding=False, x11_forwarding=False, allow_scp=False,
        server_version="tuiconv",
    )
    bound = server.sockets[0].getsockname()
    log(f"serving class {classroom.roster.config.name!r} on {bound[0]} port {bound[1]} (ssh -p {bound[1]} NAME@{host})")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    if ready is not None:
        ready(bound[1])
    await stop.wait()
    log(f"stopping: ending {len(classroom.sessions)} session(s)")
    server.close()
    for session in list(classroom.sessions.values()):
        session.stop("the class server is stopping")
    await asyncio.sleep(0.2)  # let the channels send their goodbyes
    await classroom.zygote.stop()
    await server.wait_closed()
    classroom.progress.close()
    log("stopped")
