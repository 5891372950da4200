"""The stepper's session, without a terminal: every number it holds equals the plain loops."""

from __future__ import annotations

import numpy as np
import pytest

from tests.reference import conv_one, max_pool_one
from tuiconv.engine import kernels
from tuiconv.engine.shapes import make_shape
from tuiconv.explore.scene import Scene
from tuiconv.explore.stepper import MAX_DILATION, MAX_PADDING, MAX_STRIDE, StepperSession


@pytest.mark.parametrize("kernel, padding, stride, dilation", [("vertical", 0, 1, 1), ("diagonal", 1, 2, 1), ("sobel-x", 2, 1, 2), ("horizontal", 3, 3, 1)])
def test_a_scenes_feature_map_and_each_step_equal_the_loops(kernel, padding, stride, dilation):
    s = StepperSession.from_scene(Scene(input="diamond", size=12, kernel=kernel, padding=padding, stride=stride, dilation=dilation))
    image = make_shape("diamond", 12, 0)[None]
    want = conv_one(image, kernels.kernel(kernel)[None], 0.0, stride, padding, dilation)
    np.testing.assert_allclose(s.output, want, atol=1e-9)
    assert s.output_shape == want.shape and s.steps == want.size
    seen = [s.step.total]
    while s.step_forward():
        seen.append(s.step.total)
    np.testing.assert_allclose(seen, want.reshape(-1), atol=1e-9)
    assert s.filled == want.size and not s.step_forward()


def test_relu_and_max_pooling_equal_the_loops():
    s = StepperSession.from_scene(Scene(input="rectangle", size=8, seed=5, kernel="vertical", padding=1, relu=True, pool="max"))
    feature = np.maximum(conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None], 0.0, 1, 1, 1), 0)
    pooled, winners = max_pool_one(feature, 2, 2)
    np.testing.assert_allclose(s.output, feature, atol=1e-9)
    np.testing.assert_allclose(s.pooled, pooled, atol=1e-9)
    s.move_pool_to(1, 2)
    assert s.pool_winner() == winners[(1, 2)]


@pytest.mark.parametrize("what, limit, delta, says", [
    ("padding", MAX_PADDING, 1, f"padding {MAX_PADDING} is the largest here"),
    ("padding", 0, -1, "padding 0 is the smallest"),
    ("stride", MAX_STRIDE, 1, f"stride {MAX_STRIDE} is the largest here"),
    ("dilation", MAX_DILATION, 1, f"dilation {MAX_DILATION} is the largest here"),
])
def test_a_setting_stops_at_its_limit_and_says_so_leaving_everything_as_it_was(what, limit, delta, says):
    s = StepperSession.from_scene(Scene(input="rectangle", size=16, kernel="vertical", **{what: limit}))
    before = (s.padding, s.stride, s.dilation, s.output.copy())
    with pytest.raises(ValueError, match=says):
        s.nudge_geometry(what, delta)
    assert (s.padding, s.stride, s.dilation) == before[:3]
    np.testing.assert_array_equal(s.output, before[3])


def test_a_dilation_the_input_cannot_hold_names_the_kernels_span_and_the_inputs():
    # A 3×3 kernel at D=3 spans 7 cells; a 6×6 input without padding has 6.
    s = StepperSession(input=np.ones((1, 6, 6)), kernel=kernels.kernel("vertical")[None], dilation=2)
    with pytest.raises(ValueError, match="dilation 3: output would be empty; the kernel spans 7 cells, the input 6"):
        s.nudge_geometry("dilation", 1)
    assert s.dilation == 2


def test_a_concealed_scene_keeps_the_true_numbers_in_its_state_until_revealed():
    s = StepperSession.from_scene(Scene(input="rectangle", kernel="vertical", conceal=("size", "output")))
    assert s.concealed == {"size", "output"}
    assert s.state().output.shape == s.output_shape  # what a check reads is never hidden
    assert s.reveal() and s.concealed == frozenset() and not s.reveal()


def test_stepping_back_keeps_the_cells_worked_out_and_reset_starts_the_map_again():
    s = StepperSession.build("rectangle", "vertical")
    want = conv_one(make_shape("rectangle", 8, 5)[None], kernels.kernel("vertical")[None])
    for _ in range(5):
        s.step_forward()
    s.step_back()
    s.step_back()
    assert s.position == (0, 3) and s.filled == 6
    shown = s.shown_output().reshape(-1)
    np.testing.assert_allclose(shown[:6], want.reshape(-1)[:6], atol=1e-9)
    assert np.isnan(shown[6:]).all()
    s.reset()
    assert s.position == (0, 0) and s.filled == 1
