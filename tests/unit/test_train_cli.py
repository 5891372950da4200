"""`tuiconv train --headless`, run as a user would: the summary shows the engine's numbers, --out
writes weights the network screen can load, and every bad argument is one line and exit code 2."""

import re

import numpy as np
import pytest

from tuiconv.cli import main
from tuiconv.commands import train as command
from tuiconv.engine import train as engine
from tuiconv.engine.learned import layer1_matches
from tuiconv.engine.network import Network

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:  # argparse's own usage errors (cli.py makes them one line, code 2)
        code = stop.code
    out, err = capsys.readouterr()
    return code, ANSI.sub("", out), err


def test_headless_training_prints_the_engines_summary_and_saves_the_weights(tmp_path, capsys):
    out_file = tmp_path / "learned.npz"
    code, out, err = run(["train", "--headless", "--seed", "3", "--steps", "40", "--out", out_file], capsys)
    assert code == 0 and err == ""
    saved = Network.load(out_file)
    expected = engine.train(seed=3, steps=40).network()
    assert np.array_equal(saved.w1, expected.w1) and np.array_equal(saved.b2, expected.b2)
    accuracy = engine.evaluate(expected, engine.held_out_set())
    assert f"{accuracy:.1%} right on 1000 held-out shapes" in out
    assert "40/40" in out
    assert " ".join(out.split()).startswith(engine.RECIPE)  # how the training is set up, first
    for match in layer1_matches(expected):
        row = next(line for line in out.splitlines() if re.match(rf"│\s+{match.filter} │", line))
        assert match.label in row and f"{match.similarity:+.2f}" in row
        # The first row of the filter's learned weights, as printed.
        assert " ".join(f"{v:+.2f}" for v in expected.w1[match.filter, 0, 0]) in row
    assert "filter 0 became the rectangle detector" in out
    assert "filter 1 became the diamond detector" in out
    assert f"saved the weights to {out_file}" in out.replace("\n", "")


@pytest.mark.parametrize(
    "argv, says",
    [
        # The same ranges as every other command and lesson (tuiconv/limits.py).
        (["--steps", "0"], "argument --steps: must be a whole number from 1 to 100000, not 0"),
        (["--steps", "-3"], "argument --steps: must be a whole number from 1 to 100000, not -3"),
        (["--steps", "99999999999"], "argument --steps: must be a whole number from 1 to 100000, not 99999999999"),
        (["--lr", "0"], "argument --lr: must be a number above 0 and at most 10, not 0"),
        (["--lr", "nan"], "argument --lr: must be a number above 0 and at most 10, not nan"),
        (["--lr", "1j"], "argument --lr: must be a number above 0 and at most 10, not '1j'"),
        (["--steps", "ten"], "argument --steps: must be a whole number from 1 to 100000, not 'ten'"),
        (["--seed", "-1"], "argument --seed: must be a whole number from 0 to 4294967295, not -1"),
    ],
)
def test_impossible_settings_are_one_line_and_exit_code_2(argv, says, capsys):
    code, out, err = run(["train", "--headless", *argv], capsys)
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_an_out_file_that_cannot_be_written_is_refused_before_training(tmp_path, capsys):
    for target, says in [
        (tmp_path, "is a directory"),
        (tmp_path / "missing" / "w.npz", "no folder"),
    ]:
        code, out, err = run(["train", "--headless", "--steps", "5", "--out", target], capsys)
        assert code == 2 and out == ""  # no progress bar: nothing was trained
        assert says in err and str(target) in err and len(err.strip().splitlines()) == 1


def test_the_commands_defaults_are_the_engines():
    assert (command.DEFAULT_SEED, command.DEFAULT_STEPS, command.DEFAULT_LR) == (
        engine.DEFAULT_SEED,
        engine.DEFAULT_STEPS,
        engine.DEFAULT_LR,
    )
