"""conv2d, conv_step and pooling agree with plain nested loops written out here, cell by cell."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reference import ref_conv2d, ref_padding, ref_pool
from tuiconv.engine.ops import avg_pool, conv2d, conv_step, max_pool, relu

# ---------------------------------------------------------------- worked examples


def test_vertical_edge_kernel_on_a_step_by_hand():
    x = np.array([[0, 0, 1, 1]] * 3, dtype=float)
    w = np.array([[-1, 0, 1]] * 3, dtype=float)
    # Both windows straddle the dark-to-bright step: each row gives 0·(−1) + x·0 + 1·1 = 1, three rows 3.
    out = conv2d(x, w)
    assert out.shape == (1, 2)
    assert out.tolist() == [[3.0, 3.0]]
    assert conv2d(x, w, 0.5, padding=1).tolist() == [
        [0.5, 2.5, 2.5, -1.5],
        [0.5, 3.5, 3.5, -2.5],
        [0.5, 2.5, 2.5, -1.5],
    ]


def test_kernel_is_not_flipped():
    x = np.arange(9.0).reshape(3, 3)
    w = np.zeros((3, 3))
    w[0, 0] = 1.0  # cross-correlation reads the top-left cell; true convolution would read bottom-right
    assert conv2d(x, w, padding=1)[1, 1] == x[0, 0]


def test_two_d_filter_gives_a_two_d_map_and_stacks_give_stacks():
    x = np.ones((5, 5))
    assert conv2d(x, np.ones((3, 3))).shape == (3, 3)
    assert conv2d(np.ones((2, 5, 5)), np.ones((4, 2, 3, 3))).shape == (4, 3, 3)


def test_mismatched_channels_are_refused():
    with pytest.raises(ValueError, match="3 channel"):
        conv2d(np.ones((2, 5, 5)), np.ones((1, 3, 3, 3)))


def test_kernel_larger_than_input_is_refused_with_the_formula():
    with pytest.raises(ValueError, match=r"\(3 − 5 \+ 2×0\)/1 \+ 1"):
        conv2d(np.ones((3, 3)), np.ones((5, 5)))


def test_same_padding_with_stride_is_refused():
    with pytest.raises(ValueError, match="stride 1"):
        conv2d(np.ones((5, 5)), np.ones((3, 3)), padding="same", stride=2)


def test_relu_zeroes_negatives_only():
    assert relu(np.array([-2.0, -0.0, 0.5, 3.0])).tolist() == [0.0, 0.0, 0.5, 3.0]


def test_max_pool_by_hand_with_argmax_and_a_dropped_row():
    x = np.array(
        [
            [1, 5, 0, 2, 9],
            [3, 2, 7, 7, 9],
            [4, 4, 1, 0, 9],
            [4, 0, 2, 3, 9],
            [8, 8, 8, 8, 8],  # the odd last row and column are never covered by a 2×2 window
        ],
        dtype=float,
    )
    pooled, where = max_pool(x, 2, return_argmax=True)
    assert pooled.tolist() == [[5, 7], [4, 3]]
    # (1, 2) and (1, 3) tie at 7: the first in reading order wins; 4 ties at (2,0),(2,1),(3,0).
    assert where.tolist() == [[[0, 1], [1, 2]], [[2, 0], [3, 3]]]
    assert avg_pool(x, 2).tolist() == [[11 / 4, 16 / 4], [12 / 4, 6 / 4]]


# ---------------------------------------------------------------- properties

PADDINGS = st.one_of(st.integers(0, 3), st.sampled_from(["valid", "same", "full"]))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    channels=st.integers(1, 4),
    filters=st.integers(1, 3),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    kernel=st.integers(1, 4),
    padding=PADDINGS,
    stride=st.integers(1, 3),
    dilation=st.integers(1, 3),
)
def test_conv2d_matches_nested_loops(seed, channels, filters, height, width, kernel, padding, stride, dilation):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(channels, height, width))
    w = rng.normal(size=(filters, channels, kernel, kernel))
    b = rng.normal(size=filters)
    before, after = ref_padding(padding, kernel, dilation)
    reach = dilation * (kernel - 1) + 1
    fits = height + before + after >= reach and width + before + after >= reach
    if padding == "same" and stride != 1:
        with pytest.raises(ValueError):
            conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        return
    if not fits:
        with pytest.raises(ValueError, match="empty"):
            conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
        return
    got = conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    want = ref_conv2d(x, w, b, stride, padding, dilation)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    channels=st.integers(1, 3),
    height=st.integers(2, 8),
    width=st.integers(2, 8),
    kernel=st.integers(1, 3),
    padding=st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same", "full"])),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
    pick=st.integers(0, 10**6),
)
def test_conv_step_shows_the_arithmetic_of_one_cell(seed, channels, height, width, kernel, padding, stride, dilation, pick):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(channels, height, width))
    w = rng.normal(size=(channels, kernel, kernel))
    b = float(rng.normal())
    reach = dilation * (kernel - 1) + 1
    before, after = ref_padding(padding, kernel, dilation)
    if min(height, width) + before + after < reach or (padding == "same" and stride != 1):
        return
    out = ref_conv2d(x, w[None], [b], stride, padding, dilation)[0]
    i, j = divmod(pick % out.size, out.shape[1])
    step = conv_step(x, w, b, i, j, stride=stride, padding=padding, dilation=dilation)
    for c in range(channels):
        for u in range(kernel):
            for v in range(kernel):
                r = i * stride + u * dilation - before
                q = j * stride + v * dilation - before
                inside = 0 <= r < height and 0 <= q < width
                value = x[c, r, q] if inside else 0.0
                assert step.window[c, u, v] == value
                assert step.products[c, u, v] == pytest.approx(value * w[c, u, v], abs=1e-12)
                assert step.in_padding[u, v] == (not inside)
                assert (step.rows[u], step.cols[v]) == (r, q)
        assert step.channel_sums[c] == pytest.approx(sum(
            step.window[c, u, v] * w[c, u, v] for u in range(kernel) for v in range(kernel)
        ), abs=1e-9)
    assert step.bias == b
    assert abs(step.total - out[i, j]) < 1e-9


def test_conv_step_outside_the_map_is_refused():
    with pytest.raises(ValueError, match="outside the 3×3"):
        conv_step(np.ones((5, 5)), np.ones((3, 3)), 0.0, 3, 0)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    channels=st.integers(1, 3),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    size=st.integers(1, 3),
    stride=st.one_of(st.none(), st.integers(1, 3)),
    ties=st.booleans(),
)
def test_pooling_matches_nested_loops(seed, channels, height, width, size, stride, ties):
    rng = np.random.default_rng(seed)
    # Small integers make ties common, so the tie-breaking rule is exercised too.
    x = rng.integers(-2, 3, size=(channels, height, width)).astype(float) if ties else rng.normal(size=(channels, height, width))
    if min(height, width) < size:
        with pytest.raises(ValueError):
            max_pool(x, size, stride)
        return
    step = size if stride is None else stride
    want_max, want_where = ref_pool(x, size, step, "max")
    want_avg, _ = ref_pool(x, size, step, "avg")
    got_max, got_where = max_pool(x, size, stride, return_argmax=True)
    np.testing.assert_array_equal(got_max, want_max)
    np.testing.assert_array_equal(got_where, want_where)
    np.testing.assert_allclose(avg_pool(x, size, stride), want_avg, rtol=0, atol=1e-9)
    # A 2-D input pools to a 2-D map with the same numbers.
    np.testing.assert_array_equal(max_pool(x[0], size, stride), want_max[0])


@pytest.mark.parametrize("pool", [max_pool, avg_pool])
def test_a_pool_larger_than_the_map_is_refused_in_pooling_words(pool):
    with pytest.raises(ValueError, match=r"^a 3×3 pool does not fit the 2×4 feature map$"):
        pool(np.zeros((2, 4)), 3)
