"""The training screen as a learner drives it: the step counter and every number shown are the
engine's, for an independent training run with the same seed."""


import numpy as np
import pytest

from tests.app.conftest import pilot_test
from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.train import TrainScreen, TrainView
from tuiconv.explore.train import LEARNING_RATES
from tuiconv.app.widgets.grid import Grid
from tuiconv.explore.scene import Scene
from tuiconv.engine import kernels
from tuiconv.engine.learned import layer1_matches
from tuiconv.engine.network import Network
from tuiconv.engine.train import RECIPE, Trainer, evaluate, held_out_set, starting_network


def train_app(**options) -> TuiconvApp:
    options.setdefault("autoplay", False)
    return TuiconvApp(first_screen=lambda: TrainScreen(**options))


def text_of(view: TrainView, selector: str) -> str:
    return str(view.query_one(selector).render())


def engine_after(steps: int, seed: int = 0, lr: float = 0.02) -> Network:
    trainer = Trainer(seed=seed, lr=lr)
    if steps:
        trainer.step(steps)
    return trainer.network()


def assert_shows(view: TrainView, net: Network) -> None:
    """Every filter grid holds the engine's weights; every comparison is the engine's."""
    for k, match in enumerate(layer1_matches(net)):
        assert np.array_equal(view.query_one(f"#train-w1-{k}", Grid).values, net.w1[k, 0])
        like = view.query_one(f"#train-like-{k}", Grid)
        assert like.title == f"≈{match.label}"
        sign = -1 if match.negated else 1
        assert np.array_equal(like.values, sign * kernels.kernel(match.detector))
        assert f"cos {match.similarity:+.2f}".replace("-", "−") in text_of(view, f"#train-cos-{k}")
    for k in range(2):
        for c in range(4):
            assert np.array_equal(view.query_one(f"#train-w2-{k}-{c}", Grid).values, net.w2[k, c])
            assert text_of(view, f"#train-sum-{k}-{c}") == f"{net.w2[k, c].sum():+.1f}"


@pilot_test
async def test_paused_at_step_0_it_shows_the_random_starting_weights():
    async with train_app(seed=2).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        await pilot.pause()
        assert text_of(view, "#train-status").startswith("step 0/200")
        start = starting_network(2)
        assert_shows(view, start)
        assert f"held-out {evaluate(start, held_out_set()):.1%}" in text_of(view, "#train-status")
        # Until the first key, the screen says how this training is set up.
        assert text_of(view, "#train-message") == RECIPE


@pilot_test
async def test_space_trains_one_batch_and_the_screen_shows_the_engines_weights():
    async with train_app(seed=1).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        for steps in (1, 2, 3):
            await pilot.press("space")
            await pilot.pause()
            assert text_of(view, "#train-status").startswith(f"step {steps}/200")
            net = engine_after(steps, seed=1)
            assert_shows(view, net)
        # The held-out accuracy shown after a step is the engine's for that network.
        expected = evaluate(engine_after(3, seed=1), held_out_set())
        assert f"held-out {expected:.1%}" in text_of(view, "#train-status")


@pilot_test
async def test_p_plays_and_pauses_and_a_paused_run_stays_put():
    async with train_app(seed=0, autoplay=True).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        for _ in range(100):  # it trains by itself
            await pilot.pause(0.05)
            if view.session.trainer.steps_done:
                break
        assert view.session.trainer.steps_done > 0
        await pilot.press("p")
        paused_at = view.session.trainer.steps_done
        assert "paused" in text_of(view, "#train-status")
        await pilot.pause(0.4)
        assert view.session.trainer.steps_done == paused_at
        assert text_of(view, "#train-status").startswith(f"step {paused_at}/200")
        assert_shows(view, engine_after(paused_at))
        await pilot.press("p")
        for _ in range(100):
            await pilot.pause(0.05)
            if view.session.trainer.steps_done > paused_at:
                break
        assert view.session.trainer.steps_done > paused_at


@pilot_test
async def test_speed_keys_change_the_steps_per_second():
    async with train_app().run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        assert "20 steps/s" in text_of(view, "#train-status")
        await pilot.press("plus")
        assert "50 steps/s" in text_of(view, "#train-status")
        await pilot.press("minus", "minus")
        assert "5 steps/s" in text_of(view, "#train-status")


