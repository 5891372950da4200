"""Lesson checks: is the step done? Evaluated against a screen's ``ViewState``, never a widget.

Two families, a small vocabulary (documented in ``lessons/README.md``):

- *do* checks look at what the learner has set up on the screen:
  ``state`` (fields equal / at least / at most / one of), ``strongest`` (the window sits on the
  strongest response), ``filled`` (every output cell stepped through), ``detects`` (a layer-2 kernel the learner
  designed fires more on one shape than on others);
- *answer* checks judge what the learner typed:
  ``number`` (a fixed number, with tolerance), ``predict`` (a value of the feature map, read from
  the screen's own numbers), ``output-size`` (the output-size formula, from the screen's
  numbers), ``choice`` (multiple choice), ``text`` (accepted answers).

A wrong answer gets a nudge — the lesson's own ``feedback`` for that answer, else a generic one
("that is the size before padding") — and never the answer itself, nor "too high"/"too low",
which would let a learner halve their way to it without looking.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tuiconv.explore.scene import Scene, ViewState
from tuiconv.explore.values import CELL, NUMBER, TABLE, TEXT, TEXTS, WHOLE, ValueType, describe

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Outcome:
    """Whether the step is done, and what to tell the learner (a nudge when it is not)."""

    passed: bool
    message: str = ""


@dataclass(frozen=True)
class Check:
    """One step's check: its kind and its (validated) parameters from the lesson file."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_question(self) -> bool:
        """True when the learner answers by typing; False when they do something on screen."""
        return KINDS[self.kind].question

    @property
    def options(self) -> list[str]:
        return list(self.params.get("options", []))


def evaluate(check: Check, state: ViewState, answer: str | None = None) -> Outcome:
    """Judge ``state`` (and, for a question, the learner's ``answer``)."""
    kind = KINDS[check.kind]
    if kind.question:
        if answer is None or not answer.strip():
            return Outcome(False, "")
        if check.params.get("first"):
            done = _state(check.params["first"], state, None)
            if not done.passed:  # the task before the question is not done yet
                return Outcome(False, f"First the task: {done.message.removeprefix('Not yet: ')}")
        return kind.evaluate(check.params, state, answer.strip())
    return kind.evaluate(check.params, state, None)


# ---------------------------------------------------------------- reading answers

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A typed number: "3", "-1.5", "1/2", "−2" (a typographic minus); None if it is not one."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    if "/" in cleaned:
        top, _, bottom = cleaned.partition("/")
        a, b = parse_number(top), parse_number(bottom)
        return None if a is None or not b else a / b
    if not _NUMBER_RE.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def _parse_size(text: str) -> tuple[float, float] | None:
    """An output size typed as "5", "5x5", "5×5" or "5 by 5" → (rows, columns)."""
    parts = re.split(r"\s*(?:[x×*]|by)\s*", text.strip().lower())
    numbers = [parse_number(p) for p in parts if p]
    if len(numbers) == 1 and numbers[0] is not None:
        return numbers[0], numbers[0]
    if len(numbers) == 2 and None not in numbers:
        return numbers[0], numbers[1]
    return None


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("−", "-").split()).strip(" .!")


def _feedback_for(params: dict, answer: str, value: float | None = None) -> str | None:
    """The lesson's own nudge for this wrong answer, matched as a number or as text."""
    for key, message in params.get("feedback", {}).items():
        key_value = parse_number(key)
        if value is not None and key_value is not None and math.isclose(key_value, value, abs_tol=1e-9):
            return message
        if _normal(key) == _normal(answer):
            return message
    return None


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))


# ---------------------------------------------------------------- number


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance + 1e-9


COUNT_AGAIN = "look at the screen again and count once more (H for a hint)."


