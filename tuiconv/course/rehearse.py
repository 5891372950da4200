"""Play a step without a terminal: the ``ViewState`` a screen would report for a scene.

``tuiconv lessons check`` uses it to run each step's ``solution`` (what a learner would do)
through the step's check, so a teacher learns that a step cannot be completed before a class
does. Every number comes from the engine, as it does on the screens.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tuiconv.course import checks
from tuiconv.course.lesson import SCENE_KEYS, Step
from tuiconv.course.scene import Scene, ViewState, input_grid, kernel_grid


def stepper_state(scene: Scene, filled: int = 0) -> ViewState:
    """What the stepper shows for ``scene``: its output map (after ReLU if on), pooled map."""
    from tuiconv.engine.ops import avg_pool, conv2d, max_pool, relu

    found_input, found_kernel = input_grid(scene), kernel_grid(scene)
    if found_input is None or found_kernel is None:
        raise ValueError("a stepper scene needs an input and a kernel to be rehearsed")
    (_, grid), (name, kernel) = found_input, found_kernel
    padding = 0 if scene.padding is None else scene.padding
    if isinstance(padding, str):
        from tuiconv.engine.ops import resolve_padding

        padding = resolve_padding(padding, kernel.shape[-1], scene.dilation or 1, scene.stride or 1)[0]
    stride, dilation, bias = scene.stride or 1, scene.dilation or 1, scene.bias or 0.0
    output = conv2d(grid, kernel[None], bias, stride=stride, padding=padding, dilation=dilation)[0]
    if scene.relu:
        output = relu(output)
    pool_size = scene.pool_size or 2
    pooled = None
    if scene.pool == "max":
        pooled = max_pool(output, pool_size, scene.pool_stride)
    elif scene.pool == "avg":
        pooled = avg_pool(output, pool_size, scene.pool_stride)
    position = tuple(scene.position or (0, 0))
    # The stepper fills the map in reading order: every cell up to the window's is computed.
    reached = position[0] * output.shape[1] + position[1] + 1
    return ViewState(
        screen="stepper",
        input=grid,
        kernel=kernel,
        kernel_name=name,
        bias=bias,
        padding=padding,
        stride=stride,
        dilation=dilation,
        position=position,
        output=output,
        filled=min(max(filled, reached), output.size),
        relu=bool(scene.relu),
        pool=scene.pool,
        pool_size=pool_size,
        pool_stride=scene.pool_stride,
        pooled=pooled,
    )


def network_state(scene: Scene) -> ViewState:
    """What the network screen reports for ``scene``: verdict, scores, selection, receptive field."""
    from tuiconv.engine import network

    found = input_grid(scene)
    if found is None:
        raise ValueError("a network scene needs an input to be rehearsed")
    name, grid = found
    net = network.Network.load(scene.weights) if scene.weights else network.Network.hand_designed()
    result = network.forward(net, grid[0])
    selected = scene.select or "input"
    cell = tuple(scene.position or (0, 0))
    layer = {"conv1": "conv1", "pool": "pool1", "conv2": "conv2"}.get(selected.partition(":")[0])
    field = 1 if layer is None else network.receptive_field(layer, *cell, grid.shape).size
    return ViewState(
        screen="network",
        input=grid,
        input_name=name,
        scores=(float(result.scores[0]), float(result.scores[1])),
        verdict=result.verdict,
        selected_map=selected,
        selected_cell=cell,
        receptive_field=field,
    )


def train_state(scene: Scene, trained: bool = False) -> ViewState:
    """The training screen before training, or after all of its steps (accuracy on held-out shapes)."""
    if not trained:
        return ViewState(screen="train")
    from tuiconv.engine import train

    kwargs = {k: v for k, v in (("seed", scene.seed), ("steps", scene.steps), ("lr", scene.lr)) if v is not None}
    trainer = train.train(**kwargs)
    accuracy = train.evaluate(trainer.network(), train.held_out_set())
    return ViewState(screen="train", train_step=trainer.steps_done, accuracy=accuracy)


def state_for(scene: Scene, filled: int = 0) -> ViewState:
    if scene.screen == "stepper":
        return stepper_state(scene, filled)
    if scene.screen == "network":
        return network_state(scene)
    return train_state(scene)


def solved_state(step: Step) -> ViewState:
    """The state after the learner does what the step's ``solution`` says."""
    overrides = {k: v for k, v in step.solution.items() if k in SCENE_KEYS}
    if isinstance(overrides.get("position"), list):
        overrides["position"] = tuple(overrides["position"])
    scene = replace(step.scene, **overrides)
    if scene.screen == "train":
        return train_state(scene, bool(step.solution.get("trained")))
    state = state_for(scene)
    filled = step.solution.get("filled", 0)
    if filled == "all" and state.output is not None:
        filled = int(np.prod(state.output.shape))
    state.filled = max(state.filled, int(filled))
    return state


def rehearse(step: Step) -> list[str]:
    """Problems found by playing ``step``: its solution fails, or its check passes untouched."""
    try:
        before = state_for(step.scene)
        after = solved_state(step)
    except ValueError as error:
        return [f"step {step.number} cannot be rehearsed: {error}"]
    problems = []
    answer = step.solution.get("answer")
    if step.check.is_question:
        if answer is None:
            return []
        outcome = checks.evaluate(step.check, after, str(answer))
        if not outcome.passed:
            problems.append(f'step {step.number}: the solution\'s answer "{answer}" fails its check ({outcome.message})')
        return problems
    if checks.evaluate(step.check, before).passed:
        problems.append(f"step {step.number}: the check already passes before the learner does anything")
    if step.solution and not checks.evaluate(step.check, after).passed:
        problems.append(f"step {step.number}: the solution does not pass the check ({checks.evaluate(step.check, after).message})")
    return problems
