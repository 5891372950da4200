"""A lesson's question keeps what would answer it hidden on the stepper until it is answered."""

import numpy as np
import pytest

from tests.app.conftest import app_for, assert_shows, cells_shown, output_cells, pilot_test, screen_text, view_of
from tests.reference import conv_one
from tuiconv.explore.stepper import StepperSession


@pilot_test
async def test_a_scene_conceals_what_its_question_asks_until_revealed():
    from tuiconv.explore.scene import Scene

    # 8×8 rectangle, F=3, S=2: (8 − 3)/2 + 1 = 3.5 → 3 cells; row and column 7 never covered.
    scene = Scene(input="rectangle", size=8, kernel="vertical", stride=2, conceal=("size", "uncovered", "arithmetic", "output"))
    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        view.apply_scene(scene)
        await pilot.press("space", "space")
        await pilot.pause()
        text = screen_text(app)
        assert "feature map ?×?" in text and "3×3" not in text
        assert "step 3/?" in text and "/9" not in text
        assert "= ?" in text and "3.5" not in text and "→ 3" not in text
        assert "never covered" not in text
        assert not view.input_grid.marks.get("uncovered")
        assert not view.query_one("#stepper-arithmetic").display
        assert output_cells(view)[0] == ["?", "?", "?"]  # stepped through, but hidden
        assert output_cells(view)[1] == ["", "", ""]  # not yet stepped: nothing to count
        state = view.state()  # the course still sees the true numbers
        assert state.output.shape == (3, 3) and state.filled == 3

        view.reveal()
        await pilot.pause()
        text = screen_text(app)
        assert "feature map 3×3" in text and "step 3/9" in text and "3.5 → 3" in text
        assert "never covered" in text and view.input_grid.marks["uncovered"]
        assert view.query_one("#stepper-arithmetic").display
        from tuiconv.engine import kernels
        from tuiconv.engine.shapes import make_shape

        image = make_shape("rectangle", 8, 0)
        expected = conv_one(image[None], kernels.kernel("vertical")[None])[::2, ::2][:3, :3]
        assert [float(t) for t in output_cells(view)[0]] == pytest.approx(list(expected[0]), abs=0.5)


@pilot_test
async def test_concealing_the_formula_says_it_is_hidden():
    from tuiconv.explore.scene import Scene

    app = app_for(StepperSession.build())
    async with app.run_test(size=(80, 24)) as pilot:
        view = view_of(app)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, conceal=("formula",)))
        await pilot.pause()
        text = screen_text(app)
        assert "hidden until the question is answered" in text and "(8 − 3 + 2×1)" not in text
        view.reveal()
        await pilot.pause()
        assert "(8 − 3 + 2×1)/1 + 1 = 8" in screen_text(app)


@pilot_test
async def test_a_question_on_the_pooled_map_hides_its_answer_but_not_the_feature_map():
    from tuiconv.explore.scene import Scene

    app = app_for(StepperSession.build())
    async with app.run_test(size=(100, 32)) as pilot:
        view = view_of(app)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, relu=True, pool="max", conceal=("pooled",)))
        await pilot.pause()
        pooled = cells_shown(view.pooled_grid)
        assert {text for row in pooled for text in row} == {"?"}
        want = np.maximum(conv_one(view.session.input, view.session.kernel, padding=1), 0)
        assert_shows(view.output_grid, want)
        view.apply_scene(Scene(input="rectangle", size=8, kernel="vertical", padding=1, pool="max", conceal=("size", "formula")))
        await pilot.pause()
        assert not view.pooled_grid.display  # its cells could be counted
        view.reveal()
        await pilot.pause()
        assert view.pooled_grid.display