def _judge_number(params: dict, answer: str, right: float, tolerance: float, nudges: list[tuple[float, str]], fallback: str = COUNT_AGAIN) -> Outcome:
    value = parse_number(answer)
    if value is None:
        return Outcome(False, f"Type a number, like 3 or -1.5 (you typed {answer!r}).")
    if _close(value, right, tolerance):
        return Outcome(True)
    own = _feedback_for(params, answer, value)
    if own:
        return Outcome(False, own)
    for wrong, message in nudges:
        if _close(value, wrong, tolerance) and not _close(wrong, right, tolerance):
            return Outcome(False, message)
    if right != 0 and _close(-value, right, tolerance):
        return Outcome(False, "Right size, wrong sign: check which products are negative.")
    # Never "too high"/"too low": a learner could halve their way to the answer without looking.
    return Outcome(False, f"Not {_fmt(value)}: {fallback}")


def _number(params: dict, state: ViewState, answer: str) -> Outcome:
    return _judge_number(params, answer, float(params["answer"]), float(params.get("tolerance", 0)), [])


# ---------------------------------------------------------------- predict (a map value)


def _map(state: ViewState, of: str) -> np.ndarray | None:
    grid = state.pooled if of == "pooled" else state.output
    return None if grid is None else np.asarray(grid, dtype=np.float64).reshape(np.shape(grid)[-2:])


def _predict_cell(params: dict, state: ViewState) -> tuple[int, int] | None:
    at = params.get("at")
    if at is not None:
        return int(at[0]), int(at[1])
    return None if state.position is None else tuple(state.position)


def _predict(params: dict, state: ViewState, answer: str) -> Outcome:
    of = params.get("of", "output")
    grid, cell = _map(state, of), _predict_cell(params, state)
    if grid is None or cell is None or not (0 <= cell[0] < grid.shape[0] and 0 <= cell[1] < grid.shape[1]):
        return Outcome(False, "The screen shows no value there yet.")
    right = float(grid[cell])
    nudges: list[tuple[float, str]] = []
    if of == "output" and state.input is not None and state.kernel is not None:
        from tuiconv.engine.ops import conv_step

        step = conv_step(
            state.input, state.kernel, state.bias, *cell,
            stride=state.stride, padding=state.padding, dilation=state.dilation,
        )
        if state.bias:
            nudges.append((step.total - step.bias, "Almost: you left out the bias."))
        if state.relu and step.total < 0:
            nudges.append((step.total, "That is the value before ReLU: what does ReLU do to it?"))
        nudges.append((float(step.window.sum()), "That is the sum of the window alone: multiply each cell by its weight first."))
    elif of == "pooled" and state.output is not None:
        nudges.append((float(np.asarray(state.output).reshape(-1)[0]), "That is one cell of the feature map, not the pooled value of its block."))
    fallback = "multiply each cell of the window by its weight, then add them up (H for a hint)."
    if of == "pooled":  # a pooled value is no dot product
        keep = "take their average" if state.pool == "avg" else "keep the largest"
        fallback = f"read the block's values in the feature map and {keep} (H for a hint)."
    return _judge_number(params, answer, right, float(params.get("tolerance", 0.01)), nudges, fallback)


# ---------------------------------------------------------------- output-size


def output_side(size: int, kernel: int, padding: int | str, stride: int, dilation: int) -> int:
    """Output cells along one axis, from the engine (padding may be "same" etc.)."""
    from tuiconv.engine.ops import output_size, resolve_padding

    if not isinstance(padding, str):
        return output_size(size, kernel, padding, stride, dilation)
    before, after = resolve_padding(padding, kernel, dilation, stride)
    return output_size(size + before + after, kernel, 0, stride, dilation)


def _size_setup(params: dict, state: ViewState) -> dict | None:
    """The numbers the formula uses: the screen's, with the question's ``with`` overrides."""
    if state.input is None or state.kernel is None:
        return None
    setup = {
        "height": int(np.shape(state.input)[-2]),
        "width": int(np.shape(state.input)[-1]),
        "kernel": int(np.shape(state.kernel)[-1]),
        "padding": state.padding,
        "stride": state.stride,
        "dilation": state.dilation,
        "pool_size": state.pool_size,
        "pool_stride": state.pool_stride,
    }
    setup.update(params.get("with", {}))
    return setup


