"""What the "what a unit wants to see" screen shows, as plain data: one unit's preferred input
and the 9 pieces of real shapes that excite it most.

No Textual here. ``w`` on the network screen calls ``open_for(session)``: it names the unit behind
the selected map (a layer-1 or pooled map → that layer-1 filter, a layer-2 map → that layer-2
filter), records it on the network session (lessons check that it was opened) and returns a
``WantsSession``. Its ``compute()`` takes tens of milliseconds, so the screen runs it in a
worker thread and draws "computing…" until the ``WantsResult`` arrives. Every number comes
from ``tuiconv.engine.wants``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tuiconv.engine.network import Network
from tuiconv.engine.shapes import MIN_SIZE
from tuiconv.engine.wants import Patch, parse_unit, preferred_input, top_patches

# The largest preferred input the screen draws whole at 80×24 (as the network screen's input).
MAX_SIZE = 32
SEED = 0  # as `tuiconv wants`: the same unit gives the same picture on the screen and the CLI
LAYER_WORDS = {"layer1": "layer 1", "layer2": "layer 2"}
NOT_A_UNIT = "w shows what a unit wants to see: tab to a layer-1, pooled or layer-2 map first"
# Its patches are the unit's receptive field, and the line below them says where it lies.
FIELD_HIDDEN = "w shows the unit's receptive field, which this question hides: answer it first"


def unit_for_map(layer: str, channel: int) -> str:
    """The unit behind a network map: ``conv1:k`` and ``pool:k`` → ``layer1:k`` (pooling only
    passes the filter's values on), ``conv2:j`` → ``layer2:j``; ValueError (one line) for the input."""
    if layer in ("conv1", "pool"):
        return f"layer1:{channel}"
    if layer == "conv2":
        return f"layer2:{channel}"
    raise ValueError(NOT_A_UNIT)


def grid_size(shape: tuple[int, ...]) -> int:
    """The side of the preferred input: the network's input side (the longer one, for a file
    that is not square), kept between the smallest generated shape and what the screen draws."""
    return min(max(int(max(shape[-2:])), MIN_SIZE), MAX_SIZE)


@dataclass(frozen=True)
class WantsResult:
    """What the screen draws once the work is done."""

    unit: str  # "layer2:0"
    preferred: np.ndarray  # (size, size), every cell in [0, 1]
    response: float  # the unit's response to ``preferred``
    start: float  # its response to the noise the ascent started from
    patches: tuple[Patch, ...]  # strongest first: kind, number, cell, response, box, patch

    @property
    def best_patch(self) -> float | None:
        return self.patches[0].response if self.patches else None


class WantsSession:
    """One unit of one network: what it is called, and (after ``compute``) what it wants."""

    def __init__(self, net: Network, unit: str, size: int = 16, label: str = "", seed: int = SEED):
        self.net = net.copy()  # the worker thread reads its own copy while the learner edits weights
        self.unit = parse_unit(unit, self.net)
        self.size = grid_size((size, size))
        self.label = label
        self.seed = seed
        self.result: WantsResult | None = None

    @property
    def title(self) -> str:
        """``what layer 2's rectangle unit (layer2:0) wants to see``."""
        layer = LAYER_WORDS.get(self.unit.layer, "the")
        name = f"{self.label} unit" if self.label else "unit"
        return f"what {layer}'s {name} ({self.unit.name}) wants to see"

    def compute(self) -> WantsResult:
        """Activation maximisation from seeded noise, then the search over generated shapes
        (the slow part of the screen: run it off the UI thread)."""
        preference = preferred_input(self.net, self.unit, size=self.size, seed=self.seed)
        patches = top_patches(self.net, self.unit, size=self.size, seed=self.seed)
        self.result = WantsResult(
            unit=self.unit.name,
            preferred=preference.image,
            response=preference.response,
            start=preference.history[0],
            patches=tuple(patches),
        )
        return self.result


def open_for(session) -> WantsSession:
    """What ``w`` does on the network screen (and what a lesson's ``wants = true`` plays): the
    selected map's unit, recorded as ``session.wants_unit``; ValueError on the input map, and
    while a lesson's question conceals the receptive field (the patches would show its size)."""
    layer, channel = session.layer, session.channel
    if "receptive-field" in session.concealed:
        raise ValueError(FIELD_HIDDEN)
    unit = unit_for_map(layer, channel)
    wants = WantsSession(session.net, unit, grid_size(session.image.shape), label=session.name(layer, channel))
    session.wants_unit = wants.unit.name
    return wants
