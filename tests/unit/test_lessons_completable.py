"""Every shipped step can be completed, and only by doing what it asks.

For each step the screen's state is rebuilt here from plain loops (stepper) or the engine's
network (network screen), the step's solution is applied as a learner would, and the step's
check must pass; before the learner acts, a *do* check must not.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tests.reference import conv_one, forward_loops, max_pool_one
from tuiconv.course import checks
from tuiconv.course.lesson import SCENE_KEYS
from tuiconv.course.library import load_course
from tuiconv.course.rehearse import rehearse, state_for
from tuiconv.explore.network_filter import names_network_filter
from tuiconv.explore.scene import ViewState, input_grid, kernel_grid
from tuiconv.engine import network

COURSE = load_course()
STEPS = [(lesson, step) for lesson in COURSE.lessons for step in lesson.steps]
IDS = [f"{lesson.id}-{step.number}" for lesson, step in STEPS]


def stepper_state(scene, filled: int = 0) -> ViewState:
    if names_network_filter(scene.kernel):
        return network_filter_state(scene, filled)
    name, kernel = kernel_grid(scene)
    _, x = input_grid(scene)
    padding = scene.padding or 0
    output = conv_one(x, kernel, scene.bias or 0.0, scene.stride or 1, padding, scene.dilation or 1)
    if scene.relu:
        output = np.maximum(output, 0.0)
    pooled = max_pool_one(output, scene.pool_size or 2, scene.pool_size or 2)[0] if scene.pool == "max" else None
    return ViewState(
        screen="stepper", input=x, kernel=kernel, kernel_name=name, bias=scene.bias or 0.0, padding=padding,
        stride=scene.stride or 1, dilation=scene.dilation or 1, position=tuple(scene.position or (0, 0)),
        output=output, filled=filled, relu=bool(scene.relu), pool=scene.pool, pool_size=scene.pool_size or 2, pooled=pooled,
    )


def network_filter_state(scene, filled: int = 0) -> ViewState:
    """kernel = "layer2:J" (or "layer1:I") of the scene's weights: the loops' own layer-1 maps of
    the shape, the net's kernel and bias, padding 1 and (unless the scene says not) ReLU, as the network runs it."""
    from tuiconv.engine import shapes

    net = network.Network.hand_designed() if scene.weights is None else network.Network.load(scene.weights)
    layer, index = int(scene.kernel[5]), int(scene.kernel.partition(":")[2])
    shape = shapes.resolve_input(scene.input or "rectangle", scene.size or (8 if layer == 1 else 16), scene.seed or 0)[1]
    x = shape[None] if layer == 1 else np.asarray(forward_loops(net, shape)["pool1"])
    kernel, bias = (net.w1, net.b1) if layer == 1 else (net.w2, net.b2)
    padding = 1 if scene.padding is None else scene.padding
    relu = scene.relu is not False  # on unless the scene turns it off
    output = conv_one(x, kernel[index], bias[index], 1, padding, 1)
    return ViewState(
        screen="stepper", input=x, kernel=kernel[index], kernel_name=scene.kernel, bias=float(bias[index]), padding=padding,
        position=tuple(scene.position or (0, 0)), output=np.maximum(output, 0.0) if relu else output, filled=filled, relu=relu,
    )


def network_state(scene) -> ViewState:
    name, x = input_grid(scene)
    net = network.Network.hand_designed() if scene.weights is None else network.Network.load(scene.weights)
    result = network.forward(net, x[0])
    # With no map named, the screen selects the winning detector (the answer to "why this verdict?").
    # Concealing the verdict, it starts on the input instead (the winner would name the verdict).
    winner = f"conv2:{network.CLASSES.index(result.verdict)}"
    select = scene.select or ("input" if "verdict" in scene.conceal else winner)
    sizes = {"input": 1, "conv1": 3, "pool": 4, "conv2": 8}  # 3, then 3 + 1, then 4 + 2×2
    return ViewState(
        screen="network", input=x, input_name=name, scores=tuple(result.scores), verdict=result.verdict,
        selected_map=select, selected_cell=tuple(scene.position or (0, 0)), receptive_field=sizes[select.partition(":")[0]],
    )


def train_state(scene, trained: bool) -> ViewState:
    if not trained:
        return ViewState(screen="train")
    from tuiconv.engine import train

    trainer = train.train(seed=scene.seed, steps=scene.steps)
    # Held-out accuracy, one shape at a time through the plain forward pass.
    right = [
        network.classify(trainer.network(), image)[0] == network.CLASSES[int(label)]
        for images, labels in train.held_out_set().groups.values()
        for image, label in zip(images, labels)
    ]
    accuracy = np.mean(right)
    return ViewState(screen="train", train_step=trainer.steps_done, accuracy=float(accuracy))