def _output_size(params: dict, state: ViewState, answer: str) -> Outcome:
    setup = _size_setup(params, state)
    if setup is None:
        return Outcome(False, "The screen has no input and kernel to measure yet.")
    typed = _parse_size(answer)
    if typed is None:
        return Outcome(False, f"Type a size, like 4 or 4x4 (you typed {answer!r}).")
    k, p, s, d = setup["kernel"], setup["padding"], setup["stride"], setup["dilation"]
    sides = []
    for axis in ("height", "width"):
        w = setup[axis]
        conv = output_side(w, k, p, s, d)
        if params.get("of", "output") == "pooled":
            size, pool_stride = setup["pool_size"], setup["pool_stride"] or setup["pool_size"]
            right = output_side(conv, size, 0, pool_stride, 1)
            nudges = [
                (conv, "That is the size of the feature map before pooling."),
                (conv / pool_stride, "Close: a block that does not fit whole is dropped, so round down."),
                (conv - size + 1, f"That is with the pooling window moving 1 cell at a time; it jumps {pool_stride}."),
            ]
        else:
            right = conv
            pad = p if isinstance(p, int) else None
            reach = d * (k - 1) + 1
            exact = (w + 2 * (pad or 0) - reach) / s + 1
            if right < w:
                nudges = [(w, "That is the size of the input: the kernel cannot hang over the edge, so fewer windows fit.")]
            else:
                nudges = [(w, "That is the size of the input: count the windows over the padded input.")]
            if pad:
                nudges.append((output_side(w, k, 0, s, d), "That is the size before padding: count the border of zeros too."))
                nudges.append((w + 2 * pad, "That is the padded input; how many windows fit in it?"))
            nudges.append((right - 1, "Close: you counted the jumps between windows; count the first window too."))
            if exact != int(exact):
                nudges.append((math.ceil(exact), "A window cannot hang off the edge: when the division is not whole, round down."))
                nudges.append((exact, "Close, but a size is a whole number of windows: round down."))
            if s > 1:
                nudges.append((output_side(w, k, pad or 0, 1, d), f"That is the size with stride 1; with stride {s} the window jumps {s} cells."))
            if d > 1:
                nudges.append((output_side(w, k, pad or 0, s, 1), f"That ignores dilation: with dilation {d} a {k}-wide kernel spans {reach} cells."))
        sides.append((right, nudges))
    (right_h, nudges_h), (right_w, nudges_w) = sides
    if _close(typed[0], right_h, 0) and _close(typed[1], right_w, 0):
        return Outcome(True)
    own = _feedback_for(params, answer, typed[1])
    if own:
        return Outcome(False, own)
    wrong, right, nudges = (typed[0], right_h, nudges_h) if not _close(typed[0], right_h, 0) else (typed[1], right_w, nudges_w)
    for value, message in nudges:
        if _close(wrong, value, 1e-6) and not _close(value, right, 0):
            return Outcome(False, message)
    if (p, s, d) == (0, 1, 1) and params.get("of", "output") == "output" and not params.get("with"):
        # No padding, stride or dilation yet (the first lessons): no formula they have not met.
        return Outcome(False, f"Not {_fmt(wrong)}: count the places the window fits, one cell at a time (H for a hint).")
    if params.get("of", "output") == "pooled":
        return Outcome(False, f"Not {_fmt(wrong)}: (W − F)/S + 1 again, with the feature map's width as W and the pool's size and stride as F and S.")
    numbers = "this question's numbers" if params.get("with") else "the numbers on screen"
    formula = "(W − F + 2P)/S + 1" if d == 1 else "(W + 2P − D(F − 1) − 1)/S + 1"
    return Outcome(False, f"Not {_fmt(wrong)}: put {numbers} into {formula}, or count the window's places.")


