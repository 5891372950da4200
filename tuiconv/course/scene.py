"""The contract between lessons and screens: what a step sets up, and what a screen reports back.

A lesson step describes a ``Scene`` (plain data, no code); the app configures the same explorer
view a free learner uses from it (``view.apply_scene(scene)``), and after every change the view
hands the course a ``ViewState`` (``view.state()``), against which the step's check is evaluated.
Neither side imports the other: this module is the whole of what they share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

ScreenName = Literal["stepper", "network", "train"]


@dataclass
class Scene:
    """What a lesson step sets up. ``None`` means "leave as the screen's default"."""

    screen: ScreenName = "stepper"
    # A shape name from the engine's library ("rectangle", "diamond", ...), a file path
    # (relative to the lesson file), or an inline grid (list of rows, or list of channels).
    input: str | list | None = None
    size: int | None = None  # grid size for generated shapes
    seed: int | None = None
    # A named kernel ("vertical", "sobel-x", ...) or an inline grid (F×F, or C×F×F).
    kernel: str | list | None = None
    bias: float | None = None
    padding: int | str | None = None
    stride: int | None = None
    dilation: int | None = None
    relu: bool | None = None
    pool: str | None = None  # "max" or "avg", or None for no pooling
    pool_size: int | None = None
    pool_stride: int | None = None
    position: tuple[int, int] | None = None  # output cell the filter starts at
    weights: str | None = None  # network: an .npz of learned weights
    select: str | None = None  # network: a map to select, e.g. "conv2:0", "conv1:2", "pool:1"
    lr: float | None = None  # train
    steps: int | None = None  # train
    extra: dict[str, Any] = field(default_factory=dict)


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
    # train
    train_step: int = 0
    accuracy: float | None = None
    loss: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
