"""Lesson files: read one TOML lesson, check every key, and report each problem as ``file:line``.

A lesson is data only (the schema, with an example, is ``lessons/README.md``): an id, a title,
a summary and 1–8 ``[[steps]]``; each step sets up a ``Scene``, tells its story (Markdown),
states a task and the ``Check`` that decides it is done, and offers hints. Nothing in a lesson
file is ever run.

``read_lesson`` returns the lesson *and* every problem found (a teacher wants them all at
once); ``load_lesson`` is the strict form the app uses.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from tuiconv.course import checks
from tuiconv.course.checks import Check
from tuiconv.explore.scene import CONCEALABLE, ENGINE_LAYER, SCENE_KEYS, SCREEN_KEYS, SCREENS, Scene, input_grid, kernel_grid
from tuiconv.course.toml_lines import key_lines, line_of
from tuiconv.explore.values import ANY, FLAG, TABLE, TEXT, TEXTS, WHOLE, ValueType, describe
from tuiconv.engine.shapes import names_a_file
from tuiconv.clean_text import describe_character, forbidden_characters, shown_name
from tuiconv.engine.files import read_text
from tuiconv import limits
from tuiconv.errors import InputError

MAX_STEPS = 8
# A file with thousands of bad characters gets this many lines, then a count.
MAX_REPORTED = 20
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# ---------------------------------------------------------------- the schema

LESSON_KEYS: dict[str, tuple[ValueType, bool]] = {
    "id": (TEXT, True),
    "title": (TEXT, True),
    "summary": (TEXT, True),
    "steps": (ANY, True),
}
STEP_KEYS: dict[str, tuple[ValueType, bool]] = {
    "title": (TEXT, False),
    "narrative": (TEXT, True),
    "task": (TEXT, True),
    "scene": (TABLE, True),
    "check": (TABLE, True),
    "hints": (TEXTS, False),
    "success": (TEXT, False),
    "solution": (TABLE, False),
}
POOLS = ("max", "avg")
PADDING_NAMES = ("valid", "same", "full")
# A solution may set any scene key, plus what a learner does that a scene cannot set up.
SOLUTION_KEYS: dict[str, ValueType] = {
    **SCENE_KEYS,
    "answer": ValueType("a number or a text", lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool)),
    "filled": ValueType('a whole number, or "all"', lambda v: v == "all" or WHOLE.accepts(v)),
    "trained": FLAG,  # the train screen: trains all its steps
    "wants": FLAG,  # the network screen: w on the selected map (what its unit wants to see)
}
DEFAULT_SUCCESS = "Well done."
# The status line under the task shows hints, feedback and success in full, in at most
# STATUS_LINES lines: at 80 columns that is 78 columns, or 51 beside a question's answer box.
STATUS_LINES = 3
STATUS_COLUMNS = 78
STATUS_COLUMNS_BESIDE_ANSWER = 51
# The widest endings the screen adds to a success message, and the widest start of a task line.
SUCCESS_ENDING = " Lesson complete! > next lesson"
TASK_PREFIX = f"{MAX_STEPS}/{MAX_STEPS} " + "·" * MAX_STEPS + " "


@dataclass
class Step:
    """One step of a lesson: what the screen shows, what the learner reads and does, the check."""

    number: int  # 1-based, as the learner counts
    narrative: str
    task: str
    scene: Scene
    check: Check
    title: str = ""
    hints: list[str] = field(default_factory=list)
    success: str = DEFAULT_SUCCESS
    solution: dict[str, Any] = field(default_factory=dict)
    line: int = 1  # of its [[steps]] header
    solution_line: int = 1  # of its solution, or of the header when it has none


@dataclass
class Lesson:
    id: str
    title: str
    summary: str
    steps: list[Step]
    path: Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson file, shown as ``file:line: message``.

    A ``warning`` is something that works but is probably not what the teacher meant (two
    options a learner cannot tell apart); `lessons check` lists it, the app loads the lesson.
    """

    path: str
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return str(InputError(("warning: " if self.warning else "") + self.message, self.path, self.line))


# ---------------------------------------------------------------- reading