# ---------------------------------------------------------------- choice and text


def _choice(params: dict, state: ViewState, answer: str) -> Outcome:
    options: list[str] = params["options"]
    picked = None
    number = parse_number(answer)
    if number is not None and number == int(number) and 1 <= number <= len(options):
        picked = options[int(number) - 1]
    else:
        picked = next((o for o in options if _normal(o) == _normal(answer)), None)
    if picked is None:
        return Outcome(False, f"Pick one of the options (1–{len(options)}).")
    if _normal(picked) == _normal(params["answer"]):
        return Outcome(True)
    return Outcome(False, _feedback_for(params, picked) or "Not that one: look at the screen again, then try another.")


def _text(params: dict, state: ViewState, answer: str) -> Outcome:
    if any(_normal(answer) == _normal(a) for a in params["accept"]):
        return Outcome(True)
    return Outcome(False, _feedback_for(params, answer) or "Not quite: look at the screen again, then try another word.")


# ---------------------------------------------------------------- state

# Every field a ``state`` check may name, the screen that reports it, and how to read it.
# Derived fields (output_shape, output_max, ...) are computed from the state's own arrays.


def _shape(grid: Any) -> list[int] | None:
    return None if grid is None else [int(n) for n in np.shape(grid)[-2:]]


def _extreme(grid: Any, pick: Callable) -> float | None:
    return None if grid is None else float(pick(np.asarray(grid)))


def _uncovered(state: ViewState) -> int | None:
    from tuiconv.engine.ops import uncovered

    if state.input is None or state.kernel is None:
        return None
    return uncovered(int(np.shape(state.input)[-1]), int(np.shape(state.kernel)[-1]), state.padding, state.stride, state.dilation)


def _score(index: int) -> Callable[[ViewState], float | None]:
    return lambda s: None if s.scores is None else float(s.scores[index])


STATE_FIELDS: dict[str, tuple[str, Callable[[ViewState], Any]]] = {
    "kernel_name": ("stepper", lambda s: s.kernel_name),
    "bias": ("stepper", lambda s: s.bias),
    "padding": ("stepper", lambda s: s.padding),
    "stride": ("stepper", lambda s: s.stride),
    "dilation": ("stepper", lambda s: s.dilation),
    "position": ("stepper", lambda s: s.position),
    "filled": ("stepper", lambda s: s.filled),
    "relu": ("stepper", lambda s: s.relu),
    "pool": ("stepper", lambda s: s.pool),
    "pool_size": ("stepper", lambda s: s.pool_size),
    "pool_stride": ("stepper", lambda s: s.pool_stride),
    "input_shape": ("stepper", lambda s: _shape(s.input)),
    "channels": ("stepper", lambda s: None if s.input is None else int(np.shape(s.input)[0])),
    "kernel_size": ("stepper", lambda s: None if s.kernel is None else int(np.shape(s.kernel)[-1])),
    "output_shape": ("stepper", lambda s: _shape(s.output)),
    "output_max": ("stepper", lambda s: _extreme(s.output, np.max)),
    "output_min": ("stepper", lambda s: _extreme(s.output, np.min)),
    "pooled_shape": ("stepper", lambda s: _shape(s.pooled)),
    "uncovered": ("stepper", _uncovered),
    "input_name": ("network", lambda s: s.input_name),
    "verdict": ("network", lambda s: s.verdict),
    "rectangle_score": ("network", _score(0)),
    "diamond_score": ("network", _score(1)),
    "selected_map": ("network", lambda s: s.selected_map),
    "selected_cell": ("network", lambda s: s.selected_cell),
    "receptive_field": ("network", lambda s: s.receptive_field),
    "gallery_seen": ("network", lambda s: s.gallery_seen),
    "gallery_correct": ("network", lambda s: s.gallery_correct),
    "wants_unit": ("network", lambda s: s.wants_unit),
    "train_step": ("train", lambda s: s.train_step),
    "accuracy": ("train", lambda s: s.accuracy),
    "loss": ("train", lambda s: s.loss),
}
CONDITIONS = ("equals", "at_least", "at_most", "one_of")


