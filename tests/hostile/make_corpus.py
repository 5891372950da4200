"""Writes tests/hostile/data/ and its table, expected.tsv: `python tests/hostile/make_corpus.py`.

Each file is one hostile input a teacher or learner could hand tuiconv; expected.tsv names the
fragment of the one-line message it must get. Kept as a script so a reader sees how each file
was made (several hold bytes no editor shows).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DATA = HERE / "data"

LESSON = """\
id = "tiny"
title = "A tiny lesson"
summary = "One step."

[[steps]]
narrative = "Look."
task = "Pick a."

[steps.scene]
screen = "stepper"
input = "rectangle"
size = 8
kernel = "vertical"
padding = 1
stride = 1

[steps.check]
kind = "choice"
options = ["a", "b"]
answer = "a"
"""


def lesson(**replace: str) -> str:
    text = LESSON
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


def sub(old: str, new: str) -> str:
    assert old in LESSON, old
    return LESSON.replace(old, new)


CASES: list[tuple[str, bytes | str, str]] = []


def case(name: str, content: bytes | str, expect: str) -> None:
    CASES.append((name, content, expect))


# ---- lessons: characters a terminal obeys
case("lesson-bidi.toml", sub('narrative = "Look."', 'narrative = "Look \u202eevil."'), "U+202E RIGHT-TO-LEFT OVERRIDE")
case("lesson-esc-raw.toml", sub('task = "Pick a."', 'task = "Pick \x1b]0;owned\x07 a."'), "U+001B ESCAPE")
case("lesson-esc-escaped.toml", sub('task = "Pick a."', 'task = "Pick \\u001b]0;owned\\u0007 a."'), "U+001B ESCAPE")
case("lesson-bell-escaped.toml", sub('narrative = "Look."', 'narrative = "\\u0007 ding"'), "U+0007 BELL")
case("lesson-zwsp.toml", sub('title = "A tiny lesson"', 'title = "A tiny\u200b lesson"'), "U+200B ZERO WIDTH SPACE")
case("lesson-zwj-title.toml", sub('title = "A tiny lesson"', 'title = "A\u200d tiny"'), "U+200D ZERO WIDTH JOINER")
case("lesson-lro.toml", sub('summary = "One step."', 'summary = "\u202dOne step."'), "U+202D LEFT-TO-RIGHT OVERRIDE")
case("lesson-rli.toml", sub('summary = "One step."', 'summary = "\u2067One step."'), "U+2067 RIGHT-TO-LEFT ISOLATE")
case("lesson-bom-inside.toml", sub('task = "Pick a."', 'task = "Pick\ufeff a."'), "U+FEFF ZERO WIDTH NO-BREAK SPACE")
case("lesson-soft-hyphen.toml", sub('task = "Pick a."', 'task = "Pi\u00adck a."'), "U+00AD SOFT HYPHEN")
case("lesson-line-separator.toml", sub('narrative = "Look."', 'narrative = "Look.\u2028More"'), "U+2028 LINE SEPARATOR")
case("lesson-csi-8bit.toml", sub('narrative = "Look."', 'narrative = "Look.\\u009b2J"'), "U+009B CONTROL SEQUENCE INTRODUCER")
case("lesson-backspace.toml", sub('task = "Pick a."', 'task = "Pick a.\\b\\b\\bb!"'), "U+0008 BACKSPACE")
case("lesson-cr-alone.toml", sub('task = "Pick a."', 'task = "Pick a.\\rfake"'), "U+000D CARRIAGE RETURN")
case("lesson-esc-in-option.toml", sub('options = ["a", "b"]', 'options = ["a", "b\\u001b[2J"]'), "U+001B ESCAPE")
case("lesson-esc-in-key.toml", sub('narrative = "Look."', 'narrative = "Look."\n"x\\u001by" = 1'), "U+001B ESCAPE")
case("lesson-private-use.toml", sub('task = "Pick a."', 'task = "Pick \ue000 a."'), "U+E000 PRIVATE USE CHARACTER")
case("lesson-esc-hint.toml", sub('task = "Pick a."', 'task = "Pick a."\nhints = ["\\u001b[31mred"]'), "U+001B ESCAPE")
case("lesson-many-bad-chars.toml", sub('narrative = "Look."', 'narrative = "' + "\u202e" * 500 + '"'), "and 480 more such characters")
case("lesson-markup-title.toml", sub('title = "A tiny lesson"', 'title = "[@click=app.quit]quit[/]"'), "")  # valid: shown as text

# ---- lessons: bytes and structure
case("lesson-not-utf8.toml", LESSON.encode() + b"\xff\xfe", "not a text file (byte 0xff is not UTF-8)")
case("lesson-nul.toml", LESSON.encode().replace(b"Look.", b"Lo\x00ok."), "U+0000 NULL")
case("lesson-binary.toml", bytes(range(256)) * 4, "not a text file")
case("lesson-empty.toml", b"", "a lesson has no id")
case("lesson-bom-ok.toml", b"\xef\xbb\xbf" + LESSON.encode(), "")  # a BOM is accepted
case("lesson-crlf-ok.toml", LESSON.replace("\n", "\r\n"), "")  # Windows line ends are fine
case("lesson-deep-arrays.toml", "x = " + "[" * 50_000 + "]" * 50_000 + "\n", "nested too deeply")
case("lesson-deep-tables.toml", "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n", "nested too deeply")
case("lesson-unclosed.toml", "x = " + "[" * 100_000, "invalid TOML")
case("lesson-bad-toml.toml", 'id = "tiny\n', "invalid TOML")
case("lesson-huge-int.toml", sub("stride = 1", "stride = " + "9" * 4000), "stride must be a whole number from 1 to 4, not a number of 4000 digits")
case("lesson-long-token.toml", sub('input = "rectangle"', 'input = "' + "r" * 200_000 + '"'), "unknown shape")
case("lesson-long-key.toml", sub('narrative = "Look."', 'narrative = "Look."\n' + "k" * 100_000 + " = 1"), "unknown key")

# ---- lessons: numbers outside the one table
case("lesson-padding-huge.toml", sub("padding = 1", "padding = 100000"), "padding must be a whole number from 0 to 3, not 100000")
case("lesson-padding-1e18.toml", sub("padding = 1", "padding = 1000000000000000000"), "padding must be a whole number from 0 to 3")
case("lesson-padding-negative.toml", sub("padding = 1", "padding = -1"), "padding must be a whole number from 0 to 3, not -1")
case("lesson-stride-huge.toml", sub("stride = 1", "stride = 9223372036854775807"), "stride must be a whole number from 1 to 4")
case("lesson-stride-zero.toml", sub("stride = 1", "stride = 0"), "stride must be a whole number from 1 to 4, not 0")
case("lesson-dilation-huge.toml", sub("stride = 1", "stride = 1\ndilation = 99"), "dilation must be a whole number from 1 to 3, not 99")
case("lesson-size-huge.toml", sub("size = 8", "size = 100000"), "size must be a whole number from 8 to 64, not 100000")
case("lesson-seed-negative.toml", sub("size = 8", "size = 8\nseed = -1"), "seed must be a whole number from 0 to 4294967295, not -1")
case("lesson-seed-huge.toml", sub("size = 8", "size = 8\nseed = 99999999999999"), "seed must be a whole number from 0 to 4294967295")
case("lesson-bias-inf.toml", sub("stride = 1", "stride = 1\nbias = inf"), "bias must be a number from -1000000 to 1000000, not inf")
case("lesson-bias-nan.toml", sub("stride = 1", "stride = 1\nbias = nan"), "bias must be a number from -1000000 to 1000000, not nan")
case("lesson-bias-huge.toml", sub("stride = 1", "stride = 1\nbias = 1e308"), "bias must be a number from -1000000 to 1000000")
case("lesson-kernel-inf.toml", sub('kernel = "vertical"', "kernel = [[0, inf, 0], [0, 1, 0], [0, 1, 0]]"), "the kernel contains NaN or infinity")
case("lesson-kernel-nan.toml", sub('kernel = "vertical"', "kernel = [[0, nan, 0], [0, 1, 0], [0, 1, 0]]"), "the kernel contains NaN or infinity")
case("lesson-kernel-1e308.toml", sub('kernel = "vertical"', "kernel = [[0, 1e308, 0], [0, 1, 0], [0, 1, 0]]"), "values must lie within ±1e+06")
case("lesson-kernel-huge-side.toml", sub('kernel = "vertical"', "kernel = [" + ", ".join(["[" + ", ".join(["1"] * 40) + "]"] * 40) + "]"), "at most 8 channels of 7×7")
case("lesson-input-huge-inline.toml", sub('input = "rectangle"\nsize = 8', "input = [" + ", ".join(["[" + ", ".join(["1"] * 100) + "]"] * 100) + "]"), "at most 8 channels of 64×64")
case("lesson-input-inf.toml", sub('input = "rectangle"\nsize = 8', "input = [[1, 0, 0, 0], [0, inf, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]"), "the input contains NaN or infinity")
case("lesson-pool-size-huge.toml", sub("stride = 1", "stride = 1\npool = \"max\"\npool_size = 1000"), "pool_size must be a whole number from 2 to 3, not 1000")
case("lesson-train-steps-huge.toml", LESSON.replace('screen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\npadding = 1\nstride = 1', 'screen = "train"\nsteps = 100000000'), "steps must be a whole number from 1 to 100000, not 100000000")
case("lesson-train-lr-zero.toml", LESSON.replace('screen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\npadding = 1\nstride = 1', 'screen = "train"\nlr = 0.0'), "lr must be a number above 0 and at most 10, not 0")
case("lesson-padding-full-too-wide.toml", sub('kernel = "vertical"', "kernel = [" + ", ".join(["[" + ", ".join(["1"] * 7) + "]"] * 7) + "]").replace("padding = 1", 'padding = "full"').replace("size = 8", "size = 16"), 'padding "full" here is 6 zeros')

# ---- lessons: paths that leave the course
case("lesson-etc-passwd.toml", sub('input = "rectangle"', 'input = "../../../../../../etc/passwd"'), "lies outside the lesson's folder")
case("lesson-absolute.toml", sub('input = "rectangle"', 'input = "/etc/passwd"'), "must be a path relative to the lesson's folder")
case("lesson-home.toml", sub('input = "rectangle"', 'input = "~/.ssh/id_rsa"'), "must be a path relative to the lesson's folder")
case("lesson-empty-input.toml", sub('input = "rectangle"', 'input = "./"'), "input file")
case("lesson-weights-outside.toml", LESSON.replace('screen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\npadding = 1\nstride = 1', 'screen = "network"\nweights = "../../x.npz"'), "lies outside the lesson's folder")
case("lesson-weights-not-npz.toml", LESSON.replace('screen = "stepper"\ninput = "rectangle"\nsize = 8\nkernel = "vertical"\npadding = 1\nstride = 1', 'screen = "network"\nweights = "shape-art.txt"'), "not an .npz weights file")

# ---- lessons: warnings (the lesson loads; `lessons check` warns)
case("warn-options-case.toml", sub('options = ["a", "b"]', 'options = ["a", "A ", "b"]'), "warning: options \"a\" and \"A \" differ only in case")
case("warn-feedback-right.toml", sub('answer = "a"', 'answer = "a"\nfeedback = { "a" = "No!" }'), "warning: feedback for \"a\", which is a right answer")
case("warn-untypable.toml", sub('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', 'kind = "text"\naccept = ["3×3"]'), "U+00D7 MULTIPLICATION SIGN, which most keyboards cannot type")
case("warn-unreachable.toml", sub('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', "kind = \"state\"\nequals = { stride = 7 }"), "warning: equals.stride can never hold")
case("warn-unreachable-at-least.toml", sub('kind = "choice"\noptions = ["a", "b"]\nanswer = "a"', "kind = \"state\"\nat_least = { padding = 4 }"), "warning: at_least.padding can never hold")

# ---- shape files
case("shape-ok.txt", "..#\n.#.\n#..\n", "")
case("shape-vtab.txt", "..#\x0b.#.\n#..\n", "U+000B LINE TABULATION (column 4)")
case("shape-formfeed.txt", "..#\n\x0c\n#..\n", "U+000C FORM FEED")
case("shape-esc.txt", "..#\n.\x1b[2J#.\n", "U+001B ESCAPE")
case("shape-nul.txt", "..#\n#\x00\n", "not a text file (it contains a NUL byte)")
case("shape-bidi.txt", "..#\n\u202e.#.\n", "U+202E RIGHT-TO-LEFT OVERRIDE")
case("shape-nel.txt", "..#\x85.#.\n", "U+0085 NEXT LINE")
case("shape-not-utf8.txt", b"##\n\xff\n", "not a text file (byte 0xff is not UTF-8)")
case("shape-huge-number.txt", "1 2\n1e400 0\n", "is not a finite number")
case("shape-too-large-number.txt", "1 2\n1e300 0\n", "is too large")
case("shape-long-token.txt", "x" * 200_000 + "\n", "is not a number or . or #")
case("shape-wide.txt", "#" * 10_000 + "\n", "a grid may have at most 64")
case("shape-tall.txt", "#\n" * 10_000, "too many rows")
case("shape-empty.txt", "", "empty file")
case("shape-crlf-ok.txt", "..#\r\n.#.\r\n", "")
case("shape-bom-ok.txt", b"\xef\xbb\xbf..#\n.#.\n", "")
case("shape-art.txt", "..#\n.#.\n", "")  # named by lesson-weights-not-npz.toml

# ---- weights files
def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def good_arrays(**changes):
    from tuiconv.engine.network import Network

    net = Network.hand_designed()
    arrays = {"w1": net.w1, "b1": net.b1, "w2": net.w2, "b2": net.b2}
    arrays.update(changes)
    return {k: v for k, v in arrays.items() if v is not None}


def bomb() -> bytes:
    """A 4 KiB zip whose w1.npy claims to be (4, 1, 3, 3) and unpacks to 100 MB of zeros."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (4, 1, 3, 3)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w1.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(1 << 20)
            for _ in range(100):
                member.write(zeros)
        for name, value in good_arrays().items():
            if name != "w1":
                one = io.BytesIO()
                np.save(one, value)
                archive.writestr(name + ".npy", one.getvalue())
    return buffer.getvalue()


