"""`tuiconv serve DIR --web`: the class in a browser, through textual-serve, behind a login.

textual-serve has no login of its own and starts one process per websocket with a copy of the
server's environment. So this server puts a form in front (name on the roster + the class code),
gives a signed cookie to who passes, and opens the websocket only for a valid cookie, running
``tuiconv.serve.web_session DIR NAME`` for that learner: the same progress database, the same
served mode (files only inside DIR) as over SSH.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import secrets
import shlex
import sys
import time
from collections import defaultdict, deque

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tuiconv.serve import classdir
from tuiconv.serve.ssh import ONE_THREAD, file_roots, log

COOKIE = "tuiconv_learner"
COOKIE_SECONDS = 12 * 3600

LOGIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:monospace;background:#111;color:#ddd;display:flex;justify-content:center;padding-top:10vh}}
form{{display:flex;flex-direction:column;gap:.6em;width:22em}}input,button{{font:inherit;padding:.4em}}
.error{{color:#f77}}</style></head><body><form method="post" action="/login">
<h2>{title}</h2><p class="error">{error}</p>
<label>Your name <input name="name" autocomplete="username" required autofocus></label>
<label>Class code <input name="code" type="password" autocomplete="current-password" required></label>
<button type="submit">Open the lessons</button></form></body></html>"""


