"""A bug is one line and exit 1 (the report in a file); a write is all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tuiconv.engine.files import check_writable, write_atomically
from tuiconv.engine.network import Network
from tuiconv.errors import InputError

CRASH_IN_TEXTUAL = textwrap.dedent(
    """
    import sys
    from textual.screen import Screen
    from tuiconv import cli
    from tuiconv.app.app import TuiconvApp
    import tuiconv.commands.show as show

    class Broken(Screen):
        def compose(self):
            raise RuntimeError("a bug in a screen")

    def run(args):
        TuiconvApp(first_screen=Broken).run(headless=True)
        return 0

    show.run = run
    sys.exit(cli.main(["show", "rectangle"]))
    """
)
CRASH_IN_A_COMMAND = textwrap.dedent(
    """
    import sys
    from tuiconv import cli
    import tuiconv.commands.show as show

    def run(args):
        return {}["a bug in a command"]

    show.run = run
    sys.exit(cli.main(["show", "rectangle"]))
    """
)


@pytest.mark.parametrize("program, words", [(CRASH_IN_TEXTUAL, "a bug in a screen"), (CRASH_IN_A_COMMAND, "a bug in a command")], ids=["textual", "command"])
def test_a_crash_is_one_line_naming_its_report_and_exit_code_1(tmp_path, program, words):
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=30, env=env, text=True)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tuiconv: internal error; the full report is in "), done.stderr
    report = Path(lines[0].rsplit(" ", 1)[1])
    assert report.parent == tmp_path / "state" / "tuiconv"
    assert words in report.read_text()


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path):
    target = tmp_path / "w.npz"
    Network.hand_designed().save(target)
    before = target.read_bytes()

    def half_then_killed(handle):
        handle.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt  # as a kill would stop it: mid-write

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, half_then_killed)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.npz"]


def test_saved_weights_replace_the_old_file_and_load_back_equal(tmp_path):
    target = tmp_path / "w.npz"
    target.write_bytes(b"old")
    net = Network.random(seed=3)
    net.save(target)
    loaded = Network.load(target)
    assert all(np.array_equal(getattr(loaded, k), getattr(net, k)) for k in ("w1", "b1", "w2", "b2"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.npz"]


@pytest.mark.parametrize("target, says", [("/dev/full", "is a device"), ("", "the file name is empty"), ("/proc/no/such/dir/w.npz", "no folder")])
def test_an_out_file_that_cannot_take_the_weights_is_refused_before_any_work(target, says):
    with pytest.raises(InputError, match=says):
        check_writable(target, "the weights")