def _plain(value: Any) -> Any:
    """Compare tuples, lists and arrays as lists, and texts without case."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def map_words(map_id: str) -> str:
    """A network map in the learner's words: "pool:0" → "pooled map 1 (horizontal edges)"."""
    from tuiconv.engine.kernels import EDGE_KERNELS
    from tuiconv.engine.network import CLASSES

    layer, _, channel = map_id.partition(":")
    if not channel.isdigit():
        return "the input" if layer == "input" else map_id
    index = int(channel)
    if layer in ("conv1", "pool"):
        kind = f" ({EDGE_KERNELS[index]} edges)" if index < len(EDGE_KERNELS) else ""
        return f"{'pooled map' if layer == 'pool' else 'layer-1 map'} {index + 1}{kind}"
    if layer == "conv2":
        kind = f" (the {CLASSES[index]} detector)" if index < len(CLASSES) else ""
        return f"layer-2 map {index + 1}{kind}"
    return map_id


# A state check's nudge in the learner's words ("Not yet: the kernel is vertical.").
STATE_WORDS = {"kernel_name": "the kernel", "input_name": "the input", "train_step": "training step", "pool": "pooling", "relu": "ReLU"}


def _shown(value: Any, name: str = "") -> str:
    if name in ("position", "selected_cell") and isinstance(value, (list, tuple)) and len(value) == 2:
        return f"row {value[0]}, column {value[1]}"
    if name == "selected_map" and isinstance(value, str):
        return map_words(value)
    if name == "wants_unit" and value is None:
        return "not opened yet (w)"
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, np.integer)) for v in value):
        return f"{value[0]}×{value[1]}"
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "off" if name == "pool" else "not set"
    if isinstance(value, float) and abs(value - round(value)) > 1e-9 and abs(value) >= 0.01:
        return f"{value:.2f}".rstrip("0")  # a probability or an accuracy as the screens show it: 0.92
    return _fmt(value) if isinstance(value, (int, float)) else str(value)


def _condition_holds(condition: str, current: Any, wanted: Any) -> bool:
    if current is None:
        return False
    current = _plain(current)
    if condition == "equals":
        if isinstance(current, (int, float)) and isinstance(wanted, (int, float)) and not isinstance(wanted, bool):
            return _close(float(current), float(wanted), 1e-9)
        return current == _plain(wanted)
    if condition == "one_of":
        return any(_condition_holds("equals", current, w) for w in wanted)
    if not isinstance(current, (int, float)):
        return False
    return current >= wanted - 1e-9 if condition == "at_least" else current <= wanted + 1e-9


STOP_FIRST = "Playing: press p to stop the window on the cell you choose."


def _state(params: dict, state: ViewState, answer: None) -> Outcome:
    if state.playing and any("position" in params.get(condition, {}) for condition in CONDITIONS):
        return Outcome(False, STOP_FIRST)
    for condition in CONDITIONS:
        for name, wanted in params.get(condition, {}).items():
            current = STATE_FIELDS[name][1](state)
            if not _condition_holds(condition, current, wanted):
                if name == "filled":
                    return Outcome(False, f"Not yet: {_fmt(current)} cell{'' if current == 1 else 's'} filled so far.")
                label = STATE_WORDS.get(name, name.replace("_", " "))
                return Outcome(False, f"Not yet: {label} is {_shown(current, name)}.")
    return Outcome(True)


# ---------------------------------------------------------------- strongest and filled


