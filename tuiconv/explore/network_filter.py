"""One filter of a network (hand-designed or trained), as the stepper steps it.

``--filter layer2:J`` (with ``--weights FILE``, or the hand-designed net without) is the J-th
layer-2 filter: its input is what layer 2 really reads, the K1 pooled layer-1 maps of the shape
(``engine.network.forward(net, shape).pool1``), its kernel ``w2[J]`` (K1×3×3), its bias
``b2[J]``, with the network's padding and ReLU. ``layer1:I`` is the I-th layer-1 filter over the
shape itself. Filters count from 0, as the network screen's map names do (``conv2:0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tuiconv.clean_text import escape, shown_name
from tuiconv.engine import network as engine

PREFIXES = ("layer1:", "layer2:")


def names_network_filter(spec: object) -> bool:
    """True for "layer1:…"/"layer2:…" (or "layer3:…", refused by name): a network's filter, not a library kernel."""
    return isinstance(spec, str) and spec.strip().lower().startswith("layer") and ":" in spec


def network_padding(spec: object) -> int:
    """The zeros the network pads the named filter's input with (0 for a library kernel)."""
    if not names_network_filter(spec):
        return 0
    return engine.CONV1_PADDING if str(spec).strip().lower().startswith("layer1:") else engine.CONV2_PADDING


@dataclass(frozen=True)
class NetworkFilter:
    """Filter ``index`` of layer ``layer`` (1 or 2) of ``net``; ``source`` names the net."""

    net: engine.Network
    layer: int
    index: int
    source: str  # a weights file's (escaped) name, or "the hand-designed net"

    @property
    def name(self) -> str:
        """"layer2:3", as the learner typed it (and lessons' checks read it as kernel_name)."""
        return f"layer{self.layer}:{self.index}"

    @property
    def kernel(self) -> np.ndarray:
        """(C, 3, 3): w1[I] (one channel) or w2[J] (one slice per layer-1 map)."""
        weights = self.net.w1 if self.layer == 1 else self.net.w2
        return weights[self.index].copy()

    @property
    def bias(self) -> float:
        return float((self.net.b1 if self.layer == 1 else self.net.b2)[self.index])

    @property
    def padding(self) -> int:
        return network_padding(self.name)

    def names(self) -> list[str]:
        """Every filter of this net, "layer1:0" … "layer2:K2−1": what the kernel picker offers."""
        return [f"layer1:{i}" for i in range(self.net.filters1)] + [f"layer2:{j}" for j in range(self.net.filters2)]

    def other(self, spec: str) -> "NetworkFilter":
        """Another filter of the same net ("layer2:3"); ValueError (one line) if it has none such."""
        return _filter_of(self.net, spec, self.source)

    def input_for(self, shape: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """(input (C, H, W), channel names) this filter reads when the network sees ``shape``.

        Layer 2's channels are named as the network screen names its maps: the edge kernel of a
        hand-designed filter, or "≈" and the detector a trained filter most resembles.
        """
        if self.layer == 1:
            return np.array(shape, dtype=np.float64)[None], [""]
        from tuiconv.explore.network import layer1_labels

        return engine.forward(self.net, shape).pool1, layer1_labels(self.net)


def parse_network_filter(spec: str, weights: str | Path | None) -> NetworkFilter:
    """The filter "layer1:I"/"layer2:J" names in the net ``weights`` holds (None: hand-designed).

    ValueError/InputError, one line, when the file is missing or damaged or the index is not
    one of the net's filters.
    """
    net = engine.Network.hand_designed() if weights is None else engine.Network.load(weights)
    return _filter_of(net, spec, "the hand-designed net" if weights is None else escape(Path(weights).name))


def _filter_of(net: engine.Network, spec: str, source: str) -> NetworkFilter:
    text = spec.strip().lower()
    if not text.startswith(PREFIXES):
        raise ValueError(f"filter {shown_name(repr(spec), 24)}: the network has two conv layers, so layer1:I or layer2:J")
    layer = 1 if text.startswith("layer1:") else 2
    index_text = text.partition(":")[2]
    count = net.filters1 if layer == 1 else net.filters2
    letter = "I" if layer == 1 else "J"
    if not (index_text.isascii() and index_text.isdigit()) or len(index_text) > 3 or int(index_text) >= count:
        raise ValueError(
            f"filter {shown_name(repr(spec), 24)}: {source} has {count} layer-{layer} filter{'s' if count > 1 else ''}, "
            f"{_indices(layer, count)} ({letter} counts from 0)"
        )
    return NetworkFilter(net, layer, int(index_text), source)


def _indices(layer: int, count: int) -> str:
    return f"only layer{layer}:0" if count == 1 else f"layer{layer}:0 to layer{layer}:{count - 1}"
