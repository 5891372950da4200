"""`tuiconv show` and `tuiconv classify`, run as a user would, including every way to get them wrong."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tuiconv import cli
from tuiconv.cli import main
from tuiconv.engine.network import Network
from tuiconv.engine.shapes import make_shape, save_shape

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def files(tmp_path):
    save_shape(tmp_path / "box.txt", make_shape("rectangle", 12, 1))
    save_shape(tmp_path / "gem.txt", make_shape("diamond", 14, 2))
    (tmp_path / "values.txt").write_text("1 -2 0.5\n0 3.25 -1\n")
    (tmp_path / "ragged.txt").write_text("....\n...\n")
    (tmp_path / "dot.txt").write_text("#\n")
    return tmp_path


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_show_prints_size_and_every_value(files, capsys):
    code, out, err = run(["show", files / "values.txt"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "values.txt: 2×3 grid (rows × columns), values -2 to 3.25"
    assert lines[1].split() == ["1", "-2", "0.5"] and lines[2].split() == ["0", "3.25", "-1"]


def test_show_draws_the_shape_as_rows_of_numbers(files, capsys):
    code, out, _ = run(["show", files / "gem.txt"], capsys)
    assert code == 0
    rows = [[float(v) for v in line.split()] for line in out.splitlines()[1:]]
    assert np.array_equal(np.array(rows), make_shape("diamond", 14, 2))


def test_show_colours_bright_and_dark_cells_differently(files, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run(["show", files / "box.txt"], capsys)
    assert code == 0
    backgrounds = {}
    for style, value in re.findall(r"(\x1b\[[0-9;]*m)\s*([01])\s", out):
        backgrounds.setdefault(value, set()).add(style)
    assert backgrounds["0"] and backgrounds["1"] and not backgrounds["0"] & backgrounds["1"]
    # Background colours (SGR 40–47, 100–107 or 48;…), not just coloured digits.
    for style in backgrounds["0"] | backgrounds["1"]:
        params = style[2:-1].split(";")
        assert any(p == "48" or 40 <= int(p) <= 47 or 100 <= int(p) <= 107 for p in params), style


def test_show_a_generated_shape_by_name(capsys):
    code, out, _ = run(["show", "cross:9", "--seed", "2"], capsys)
    assert code == 0 and out.startswith("cross:9: 9×9 grid")
    assert sum(line.split().count("1") for line in out.splitlines()[1:]) == int(make_shape("cross", 9, 2).sum())


def table_rows(out):
    """{input: [size, verdict, rectangle, diamond]} from the Rich table's body rows."""
    rows = {}
    for line in ANSI.sub("", out).splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 5:
            rows[cells[0]] = cells[1:]
    return rows


def test_classify_prints_one_row_per_file_with_verdict_and_both_scores(files, capsys):
    code, out, err = run(["classify", files / "box.txt", files / "gem.txt", "diamond:20"], capsys)
    assert code == 0 and err == ""
    rows = table_rows(out)
    box, gem, named = rows[str(files / "box.txt")], rows[str(files / "gem.txt")], rows["diamond:20"]
    assert box[:2] == ["12×12", "rectangle"] and gem[:2] == ["14×14", "diamond"] and named[:2] == ["20×20", "diamond"]
    for row in (box, gem, named):
        scores = [float(s) for s in row[2:]]
        assert abs(sum(scores) - 1) <= 0.002
    assert float(box[2]) > float(box[3]) and float(gem[3]) > float(gem[2])
    assert "hand-designed" in out


def test_classify_with_saved_weights_uses_them(files, capsys):
    flipped = Network.hand_designed()
    flipped.w2 = flipped.w2[::-1].copy()  # swap the two detectors: every verdict swaps
    flipped.save(files / "flipped.npz")
    code, out, _ = run(["classify", files / "box.txt", "--weights", files / "flipped.npz"], capsys)
    assert code == 0
    assert table_rows(out)[str(files / "box.txt")][1] == "diamond"