def _strongest(params: dict, state: ViewState, answer: None) -> Outcome:
    grid = _map(state, params.get("of", "output"))
    if grid is None or state.position is None:
        return Outcome(False, "")
    if state.playing:
        return Outcome(False, STOP_FIRST)
    negative = params.get("sign", "positive") == "negative"
    best = float(grid.min() if negative else grid.max())
    i, j = state.position
    if not (0 <= i < grid.shape[0] and 0 <= j < grid.shape[1]):
        return Outcome(False, "")
    here = float(grid[i, j])
    if _close(here, best, 1e-9):
        return Outcome(True)
    word = "more negative" if negative else "larger"
    return Outcome(False, f"Not yet: the output here is {_fmt(here)}; somewhere it is {word}.")


def _filled(params: dict, state: ViewState, answer: None) -> Outcome:
    total = 0 if state.output is None else int(np.prod(np.shape(state.output)[-2:]))
    wanted = min(int(params.get("cells", total)), total) if total else int(params.get("cells", 1))
    if total and state.filled >= wanted:
        return Outcome(True)
    return Outcome(False, f"{state.filled} of {wanted} cells filled so far.")


# ---------------------------------------------------------------- detects (a layer-2 design)


def shape_response(kernel: np.ndarray, kind: str, size: int, seed: int) -> float:
    """How strongly a layer-2 ``kernel`` (4, F, F) fires anywhere on a generated shape: the
    network's own layer 1 and pooling, then this kernel (padding 1), ReLU and the global max."""
    from tuiconv.engine import network, shapes
    from tuiconv.engine.ops import conv2d, relu

    pooled = network.edge_maps(shapes.make_shape(kind, size, seed))
    padding = (kernel.shape[-1] - 1) // 2
    return float(relu(conv2d(pooled, kernel[None], padding=padding)).max())


def _detects(params: dict, state: ViewState, answer: None) -> Outcome:
    if state.kernel is None or np.shape(state.kernel)[0] != 4:
        return Outcome(False, "The kernel must read the 4 edge maps.")
    kernel = np.asarray(state.kernel, dtype=np.float64)
    size, seeds = int(params.get("size", 8)), range(int(params.get("seeds", 3)))
    target = params["shape"]
    weakest = min(shape_response(kernel, target, size, s) for s in seeds)
    for other in params["against"]:
        strongest = max(shape_response(kernel, other, size, s) for s in seeds)
        if weakest <= strongest:
            return Outcome(False, f"Not yet: a {other} makes it fire at least as strongly ({_fmt(strongest)}) as a {target} ({_fmt(weakest)}).")
    return Outcome(True)


# ---------------------------------------------------------------- the vocabulary


@dataclass(frozen=True)
class CheckKind:
    """A check's name, whether the learner answers it by typing, and its parameters."""

    question: bool
    params: dict[str, tuple[ValueType, bool]]  # name → (type, required)
    evaluate: Callable[[dict, ViewState, str | None], Outcome]
    screens: tuple[str, ...] = ("stepper", "network", "train")


# A question may need a task done first ("Show it a circle. Then: what does it call it?"):
# ``first`` holds state conditions, as a state check does, that must hold when it is answered.
_FEEDBACK = {"feedback": (TABLE, False), "first": (TABLE, False)}
_OF = ValueType('"output" or "pooled"', lambda v: v in ("output", "pooled"))
_SIGN = ValueType('"positive" or "negative"', lambda v: v in ("positive", "negative"))

