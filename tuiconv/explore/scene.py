"""The contract between lessons and screens: what a step sets up, and what a screen reports back.

A lesson step describes a ``Scene`` (plain data, no code); the app configures the same explorer
view a free learner uses from it (``view.apply_scene(scene)``), and after every change the view
hands the course a ``ViewState`` (``view.state()``), against which the step's check is evaluated.
Neither side imports the other: this module is the whole of what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np

from tuiconv.explore.values import CELL, FLAG, GRID, NUMBER, PADDING, TEXT, TEXTS, WHOLE, ValueType

ScreenName = Literal["stepper", "network", "train"]
SCREENS: tuple[str, ...] = ("stepper", "network", "train")


STEPPER, NETWORK, TRAIN = ("stepper",), ("network",), ("train",)


def _key(kind: ValueType, screens: tuple[str, ...], default: Any = None) -> Any:
    """A scene key: the kind of value a lesson file gives it and the screens that read it."""
    return field(default=default, metadata={"kind": kind, "screens": screens})


@dataclass
class Scene:
    """What a lesson step sets up. ``None`` means "leave as the screen's default".

    Each key says here, once, what a lesson file may give it and which screens read it: the
    lesson loader validates against that, and any other key on a screen is an error.
    """

    screen: ScreenName = "stepper"
    # A shape name from the engine's library ("rectangle", "diamond", ...), a file path
    # (relative to the lesson file), or an inline grid (list of rows, or list of channels).
    input: str | list | None = _key(GRID, STEPPER + NETWORK)
    size: int | None = _key(WHOLE, STEPPER + NETWORK)  # grid size for generated shapes
    seed: int | None = _key(WHOLE, STEPPER + NETWORK + TRAIN)
    # A named kernel ("vertical", "sobel-x", ...) or an inline grid (F×F, or C×F×F).
    kernel: str | list | None = _key(GRID, STEPPER)
    bias: float | None = _key(NUMBER, STEPPER)
    padding: int | str | None = _key(PADDING, STEPPER)
    stride: int | None = _key(WHOLE, STEPPER)
    dilation: int | None = _key(WHOLE, STEPPER)
    relu: bool | None = _key(FLAG, STEPPER)
    pool: str | None = _key(TEXT, STEPPER)  # "max" or "avg", or None for no pooling
    pool_size: int | None = _key(WHOLE, STEPPER)
    pool_stride: int | None = _key(WHOLE, STEPPER)
    # stepper: output cell the filter starts at; network: the selected cell of ``select``
    position: tuple[int, int] | None = _key(CELL, STEPPER + NETWORK)
    # An .npz of learned weights: the network screen's net; on the stepper, the net whose filter
    # ``kernel = "layer1:I"`` or ``"layer2:J"`` names (without it, the hand-designed net's).
    weights: str | None = _key(TEXT, STEPPER + NETWORK)
    select: str | None = _key(TEXT, NETWORK)  # a map to select, e.g. "conv2:0", "conv1:2", "pool:1"
    lr: float | None = _key(NUMBER, TRAIN)
    steps: int | None = _key(WHOLE, TRAIN)
    # What the view keeps covered until the step is done, so a question does not show its own
    # answer: any of CONCEALABLE.  The view shows "?" (and says it is hidden) in their place.
    conceal: tuple[str, ...] = _key(TEXTS, STEPPER + NETWORK, default=())
    extra: dict[str, Any] = field(default_factory=dict)


# What a lesson file may give each scene key, and which keys each screen reads (any other key
# would silently do nothing, so the loader calls it an error): both read off Scene's fields.
SCENE_KEYS: dict[str, ValueType] = {"screen": TEXT} | {
    f.name: f.metadata["kind"] for f in fields(Scene) if "kind" in f.metadata
}
SCREEN_KEYS: dict[str, set[str]] = {
    screen: {f.name for f in fields(Scene) if screen in f.metadata.get("screens", ())} for screen in SCREENS
}

# "size": the output size wherever it is printed (titles, formula result, status line);
# "formula": the whole output-size panel; "uncovered": never-covered rows/columns and their marks;
# "arithmetic": the products and sum of the current step; "output": feature-map values (cells show
# "?" even once stepped); "pooled": the pooled map's values only (the feature map stays readable);
# "receptive-field": the network's receptive-field size and extent text; "verdict": the network's
# verdict and the scores and maxima that would give it away; "scores": the network's raw scores
# (the logits, before softmax) only.
CONCEALABLE: tuple[str, ...] = (
    "size", "formula", "uncovered", "arithmetic", "output", "pooled", "receptive-field", "verdict", "scores",
)


@dataclass
class ViewState:
    """What a screen reports after every change; every number comes from the engine.

    Keys a view does not have stay ``None``.
    """

    screen: ScreenName
    # stepper
    input: np.ndarray | None = None  # (C, H, W), before padding
    kernel: np.ndarray | None = None  # (C, F, F)
    kernel_name: str | None = None  # library name, or None once edited
    bias: float = 0.0
    padding: int = 0
    stride: int = 1
    dilation: int = 1
    position: tuple[int, int] | None = None  # current output cell (i, j)
    output: np.ndarray | None = None  # (H2, W2): the whole feature map (relu applied if on)
    filled: int = 0  # output cells the learner has stepped through so far
    # The window steps by itself (the stepper's p): a cell it passes on the way is not one the
    # learner chose, so a check on where the window is waits until it is stopped.
    playing: bool = False
    relu: bool = False
    pool: str | None = None
    pool_size: int = 2
    pool_stride: int | None = None
    pooled: np.ndarray | None = None
    # network
    input_name: str | None = None
    scores: tuple[float, float] | None = None  # (rectangle, diamond) after softmax
    verdict: str | None = None  # "rectangle" or "diamond"
    selected_map: str | None = None  # e.g. "conv2:0"
    selected_cell: tuple[int, int] | None = None
    receptive_field: int | None = None  # input pixels the selected cell can see (side of the square)
    gallery_seen: int = 0
    gallery_correct: int = 0
    wants_unit: str | None = None  # the unit whose "what it wants to see" the learner opened (w), e.g. "layer2:0"
    # train
    train_step: int = 0
    accuracy: float | None = None
    loss: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- what leaving would lose


def work_in_words(made: set[str]) -> str | None:
    """What a learner made by hand on a screen ("drawing", "kernel", ...), in words; None if nothing."""
    words = {"drawing": "your drawing", "kernel": "your kernel edits", "bias": "your bias", "weights": "your weight edits", "training": "the weights trained so far"}
    parts = [words[w] for w in ("drawing", "kernel", "bias", "weights", "training") if w in made]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# ---------------------------------------------------------------- the network's maps
# A map id is "input", or a layer and a channel: "conv1:2" (layer 1 after ReLU), "pool:1" (the
# pooled layer-1 map), "conv2:0" (layer 2 after ReLU), as lesson files write them.
LAYERS = ("input", "conv1", "pool", "conv2")
# The engine's name for the array each layer shows (after ReLU), and for receptive_field().
ENGINE_LAYER = {"conv1": "relu1", "pool": "pool1", "conv2": "relu2"}


def split_map_id(map_id: str) -> tuple[str, int]:
    """("conv1:2" →) ("conv1", 2); ValueError naming the known maps otherwise."""
    layer, _, channel = str(map_id).strip().partition(":")
    try:
        index = int(channel or 0)
    except ValueError:
        index = -1
    if layer not in LAYERS or index < 0:
        raise ValueError(f"no map called {map_id!r}; maps are input, conv1:K, pool:K, conv2:K")
    return layer, index



# ---------------------------------------------------------------- reading a scene's grids
# Screens and the lesson checker both turn ``Scene.input``/``Scene.kernel`` into arrays here, so
# a lesson shows exactly the grid its validation saw. Lesson files arrive with paths made
# absolute by the loader.


def _inline_grid(value: list, what: str) -> np.ndarray:
    """An inline grid: rows of numbers, rows of shape-file text ("..##.."), or channels of those."""
    from tuiconv.engine.shapes import parse_shape
    from tuiconv.errors import InputError

    if value and all(isinstance(row, str) for row in value):
        try:
            return parse_shape("\n".join(value), what)
        except InputError as error:
            raise ValueError(f"{what}: {error.message}") from None
    if value and all(isinstance(row, list) and row and all(isinstance(r, (list, str)) for r in row) for row in value):
        channels = [_inline_grid(channel, what) for channel in value]
        if len({c.shape for c in channels}) > 1:
            shapes = ", ".join(f"{c.shape[0]}×{c.shape[1]}" for c in channels)
            raise ValueError(f"{what}: every channel must be the same size, not {shapes}")
        return np.stack(channels)
    rows = [list(row) if isinstance(row, list) else None for row in value]
    if not rows or any(row is None or not row for row in rows):
        raise ValueError(f"{what} must be a list of rows (lists of numbers, or text like \"..##..\")")
    for number, row in enumerate(rows, start=1):
        for cell in row:
            if isinstance(cell, bool) or not isinstance(cell, (int, float)):
                raise ValueError(f"{what}: row {number} holds {cell!r}, not a number")
        if len(row) != len(rows[0]):
            raise ValueError(f"{what}: row {number} has {len(row)} cells but row 1 has {len(rows[0])}")
    return np.array(rows, dtype=np.float64)


def input_grid(scene: Scene) -> tuple[str, np.ndarray] | None:
    """(name to show, (C, H, W) array) of the scene's input, or None when it leaves the default.

    A shape (name or file) under a kernel that reads several channels (a layer-2 kernel) is
    read as layer 2 of the network reads it: the shape's four pooled edge maps, so a lesson
    can say ``input = "triangle"`` with ``kernel = "diamond"``. ValueError/InputError saying
    what is wrong when it names no shape, file or valid grid.
    """
    from tuiconv.engine import shapes
    from tuiconv.explore.network_filter import names_network_filter

    value = scene.input
    if value is None:
        return None
    if names_network_filter(scene.kernel):
        return _network_input(scene)
    if isinstance(value, str):
        if shapes.names_a_file(value):
            name, image = Path(value).name, shapes.load_shape(value)
        else:
            shapes.split_kind(value)  # raises ValueError naming the known shapes
            name, image = value.lower(), shapes.make_shape(value, scene.size or 16, scene.seed or 0)
        if _kernel_channels(scene) > 1:
            from tuiconv.engine import network

            return f"{name} → edge maps", network.edge_maps(image)
        return name, image[None]
    grid = _inline_grid(value, "input")
    return "drawn", grid if grid.ndim == 3 else grid[None]


def _network_input(scene: Scene) -> tuple[str, np.ndarray]:
    """What a network filter (``kernel = "layer2:1"``) reads of the scene's shape: its layer's input."""
    from tuiconv.engine import shapes
    from tuiconv.explore.network_filter import parse_network_filter

    if not isinstance(scene.input, str):
        raise ValueError(f"kernel {scene.kernel} reads a shape (a name or a file) as the network does, not an inline grid")
    found = _found_network_filter(scene, parse_network_filter)
    name, shape = shapes.resolve_input(scene.input, scene.size or (16 if found.layer == 2 else 8), scene.seed or 0)
    return name, found.input_for(shape)[0]


def _found_network_filter(scene: Scene, parse):
    from tuiconv.errors import InputError

    try:
        return parse(str(scene.kernel), scene.weights)
    except InputError as error:
        raise ValueError(f"weights file {error}") from None


def _kernel_channels(scene: Scene) -> int:
    try:
        found = kernel_grid(scene)
    except ValueError:
        return 1
    return 1 if found is None else found[1].shape[0]


def kernel_grid(scene: Scene) -> tuple[str | None, np.ndarray] | None:
    """(library name or None, (C, F, F) array) of the scene's kernel, or None for the default."""
    from tuiconv.engine import kernels
    from tuiconv.explore.network_filter import names_network_filter, parse_network_filter

    value = scene.kernel
    if value is None:
        return None
    if names_network_filter(value):
        found = _found_network_filter(scene, parse_network_filter)
        return found.name, found.kernel
    if isinstance(value, str):
        grid = kernels.kernel(value)
        return value.lower(), grid if grid.ndim == 3 else grid[None]
    grid = _inline_grid(value, "kernel")
    grid = grid if grid.ndim == 3 else grid[None]
    if grid.shape[1] != grid.shape[2]:
        raise ValueError(f"kernel must be square, not {grid.shape[1]}×{grid.shape[2]}")
    return None, grid
