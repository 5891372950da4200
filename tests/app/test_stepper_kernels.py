"""Choosing a kernel in the stepper keeps the learner's input, brings the kernel's own bias and geometry, and says what changed."""

import numpy as np

from tests.app.conftest import app_for, kernel_keys, pilot_test, screen_text, view_of
from tests.reference import conv_one
from tuiconv.explore.stepper import StepperSession


@pilot_test
async def test_changing_the_kernel_keeps_the_learners_input():
    from tuiconv.engine import kernels

    app = app_for(StepperSession.build("rectangle:12", "rectangle"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        maps = view.state().input.copy()
        assert maps.shape == (4, 6, 6)  # a 12×12 shape's pooled edge maps
        await pilot.press(*kernel_keys("horizontal"))
        await pilot.pause()
        shape = view.state().input[0].copy()
        assert shape.shape == (12, 12)  # the same 12×12 rectangle, not a 16×16 one
        await pilot.press(*kernel_keys("rectangle"))
        await pilot.pause()
        state = view.state()
        np.testing.assert_allclose(state.input, maps)
        np.testing.assert_allclose(state.output, conv_one(maps, kernels.kernel("rectangle")), atol=1e-9)

        # Drawn edits survive a round trip through a layer-2 kernel.
        await pilot.press(*kernel_keys("vertical"), "n", "space", "escape")
        await pilot.pause()
        drawn = view.state().input[0].copy()
        assert drawn[6, 6] != shape[6, 6]  # the pen starts in the middle
        await pilot.press(*kernel_keys("diamond"), *kernel_keys("sobel-x"))
        await pilot.pause()
        state = view.state()
        np.testing.assert_allclose(state.input[0], drawn)
        np.testing.assert_allclose(state.output, conv_one(drawn[None], kernels.kernel("sobel-x")[None]), atol=1e-9)


@pilot_test
async def test_a_library_kernel_brings_its_own_bias():
    app = app_for(StepperSession.build("rectangle:16", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press("e", "b", "ctrl+u", *"-2", "enter")
        await pilot.pause()
        assert view.state().bias == -2
        assert "bias −2" in screen_text(app)
        await pilot.press("escape", *kernel_keys("diamond"))
        await pilot.pause()
        state = view.state()
        assert (state.kernel_name, state.bias) == ("diamond", 0.0)
        text = screen_text(app)
        assert "bias −2" not in text.splitlines()[0] and "kernel diamond" in text


def test_back_to_a_layer_1_kernel_after_drawing_on_the_edge_maps_names_the_shape():
    session = StepperSession.build("rectangle", "rectangle")
    assert session.input_name == "rectangle → edge maps"
    session.toggle_input_cell(0, 0)
    assert session.input_name.endswith("(drawn)")
    session.choose_kernel("vertical")
    # The shape itself was not drawn on: the edge maps were, and those edits stay behind.
    assert session.input_name == "rectangle" and session.input.shape[0] == 1


def test_a_pool_larger_than_the_feature_map_says_so_in_pooling_words():
    session = StepperSession.build("rectangle", "vertical", stride=4)  # an 8×8 input → a 2×2 map
    assert session.output_shape == (2, 2)
    session.set_pool("max", 3)
    assert session.pooled is None
    message = "a 3×3 pool does not fit the 2×2 feature map: w for a smaller pool, m for none"
    assert session.pool_error == message and len(message) < 80  # one line under the panels
    session.set_pool("max", 2)
    assert session.pool_error is None and session.pooled.shape == (1, 1)


@pilot_test
async def test_pooling_off_from_the_pooled_map_leaves_the_keys_on_the_feature_map():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        await pilot.press("m")
        await pilot.pause()
        view.pooled_grid.focus()
        await pilot.press("m", "m")  # average, then off
        await pilot.pause()
        assert view.session.pool is None and app.focused is view.output_grid
        await pilot.press("plus")  # "faster", not a kernel weight
        await pilot.pause()
        assert view.session.kernel_name == "vertical"


@pilot_test
async def test_the_kernel_picker_opens_on_the_kernel_shown_so_enter_keeps_it():
    from tuiconv.app.widgets.picker import Picker
    from tuiconv.engine import kernels

    app = app_for(StepperSession.build(kernel_spec="sobel-x"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        names = [*kernels.LAYER1, *kernels.LAYER2]
        from textual.widgets import OptionList

        assert app.screen.query_one(OptionList).highlighted == names.index("sobel-x")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert view_of(app).state().kernel_name == names[names.index("sobel-x") + 1]