class _Report:
    """Collects problems, each at the line of the key it is about."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = key_lines(text)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, where: tuple, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(self.lines, where), message))

    def warn(self, where: tuple, message: str) -> None:
        self.warnings.append(Problem(self.path, line_of(self.lines, where), message, warning=True))

    def keys(self, table: dict, allowed: dict, where: tuple, label: str) -> None:
        """Unknown keys (with a did-you-mean), missing required keys, and wrong types."""
        for key, value in table.items():
            if key not in allowed:
                close = get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f' (did you mean "{close[0]}"?)' if close else f"; {label} can have: {', '.join(allowed)}"
                self.add(where + (key,), f'unknown key "{key}" in {label}{hint}')
                continue
            spec = allowed[key]
            kind = spec[0] if isinstance(spec, tuple) else spec
            if not kind.accepts(value):
                self.add(where + (key,), f"{key} must be {kind.name}, not {describe(value)}")
        for key, spec in allowed.items():
            if isinstance(spec, tuple) and spec[1] and key not in table:
                self.add(where, f"{label} has no {key}")


def _toml_error(error: tomllib.TOMLDecodeError, path: str) -> Problem:
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        message = message[: found.start()]
        return Problem(path, int(found.group(1)), f"invalid TOML: {message[:1].lower()}{message[1:]} (column {found.group(2)})")
    found = re.search(r"\s*\(at end of document\)$", message)
    line = None
    if found:
        message = message[: found.start()]
        line = None
    return Problem(path, line, f"invalid TOML: {message[:1].lower()}{message[1:]}")


def read_lesson(path: str | Path, text: str | None = None, partial: bool = False, warnings: bool = False) -> tuple[Lesson | None, list[Problem]]:
    """The lesson in ``path`` and every problem with it; the lesson is None if any is fatal.

    With ``partial`` a lesson with problems still comes back, holding only its valid steps, so
    a checker can rehearse those too and report everything at once. With ``warnings`` the
    list ends with the warnings (``Problem.warning``), which never make a lesson fatal.

    The file is read bounded (engine/files.py: a regular file of at most 1 MiB); a character
    a terminal would obey rather than show (ESC, a bidi override, a zero-width space) is a
    problem at its line, named; files it names must lie inside the lesson's folder.
    """
    where = str(path)
    if text is None:
        try:
            text = read_text(path, "lesson")
        except InputError as error:
            return None, [Problem(where, error.line, error.message)]
    bad = list(forbidden_characters(text))
    if bad:
        problems = [Problem(where, line, f"{describe_character(ch)} (column {column}): lesson text may not hold control or invisible characters") for line, column, ch in bad[:MAX_REPORTED]]
        if len(bad) > MAX_REPORTED:
            problems.append(Problem(where, None, f"and {len(bad) - MAX_REPORTED} more such characters"))
        return None, problems
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [_toml_error(error, where)]
    except RecursionError:
        return None, [Problem(where, None, "invalid TOML: arrays or tables nested too deeply (a lesson needs a few levels)")]
    report = _Report(where, text)
    _check_strings(raw, report)
    if report.problems:
        return None, report.problems
    lesson = _lesson(raw, Path(path), report)
    found = report.problems + (report.warnings if warnings else [])
    return (lesson if partial or not report.problems else None), found


def _check_strings(raw: dict, report: _Report) -> None:
    """An escape like "\\u001b" in a TOML string makes the same ESC a raw one would: refuse it too."""
    stack: list[tuple[tuple, object]] = [((), raw)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((where + (key,), key))
                stack.append((where + (key,), item))
        elif isinstance(value, list):
            stack.extend((where + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            for _, _, ch in forbidden_characters(value):
                report.add(where, f"{describe_character(ch)}: lesson text may not hold control or invisible characters")
                break
        if len(report.problems) >= MAX_REPORTED:
            return


def load_lesson(path: str | Path) -> Lesson:
    """The lesson in ``path``; InputError ``file:line: message`` for its first problem."""
    lesson, problems = read_lesson(path)
    if problems:
        first = problems[0]
        raise InputError(first.message, first.path, first.line)
    assert lesson is not None
    return lesson


def _lesson(raw: dict, path: Path, report: _Report) -> Lesson:
    report.keys(raw, LESSON_KEYS, (), "a lesson")
    lesson_id = raw.get("id")
    if isinstance(lesson_id, str) and not ID_RE.match(lesson_id):
        report.add(("id",), f'id "{lesson_id}" must be lower-case letters, digits and dashes, like "edge-detectors"')
    raw_steps = raw.get("steps", [])
    steps: list[Step] = []
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        report.add(("steps",), "steps must be written as [[steps]] tables, one per step")
    elif "steps" in raw and not raw_steps:
        report.add(("steps",), "the lesson has no steps")
    else:
        if len(raw_steps) > MAX_STEPS:
            report.add(("steps", MAX_STEPS), f"the lesson has {len(raw_steps)} steps; at most {MAX_STEPS} keep it short enough to finish (split it in two)")
        for index, raw_step in enumerate(raw_steps):
            step = _step(raw_step, index, path, report)
            if step is not None:
                steps.append(step)
    return Lesson(
        id=lesson_id if isinstance(lesson_id, str) else "",
        title=raw.get("title", "") if isinstance(raw.get("title"), str) else "",
        summary=raw.get("summary", "") if isinstance(raw.get("summary"), str) else "",
        steps=steps,
        path=path,
    )


def _step(raw: dict, index: int, path: Path, report: _Report) -> Step | None:
    where = ("steps", index)
    label = f"step {index + 1}"
    before = len(report.problems)
    report.keys(raw, STEP_KEYS, where, label)
    scene = _scene(raw.get("scene"), where + ("scene",), path, report) if isinstance(raw.get("scene"), dict) else None
    check = None
    if isinstance(raw.get("check"), dict):
        check = _check(raw["check"], where + ("check",), scene, report)
    solution = raw.get("solution", {})
    if isinstance(solution, dict):
        report.keys(solution, SOLUTION_KEYS, where + ("solution",), f"the solution of {label}")
    if len(report.problems) > before or scene is None or check is None:
        return None
    _check_fits(raw, check, where, report)
    _check_hidden(scene, check, where, report)
    from tuiconv.course import lint

    for key, message in lint.warnings(check, scene):
        report.warn(where + ("check",) + key, message)
    for key, message in lint.concealment_warnings(scene):
        report.warn(where + ("scene",) + key, message)
    if len(report.problems) > before:
        return None
    return Step(
        number=index + 1,
        narrative=raw["narrative"].strip(),
        task=raw["task"].strip(),
        scene=scene,
        check=check,
        title=raw.get("title", ""),
        hints=list(raw.get("hints", [])),
        success=raw.get("success", DEFAULT_SUCCESS).strip(),
        solution=dict(solution),
        line=line_of(report.lines, where),
        solution_line=line_of(report.lines, where + ("solution",)),
    )


def status_lines(text: str, columns: int) -> int:
    """Lines ``text`` takes when word-wrapped to ``columns``, as the status line wraps it."""
    import textwrap

    return len(textwrap.wrap(text, columns, break_on_hyphens=False)) or 1


def _check_fits(raw: dict, check: Check, where: tuple, report: _Report) -> None:
    """Hints, feedback and success must be readable whole in the status line at 80×24."""
    columns = STATUS_COLUMNS_BESIDE_ANSWER if check.is_question else STATUS_COLUMNS
    hints = raw.get("hints", [])
    shown = [(("hints",), f"hint {n}/{len(hints)}: {hint}", columns, f"hint {n}") for n, hint in enumerate(hints, start=1)]
    shown += [(("check", "feedback", key), text, STATUS_COLUMNS_BESIDE_ANSWER, f'the feedback for "{key}"') for key, text in check.params.get("feedback", {}).items()]
    shown.append((("success",), "✓ " + raw.get("success", DEFAULT_SUCCESS).strip() + SUCCESS_ENDING, STATUS_COLUMNS, "the success message"))
    for key, text, width, what in shown:
        lines = status_lines(text, width)
        if lines > STATUS_LINES:
            report.add(where + key, f"{what} takes {lines} lines at 80 columns (at most {STATUS_LINES} are shown, {width} columns wide): shorten it")
    # The task line: "8/8 ········ " and the task (a choice's options go to the story card
    # when they do not fit), in as many lines as the status line has.
    task = TASK_PREFIX + str(raw.get("task", "")).strip()
    lines = status_lines(task, STATUS_COLUMNS)
    if lines > STATUS_LINES:
        report.add(where + ("task",), f"the task takes {lines} lines at 80 columns (at most {STATUS_LINES} are shown above the view): shorten it, and put the rest in the narrative")


def _check_hidden(scene: Scene, check: Check, where: tuple, report: _Report) -> None:
    """A question must not show its own answer: the stepper prints sizes and sums for what it shows."""
    if scene.screen != "stepper":
        return
    hidden = set(scene.conceal)
    if check.kind == "output-size" and not check.params.get("with") and not {"size", "formula"} <= hidden:
        report.add(where + ("scene",), 'the screen shows the answer (the output size): add conceal = ["size", "formula"] to the scene')
    if check.kind == "predict" and check.params.get("of", "output") == "output" and not {"arithmetic", "output"} <= hidden:
        at = check.params.get("at")
        if at is None or (scene.position is not None and tuple(at) == tuple(scene.position)):
            report.add(where + ("scene",), 'the screen shows the answer (the window is on the cell asked about): move it, or add conceal = ["arithmetic", "output"]')


def _did_you_mean(word: str, known: list[str] | tuple[str, ...]) -> str:
    close = get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _scene(raw: dict, where: tuple, path: Path, report: _Report) -> Scene | None:
    before = len(report.problems)
    report.keys(raw, SCENE_KEYS, where, "a scene")
    # Go on without the keys just reported, so the rest of the scene is checked in the same run.
    raw = {k: v for k, v in raw.items() if k in SCENE_KEYS and SCENE_KEYS[k].accepts(v)}
    screen = raw.get("screen", "stepper")
    if screen not in SCREENS:
        report.add(where + ("screen",), f'unknown screen "{screen}"{_did_you_mean(screen, SCREENS)}; screens: {", ".join(SCREENS)}')
        return None
    for key in raw:
        if key != "screen" and key not in SCREEN_KEYS[screen]:
            report.add(where + (key,), f"{key} does nothing on the {screen} screen; it reads {', '.join(sorted(SCREEN_KEYS[screen]))}")
    values = dict(raw)
    for key in ("input", "weights"):
        value = values.get(key)
        if isinstance(value, str) and (key == "weights" or names_a_file(value)):
            resolved, problem = contained(path, value)
            if problem:
                report.add(where + (key,), f"{key} {problem}")
                return None
            values[key] = resolved
    if isinstance(values.get("position"), list):
        values["position"] = tuple(values["position"])
    for name in values.get("conceal", []):
        if name not in CONCEALABLE:
            report.add(where + ("conceal",), f'cannot conceal "{name}"{_did_you_mean(name, CONCEALABLE)}; conceal: {", ".join(CONCEALABLE)}')
    values["conceal"] = tuple(values.get("conceal", ()))
    scene = Scene(**values)
    for key, message in scene_problems(scene):
        report.add(where + (key,), message)
    return scene if len(report.problems) == before else None


def contained(lesson_path: Path, name: str) -> tuple[str, str | None]:
    """(absolute path, None) of a file a lesson names, or ("", what is wrong).

    The name is relative to the lesson's folder and, symlinks resolved first, must stay inside
    it: a lesson handed to a class may not read the server's other files, and a message about
    a refused file says where it points, never what it holds.
    """
    shown = shown_name(name)
    if not name.strip():
        return "", "is an empty file name"
    if "\x00" in name:
        return "", f'"{shown}" holds a NUL character'
    if Path(name).is_absolute() or name.startswith("~"):
        return "", f'"{shown}" must be a path relative to the lesson\'s folder, like "shapes/l.txt"'
    try:
        folder = lesson_path.parent.resolve()
        target = (folder / name).resolve()
    except (OSError, RuntimeError):  # a loop of symlinks: RuntimeError before Python 3.13
        return "", f'"{shown}": a loop of symbolic links'
    if not target.is_relative_to(folder):
        return "", f'"{shown}" lies outside the lesson\'s folder ({shown_name(str(folder))}); a lesson may read only files in its own folder'
    return str(target), None


def _check(raw: dict, where: tuple, scene: Scene | None, report: _Report) -> Check | None:
    """The step's check; its fit with the scene is judged only when the scene itself is valid."""
    kind = raw.get("kind")
    if kind is None:
        report.add(where, f"the check has no kind; kinds: {', '.join(checks.KINDS)}")
        return None
    if not isinstance(kind, str) or kind not in checks.KINDS:
        shown = kind if isinstance(kind, str) else describe(kind)
        hint = _did_you_mean(shown, list(checks.KINDS)) if isinstance(kind, str) else ""
        report.add(where + ("kind",), f'unknown check kind "{shown}"{hint}; kinds: {", ".join(checks.KINDS)}')
        return None
    params = {k: v for k, v in raw.items() if k != "kind"}
    before = len(report.problems)
    report.keys(params, checks.KINDS[kind].params, where, f'a "{kind}" check')
    if len(report.problems) > before:
        return None
    if scene is None:
        return None
    for key, message in checks.validate(kind, params, scene):
        report.add(where + key, message)
    return Check(kind, params) if len(report.problems) == before else None


