"""Every shipped lesson, played on the sessions the screens run, as a learner's keys would play it.

Each step's scene sets up its screen's session; the step's ``solution`` is then carried out with
the session's own methods, one learner's action at a time (one more padding, the next shape, one
more map, one step of the filter), and the step's check must pass — and, for a task, must not
pass before. No terminal: the Pilot walk-throughs in tests/app drive one lesson per screen kind.
"""

from __future__ import annotations

import numpy as np
import pytest

from tuiconv.course import checks
from tuiconv.course.library import load_course
from tuiconv.explore.network import NetworkSession
from tuiconv.explore.sessions import session_for
from tuiconv.explore.stepper import StepperSession
from tuiconv.explore.train import TrainingSession
from tuiconv.explore.wants import open_for

COURSE = load_course()
STEPS = [(lesson, step) for lesson in COURSE.lessons for step in lesson.steps]
IDS = [f"{lesson.id}-{step.number}" for lesson, step in STEPS]


def play_stepper(s: StepperSession, solution: dict) -> None:
    for key in ("padding", "stride", "dilation"):  # z/Z, s/S, d/D: one at a time
        while key in solution and getattr(s, key) != solution[key]:
            s.nudge_geometry(key, 1 if solution[key] > getattr(s, key) else -1)
    if solution.get("relu") and not s.relu:
        s.set_relu(True)  # u
    if solution.get("pool") == "max":
        s.set_pool("max")  # m
    if isinstance(solution.get("kernel"), str):
        s.choose_kernel(solution["kernel"])  # f, then the kernel's name in the picker
    elif isinstance(solution.get("kernel"), list):  # e, then a weight at a time
        target = np.asarray(solution["kernel"], dtype=float).reshape(s.kernel.shape)
        for where in zip(*np.nonzero(target != s.kernel)):
            s.set_weight(*(int(v) for v in where), float(target[where]))
    if "position" in solution:
        s.move_to(*solution["position"])  # arrows
    if solution.get("filled") == "all":
        while s.step_forward():  # space
            pass


def play_network(s: NetworkSession, solution: dict) -> None:
    for _ in range(12):  # n: the next library shape
        if "input" not in solution or s.input_name == solution["input"]:
            break
        s.next_shape(1)
    for _ in range(12):  # tab: the next map
        if "select" not in solution or s.selected == solution["select"]:
            break
        s.cycle_map(1)
    if "position" in solution:
        i, j = s.cell
        ti, tj = solution["position"]
        s.move(ti - i, tj - j)  # arrows
    if solution.get("wants"):
        open_for(s)  # w: what the selected map's unit wants to see


def play_train(s: TrainingSession, solution: dict) -> None:
    if solution.get("trained"):
        s.train(s.target)  # e: the rest of the run


PLAY = {"stepper": play_stepper, "network": play_network, "train": play_train}


@pytest.mark.parametrize("lesson, step", STEPS, ids=IDS)
def test_the_learners_actions_on_the_screens_session_complete_the_step(lesson, step):
    session = session_for(step.scene)
    if step.check.is_question:
        answer = str(step.solution["answer"])
        if step.check.params.get("first"):  # a task before the question: the answer alone is not enough
            assert not checks.evaluate(step.check, session.state(), answer).passed, "answered before the task is done"
        PLAY[step.scene.screen](session, step.solution)
        outcome = checks.evaluate(step.check, session.state(), answer)
    else:
        assert not checks.evaluate(step.check, session.state()).passed, "done before the learner acts"
        PLAY[step.scene.screen](session, step.solution)
        outcome = checks.evaluate(step.check, session.state())
    assert outcome.passed, outcome.message
