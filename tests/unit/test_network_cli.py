"""--filters and --kinds on `tuiconv train`, `network` and `classify`, and `tuiconv wants`, run as
a user would: a net of any shape trains, saves, classifies among its kinds; bad values are one
line and exit code 2."""

import re

import numpy as np
import pytest

from tuiconv.cli import main
from tuiconv.commands import options
from tuiconv.commands import train as train_command
from tuiconv.engine import network, shapes
from tuiconv.engine import train as engine
from tuiconv.engine.network import Network, classify
from tuiconv.engine.shapes import load_shape, make_shape, save_shape
from tuiconv.engine.wants import parse_unit, response

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:  # argparse's own usage errors: one line, code 2
        code = stop.code
    out, err = capsys.readouterr()
    return code, ANSI.sub("", out), err


def table(out):
    """{input: cells after the input} from a Rich table's body rows."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_the_commands_know_the_engines_kinds_and_limits():
    assert options.KINDS == shapes.SHAPE_KINDS
    assert options.DEFAULT_KINDS == network.CLASSES
    assert options.MAX_FILTERS == network.MAX_FILTERS
    assert train_command.STEPS_PER_KIND == engine.STEPS_PER_KIND


@pytest.mark.parametrize("command", [["train", "--headless"], ["network"]])
@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--filters", "32"], "argument --filters: expected K1,K2: two whole numbers from 1 to 32"),
        (["--filters", "4,x"], "argument --filters: expected K1,K2"),
        (["--filters", "0,2"], "layer 1 must have from 1 to 32 filters, not 0"),
        (["--filters", "4,33"], "layer 2 must have from 1 to 32 filters, not 33"),
        (["--kinds", "rectangle,hexagon"], "argument --kinds: unknown kind 'hexagon'; kinds: rectangle, diamond, cross"),
        (["--kinds", "cross,cross"], "each kind may be named once"),
        (["--kinds", "cross"], "at least two kinds"),
    ],
)
def test_bad_filters_and_kinds_are_one_line_and_exit_code_2(command, argv, says, capsys):
    code, out, err = run([*command, *argv], capsys)
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_net_the_screens_cannot_draw_yet_is_one_line_not_a_crash(tmp_path, capsys):
    # The network screen draws any net now (tests/app/test_network_big_net.py); what stays one
    # line is input that is really bad, found before the screen starts: weights for other kinds.
    Network.random(0, filters=(32, 32), kinds=("rectangle", "diamond", "cross", "triangle")).save(tmp_path / "w.npz")
    code, out, err = run(["network", "--weights", tmp_path / "w.npz", "--kinds", "rectangle,diamond"], capsys)
    assert code == 2 and out == ""
    assert "tells apart rectangle,diamond,cross,triangle, not --kinds rectangle,diamond" in err
    assert len(err.strip().splitlines()) == 1


def test_a_wider_net_over_three_kinds_trains_saves_and_classifies_among_its_kinds(tmp_path, capsys):
    out_file = tmp_path / "w.npz"
    argv = ["train", "--headless", "--filters", "6,5", "--kinds", "rectangle,diamond,cross", "--steps", "20", "--out", out_file]
    code, out, err = run(argv, capsys)
    assert code == 0 and err == ""
    saved = Network.load(out_file)
    expected = engine.train(seed=0, steps=20, kinds=("rectangle", "diamond", "cross"), filters=(6, 5)).network()
    assert saved.kinds == ("rectangle", "diamond", "cross") and saved.w2.shape == (5, 6, 3, 3) and saved.w3.shape == (3, 5)
    assert np.array_equal(saved.w2, expected.w2) and np.array_equal(saved.w3, expected.w3)
    accuracy = engine.evaluate(expected, engine.held_out_set(kinds=saved.kinds))
    assert f"{accuracy:.1%} right on 1500 held-out shapes (500 each of rectangles, diamonds, crosses)" in " ".join(out.split())
    assert "network: 6 → 5 filters, telling apart rectangle, diamond, cross" in out

    save_shape(tmp_path / "plus.txt", make_shape("cross", 14, 3))
    code, out, err = run(["classify", "--weights", out_file, tmp_path / "plus.txt", "diamond:12"], capsys)
    assert code == 0 and err == ""
    rows = table(out)
    header = next([c.strip() for c in line.split("┃")[1:-1]] for line in out.splitlines() if "┃" in line)
    assert header == ["input", "size", "verdict", "rectangle", "diamond", "cross"]
    for spec, grid in ((str(tmp_path / "plus.txt"), make_shape("cross", 14, 3)), ("diamond:12", make_shape("diamond", 12, 0))):
        verdict, scores = classify(saved, grid)
        assert rows[spec][1] == verdict and [float(v) for v in rows[spec][2:]] == pytest.approx(scores, abs=0.0005)


def test_weights_that_disagree_with_filters_or_kinds_are_named(tmp_path, capsys):
    Network.hand_designed().save(tmp_path / "hand.npz")
    code, _, err = run(["network", "--weights", tmp_path / "hand.npz", "--filters", "8,8"], capsys)
    assert code == 2 and f"{tmp_path / 'hand.npz'}: holds a 4,2 net, not --filters 8,8" in err
    code, _, err = run(["network", "--weights", tmp_path / "hand.npz", "--kinds", "cross,triangle"], capsys)
    assert code == 2 and "tells apart rectangle,diamond, not --kinds cross,triangle" in err


def test_what_the_rectangle_detector_wants_is_written_and_classified_as_a_rectangle(tmp_path, capsys):
    target = tmp_path / "wants.txt"
    code, out, err = run(["wants", "rectangle", "--out", target], capsys)
    assert code == 0 and err == ""
    grid = load_shape(target)
    assert grid.shape == (16, 16) and grid.min() >= 0 and grid.max() <= 1
    # The numbers format: every row a line of numbers, not . and # art.
    first = target.read_text().splitlines()[0].split()
    assert len(first) == 16 and all(re.fullmatch(r"[0-9.]+", v) for v in first)
    net = Network.hand_designed()
    verdict, scores = classify(net, grid)
    assert verdict == "rectangle"
    assert f"the network calls it rectangle (rectangle {scores[0]:.2f}, diamond {scores[1]:.2f})" in " ".join(out.split())
    assert f"{response(net, grid, parse_unit('rectangle', net)):.2f} on what it wants" in out
    code, out, err = run(["classify", target], capsys)
    assert code == 0 and table(out)[str(target)][1] == "rectangle"


def test_wants_lists_nine_top_patches_and_prints_the_shape_without_out(tmp_path, capsys):
    code, out, _ = run(["wants", "layer2:1", "--out", tmp_path / "w.txt", "--size", "12"], capsys)
    assert code == 0
    assert len(re.findall(r"^  (rectangle|diamond) #\d+: [-0-9.]+ at cell \(\d+, \d+\), seeing rows", out, re.M)) == 9
    code, out, _ = run(["wants", "layer1:0", "--size", "12"], capsys)
    assert code == 0
    assert shapes.parse_shape(out).shape == (12, 12)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["wants", "layer5:0"], "no unit called 'layer5:0'"),
        (["wants", "layer1:9"], "layer1 has filters 0 to 3, not 9"),
        (["wants", "rectangle", "--size", "3"], "--size must be from 8 to 64, not 3"),
        (["wants", "rectangle", "--weights", "/nonexistent/w.npz"], "/nonexistent/w.npz: no such file"),
        (["wants", "rectangle", "--out", "/nonexistent/dir/w.txt"], "cannot write the shape: no folder"),
    ],
)
def test_bad_wants_arguments_are_one_line_and_exit_code_2(argv, says, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1