def state(scene, filled: int = 0) -> ViewState:
    if scene.screen == "train":
        return train_state(scene, False)
    return stepper_state(scene, filled) if scene.screen == "stepper" else network_state(scene)


def solved(step) -> ViewState:
    if step.scene.screen == "train":
        return train_state(step.scene, bool(step.solution.get("trained")))
    overrides = {k: (tuple(v) if k == "position" else v) for k, v in step.solution.items() if k in SCENE_KEYS}
    after = state(replace(step.scene, **overrides))
    if step.solution.get("wants"):  # w on the selected map: a layer-1 or pooled map's filter, or layer 2's
        layer, _, k = after.selected_map.partition(":")
        after.wants_unit = {"conv1": "layer1", "pool": "layer1", "conv2": "layer2"}[layer] + ":" + k
    if step.solution.get("filled") == "all":
        after.filled = after.output.size
    return after


@pytest.mark.parametrize("lesson, step", STEPS, ids=IDS)
def test_the_solution_completes_the_step(lesson, step):
    after = solved(step)
    answer = step.solution.get("answer")
    if step.check.is_question:
        assert answer is not None
        outcome = checks.evaluate(step.check, after, str(answer))
    else:
        outcome = checks.evaluate(step.check, after)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("lesson, step", [s for s in STEPS if not s[1].check.is_question], ids=[i for i, s in zip(IDS, STEPS) if not s[1].check.is_question])
def test_a_do_step_is_not_done_before_the_learner_acts(lesson, step):
    assert not checks.evaluate(step.check, state(step.scene)).passed


@pytest.mark.parametrize("lesson, step", [s for s in STEPS if s[1].check.is_question], ids=[i for i, s in zip(IDS, STEPS) if s[1].check.is_question])
def test_a_question_is_not_answered_by_its_first_wrong_options(lesson, step):
    after = solved(step)
    for wrong in list(step.check.params.get("feedback", {})) + [opt for opt in step.check.options if opt != step.check.params.get("answer")]:
        assert not checks.evaluate(step.check, after, wrong).passed, wrong


def test_predicted_values_are_the_ones_worked_out_by_hand():
    # The numbers a learner computes in the narrative, checked against the plain loops.
    found = {}
    for lesson, step in STEPS:
        if step.check.kind == "predict":
            at = tuple(step.check.params.get("at") or step.scene.position)
            after = solved(step)
            grid = after.pooled if step.check.params.get("of") == "pooled" else after.output
            found[(lesson.id, step.number)] = grid[at]
    assert found == {
        ("one-dot-product", 1): 6.0,
        ("padding", 3): 2 * 3,  # the kernel's middle column (2, 2, 2) on the bright left column, zeros beside
        ("one-dot-product", 4): 4.0,
        ("relu", 3): 0.0,
        ("pooling", 3): 6.0,
        ("layer-2-reads-every-channel", 2): 24 + 11 - 4 - 3,
    }


def test_layer_2_lessons_read_the_edge_maps_the_narrative_adds_up():
    # Lesson 11's hints say the horizontal window sums to 24 and the vertical to 11 at (1, 1):
    # the pooled edge maps of its 8×8 rectangle outline (rows 1–5, columns 1–6), checked here.
    step = COURSE.find("layer-2-reads-every-channel").steps[1]
    name, maps = input_grid(step.scene)
    from tuiconv.engine import shapes

    outline = np.zeros((8, 8))
    outline[1:6, 1:7] = 1
    outline[2:5, 2:6] = 0
    assert np.array_equal(shapes.make_shape(step.scene.input, step.scene.size, step.scene.seed), outline)
    assert name == "rectangle → edge maps" and maps.shape == (4, 4, 4)
    assert maps[0].tolist() == [[2, 5, 5, 2], [0, 0, 0, 0], [2, 5, 5, 2], [0, 0, 0, 0]]
    assert maps[1].tolist() == [[2, 0, 0, 2], [5, 0, 0, 5], [4, 0, 0, 4], [0, 0, 0, 0]]
    window = maps[:, 0:3, 0:3].sum(axis=(1, 2))
    assert window.tolist() == [24, 11, 4, 3]


@pytest.mark.parametrize("lesson, step", STEPS, ids=IDS)
def test_the_rehearsal_tuiconv_lessons_check_runs_agrees_with_the_loops(lesson, step):
    assert rehearse(step) == []
    ours, theirs = state(step.scene), state_for(step.scene)
    if step.scene.screen == "stepper":
        assert np.allclose(ours.output, theirs.output)
    elif step.scene.screen == "network":
        assert (ours.verdict, ours.receptive_field) == (theirs.verdict, theirs.receptive_field)
