"""30 learners logging in at once to `tuiconv serve`, beside 30 plain `tuiconv` started at once.

Run with ``pytest tests/benchmarks/test_serve_load.py -s``. Prints, for both in the same run:
time to each one's first frame (p50, p95), PSS per session with all 30 live
(/proc/PID/smaps_rollup), the server's RSS (server + zygote) and idle CPU per session over a
few quiet seconds. Goals (issue 14): p95 ≤ 2 s and ≤ 30 MiB PSS per session. Nothing about
time is asserted; the test checks only that every learner got their screen.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import time

import asyncssh

from tests.benchmarks.test_step_speed import ROOT, Terminal, compile_bytecode
from tests.serve.conftest import Server
from tuiconv.cli import main

LEARNERS = 30
MARKER = b"Pixels are numbers"
IDLE_SECONDS = 5.0
TICKS = os.sysconf("SC_CLK_TCK")


def pss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    raise ValueError(f"no Pss for {pid}")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def idle_cpu_percent(pids: list[int]) -> float:
    """Mean CPU per process over IDLE_SECONDS with nobody typing, in % of one core."""
    before = {pid: cpu_seconds(pid) for pid in pids}
    time.sleep(IDLE_SECONDS)
    return statistics.mean((cpu_seconds(pid) - before[pid]) / IDLE_SECONDS * 100 for pid in pids)


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def one_login(port: int, name: str, key) -> tuple[float, object, object]:
    started = time.perf_counter()
    connection = await asyncssh.connect("127.0.0.1", port, username=name, client_keys=[key], known_hosts=None, agent_path=None)
    process = await connection.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
    received = b""
    while MARKER not in received:
        chunk = await asyncio.wait_for(process.stdout.read(65536), 60)
        assert chunk, "the session ended before its first frame"
        received += chunk
    return time.perf_counter() - started, connection, process


def measure_served(tmp_path) -> dict:
    directory = tmp_path / "class"
    assert main(["class", "init", str(directory)]) == 0
    key = asyncssh.generate_private_key("ssh-ed25519")
    public = tmp_path / "key.pub"
    public.write_bytes(key.export_public_key())
    for number in range(LEARNERS):
        assert main(["class", "add", str(directory), f"learner{number:02}", "--key", str(public)]) == 0
    server = Server(directory, "--max-sessions", str(LEARNERS + 5), "--logins-per-minute", str(LEARNERS * 2))
    server.start()
    try:
        async def everyone():
            return await asyncio.gather(*(one_login(server.port, f"learner{n:02}", key) for n in range(LEARNERS)))

        loop = asyncio.new_event_loop()
        results = loop.run_until_complete(everyone())
        time.sleep(1.0)  # let the last screens settle before measuring memory
        pids = [int(m.group(1)) for line in server.lines if (m := re.search(r"login .* pid (\d+)", line))]
        assert len(pids) == LEARNERS
        zygote = [int(line) for line in os.popen(f"pgrep -P {server.process.pid}").read().split()]
        figures = {
            "first_frame": [seconds for seconds, _, _ in results],
            "pss": [pss_mib(pid) for pid in pids],
            "server_rss": rss_mib(server.process.pid) + sum(rss_mib(pid) for pid in zygote),
            "idle_cpu": idle_cpu_percent(pids),
        }
        for _, connection, _ in results:
            connection.close()
        loop.run_until_complete(asyncio.sleep(0.5))
        loop.close()
        return figures
    finally:
        server.stop()


def measure_plain(tmp_path) -> dict:
    os.environ["XDG_DATA_HOME"] = str(tmp_path / "plain-data")
    terminals = [Terminal([sys.executable, "-m", "tuiconv"], 80, 24) for _ in range(LEARNERS)]
    try:
        times = [terminal.read_until(MARKER, timeout=120) for terminal in terminals]
        time.sleep(1.0)
        pids = [terminal.pid for terminal in terminals]
        return {"first_frame": times, "pss": [pss_mib(pid) for pid in pids], "server_rss": 0.0, "idle_cpu": idle_cpu_percent(pids)}
    finally:
        for terminal in terminals:
            terminal.close()


def test_thirty_learners_log_in_at_once(tmp_path):
    compile_bytecode()
    served = measure_served(tmp_path)
    plain = measure_plain(tmp_path)
    print(f"\n{LEARNERS} at once on {os.cpu_count()} cores       served (ssh)   plain tuiconv   ratio")
    for label, key, share in (("first frame p50 (s)", "first_frame", 0.5), ("first frame p95 (s)", "first_frame", 0.95)):
        s, b = p(served[key], share), p(plain[key], share)
        print(f"  {label:<28} {s:>10.2f}   {b:>12.2f}   {s / b:>5.2f}")
    s, b = statistics.mean(served["pss"]), statistics.mean(plain["pss"])
    print(f"  {'PSS per session (MiB)':<28} {s:>10.1f}   {b:>12.1f}   {s / b:>5.2f}")
    print(f"  {'server RSS (MiB)':<28} {served['server_rss']:>10.1f}   {'—':>12}")
    print(f"  {'idle CPU per session (%)':<28} {served['idle_cpu']:>10.2f}   {plain['idle_cpu']:>12.2f}")
    print("  goals: p95 ≤ 2 s, ≤ 30 MiB PSS per session")
    assert len(served["first_frame"]) == len(plain["first_frame"]) == LEARNERS
