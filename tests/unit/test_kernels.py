"""The named kernels respond to what their names and descriptions promise."""

import numpy as np
import pytest

from tuiconv.engine import kernels
from tuiconv.engine.kernels import EDGE_KERNELS, LAYER1, LAYER2, describe, kernel


def response(name, patch):
    """The kernel's value on one 3×3 patch, multiplied out by hand (cross-correlation)."""
    k = kernel(name)
    return sum(k[u][v] * patch[u][v] for u in range(3) for v in range(3))


def lines(*rows):
    return [[1.0 if ch == "#" else 0.0 for ch in row] for row in rows]


HORIZONTAL = lines("...", "###", "...")
VERTICAL = lines(".#.", ".#.", ".#.")
DIAGONAL = lines("#..", ".#.", "..#")  # "\"
ANTIDIAGONAL = lines("..#", ".#.", "#..")  # "/"


def test_every_named_kernel_is_three_by_three_and_named_in_the_brief():
    assert set(LAYER1) == {
        "horizontal", "vertical", "diagonal", "antidiagonal", "sobel-x", "sobel-y", "blur", "sharpen", "identity",
    }
    for name, k in LAYER1.items():
        assert k.shape == (3, 3) and k.dtype == np.float64, name


@pytest.mark.parametrize(
    ("name", "line", "others"),
    [
        ("horizontal", HORIZONTAL, [VERTICAL, DIAGONAL, ANTIDIAGONAL]),
        ("vertical", VERTICAL, [HORIZONTAL, DIAGONAL, ANTIDIAGONAL]),
        ("diagonal", DIAGONAL, [HORIZONTAL, VERTICAL, ANTIDIAGONAL]),
        ("antidiagonal", ANTIDIAGONAL, [HORIZONTAL, VERTICAL, DIAGONAL]),
    ],
)
def test_edge_kernels_score_six_on_their_line_and_nothing_on_the_others(name, line, others):
    assert response(name, line) == 6
    for other in others:
        assert response(name, other) == 0
    # A flat patch, dark or bright, is no edge at all.
    assert response(name, lines("...", "...", "...")) == 0
    assert response(name, lines("###", "###", "###")) == 0


def test_sobel_pair_sees_dark_to_bright_steps():
    left_to_right = lines(".##", ".##", ".##")
    top_to_bottom = lines("...", "###", "###")
    assert response("sobel-x", left_to_right) == 4
    assert response("sobel-x", left_to_right[::-1]) == 4
    assert response("sobel-x", [row[::-1] for row in left_to_right]) == -4  # bright to dark
    assert response("sobel-y", top_to_bottom) == 4
    assert response("sobel-y", left_to_right) == 0
    assert "left to right" in describe("sobel-x")


def test_blur_sharpen_identity():
    patch = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert response("blur", patch) == pytest.approx(5.0)  # the mean of the nine
    assert response("identity", patch) == 5
    assert response("sharpen", patch) == 5 * 5 - (2 + 4 + 6 + 8)


def test_edge_kernels_are_the_networks_channels_in_order():
    assert EDGE_KERNELS == ("horizontal", "vertical", "diagonal", "antidiagonal")


def test_layer2_kernels_want_their_edges_and_avoid_the_others():
    assert set(LAYER2) == {"rectangle", "diamond"}
    for name, k in LAYER2.items():
        assert k.shape == (4, 3, 3)
    horizontal, vertical, diagonal, antidiagonal = range(4)
    rectangle, diamond = LAYER2["rectangle"], LAYER2["diamond"]
    assert (rectangle[[horizontal, vertical]] > 0).all() and (rectangle[[diagonal, antidiagonal]] < 0).all()
    assert (diamond[[diagonal, antidiagonal]] > 0).all() and (diamond[[horizontal, vertical]] < 0).all()


def test_kernel_returns_a_copy():
    k = kernel("vertical")
    k[:] = 99
    assert kernel("vertical")[0, 1] == 2
    assert kernel("Rectangle").shape == (4, 3, 3)


def test_unknown_kernel_names_the_known_ones():
    with pytest.raises(ValueError) as error:
        kernel("edgy")
    message = str(error.value)
    assert "'edgy'" in message
    for name in [*LAYER1, *LAYER2]:
        assert name in message
    with pytest.raises(ValueError, match="known kernels"):
        describe("edgy")


def test_every_kernel_has_a_one_line_description():
    for name in [*LAYER1, *LAYER2]:
        text = describe(name)
        assert text and "\n" not in text and len(text) < 80, name
    assert kernels.describe("diagonal") != kernels.describe("antidiagonal")