# ---------------------------------------------------------------- what a scene can show


def _network_maps() -> dict[str, tuple[int, str]]:
    """Map id prefix → (how many maps, engine layer name)."""
    from tuiconv.engine import network

    channels1 = network.PARAMETER_SHAPES["w1"][0]
    channels2 = network.PARAMETER_SHAPES["w2"][0]
    counts = {"conv1": channels1, "pool": channels1, "conv2": channels2}
    return {layer: (counts[layer], engine_layer) for layer, engine_layer in ENGINE_LAYER.items()}


def scene_problems(scene: Scene) -> list[tuple[str, str]]:
    """What is impossible about a scene, as (scene key, message): names the engine does not
    know, grids of unequal rows, a stride the input cannot take, a position off the map."""
    from tuiconv.engine import kernels, shapes
    from tuiconv.explore.network_filter import names_network_filter

    problems: list[tuple[str, str]] = []
    grid = kernel = None
    network_kernel = names_network_filter(scene.kernel)  # "layer2:1": a filter of scene.weights' net
    if isinstance(scene.input, str) and not Path(scene.input).is_absolute():
        base = scene.input.lower()
        try:
            shapes.split_kind(base)
        except ValueError:
            bare = base.removeprefix("filled-").removeprefix("noisy-")
            problems.append(("input", f'unknown shape "{scene.input}"{_did_you_mean(bare, shapes.SHAPE_KINDS)}; shapes: {", ".join(shapes.SHAPE_KINDS)}, or a file, or a list of rows'))
    # Every number against the one table of ranges the command line and the app use too.
    for key in ("size", "seed", "stride", "dilation", "pool_size", "pool_stride", "steps", "lr", "bias"):
        value = getattr(scene, key)
        problem = None if value is None else limits.RANGES[key].problem(value)
        if problem:
            problems.append((key, f"{key} {problem}"))
    if isinstance(scene.padding, int):
        problem = limits.RANGES["padding"].problem(scene.padding)
        if problem:
            problems.append(("padding", f"padding {problem}, or valid, same, full"))
    weights_problem = None
    if scene.weights is not None:
        from tuiconv.engine.network import Network

        try:  # loaded as the app loads it, so `lessons check` refuses what the app would
            Network.load(scene.weights)
        except InputError as error:
            weights_problem = f"weights file {error}"
            problems.append(("weights", weights_problem))
    if scene.screen == "stepper" and scene.weights is not None and not network_kernel:
        problems.append(("weights", 'weights on the stepper need kernel = "layer1:I" or "layer2:J": a filter of that network'))
    # A network's filter reads up to 32 maps: the caps below are for grids written inline.
    inline = not network_kernel
    if not problems:
        try:
            found = input_grid(scene)
            grid = None if found is None else found[1]
        except InputError as error:
            problems.append(("input", f"input file {error}"))
        except ValueError as error:
            problems.append(("input", str(error)))
        if grid is not None and inline and (grid.shape[0] > limits.MAX_CHANNELS or max(grid.shape[1:]) > shapes.MAX_SIZE):
            problems.append(("input", f"the input is {grid.shape[0]}×{grid.shape[1]}×{grid.shape[2]}: at most {limits.MAX_CHANNELS} channels of {shapes.MAX_SIZE}×{shapes.MAX_SIZE}"))
            grid = None
        if grid is not None and limits.values_problem(grid, "the input"):
            problems.append(("input", limits.values_problem(grid, "the input")))
            grid = None
    if isinstance(scene.kernel, str) and not network_kernel and scene.kernel.lower() not in {**kernels.LAYER1, **kernels.LAYER2}:
        known = [*kernels.LAYER1, *kernels.LAYER2]
        problems.append(("kernel", f'unknown kernel "{scene.kernel}"{_did_you_mean(scene.kernel, known)}; kernels: {", ".join(known)}'))
    elif not (network_kernel and weights_problem):  # a bad file is reported once, under weights
        try:
            found = kernel_grid(scene)
            kernel = None if found is None else found[1]
        except ValueError as error:
            problems.append(("kernel", str(error)))
        if kernel is not None and inline and (kernel.shape[0] > limits.MAX_CHANNELS or kernel.shape[-1] > limits.MAX_KERNEL):
            problems.append(("kernel", f"the kernel is {kernel.shape[0]}×{kernel.shape[1]}×{kernel.shape[2]}: at most {limits.MAX_CHANNELS} channels of {limits.MAX_KERNEL}×{limits.MAX_KERNEL}"))
            kernel = None
        if kernel is not None and limits.values_problem(kernel, "the kernel"):
            problems.append(("kernel", limits.values_problem(kernel, "the kernel")))
            kernel = None
    if isinstance(scene.padding, str) and scene.padding.lower() not in PADDING_NAMES:
        problems.append(("padding", f'padding must be a whole number or one of {", ".join(PADDING_NAMES)}, not "{scene.padding}"'))
        return problems
    if scene.pool is not None and scene.pool not in POOLS:
        problems.append(("pool", f'pool must be "max" or "avg", not "{scene.pool}"{_did_you_mean(scene.pool, POOLS)}'))
    if problems:
        return problems
    if scene.screen == "stepper" and grid is not None and kernel is not None:
        problems.extend(_stepper_geometry(scene, grid, kernel))
    if scene.screen == "network":
        problems.extend(_network_selection(scene, grid))
    return problems


