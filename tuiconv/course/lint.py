"""Warnings about a lesson step that loads but is probably not what its teacher meant.

`lessons check` lists them (the app loads the step anyway): two options a learner cannot tell
apart, a nudge written for the right answer (it can never be shown), a state check no screen
can ever reach, an accepted answer no keyboard types, a concealed value a key shows anyway.
"""

from __future__ import annotations

import math
from typing import Any

from tuiconv import limits
from tuiconv.clean_text import describe_character, shown_name
from tuiconv.course.checks import Check, _normal, parse_number
from tuiconv.explore.scene import Scene

# The stepper's pool modes a state check can see.
_POOLS = (None, "max", "avg")


def warnings(check: Check, scene: Scene) -> list[tuple[tuple, str]]:
    """(key path inside the check, message) for each thing that looks wrong."""
    params = check.params
    found: list[tuple[tuple, str]] = []
    if check.kind == "choice":
        found += _same_options(params["options"])
        right = [params["answer"]]
    elif check.kind == "text":
        right = list(params["accept"])
        found += _untypable(right)
    else:
        right = []
    for key in params.get("feedback", {}):
        if any(_normal(key) == _normal(answer) for answer in right):
            found.append((("feedback", key), f'feedback for "{shown_name(key)}", which is a right answer: it is never shown'))
        elif check.kind == "number" and _same_number(key, params):
            found.append((("feedback", key), f'feedback for "{shown_name(key)}", which is the right answer: it is never shown'))
    if check.kind == "state":
        found += _unreachable(params)
    return found


def _same_options(options: list[str]) -> list[tuple[tuple, str]]:
    seen: dict[str, str] = {}
    found = []
    for option in options:
        key = _normal(option)
        if key in seen:
            found.append((("options",), f'options "{shown_name(seen[key])}" and "{shown_name(option)}" differ only in case, spaces or punctuation: a typed answer cannot choose between them'))
        else:
            seen[key] = option
    return found


def _same_number(key: str, params: dict) -> bool:
    value = parse_number(key)
    if value is None:
        return False
    return math.isclose(value, float(params["answer"]), abs_tol=max(float(params.get("tolerance", 0)), 1e-9))


def _typable(ch: str) -> bool:
    """Whether a learner can type ``ch`` on a plain keyboard: printable ASCII, or a letter of
    their own alphabet (an accent or a script their layout has); "−" is read as "-"."""
    return (" " <= ch <= "~") or ch.isalpha() or ch == "−"


def _untypable(answers: list[str]) -> list[tuple[tuple, str]]:
    found = []
    for answer in answers:
        if not _normal(answer):
            found.append((("accept",), f'accepted answer "{shown_name(answer)}" is empty once spaces and punctuation are ignored: no typed answer matches it'))
            continue
        bad = next((ch for ch in answer if not _typable(ch)), None)
        if bad is not None:
            found.append((("accept",), f'accepted answer "{shown_name(answer)}" holds {describe_character(bad)}, which most keyboards cannot type: accept a typable spelling too'))
    return found


def _unreachable(params: dict) -> list[tuple[tuple, str]]:
    """State conditions outside what the screens allow (the one table of ranges)."""
    found = []
    for condition in ("equals", "one_of", "at_least", "at_most"):
        for name, wanted in params.get(condition, {}).items():
            if name == "pool" and condition in ("equals", "one_of"):
                values = wanted if condition == "one_of" and isinstance(wanted, list) else [wanted]
                if not any(v in _POOLS for v in values if isinstance(v, str)):
                    found.append(((condition, name), f"{condition}.pool can never hold: pooling is max, avg or off"))
                continue
            setting = limits.RANGES.get(name)
            if setting is None or not _all_numbers(wanted):
                continue
            low, high = setting.low, setting.high
            values = wanted if isinstance(wanted, list) else [wanted]
            if condition == "at_least":
                never = wanted > high
            elif condition == "at_most":
                never = wanted < low
            else:
                never = all(v < low or v > high for v in values)
            if never:
                found.append(((condition, name), f"{condition}.{name} can never hold: {name} is {setting.describe()} on every screen"))
    return found


def _all_numbers(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def concealment_warnings(scene: Scene) -> list[tuple[tuple, str]]:
    """(key path inside the scene, message) for each concealed value a key on the step's own
    screen shows before the question is answered.

    What the screens do (tests/app/test_stepper_concealment.py, test_lessons_keep_answers_hidden.py):
    the network keeps "verdict" and "receptive-field" covered for every map, cell and gallery
    shape; the stepper keeps "size", "formula", "uncovered" and "pooled" covered whatever the
    learner sets (the lesson keeps pooling off while a question asks the feature map's size: it
    would fill the whole map in), and the lesson covers a predicted cell wherever it shows
    (app/screens/lesson.py, _guard_size and _guard_prediction). But a cell's value is
    printed twice on the stepper, as the arithmetic panel's sum and in the feature map: covering
    one leaves the other, which the arrows, space and p bring to every cell.
    """
    if scene.screen != "stepper":
        return []
    hidden = set(scene.conceal)
    if "output" in hidden and "arithmetic" not in hidden:
        return [(("conceal",), 'conceal has "output" but not "arithmetic": moving the window (arrows, space, p) prints each cell\'s value as the arithmetic panel\'s sum; conceal "arithmetic" too, or leave "output" out')]
    if "arithmetic" in hidden and "output" not in hidden:
        return [(("conceal",), 'conceal has "arithmetic" but not "output": the feature map shows the sum of every cell the window steps to (space, p); conceal "output" too, or leave "arithmetic" out')]
    return []