KINDS: dict[str, CheckKind] = {
    "number": CheckKind(True, {"answer": (NUMBER, True), "tolerance": (NUMBER, False), **_FEEDBACK}, _number),
    "predict": CheckKind(
        True, {"at": (CELL, False), "of": (_OF, False), "tolerance": (NUMBER, False), **_FEEDBACK}, _predict, ("stepper",)
    ),
    "output-size": CheckKind(True, {"of": (_OF, False), "with": (TABLE, False), **_FEEDBACK}, _output_size, ("stepper",)),
    "choice": CheckKind(True, {"options": (TEXTS, True), "answer": (TEXT, True), **_FEEDBACK}, _choice),
    "text": CheckKind(True, {"accept": (TEXTS, True), **_FEEDBACK}, _text),
    "state": CheckKind(False, {name: (TABLE, False) for name in CONDITIONS}, _state),
    "strongest": CheckKind(False, {"of": (_OF, False), "sign": (_SIGN, False)}, _strongest, ("stepper",)),
    "filled": CheckKind(False, {"cells": (WHOLE, False)}, _filled, ("stepper",)),
    "detects": CheckKind(
        False, {"shape": (TEXT, True), "against": (TEXTS, True), "size": (WHOLE, False), "seeds": (WHOLE, False)}, _detects, ("stepper",)
    ),
}

# What ``with`` may override in an output-size question.
SIZE_OVERRIDES = {"padding": WHOLE, "stride": WHOLE, "dilation": WHOLE, "pool_size": WHOLE, "pool_stride": WHOLE}


def validate(kind: str, params: dict, scene: Scene) -> list[tuple[tuple[str, ...], str]]:
    """Semantic problems of a check whose keys and types are already right: (key path, message)."""
    problems: list[tuple[tuple[str, ...], str]] = []
    spec = KINDS[kind]
    if scene.screen not in spec.screens:
        problems.append((("kind",), f'a "{kind}" check needs the {" or ".join(spec.screens)} screen, but this scene is the {scene.screen}'))
    for key, message in params.get("feedback", {}).items():
        if not isinstance(message, str):
            problems.append((("feedback",), f'feedback for "{key}" must be {TEXT.name}, not {describe(message)}'))
    if kind == "choice":
        options = params["options"]
        if not 2 <= len(options) <= 6:
            problems.append((("options",), f"a choice needs 2 to 6 options, not {len(options)}"))
        if not any(_normal(o) == _normal(params["answer"]) for o in options):
            problems.append((("answer",), f'answer "{params["answer"]}" is not among the options: {", ".join(options)}'))
        for key in params.get("feedback", {}):
            if not any(_normal(o) == _normal(key) for o in options):
                problems.append((("feedback",), f'feedback for "{key}", which is not among the options'))
    elif kind == "text" and not params["accept"]:
        problems.append((("accept",), "accept needs at least one answer"))
    elif kind in ("number", "predict") and params.get("tolerance", 0) < 0:
        problems.append((("tolerance",), "tolerance must not be negative"))
    elif kind == "output-size":
        for key, value in params.get("with", {}).items():
            if key not in SIZE_OVERRIDES:
                problems.append((("with", key), f"with cannot set {key!r}; it can set {', '.join(SIZE_OVERRIDES)}"))
            elif not SIZE_OVERRIDES[key].accepts(value):
                problems.append((("with", key), f"with.{key} must be {SIZE_OVERRIDES[key].name}, not {describe(value)}"))
    if spec.question and "first" in params:
        first = params["first"]
        for key in first:
            if key not in CONDITIONS:
                problems.append((("first", key), f"first holds state conditions: {', '.join(CONDITIONS)}, not {key!r}"))
        for condition in CONDITIONS:
            for name, wanted in (first.get(condition) or {}).items():
                problems.extend((("first",) + where, message) for where, message in _state_field_problems(condition, name, wanted, scene))
    if kind == "state":
        if not any(params.get(c) for c in CONDITIONS):
            problems.append(((), f"a state check needs at least one of {', '.join(CONDITIONS)}"))
        for condition in CONDITIONS:
            for name, wanted in params.get(condition, {}).items():
                problems.extend(_state_field_problems(condition, name, wanted, scene))
    elif kind == "detects":
        from tuiconv.engine.shapes import MAX_SIZE, MIN_SIZE, SHAPE_KINDS

        for key, names in (("shape", [params["shape"]]), ("against", params["against"])):
            for name in names:
                if name not in SHAPE_KINDS:
                    problems.append(((key,), f'unknown shape "{name}"; shapes: {", ".join(SHAPE_KINDS)}'))
        if not params["against"]:
            problems.append((("against",), "against needs at least one shape"))
        if not MIN_SIZE <= params.get("size", 8) <= MAX_SIZE:
            problems.append((("size",), f"size must be from {MIN_SIZE} to {MAX_SIZE}"))
        if not 1 <= params.get("seeds", 3) <= 20:
            problems.append((("seeds",), "seeds must be from 1 to 20"))
    elif kind == "filled" and params.get("cells", 1) < 1:
        problems.append((("cells",), "cells must be at least 1"))
    if kind in ("predict", "output-size") and scene.screen == "stepper" and not problems:
        problems.extend(_geometry_problems(kind, params, scene))
    return problems


