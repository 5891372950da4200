"""Random bytes and mutated valid files, fed to the three loaders: only ever an InputError.

Never a traceback (any other exception fails), never a hang (a bound per example), never a
runaway allocation (the process's peak memory is checked after all examples).
"""

from __future__ import annotations

import io
import resource
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.test_corpus import LESSON, bounded
from tuiconv.course.lesson import read_lesson
from tuiconv.engine.network import Network
from tuiconv.engine.shapes import load_shape
from tuiconv.errors import InputError

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
# A loader may allocate a few MB for a file near its cap; hundreds would be a bomb going off.
MAX_GROWTH_KIB = 200 * 1024

_good = io.BytesIO()
_net = Network.hand_designed()
np.savez(_good, w1=_net.w1, b1=_net.b1, w2=_net.w2, b2=_net.b2)
GOOD_NPZ = _good.getvalue()
GOOD_LESSON = LESSON.encode()
GOOD_SHAPE = b"..##..\n.#..#.\n#....#\n.#..#.\n..##..\n"
FOLDER = Path(tempfile.mkdtemp(prefix="tuiconv-hostile-"))


def mutated(good: bytes) -> st.SearchStrategy[bytes]:
    """A valid file with a few bytes overwritten, inserted or cut."""

    @st.composite
    def build(draw):
        data = bytearray(good)
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, max(len(data) - 1, 0)))
            action = draw(st.sampled_from(["set", "insert", "cut"]))
            byte = draw(st.integers(0, 255))
            if action == "set" and data:
                data[at] = byte
            elif action == "insert":
                data[at:at] = bytes([byte]) * draw(st.integers(1, 64))
            else:
                del data[at : at + draw(st.integers(1, 32))]
        return bytes(data)

    return build()


def only_input_errors(load, data: bytes, suffix: str) -> None:
    path = FOLDER / f"case{suffix}"
    path.write_bytes(data)
    with bounded():
        try:
            load(path)
        except InputError as error:
            assert "\n" not in str(error)


def load_lesson_strictly(path: Path) -> None:
    _, problems = read_lesson(path, warnings=True)
    for problem in problems:
        assert "\n" not in str(problem)


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


BEFORE = peak_kib()


@pytest.fixture(scope="module", autouse=True)
def peak_before_these_examples():
    """The peak just before this module's first test, not at its import: a test worker imports
    every module first, and the peak memory of the tests it then runs before these (a 32 → 32
    training screen, say) is no growth caused by the loaders."""
    global BEFORE
    BEFORE = peak_kib()


@SETTINGS
@given(st.one_of(st.binary(max_size=2048), mutated(GOOD_LESSON)))
def test_the_lesson_loader_only_ever_reports_problems(data):
    only_input_errors(load_lesson_strictly, data, ".toml")


@SETTINGS
@given(st.one_of(st.binary(max_size=2048), mutated(GOOD_SHAPE), st.text(alphabet=".#0123456789 -e\n\t\r\x0b\x0c\u2028nafi", max_size=400).map(str.encode)))
def test_the_shape_parser_only_ever_raises_input_errors(data):
    only_input_errors(load_shape, data, ".txt")


@SETTINGS
@given(st.one_of(st.binary(max_size=2048), mutated(GOOD_NPZ)))
def test_the_weights_loader_only_ever_raises_input_errors(data):
    only_input_errors(Network.load, data, ".npz")


def test_memory_stayed_bounded_through_every_example():
    assert peak_kib() - BEFORE < MAX_GROWTH_KIB
