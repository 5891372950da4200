"""`tuiconv serve DIR --web`: a login with name and class code in front of textual-serve; the
learner's session writes to the same progress database as over SSH."""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp
import pytest

from tests.serve.conftest import CODE, run, web_class


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    for url, directory, _ in web_class(tmp_path_factory, "webclass"):
        yield url, directory


async def log_in(session, url, name, code):
    return await session.post(f"{url}/login", data={"name": name, "code": code}, allow_redirects=False)


def jar():
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies for 127.0.0.1


def test_without_logging_in_there_is_a_login_form_and_no_app(web):
    url, _ = web

    async def go():
        async with jar() as session:
            page = await (await session.get(f"{url}/")).text()
            assert "Class code" in page and "/ws" not in page
            refused = await session.get(f"{url}/ws")
            assert refused.status == 403

    run(go())


def test_a_wrong_code_or_an_unknown_name_is_refused(web):
    url, _ = web

    async def go():
        async with jar() as session:
            assert (await log_in(session, url, "bea", "not-the-code")).status == 403
            assert (await log_in(session, url, "mallory", CODE)).status == 403
            assert (await session.get(f"{url}/ws")).status == 403

    run(go())


def test_a_learner_logs_in_gets_the_menu_and_progress_lands_in_the_class_database(web):
    url, directory = web

    async def go():
        async with jar() as session:
            assert (await log_in(session, url, "bea", CODE)).status == 302
            page = await (await session.get(f"{url}/")).text()
            assert re.search(r"ws://127\.0\.0\.1:\d+/ws", page)
            async with session.ws_connect(f"{url}/ws?width=80&height=24") as socket_:
                received = b""

                async def until(text: bytes):
                    nonlocal received
                    async for message in socket_:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            received += message.data
                        if text in received:
                            return

                await asyncio.wait_for(until(b"Pixels are numbers"), 20)
                await socket_.send_json(["stdin", "\r"])  # open lesson 1: its first step is recorded
                await asyncio.wait_for(until(b"enter: try it"), 20)

    run(go())
    import sqlite3

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with sqlite3.connect(directory / "progress.db") as db:
            rows = db.execute("SELECT learner, lesson, step FROM steps").fetchall()
        if rows:
            break
        time.sleep(0.1)
    assert rows == [("bea", "pixels-are-numbers", 1)]