def _stepper_geometry(scene: Scene, grid, kernel) -> list[tuple[str, str]]:
    from tuiconv.explore.network_filter import network_padding

    if kernel.shape[0] != grid.shape[0]:
        return [("kernel", f"the kernel reads {kernel.shape[0]} channel(s) but the input has {grid.shape[0]}")]
    # Blame the key the teacher most likely set last: stride, then dilation, padding, kernel.
    blame = next((k for k in ("stride", "dilation", "padding") if getattr(scene, k) is not None), "kernel")
    padding = scene.padding if scene.padding is not None else network_padding(scene.kernel)
    stride, dilation = scene.stride or 1, scene.dilation or 1
    if isinstance(padding, str):
        from tuiconv.engine.ops import resolve_padding

        try:
            resolved = resolve_padding(padding, kernel.shape[-1], dilation, stride)[0]
        except ValueError as error:
            return [(blame, f"impossible scene: {error}")]
        problem = limits.RANGES["padding"].problem(resolved)
        if problem:
            return [("padding", f'padding "{padding}" here is {resolved} zeros, but padding {problem}')]
    try:
        rows = checks.output_side(grid.shape[1], kernel.shape[-1], padding, stride, dilation)
        cols = checks.output_side(grid.shape[2], kernel.shape[-1], padding, stride, dilation)
    except ValueError as error:
        return [(blame, f"impossible scene: {error}")]
    problems = []
    if scene.position is not None and not (0 <= scene.position[0] < rows and 0 <= scene.position[1] < cols):
        problems.append(("position", f"position [{scene.position[0]}, {scene.position[1]}] is outside the {rows}×{cols} feature map (rows and columns count from 0)"))
    if scene.pool is not None:
        size = scene.pool_size or 2
        try:
            checks.output_side(rows, size, 0, scene.pool_stride or size, 1)
            checks.output_side(cols, size, 0, scene.pool_stride or size, 1)
        except ValueError:
            problems.append(("pool_size", f"a {size}×{size} pool does not fit the {rows}×{cols} feature map"))
    return problems


def _network_selection(scene: Scene, grid) -> list[tuple[str, str]]:
    from tuiconv.engine import network

    if grid is not None and grid.shape[0] != 1:
        return [("input", f"the network reads one grid, not {grid.shape[0]} channels")]
    height = width = scene.size or 16
    if grid is not None:
        height, width = grid.shape[1:]
    layer, engine_layer, rows, cols = "input", None, height, width
    if scene.select is not None:
        maps = _network_maps()
        name, _, channel = scene.select.partition(":")
        if scene.select != "input" and (name not in maps or not channel.isdigit() or int(channel) >= maps[name][0]):
            ids = ["input"] + [f"{n}:0–{count - 1}" for n, (count, _) in maps.items()]
            return [("select", f'no map "{scene.select}"; maps: {", ".join(ids)}')]
        if name in maps:
            layer, engine_layer = name, maps[name][1]
            rows, cols = network.map_shape(engine_layer, (height, width))
    if scene.position is not None and not (0 <= scene.position[0] < rows and 0 <= scene.position[1] < cols):
        return [("position", f"position [{scene.position[0]}, {scene.position[1]}] is outside the {rows}×{cols} {layer} map")]
    return []
