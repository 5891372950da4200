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
from tuiconv.errors import InputError
from tuiconv.explore.scene import Scene, ViewState
from tuiconv.explore.sessions import session_for


def state_for(scene: Scene) -> ViewState:
    """What the scene's screen reports before the learner does anything."""
    return session_for(scene).state()


def solved_state(step: Step) -> ViewState:
    """The state after the learner does what the step's ``solution`` says, played on the session
    the screen itself runs: the solution's scene keys set, the map filled, the training run,
    what the selected unit wants to see opened (``w``)."""
    overrides = {k: v for k, v in step.solution.items() if k in SCENE_KEYS}
    if isinstance(overrides.get("position"), list):
        overrides["position"] = tuple(overrides["position"])
    session = session_for(replace(step.scene, **overrides))
    if step.scene.screen == "train":
        if step.solution.get("trained"):
            session.train(session.target)
        return session.state()
    if step.solution.get("wants") and step.scene.screen == "network":
        from tuiconv.explore.wants import open_for

        open_for(session)  # w: names the unit; what it wants is computed on screen, not needed here
    state = session.state()
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
    except (ValueError, InputError) as error:
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
