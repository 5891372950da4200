"""`tuiconv serve --web` keeps the same limits as SSH: sessions per learner, login tries a minute
from one address, and an idle timeout — a real server on 127.0.0.1, a real HTTP/websocket client."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.serve.conftest import CODE, run, web_class
from tests.serve.test_web_server import jar, log_in


@pytest.fixture(scope="module")
def strict_web(tmp_path_factory):
    options = ("--max-per-learner", "1", "--logins-per-minute", "4", "--idle-minutes", "0.05")
    for url, _, log in web_class(tmp_path_factory, "strictweb", *options):
        yield url, log


async def until(socket_, text: bytes, seconds: float = 20) -> bytes:
    received = b""

    async def read():
        nonlocal received
        async for message in socket_:
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            if text in received:
                return

    await asyncio.wait_for(read(), seconds)
    return received


def test_a_second_browser_session_of_a_learner_is_refused_and_an_idle_one_is_ended(strict_web):
    url, log = strict_web

    async def go():
        async with jar() as session:
            assert (await log_in(session, url, "bea", CODE)).status == 302
            async with session.ws_connect(f"{url}/ws?width=80&height=24") as first:
                await until(first, b"Pixels are numbers")
                second = await session.get(f"{url}/ws")
                assert second.status == 409 and "already has 1 session(s) open" in await second.text()
                # No key for 3 seconds (0.05 minutes): the server ends the session.
                closed_at = time.monotonic()
                async for _ in first:
                    pass
                assert first.closed and time.monotonic() - closed_at < 15

    run(go())
    deadline = time.monotonic() + 5
    while "idle for 0.05 minutes" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert "refused bea from 127.0.0.1 (web): already 1 session(s) open" in text
    assert "logout bea (web): idle for 0.05 minutes" in text


def test_too_many_login_tries_a_minute_from_one_address_are_refused(strict_web):
    url, log = strict_web

    async def go():
        async with jar() as session:
            statuses = [(await log_in(session, url, "bea", "wrong-code")).status for _ in range(6)]
        return statuses

    statuses = run(go())
    assert 429 in statuses and statuses.index(429) <= 4, statuses  # 4 tries a minute, then "wait"