class ClassWebServer(Server):
    """textual-serve's server with a login in front of its page and its websocket."""

    def __init__(self, config, host: str, port: int, limits):
        directory = shlex.quote(str(config.directory))
        super().__init__(f"{shlex.quote(sys.executable)} -m tuiconv.serve.web_session {directory}", host=host, port=port, title=f"tuiconv · {config.name}")
        self.config = config
        self._secret = secrets.token_bytes(32)
        self._attempts: dict[str, deque] = defaultdict(deque)
        self.limits = limits
        self.live: dict[str, int] = defaultdict(int)  # learner → open sessions
        # textual-serve copies this process's environment into every session: make it a served one.
        os.environ.update({**ONE_THREAD, "LANG": "C.UTF-8", "TUICONV_FILE_ROOT": file_roots(config.directory),
                           "TUICONV_MEMORY_BYTES": str(limits.memory_bytes)})

    # -- the cookie ---------------------------------------------------------------------------

    def _sign(self, name: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{name}:{expires}".encode(), hashlib.sha256).hexdigest()
        return f"{name}:{expires}:{mac}"

    def learner_of(self, request: web.Request) -> str | None:
        """The learner a valid, unexpired cookie names (and who is still on the roster)."""
        value = request.cookies.get(COOKIE, "")
        name, _, rest = value.partition(":")
        expires, _, mac = rest.partition(":")
        if not name or not expires.isdigit() or int(expires) < time.time():
            return None
        if not hmac.compare_digest(self._sign(name, int(expires)), value):
            return None
        return name if name in self._roster().learners else None

    def _roster(self):
        try:
            self.config = classdir.load(self.config.directory)
        except ValueError as error:
            log(f"warning: class.toml not re-read ({error}); the previous roster stays")
        return self.config

    # -- pages --------------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        # textual-serve's own routes, with the login in front of "/" and a check on "/ws".
        import aiohttp_jinja2
        import jinja2

        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index_or_login, name="index"),
            web.post("/login", self.handle_login, name="login"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_index_or_login(self, request: web.Request):
        if self.learner_of(request) is None:
            return self._login_page()
        return await Server.handle_index(self, request)

    def _login_page(self, error: str = "", status: int = 200) -> web.Response:
        page = LOGIN_PAGE.format(title=html.escape(self.title), error=html.escape(error))
        return web.Response(text=page, content_type="text/html", status=status)

    async def handle_login(self, request: web.Request):
        address = request.remote or "?"
        now = time.monotonic()
        recent = self._attempts[address]
        while recent and now - recent[0] > 60:
            recent.popleft()
        if len(recent) >= self.limits.logins_per_minute:
            log(f"refused web login from {address}: more than {self.limits.logins_per_minute} a minute")
            return self._login_page("Too many tries: wait a minute.", status=429)
        recent.append(now)
        form = await request.post()
        name = str(form.get("name", ""))[:64].strip().lower()
        code = str(form.get("code", ""))[:256]
        config = self._roster()
        if not config.code or name not in config.learners or not hmac.compare_digest(code.encode(), config.code.encode()):
            shown = "".join(c if c.isprintable() else "?" for c in name[:40]) or "?"
            log(f"refused {shown} from {address} (web): {'not on the class roster' if name not in config.learners else 'wrong class code'}")
            return self._login_page("That name and class code do not match.", status=403)
        log(f"login {name} from {address} (web, class code)")
        response = web.HTTPFound("/")
        response.set_cookie(COOKIE, self._sign(name, int(time.time()) + COOKIE_SECONDS), max_age=COOKIE_SECONDS, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        learner = self.learner_of(request)
        if learner is None:
            raise web.HTTPForbidden(text="log in first")
        if sum(self.live.values()) >= self.limits.max_sessions:
            log(f"refused {learner} from {request.remote or '?'} (web): the class is full ({self.limits.max_sessions} sessions)")
            raise web.HTTPServiceUnavailable(text="the class is full; try again later")
        if self.live[learner] >= self.limits.max_per_learner:
            log(f"refused {learner} from {request.remote or '?'} (web): already {self.limits.max_per_learner} session(s) open")
            raise web.HTTPConflict(text=f"{learner} already has {self.limits.max_per_learner} session(s) open")
        self.live[learner] += 1
        try:
            return await self._session(request, learner)
        finally:
            self.live[learner] -= 1

    async def _session(self, request: web.Request, learner: str) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = max(20, min(500, _int(request.query.get("width"), 80)))
        height = max(10, min(200, _int(request.query.get("height"), 24)))
        await websocket.prepare(request)
        service = AppService(
            f"{self.command} {shlex.quote(learner)}", write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager, debug=False,
        )
        started = time.monotonic()
        try:
            await service.start(width, height)
            await _messages(self, websocket, service, learner)
        finally:
            await service.stop()
            log(f"logout {learner} from {request.remote or '?'} (web) after {time.monotonic() - started:.0f} s")
        return websocket


async def _messages(server: ClassWebServer, websocket: web.WebSocketResponse, service: AppService, learner: str) -> None:
    """textual-serve's message loop, with every message checked (it comes from the network) and
    an idle timeout: no keys for ``idle_seconds`` closes the session."""
    import asyncio
    import json

    from aiohttp import WSMsgType

    last = time.monotonic()
    limit = server.limits.idle_seconds

    async def watchdog() -> None:
        while not websocket.closed:
            await asyncio.sleep(min(30.0, limit))
            if time.monotonic() - last >= limit:
                log(f"logout {learner} (web): idle for {limit / 60:g} minutes")
                await websocket.close()
                return

    task = asyncio.get_running_loop().create_task(watchdog())
    try:
        async for message in websocket:
            if message.type != WSMsgType.TEXT or len(message.data) > 1024 * 1024:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or len(envelope) != 2:
                continue
            kind, data = envelope
            if kind == "stdin" and isinstance(data, str):
                last = time.monotonic()
                await service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = _int(str(data.get("width")), 80), _int(str(data.get("height")), 24)
                await service.set_terminal_size(max(20, min(500, width)), max(10, min(200, height)))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()
    finally:
        task.cancel()


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def serve_web(config, host: str, port: int, limits) -> int:
    if not config.code:
        raise ValueError(f"{config.config_path}: --web needs a class code: add code = \"...\" (6 characters or more)")
    log(f"serving class {config.name!r} on {host} port {port} (http://{host}:{port}/, web)")
    ClassWebServer(config, host, port, limits).serve()
    return 0
