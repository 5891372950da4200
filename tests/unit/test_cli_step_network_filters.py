"""`tuiconv step --weights FILE --filter layer2:J`, and a lesson's stepper scene with the same keys:
whatever is wrong (a missing or damaged file, a filter the net does not have, weights without a
network filter) is one line naming it, exit code 2, before any screen starts."""

from __future__ import annotations

import pytest

from tuiconv.cli import main
from tuiconv.course.lesson import scene_problems
from tuiconv.engine import network
from tuiconv.explore.scene import Scene


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    network.Network.random(seed=3, filters=(32, 32), kinds=("rectangle", "diamond", "cross", "triangle")).save(folder / "w32.npz")
    (folder / "broken.npz").write_bytes(b"PK\x03\x04 not really a zip archive")
    return folder


def run(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--weights", "{dir}/missing.npz", "--filter", "layer2:0"], "missing.npz: no such file"),
        (["--weights", "{dir}/broken.npz", "--filter", "layer2:0"], "broken.npz: "),
        (["--weights", "{dir}/w32.npz", "--filter", "layer2:32"], "w32.npz has 32 layer-2 filters, layer2:0 to layer2:31"),
        (["--weights", "{dir}/w32.npz", "--filter", "layer1:-1"], "w32.npz has 32 layer-1 filters, layer1:0 to layer1:31"),
        (["--weights", "{dir}/w32.npz", "--filter", "layer2:"], "layer2:0 to layer2:31 (J counts from 0)"),
        (["--filter", "layer2:2"], "the hand-designed net has 2 layer-2 filters, layer2:0 to layer2:1"),
        (["--filter", "layer1:4"], "the hand-designed net has 4 layer-1 filters, layer1:0 to layer1:3"),
        (["--filter", "layer3:1"], "the network has two conv layers, so layer1:I or layer2:J"),
        (["--weights", "{dir}/w32.npz", "--filter", "vertical"], "--weights needs --filter layer1:I or layer2:J"),
        (["--weights", "{dir}/w32.npz"], "--weights needs --filter layer1:I or layer2:J"),
        (["--weights", "{dir}/w32.npz", "--filter", "layer2:1", "--input", "hexagon"], "'hexagon' is neither a shape file nor a shape name"),
    ],
)
def test_bad_network_filters_are_one_line_and_exit_code_2(argv, says, weights, capsys):
    code, out, err = run(["step", *(a.format(dir=weights) for a in argv)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tuiconv: error: ") and says in err, err
    assert "Traceback" not in err


def test_a_file_name_with_a_control_character_reaches_the_terminal_escaped(tmp_path, capsys):
    name = tmp_path / "w\x1b[31m.npz"
    code, _, err = run(["step", "--weights", name, "--filter", "layer2:0"], capsys)
    assert code == 2 and "\x1b" not in err and "no such file" in err


@pytest.mark.parametrize(
    "scene, key, says",
    [
        (dict(kernel="layer2:5"), "kernel", "the hand-designed net has 2 layer-2 filters"),
        (dict(kernel="layer2:40", weights="w32.npz"), "kernel", "w32.npz has 32 layer-2 filters"),
        (dict(kernel="layer2:0", weights="broken.npz"), "weights", "weights file"),
        (dict(kernel="vertical", weights="w32.npz"), "weights", 'weights on the stepper need kernel = "layer1:I" or "layer2:J"'),
        (dict(kernel=[[1, 0, -1]] * 3, weights="w32.npz"), "weights", 'need kernel = "layer1:I" or "layer2:J"'),
        (dict(kernel="layer2:0", weights="w32.npz", input=["#..", ".#.", "..#"]), "input", "reads a shape (a name or a file)"),
        (dict(kernel="layer2:0", weights="w32.npz", input="diamond", size=12, position=[6, 0]), "position", "outside the 6×6 feature map"),
    ],
)
def test_a_lesson_scene_with_a_network_filter_names_what_is_wrong(scene, key, says, weights):
    if "weights" in scene:
        scene["weights"] = str(weights / scene["weights"])
    problems = scene_problems(Scene(screen="stepper", **scene))
    assert [k for k, _ in problems] == [key], problems
    assert says in problems[0][1], problems


def test_a_lesson_scene_with_a_network_filter_of_32_maps_is_fine(weights):
    scene = Scene(screen="stepper", kernel="layer2:31", weights=str(weights / "w32.npz"), input="triangle", size=12, position=[5, 5])
    assert scene_problems(scene) == []
