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
    assert set(LAYER2) == {"rectangle", "diamond", "corner"}
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


# ---------------------------------------------------------------- where edges sit: the corner


def pooled_edge_maps(image):
    """The hand-designed net's pooled layer-1 maps, by the plain-loop references."""
    from tuiconv.engine.network import HAND_BIAS1

    from .test_ops import ref_conv2d, ref_pool

    w1 = np.stack([kernel(name) for name in EDGE_KERNELS])[:, None]
    conv = ref_conv2d(image[None], w1, np.full(4, HAND_BIAS1), stride=1, padding=1, dilation=1)
    return ref_pool(np.maximum(conv, 0), 2, 2, "max")[0]


def corner_response(pooled):
    """ReLU of the corner filter over the pooled maps, multiplied out cell by cell."""
    from .test_ops import ref_conv2d

    return np.maximum(ref_conv2d(pooled, kernel("corner")[None], np.array([kernels.CORNER_BIAS]), 1, 1, 1)[0], 0)


def test_the_corner_filter_has_slices_that_say_where_each_edge_sits():
    corner = kernel("corner")
    horizontal, vertical = corner[0], corner[1]
    # Not a count of edges nearby: each slice has a pattern, different in each channel.
    assert len(set(horizontal.ravel())) > 1 and len(set(vertical.ravel())) > 1
    assert not np.array_equal(horizontal, vertical)
    assert (horizontal[1, 1:] > 0).all() and horizontal[1, 0] < 0  # runs right, not left
    assert (vertical[1:, 1] > 0).all() and vertical[0, 1] < 0  # runs down, not up


def test_the_corner_filter_fires_at_a_rectangles_top_left_corner_and_nowhere_on_a_cross():
    from tuiconv.engine.network import Network, forward, receptive_field
    from tuiconv.engine.ops import conv2d, relu
    from tuiconv.engine.shapes import make_shape

    for seed in range(12):
        for size in (12, 16, 23):
            box = make_shape("rectangle", size, seed)
            pooled = pooled_edge_maps(box)
            response = corner_response(pooled)
            # The engine's own convolution agrees with the loops.
            engine = relu(conv2d(forward(Network.hand_designed(), box).pool1, kernel("corner")[None], np.array([kernels.CORNER_BIAS]), padding=1))[0]
            assert np.abs(engine - response).max() < 1e-9
            assert response.max() > 0, (seed, size)
            top, left = np.argwhere(box)[0]  # the rectangle's top-left corner
            i, j = np.unravel_index(response.argmax(), response.shape)
            field = receptive_field("conv2", int(i), int(j), box.shape)
            assert field.top <= top <= field.bottom and field.left <= left <= field.right, (seed, size)
            cross = make_shape("cross", size, seed)
            assert corner_response(pooled_edge_maps(cross)).max() == 0, (seed, size)
