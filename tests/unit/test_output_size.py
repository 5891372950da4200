"""output_size against the worked examples of two references a learner may have open beside it.

Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016), relationships
1–6 and 15 with their figures; and the cs231n notes on convolutional networks ("Spatial
arrangement" and the AlexNet example).
"""

import numpy as np
import pytest

from tuiconv.engine.ops import conv2d, output_size, resolve_padding, uncovered


@pytest.mark.parametrize(
    ("i", "k", "p", "s", "d", "o", "where"),
    [
        (4, 3, 0, 1, 1, 2, "conv_arithmetic relationship 1: no padding, unit strides"),
        (5, 4, 2, 1, 1, 6, "conv_arithmetic relationship 2: arbitrary padding"),
        (5, 3, 1, 1, 1, 5, "conv_arithmetic relationship 3: half (same) padding"),
        (5, 3, 2, 1, 1, 7, "conv_arithmetic relationship 4: full padding"),
        (5, 3, 0, 2, 1, 2, "conv_arithmetic relationship 5: no padding, stride 2"),
        (5, 3, 1, 2, 1, 3, "conv_arithmetic relationship 6: padding 1, stride 2"),
        (6, 3, 1, 2, 1, 3, "conv_arithmetic relationship 6: 3.5 floored, the last column is never covered"),
        (7, 3, 0, 1, 2, 3, "conv_arithmetic relationship 15: dilation 2"),
        (7, 3, 0, 1, 1, 5, "cs231n: 7x7 input, 3x3 filter, stride 1"),
        (7, 3, 0, 2, 1, 3, "cs231n: stride 2"),
        (5, 3, 1, 1, 1, 5, "cs231n: the 1-D example with zero padding 1"),
        (227, 11, 0, 4, 1, 55, "cs231n: AlexNet's first layer"),
    ],
)
def test_worked_examples(i, k, p, s, d, o, where):
    assert output_size(i, k, p, s, d) == o, where
    # conv2d produces a map of exactly that size.
    if i < 50:
        assert conv2d(np.ones((i, i)), np.ones((k, k)), padding=p, stride=s, dilation=d).shape == (o, o)


def test_same_and_full_padding_examples():
    # Half padding keeps the size (o = i); full padding grows it by k − 1 (o = i + k − 1).
    for i, k in [(5, 3), (6, 5), (9, 1)]:
        before, after = resolve_padding("same", k)
        assert (before, after) == ((k - 1) // 2, (k - 1) // 2)
        assert conv2d(np.ones((i, i)), np.ones((k, k)), padding="same").shape == (i, i)
        assert resolve_padding("full", k) == (k - 1, k - 1)
        assert conv2d(np.ones((i, i)), np.ones((k, k)), padding="full").shape == (i + k - 1, i + k - 1)
    # An even kernel cannot centre: PyTorch puts the odd zero after.
    assert resolve_padding("same", 4) == (1, 2)
    assert conv2d(np.ones((5, 5)), np.ones((4, 4)), padding="same").shape == (5, 5)
    # Dilated 'same': a 3×3 kernel with dilation 2 spans 5 cells, so 2 zeros each side.
    assert resolve_padding("same", 3, dilation=2) == (2, 2)


def test_stride_that_does_not_fit_is_floored_or_refused_when_strict():
    # cs231n: W=7, F=3, P=0, S=3 gives (7 − 3)/3 + 1 = 2.33: "not a whole number".
    assert output_size(7, 3, 0, 3) == 2
    assert uncovered(7, 3, 0, 3) == 1
    with pytest.raises(ValueError) as error:
        output_size(7, 3, 0, 3, strict=True)
    assert "(7 − 3 + 2×0)/3 + 1 = 2.33333 is not a whole number" in str(error.value)
    # cs231n: W=10, F=3, P=0, S=2 gives 4.5.
    with pytest.raises(ValueError) as error:
        output_size(10, 3, 0, 2, strict=True)
    assert "(10 − 3 + 2×0)/2 + 1 = 4.5 is not a whole number" in str(error.value)
    assert "last 1 row(s)/column(s) are never covered" in str(error.value)
    assert output_size(10, 3, 0, 2) == 4
    # One row fewer and a padding of 1 fits exactly: (9 − 3 + 2)/2 + 1 = 5.
    assert output_size(9, 3, 1, 2, strict=True) == 5
    assert uncovered(9, 3, 1, 2) == 0


def test_an_exact_fit_is_accepted_by_strict():
    assert output_size(7, 3, 0, 2, strict=True) == 3
    assert uncovered(7, 3, 0, 2) == 0


def test_empty_output_shows_the_formula_with_numbers():
    with pytest.raises(ValueError) as error:
        output_size(3, 5)
    message = str(error.value)
    assert "output would be empty" in message
    assert "(3 − 5 + 2×0)/1 + 1 = -1 < 1" in message
    assert "the kernel spans 5 cells but the padded input has only 3" in message


def test_dilated_formula_is_shown_in_full():
    with pytest.raises(ValueError) as error:
        output_size(4, 3, 0, 1, 2)
    assert "(W + 2P − D×(F−1) − 1)/S + 1 = (4 + 2×0 − 2×(3−1) − 1)/1 + 1" in str(error.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3), "input size W must be at least 1, not 0"),
        ((5, 0), "kernel size F must be at least 1, not 0"),
        ((5, 3, -1), "padding P must be at least 0, not -1"),
        ((5, 3, 0, 0), "stride S must be at least 1, not 0"),
        ((5, 3, 0, 1, 0), "dilation D must be at least 1, not 0"),
        ((5, 2.5), "kernel size F must be a whole number, not 2.5"),
    ],
)
def test_out_of_range_parameters_are_named(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
        output_size(*args)