def big_array_bomb() -> bytes:
    """w1's header declares a (30000, 30000) float64 array (7.2 GB): refused by its header alone."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (30000, 30000)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("w1.npy", header.getvalue() + bytes(64))
        for name, value in good_arrays().items():
            if name != "w1":
                one = io.BytesIO()
                np.save(one, value)
                archive.writestr(name + ".npy", one.getvalue())
    return buffer.getvalue()


case("weights-ok.npz", npz(**good_arrays()), "")
case("weights-not-zip.npz", b"hello, I am not a zip", "not an .npz weights file")
case("weights-truncated.npz", npz(**good_arrays())[:300], "damaged .npz weights file")
case("weights-missing-b2.npz", npz(**good_arrays(b2=None)), "missing b2")
case("weights-extra-member.npz", npz(**good_arrays(), evil=np.zeros(3)), "unexpected member(s): evil.npy")
case("weights-wrong-shape.npz", npz(**good_arrays(w1=np.zeros((5, 1, 3, 3)))), "b1 has shape (4,), expected (5,)")  # 5 filters need 5 biases
case("weights-complex.npz", npz(**good_arrays(b1=np.zeros(4, dtype=complex))), "b1 holds complex numbers")
case("weights-object.npz", npz(**good_arrays(b1=np.array([1, "x", None, 2.0], dtype=object))), "b1 holds object, not numbers")
case("weights-strings.npz", npz(**good_arrays(b1=np.array(["a", "b", "c", "d"]))), "b1 holds <U1, not numbers")
case("weights-nan.npz", npz(**good_arrays(b2=np.array([np.nan, 0.0]))), "b2 contains NaN or infinity")
case("weights-1e308.npz", npz(**good_arrays(w2=np.full((2, 4, 3, 3), 1e308))), "values must lie within ±1e+06")
case("weights-bomb.npz", bomb(), "w1 unpacks to")
case("weights-big-declared.npz", big_array_bomb(), "w1 has shape (30000, 30000), expected (K1, …, 3, 3) with K1 from 1 to 32")


def main() -> None:
    for old in DATA.glob("*"):
        old.unlink()
    rows = []
    for name, content, expect in CASES:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (DATA / name).write_bytes(data)
        rows.append(f"{name}\t{expect}")
    (HERE / "expected.tsv").write_text(
        "# file\tfragment of the one message it must get (empty: it must load cleanly); see make_corpus.py\n"
        + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} files")


if __name__ == "__main__":
    main()