def test_one_bad_file_among_good_ones_is_named_and_the_rest_still_classified(files, capsys):
    code, out, err = run(["classify", files / "box.txt", files / "ragged.txt", files / "gem.txt"], capsys)
    assert code == 2
    assert err == f"tuiconv: error: {files / 'ragged.txt'}:2: row 2 has 3 cells but row 1 has 4\n"
    assert set(table_rows(out)) == {str(files / "box.txt"), str(files / "gem.txt")}


def test_each_bad_file_gets_its_own_line(files, capsys):
    code, out, err = run(["classify", files / "ragged.txt", files / "dot.txt", files / "missing.txt"], capsys)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"tuiconv: error: {files / 'ragged.txt'}:2: row 2 has 3 cells but row 1 has 4",
        f"tuiconv: error: {files / 'dot.txt'}: the network needs a grid of at least 2×2, not 1×1",
        f"tuiconv: error: {files / 'missing.txt'}: no such file",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "{d}/ragged.txt"], "{d}/ragged.txt:2: row 2 has 3 cells but row 1 has 4"),
        (["show", "{d}/missing.txt"], "{d}/missing.txt: no such file"),
        (["show", "hexagon"], "'hexagon' is neither a shape file nor a shape name"),
        (["classify", "{d}/box.txt", "--weights", "{d}/box.txt"], "{d}/box.txt: not an .npz weights file"),
        (["classify", "{d}/box.txt", "--weights", "{d}/none.npz"], "{d}/none.npz: no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(files, capsys, argv, message):
    code, out, err = run([a.format(d=files) for a in argv], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tuiconv: error: ")
    assert message.format(d=files) in err


def test_real_process_gives_no_traceback(files):
    result = subprocess.run(
        [sys.executable, "-m", "tuiconv", "classify", str(files / "gem.txt"), str(files / "ragged.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr == f"tuiconv: error: {files / 'ragged.txt'}:2: row 2 has 3 cells but row 1 has 4\n"
    assert "diamond" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_missing_arguments_are_a_usage_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["classify"])
    assert exit_.value.code == 2
    assert "the following arguments are required" in capsys.readouterr().err


def test_show_fits_a_64_wide_art_grid_in_an_80_column_terminal(capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # Rich then treats the output as a terminal
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(["show", "diamond:64"], capsys)
    lines = ANSI.sub("", out).splitlines()
    assert code == 0 and len(lines) == 1 + 64
    grid = np.array([[int(ch) for ch in line] for line in lines[1:]])
    assert np.array_equal(grid, make_shape("diamond", 64, 0))


def test_show_crops_rather_than_wraps_numbers_too_wide_for_the_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    save_shape(tmp_path / "wide.txt", np.full((3, 40), 0.25))
    code, out, _ = run(["show", tmp_path / "wide.txt"], capsys)
    lines = ANSI.sub("", out).splitlines()
    assert code == 0 and len(lines) == 1 + 3 + 1 and all(len(line) <= 80 for line in lines)
    assert lines[-1] == "(rows are 40 cells wide and were cut at the terminal's right edge)"


def test_file_names_that_look_like_markup_are_printed_as_they_are(files, capsys):
    odd = files / "[red]odd.txt"
    save_shape(odd, make_shape("diamond", 12, 0))
    code, out, _ = run(["show", odd], capsys)
    assert code == 0 and out.startswith("[red]odd.txt: 12×12 grid")
    code, out, _ = run(["classify", odd], capsys)
    assert code == 0 and table_rows(out)[str(odd)][1] == "diamond"


@pytest.mark.parametrize(
    "argv, command",
    [
        (["step", "--padding", "1"], "step"),
        (["--lessons", "my-lessons", "network", "--input", "diamond"], "network"),
        (["--lessons=my-lessons", "lessons"], "lessons"),
        (["train", "--headless"], "train"),
    ],
)
def test_a_command_line_builds_only_the_command_it_names(argv, command):
    # tuiconv step must not pay for building every other subcommand's parser before its screen.
    args = cli.build_parser(argv).parse_args(argv)
    assert args.command == command
    assert args.run.__module__ == f"tuiconv.commands.{command}"


def test_help_and_a_mistyped_command_still_know_every_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    listed = capsys.readouterr().out
    assert all(name in listed for name in cli.COMMANDS)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["stpe"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'stpe'" in error and all(f"'{name}'" in error for name in cli.COMMANDS)
