"""The stepper colours a feature map on the strongest response its kernel can give: a bound
that every window respects and that some window reaches, checked here by plain loops."""

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuiconv.engine.ops import response_range


def every_window_value(x, w, b, padding):
    """All stride-1 window sums over x zero-padded by ``padding``, by nested loops."""
    channels, height, width = x.shape
    f = w.shape[-1]
    padded = np.zeros((channels, height + 2 * padding, width + 2 * padding))
    padded[:, padding : padding + height, padding : padding + width] = x
    values = []
    for top in range(padded.shape[1] - f + 1):
        for left in range(padded.shape[2] - f + 1):
            total = b
            for c, r, q in itertools.product(range(channels), range(f), range(f)):
                total += padded[c, top + r, left + q] * w[c, r, q]
            values.append(total)
    return values


def best_window(x, w, padded, highest):
    """The window a bound describes: each tap at its channel's extreme that helps most."""
    window = np.empty_like(w)
    for c in range(w.shape[0]):
        low, high = x[c].min(), x[c].max()
        if padded:
            low, high = min(low, 0.0), max(high, 0.0)
        for r, q in itertools.product(range(w.shape[1]), range(w.shape[2])):
            up = w[c, r, q] > 0 if highest else w[c, r, q] < 0
            window[c, r, q] = high if up else low
    return window


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    channels=st.integers(1, 3),
    size=st.integers(3, 7),
    kernel=st.integers(1, 3),
    padding=st.integers(0, 2),
    offset=st.floats(-2, 2),
)
def test_no_window_goes_beyond_the_range_and_its_best_window_reaches_it(seed, channels, size, kernel, padding, offset):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(channels, size, size)) + offset
    w = rng.normal(size=(channels, kernel, kernel))
    b = float(rng.normal())
    low, high = response_range(x, w[None], b, padded=padding > 0)
    values = every_window_value(x, w, b, padding)
    assert low - 1e-9 <= min(values) and max(values) <= high + 1e-9
    for bound, highest in ((high, True), (low, False)):
        reached = b + float((best_window(x, w, padding > 0, highest) * w).sum())
        assert abs(reached - bound) < 1e-9


def test_an_edge_kernel_on_a_zero_one_shape_ranges_over_its_weight_sums():
    # [-1 2 -1] columns: the strongest response is all three 2s on ones and the -1s on zeros.
    vertical = np.array([[-1.0, 2.0, -1.0]] * 3)
    shape = np.zeros((8, 8))
    shape[2:6, 3] = 1.0
    assert response_range(shape, vertical, padded=True) == (-6.0, 6.0)
    assert response_range(shape, vertical, 1.5) == (-4.5, 7.5)
