"""The plain-loop reference itself, on examples worked out by hand."""

import math

import numpy as np

from tests.reference import forward_loops


def test_reference_on_a_worked_example():
    """One bright pixel through an all-ones network: counts worked out by hand."""

    class Ones:
        w1 = np.ones((4, 1, 3, 3))
        b1 = np.zeros(4)
        w2 = np.ones((2, 4, 3, 3))
        b2 = np.array([0.0, -1.0])

    image = np.zeros((4, 4))
    image[1, 1] = 1.0
    out = forward_loops(Ones, image)
    # The pixel reaches the 3×3 block of conv1 cells around it, so every 2×2 pool window that
    # touches rows/cols 0..2 holds a 1: all four pooled cells are 1 in each of 4 channels.
    assert out["pool1"][0].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    # A conv2 cell with padding 1 sees all 4 pooled cells × 4 channels = 16 at every position.
    assert out["relu2"][0].tolist() == [[16.0, 16.0], [16.0, 16.0]]
    assert out["maxima"] == [16.0, 15.0]
    assert math.isclose(out["scores"][0], math.e / (math.e + 1))
    assert out["verdict"] == "rectangle"


def test_reference_dense_layer_on_a_worked_example():
    """The dense layer weighs each detector's maximum: by hand, logits 2×16 + 0 and 1×15 + 1."""

    class Weighted:
        w1 = np.ones((4, 1, 3, 3))
        b1 = np.zeros(4)
        w2 = np.ones((2, 4, 3, 3))
        b2 = np.array([0.0, -1.0])
        w3 = np.array([[2.0, 0.0], [0.0, 1.0]])
        b3 = np.array([0.0, 1.0])

    image = np.zeros((4, 4))
    image[1, 1] = 1.0
    out = forward_loops(Weighted, image)
    assert out["logits"] == [32.0, 16.0]
    assert math.isclose(out["scores"][0], 1 / (1 + math.exp(-16)))