@pilot_test
async def test_the_learning_rate_keys_change_the_rate_used_from_the_next_step():
    async with train_app(seed=4).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        await pilot.press("space")
        await pilot.press("right_square_bracket")
        assert view.session.trainer.lr == LEARNING_RATES[LEARNING_RATES.index(0.02) + 1] == 0.05
        assert "lr 0.05" in text_of(view, "#train-status")
        await pilot.press("space")
        await pilot.pause()
        reference = Trainer(seed=4, lr=0.02)
        reference.step(1)
        reference.set_lr(0.05)
        reference.step(1)
        assert_shows(view, reference.network())


@pilot_test
async def test_a_new_seed_starts_again_from_other_random_weights():
    async with train_app(seed=0).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        await pilot.press("space", "space", "s")
        await pilot.pause()
        assert text_of(view, "#train-status").startswith("step 0/200")
        assert "seed 1" in text_of(view, "#train-status")
        assert_shows(view, engine_after(0, seed=1))
        await pilot.press("S")
        assert "seed 0" in text_of(view, "#train-status")


@pilot_test
async def test_training_to_the_end_reports_accuracy_and_which_filter_became_which_detector():
    async with train_app(seed=0, steps=60).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        await pilot.press("e")
        await pilot.pause()
        net = engine_after(60)
        assert text_of(view, "#train-status").startswith("step 60/60")
        assert_shows(view, net)
        held = held_out_set()
        message = text_of(view, "#train-message").replace("\n", " ")
        assert f"{evaluate(net, held):.1%} right on 1000 held-out shapes" in message
        assert text_of(view, "#train-role-0") == "filter 0: rectangle detector"
        assert text_of(view, "#train-role-1") == "filter 1: diamond detector"
        # Loss and accuracy curves hold one point per step, the engine's.
        assert len(view.query_one("#train-loss").data) == 60
        assert view.query_one("#train-loss").data == [r.loss for r in view.session.trainer.history]


@pilot_test
async def test_out_file_is_written_when_training_ends(tmp_path):
    out = tmp_path / "w.npz"
    async with train_app(seed=0, steps=20, out=str(out)).run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
    saved = Network.load(out)
    assert np.array_equal(saved.w1, engine_after(20).w1)


@pilot_test
async def test_a_lesson_scene_sets_seed_rate_and_steps_and_state_reports_the_engines_numbers():
    async with train_app().run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        view.apply_scene(Scene(screen="train", seed=5, lr=0.05, steps=30))
        await pilot.pause()
        state = view.state()
        assert (state.screen, state.train_step) == ("train", 0)
        # Before training: the random start's held-out accuracy, about a coin toss.
        assert state.accuracy == evaluate(engine_after(0, seed=5, lr=0.05), held_out_set())
        assert state.extra["seed"] == 5 and state.extra["lr"] == 0.05
        await pilot.press("e")
        await pilot.pause()
        state = view.state()
        net = engine_after(30, seed=5, lr=0.05)
        assert state.train_step == 30
        assert state.accuracy == evaluate(net, held_out_set())
        assert state.extra["layer1"] == [m.label for m in layer1_matches(net)]


def test_impossible_settings_are_refused_before_the_screen_opens():
    with pytest.raises(ValueError, match="steps"):
        TrainView(steps=0)
    with pytest.raises(ValueError, match="learning rate"):
        TrainView(lr=-1.0)


@pilot_test
async def test_a_long_run_to_the_end_keeps_the_screen_answering_and_can_be_paused():
    async with train_app(seed=0, steps=20_000).run_test(size=(80, 24)) as pilot:
        view = pilot.app.screen.query_one(TrainView)
        await pilot.press("e")
        assert "training to the end" in text_of(view, "#train-status")
        for _ in range(100):  # however busy the machine, the timer gets to train some
            await pilot.pause(0.05)
            if view.session.trainer.steps_done:
                break
        await pilot.press("p")  # answered between batches: the run stops part-way
        stopped = view.session.trainer.steps_done
        assert 0 < stopped < 20_000
        await pilot.pause(0.2)
        assert view.session.trainer.steps_done == stopped
        assert text_of(view, "#train-status").startswith(f"step {stopped}/20000  ❚❚ paused")
