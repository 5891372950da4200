"""The shipped lessons speak to a newcomer: the keys a task needs are named, no word is left unexplained."""

from __future__ import annotations

import re

import pytest

from tuiconv.course.library import load_course

COURSE = load_course()
STEPS = [(lesson, step) for lesson in COURSE.lessons for step in lesson.steps]


def _words(step) -> str:
    """Everything the learner can read for a step: its story, task, hints, options and nudges."""
    parts = [step.narrative, step.task, *step.hints, *step.check.options, *step.check.params.get("feedback", {}).values()]
    return " ".join(parts)


# The stepper setting a state check asks for, and the key that changes it (screens/stepper.py).
SETTING_KEYS = {"padding": "z", "stride": "s", "dilation": "d", "kernel_name": "f", "relu": "u", "pool": "m"}


@pytest.mark.parametrize(("lesson", "step"), [(lesson, step) for lesson, step in STEPS if step.check.kind == "state" and step.scene.screen == "stepper"], ids=lambda v: getattr(v, "id", None) or f"step{v.number}")
def test_a_step_that_asks_for_a_setting_says_which_key_sets_it(lesson, step):
    """A newcomer cannot guess that z pads: the step names the key, or points to the footer."""
    asked = {name for condition in ("equals", "at_least", "at_most", "one_of") for name in step.check.params.get(condition, {})}
    text = _words(step)
    for name in asked & SETTING_KEYS.keys():
        key = SETTING_KEYS[name]
        named = re.search(rf"(^|[\s(`\"]){key}([\s)`\",.:]|$)", text) is not None
        assert named or "footer" in text, f"{lesson.path.name} step {step.number} asks for {name} but never says {key!r}"


# Words no lesson explains: each was found in a step and replaced by plainer ones.
UNEXPLAINED = ("neuron", "framework", "tensor", "logit", "epoch", "backprop", "hyperparameter")


def test_no_shipped_step_uses_a_word_no_lesson_explains():
    found = [
        (lesson.path.name, step.number, word)
        for lesson, step in STEPS
        for word in UNEXPLAINED
        if re.search(rf"\b{word}", _words(step) + " " + step.success, re.I)
    ]
    assert found == []
