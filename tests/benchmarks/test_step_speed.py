"""How `tuiconv step` feels in a real terminal: start-up, keypress latency, bytes per step.

Run with ``pytest tests/benchmarks -s``. Each figure is measured in a real pseudo-terminal
against a bare Textual app measured in the same run, and printed with the ratio; nothing about
time is asserted. Goals (issue 3): first frame ≤ 1.5× the bare app; keypress → settled screen
≤ 2× the bare app; ≤ 1.5 KB written for one step at 80×24 with TERM=xterm-256color.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
IDLE = 0.15  # seconds without output that count as "the screen has settled"
FIRST_FRAME_ROUNDS = 7

BARE_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Label

    class Bare(App):
        count = 0

        def compose(self):
            yield Label("bare ready 0", id="label")

        def on_key(self, event):
            if event.key == "space":
                self.count += 1
                self.query_one("#label").update(f"bare ready {self.count}")

    Bare().run()
    """
)
STEP_APP = [PYTHON, "-m", "tuiconv", "step", "--padding", "1"]


class Terminal:
    """A program running in a pseudo-terminal of a given size; everything it writes is kept."""

    def __init__(self, argv: list[str], width: int, height: int):
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        for name in ("NO_COLOR", "TEXTUAL", "COLORTERM", "FORCE_COLOR"):
            env.pop(name, None)
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the program
            os.chdir(ROOT)
            os.execve(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.output = bytearray()

    def read_until(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds from start until ``marker`` has appeared in the output."""
        deadline = time.perf_counter() + timeout
        while marker not in self.output:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{marker!r} never appeared")
            self._read(0.05)
        return time.perf_counter() - self.started

    def settle(self, quiet: float = IDLE, timeout: float = 10.0) -> float:
        """Read until nothing arrives for ``quiet`` seconds; returns when the last byte came."""
        last = time.perf_counter()
        deadline = last + timeout
        while time.perf_counter() < deadline:
            if self._read(quiet):
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                break
        return last

    def press(self, key: bytes) -> tuple[float, int]:
        """(seconds from the keypress to the last byte of the redraw, bytes written)."""
        self.settle()
        before = len(self.output)
        sent = time.perf_counter()
        os.write(self.fd, key)
        last = self.settle()
        return last - sent, len(self.output) - before

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output.extend(chunk)
        return bool(chunk)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def bare_argv() -> list[str]:
    return [PYTHON, "-c", BARE_APP]


def first_frame(argv: list[str], marker: bytes, size=(80, 24)) -> float:
    terminal = Terminal(argv, *size)
    try:
        return terminal.read_until(marker)
    finally:
        terminal.close()


def compile_bytecode() -> None:
    """What every start after the first one finds: tuiconv's modules already compiled.

    Textual and numpy arrive compiled by pip; tuiconv's own modules are compiled on a user's
    first run (or never written, under PYTHONDONTWRITEBYTECODE), which would otherwise be
    timed on every start here.
    """
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "tuiconv")], check=True)


def test_time_to_first_frame():
    compile_bytecode()
    step, bare = [], []
    # Alternating, so that a busy spell on the shared machine slows both, not one.
    for _ in range(FIRST_FRAME_ROUNDS):
        step.append(first_frame(STEP_APP, b"feature map"))
        bare.append(first_frame(bare_argv(), b"bare ready"))
    s, b = min(step), min(bare)
    sm, bm = statistics.median(step), statistics.median(bare)
    print(f"\nfirst frame: tuiconv step {s * 1000:.0f} ms, bare Textual app {b * 1000:.0f} ms, "
          f"ratio {s / b:.2f}× (goal ≤ 1.5×; best of {FIRST_FRAME_ROUNDS}; "
          f"medians {sm * 1000:.0f}/{bm * 1000:.0f} ms, ratio {sm / bm:.2f}×)")


def keypress_latencies(argv: list[str], marker: bytes, presses: int = 30) -> tuple[list[float], list[int]]:
    terminal = Terminal(argv, 120, 40)
    try:
        terminal.read_until(marker)
        results = [terminal.press(b" ") for _ in range(presses)]
    finally:
        terminal.close()
    return [r[0] for r in results], [r[1] for r in results]


def test_keypress_to_settled_screen():
    compile_bytecode()
    step, _ = keypress_latencies(STEP_APP, b"feature map")
    bare, _ = keypress_latencies(bare_argv(), b"bare ready")
    # The last byte arrives, then IDLE passes with nothing more: the latency is up to that byte.
    # The machine is shared, and noise only ever slows a run: the best press is the truest.
    s, b = statistics.median(step), statistics.median(bare)
    print(f"\nkeypress → settled (120×40, one step): tuiconv step median {s * 1000:.1f} ms "
          f"(best {min(step) * 1000:.1f}), bare app updating a label median {b * 1000:.1f} ms "
          f"(best {min(bare) * 1000:.1f}); ratio of medians {s / b:.2f}×, of bests {min(step) / min(bare):.2f}× "
          f"(goal ≤ 2×; {len(step)} presses)")


def test_bytes_written_for_one_step():
    terminal = Terminal(STEP_APP, 80, 24)
    try:
        terminal.read_until(b"feature map")
        terminal.settle()
        full = len(terminal.output)
        sizes = [terminal.press(b" ")[1] for _ in range(8)]
    finally:
        terminal.close()
    print(f"\nbytes for one step at 80×24 (TERM=xterm-256color): median {statistics.median(sizes):.0f}, "
          f"max {max(sizes)} (goal ≤ 1536); the first full frame was {full} bytes, "
          f"ratio step/full {statistics.median(sizes) / full:.3f}")