def _geometry_problems(kind: str, params: dict, scene: Scene) -> list[tuple[tuple[str, ...], str]]:
    """A predicted cell must lie on the map, and an output-size question's `with` must be possible."""
    from tuiconv.explore.scene import input_grid, kernel_grid

    try:
        found_input, found_kernel = input_grid(scene), kernel_grid(scene)
    except ValueError:
        return []  # the scene's own problem, reported at its key
    if found_input is None or found_kernel is None:
        return []
    grid, kernel = found_input[1], found_kernel[1]
    setup = {"padding": scene.padding or 0, "stride": scene.stride or 1, "dilation": scene.dilation or 1}
    pool_size, pool_stride = scene.pool_size or 2, scene.pool_stride
    if kind == "output-size":
        overrides = params.get("with", {})
        setup.update({k: v for k, v in overrides.items() if k in setup})
        pool_size, pool_stride = overrides.get("pool_size", pool_size), overrides.get("pool_stride", pool_stride)
    try:
        rows = output_side(grid.shape[1], kernel.shape[-1], setup["padding"], setup["stride"], setup["dilation"])
        cols = output_side(grid.shape[2], kernel.shape[-1], setup["padding"], setup["stride"], setup["dilation"])
        if params.get("of") == "pooled":
            rows = output_side(rows, pool_size, 0, pool_stride or pool_size, 1)
            cols = output_side(cols, pool_size, 0, pool_stride or pool_size, 1)
    except ValueError as error:
        return [(("with",) if kind == "output-size" else ("of",), f"impossible: {error}")]
    if params.get("of") == "pooled" and kind == "predict" and scene.pool is None:
        return [(("of",), "there is no pooled map: the scene has no pool")]
    at = params.get("at")
    if kind == "predict" and at is not None and not (0 <= at[0] < rows and 0 <= at[1] < cols):
        which = "pooled map" if params.get("of") == "pooled" else "feature map"
        return [(("at",), f"at [{at[0]}, {at[1]}] is outside the {rows}×{cols} {which} (rows and columns count from 0)")]
    return []


def _state_field_problems(condition: str, name: str, wanted: Any, scene: Scene) -> list:
    from difflib import get_close_matches

    where = (condition, name)
    if name not in STATE_FIELDS:
        close = get_close_matches(name, STATE_FIELDS, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else f"; fields: {', '.join(STATE_FIELDS)}"
        return [(where, f'no screen reports "{name}"{hint}')]
    screen = STATE_FIELDS[name][0]
    if screen != scene.screen:
        return [(where, f'"{name}" is reported by the {screen} screen, but this scene is the {scene.screen}')]
    if condition in ("at_least", "at_most") and not NUMBER.accepts(wanted):
        return [(where, f"{condition}.{name} must be {NUMBER.name}, not {describe(wanted)}")]
    if condition == "one_of" and not isinstance(wanted, list):
        return [(where, f"one_of.{name} must be a list of allowed values, not {describe(wanted)}")]
    return []
