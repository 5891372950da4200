"""What the network screen shows, as plain data: the network, its input, every layer, the selection.

No Textual here: the screen draws a ``NetworkSession`` and turns keys into calls on it, and the
tests drive it directly. Every number comes from ``tuiconv.engine``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tuiconv.clean_text import escape
from tuiconv.engine import network as engine
from tuiconv.engine import learned, shapes
from tuiconv.engine.kernels import EDGE_KERNELS
from tuiconv.engine.ops import ConvStep, conv_step
from tuiconv.explore import overview as overviews
from tuiconv.explore.overview import Overview
from tuiconv.explore.scene import ENGINE_LAYER, Scene, ViewState, input_grid, split_map_id, work_in_words

DRAWN = "drawn"
# The step a weight edit adds or takes away; layer-2 hand weights are ±1.
WEIGHT_STEP = 0.5
# Layer-1 (and pooled) maps shown at once: a 2×2 block per column, as the hand-designed net has.
LAYER1_PAGE = 4
# Slices of one layer-2 filter the unit inspector shows at once (one 4-row block each).
SLICE_PAGE = 4
# A unit of a loaded net is named after a kind only when that kind's dense weight on it is at
# least this many times every other kind's (in size): its maximum then counts for that kind alone.
CLEAR_KIND = 2.0


@dataclass
class Gallery:
    """Generated shapes shown one after another, with a running count of right verdicts."""

    seed: int
    size: int
    seen: int = 0
    correct: int = 0
    truth: str | None = None  # the class of the shape on screen

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.seen if self.seen else None


def layer1_labels(net: engine.Network) -> list[str]:
    """What each layer-1 map is called: its edge kernel's name for the hand-designed filters, or
    for learned ones "≈" and the named detector it most resembles ("?" when only weakly)."""
    if np.array_equal(net.w1, engine.Network.hand_designed().w1):
        return list(EDGE_KERNELS)
    return [
        f"≈{match.label}" + ("?" if abs(match.similarity) < learned.WEAK_MATCH else "")
        for match in learned.layer1_matches(net)
    ]


def is_hand_designed(net: engine.Network) -> bool:
    """The hand-designed net's layers 1 and 2 (its units are the rectangle and diamond detectors)."""
    hand = engine.Network.hand_designed()
    return net.kinds == hand.kinds and all(
        getattr(net, name).shape == getattr(hand, name).shape and np.array_equal(getattr(net, name), getattr(hand, name))
        for name in ("w1", "b1", "w2", "w3")
    )


def layer2_kinds(net: engine.Network, loaded: bool) -> list[str | None]:
    """The kind each layer-2 unit is named after, or None ("unit J").

    The hand-designed net's units are its kinds' detectors. A net loaded from a file (trained)
    names unit J after kind I only when I's score leans on J most (w3[I, J] is the largest
    weight of row I, and positive) and J's maximum counts for I clearly more than for any other
    kind (w3[I, J] ≥ CLEAR_KIND × |w3[K, J]| for every other K). Random weights made on the
    spot (--filters) are never named: nothing has made their units detectors yet.
    """
    k2 = net.filters2
    if is_hand_designed(net):
        return list(net.kinds)
    names: list[str | None] = [None] * k2
    if not loaded:
        return names
    for i, kind in enumerate(net.kinds):
        j = int(np.argmax(net.w3[i]))
        weight = float(net.w3[i, j])
        others = np.abs(np.delete(net.w3[:, j], i))
        if weight > 0 and np.all(weight >= CLEAR_KIND * others) and names[j] is None:
            names[j] = kind
    return names


class NetworkSession:
    """The network, its input and the learner's selection; recomputes the forward pass on change."""

    def __init__(
        self,
        net: engine.Network,
        image: np.ndarray,
        input_name: str,
        *,
        size: int = 16,
        seed: int = 0,
        weights_name: str | None = None,
    ):
        self.original = net.copy()
        self.net = net.copy()
        self.weights_name = weights_name
        self.size = size
        self.seed = seed
        self.input_name = input_name
        self.image = engine.as_image(image)
        self.layer1_names = layer1_labels(net)
        self.unit_kinds = layer2_kinds(net, weights_name is not None)
        self._hand = is_hand_designed(net)
        self.selected = "input"
        self.cell = (0, 0)
        self.unit = 0  # the layer-2 unit the inspector shows: the last layer-2 map selected
        # Paging: the first layer-1 (and pooled) map on screen, the first layer-2 map, and the
        # first slice of the inspected unit; how many layer-2 maps fit is the view's to say.
        self.first1 = 0
        self.first2 = 0
        self.first_slice = 0
        self.page2 = 2
        self.gallery: Gallery | None = None
        self.inspecting = False  # looking inside the unit (its slices and their sums)
        # What a lesson's question keeps covered until it is answered (Scene.conceal).
        self.concealed: frozenset[str] = frozenset()
        # The unit whose "what it wants to see" screen the learner opened last (explore/wants.py).
        self.wants_unit: str | None = None
        # How the overview maps are drawn: pixel for pixel, or one cell per block (fit_overview).
        self.overview = Overview()
        self._recompute()
        self.select_winner()

    # ---- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, spec: str = "rectangle", *, weights: str | None = None, size: int = 16, seed: int = 0):
        """Resolve ``--input`` and ``--weights``; raises InputError (one line) when either is bad."""
        net = engine.Network.hand_designed() if weights is None else engine.Network.load(weights)
        name, image = shapes.resolve_input(spec, size, seed)
        return cls(net, image, name, size=size, seed=seed, weights_name=weights and escape(Path(weights).name))

    def use_weights(self, net: engine.Network, name: str | None) -> None:
        """Show another network (e.g. learned weights from a file) the same way."""
        self.original = net.copy()
        self.weights_name = None if name is None else escape(name)
        self.layer1_names = layer1_labels(net)
        self.unit_kinds = layer2_kinds(net, name is not None)
        self._hand = is_hand_designed(net)
        self.first1 = self.first2 = self.first_slice = 0
        self.reset_weights()
        self.select(self.selected if self.selected in self.maps else "input", self.cell)

    def name(self, layer: str, k: int) -> str:
        """What the learner reads above a map: the kernel (or detector) behind it."""
        if layer == "input":
            return "input"
        if layer == "conv2":
            kind = self.unit_kinds[k] if k < len(self.unit_kinds) else None
            return kind or f"unit {k}"
        return self.layer1_names[k] if k < len(self.layer1_names) else f"channel {k}"

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.net.kinds

    @property
    def hand_designed(self) -> bool:
        """The net on screen started as the hand-designed one (edits keep its names)."""
        return self._hand

    def parameter_counts(self) -> list[engine.LayerSize]:
        """F·F·D·K + K for each layer (conv1, conv2, dense) of the net on screen."""
        return engine.parameter_counts(self.net)

    def parameter_lines(self, compact: bool = False) -> list[str]:
        """"layer 1: 3·3·1·4 + 4 = 40", one per layer, then the total; compact:
        "conv1 3·3·1·4+4=40"."""
        rows = self.parameter_counts()
        total = f"total {sum(row.total for row in rows)} parameters"
        if compact:
            return [f"{row.layer} {row.formula.replace(' ', '')}" for row in rows] + [total]
        names = {"conv1": "layer 1", "conv2": "layer 2", "dense": "dense"}
        return [f"{names[row.layer]}: {row.formula}" for row in rows] + [total]

    # ---- paging: which maps the screen's fixed slots show ------------------------------------
    @property
    def filters1(self) -> int:
        return self.net.filters1

    @property
    def filters2(self) -> int:
        return self.net.filters2

    def page(self, layer: str) -> range:
        """The channels of ``layer`` on screen now ("conv1" and "pool" share one page)."""
        if layer in ("conv1", "pool"):
            return range(self.first1, min(self.first1 + LAYER1_PAGE, self.filters1))
        if layer == "conv2":
            return range(self.first2, min(self.first2 + self.page2, self.filters2))
        if layer == "slices":
            return range(self.first_slice, min(self.first_slice + SLICE_PAGE, self.filters1))
        raise ValueError(f"no page for {layer!r}")

    def page_maps(self) -> list[str]:
        """Every map on screen now, in tab order."""
        return ["input"] + [f"{layer}:{k}" for layer in ("conv1", "pool", "conv2") for k in self.page(layer)]

    def set_page2(self, size: int) -> None:
        """How many layer-2 maps the screen shows at once; the page keeps the selected unit."""
        self.page2 = max(1, min(int(size), self.filters2))
        self._follow(self.unit if self.layer != "conv2" else self.channel, "conv2")

    def _follow(self, channel: int, layer: str) -> None:
        """Turn ``layer``'s page so that ``channel`` is on it (pages start at multiples of their size)."""
        if layer in ("conv1", "pool"):
            self.first1 = channel - channel % LAYER1_PAGE
        elif layer == "conv2":
            self.first2 = channel - channel % self.page2
        elif layer == "slices":
            self.first_slice = channel - channel % SLICE_PAGE

    def show_slice(self, channel: int) -> None:
        """Turn the inspector's page to ``channel``'s slice."""
        self._follow(channel, "slices")

    def turn_page(self, step: int) -> str:
        """The next (``step`` 1) or previous (−1) page of the selected map's column, or of the
        inspected unit's slices; the selection moves to the same place on the new page. Returns
        what is on screen now, in words."""
        if self.inspecting:
            count = self.filters1
            pages = -(-count // SLICE_PAGE)
            here = self.first_slice // SLICE_PAGE
            self.first_slice = ((here + step) % pages) * SLICE_PAGE
            shown = self.page("slices")
            return f"slices {shown.start}–{shown.stop - 1} of {count}"
        layer = self.layer
        if layer == "input":
            raise ValueError("[ and ] turn a column's page: tab to a layer-1, pooled or layer-2 map first")
        size = LAYER1_PAGE if layer in ("conv1", "pool") else self.page2
        count = self.filters1 if layer in ("conv1", "pool") else self.filters2
        pages = -(-count // size)
        if pages == 1:
            raise ValueError(f"all {count} {'layer-1' if size == LAYER1_PAGE else 'layer-2'} maps are on screen already")
        offset = self.channel % size
        page = ((self.channel // size) + step) % pages
        channel = min(page * size + offset, count - 1)
        self.select(f"{layer}:{channel}", self.cell)
        shown = self.page(layer)
        return f"{'layer 1' if size == LAYER1_PAGE else 'layer 2'}: maps {shown.start}–{shown.stop - 1} of {count}"

    def unit_ranking(self, count: int = 3) -> list[tuple[int, float]]:
        """The inspected unit's ``count`` biggest contributions (window × slice sums) at the
        selected place, biggest in size first: (channel, contribution)."""
        sums = self.unit_step().channel_sums
        order = sorted(range(len(sums)), key=lambda c: (-abs(float(sums[c])), c))
        return [(c, float(sums[c])) for c in order[:count]]

    def unit_feeds(self, unit: int) -> tuple[str, float]:
        """The kind whose score this unit's maximum counts for most, and the dense weight."""
        column = self.net.w3[:, unit]
        i = int(np.argmax(column))
        return self.kinds[i], float(column[i])

    # ---- the lesson contract ---------------------------------------------------------------
    @classmethod
    def from_scene(cls, scene: Scene) -> "NetworkSession":
        """The network screen as a lesson step sets it up (None fields: the screen's defaults)."""
        session = cls(engine.Network.hand_designed(), shapes.make_shape("rectangle", 16, 0), "rectangle")
        session.apply_scene(scene)
        return session

    def apply_scene(self, scene: Scene) -> None:
        """Set up what a lesson step asks for; raises InputError/ValueError when it cannot."""
        if scene.size is not None:
            self.size = scene.size
        if scene.seed is not None:
            self.seed = scene.seed
        if scene.weights is not None:
            self.use_weights(engine.Network.load(scene.weights), str(scene.weights).rsplit("/", 1)[-1])
        elif self.weights_name is not None or self.weights_edited:
            self.use_weights(engine.Network.hand_designed(), None)  # a step starts from the default
        found = input_grid(scene)  # the same reading of names, files and inline grids as the checks
        if found is not None:
            name, grid = found
            if grid.shape[0] != 1:
                raise ValueError(f"the network reads one grid, not {grid.shape[0]} channels")
            self.set_input(grid[0], name)
        self.stop_gallery()
        if scene.select is not None:
            self.select(scene.select, tuple(scene.position) if scene.position else None)
        elif scene.position is not None:
            self.select(self.selected, tuple(scene.position))
        self.inspecting = False
        self.wants_unit = None
        self.concealed = frozenset(scene.conceal)
        if "verdict" in self.concealed and scene.select is None and self.layer == "conv2":
            self.select("input")  # the winning detector, selected, would name the verdict

    def what_would_be_lost(self) -> str | None:
        """The learner's own work here, in words, or None: a drawn input, edited weights."""
        made = {"drawing"} if self.input_name == DRAWN else set()
        if self.weights_edited:
            made.add("weights")
        return work_in_words(made)

    def reveal(self) -> bool:
        """Lift every concealment; True if something was concealed."""
        was, self.concealed = bool(self.concealed), frozenset()
        return was

    def state(self) -> ViewState:
        """What a lesson's check reads (nothing concealed: the view draws "?" for that)."""
        field = self.receptive_field()
        g = self.gallery
        return ViewState(
            screen="network",
            input=self.image.copy(),
            input_name=self.input_name,
            scores=self.scores,
            verdict=self.verdict,
            selected_map=self.selected,
            selected_cell=self.cell,
            receptive_field=field.size,
            gallery_seen=g.seen if g else 0,
            gallery_correct=g.correct if g else 0,
            accuracy=g.accuracy if g else None,
            wants_unit=self.wants_unit,
            extra={
                "maxima": tuple(float(v) for v in self.forward.maxima),
                "logits": self.logits,
                "pages": {"conv1": tuple(self.page("conv1")), "conv2": tuple(self.page("conv2")), "slices": tuple(self.page("slices"))},
                "receptive_pixels": field.height * field.width,
                "receptive_box": tuple(field),
                "weights_edited": self.weights_edited,
                "w2": self.net.w2.copy(),
                "inspecting": self.inspecting,
            },
        )

    # ---- the forward pass ------------------------------------------------------------------
    def _recompute(self) -> None:
        self.forward = engine.forward(self.net, self.image)

    @property
    def scores(self) -> tuple[float, ...]:
        """Softmax of the logits: each kind's probability, in the order of ``kinds``."""
        return tuple(float(v) for v in self.forward.scores)

    @property
    def logits(self) -> tuple[float, ...]:
        """The raw scores, w3 · maxima + b3, before softmax."""
        return tuple(float(v) for v in self.forward.logits)

    @property
    def scores_read_one_unit(self) -> bool:
        """Each kind's score is one unit's maximum times a weight (w3 diagonal, b3 zero), as in
        the hand-designed net: then the score line can show the maximum behind each score."""
        w3 = self.net.w3
        return w3.shape[0] == w3.shape[1] and np.array_equal(w3, np.diag(np.diag(w3))) and not np.any(self.net.b3)

    @property
    def verdict(self) -> str:
        return self.forward.verdict

    @property
    def tied(self) -> bool:
        """Every kind's score is the same (a blank input): the verdict is argmax's first kind."""
        logits = self.forward.logits
        return bool(np.all(logits == logits[0]))

    def zoom_window(self, size: int) -> tuple[int, int, int, int]:
        """(top, left, bottom, right), exclusive ends: up to ``size``×``size`` cells of the selected
        map around the cursor, kept inside the map."""
        h, w = self.values(self.selected).shape
        i, j = self.cell
        top = min(max(i - size // 2, 0), max(h - size, 0))
        left = min(max(j - size // 2, 0), max(w - size, 0))
        return top, left, min(top + size, h), min(left + size, w)

    @property
    def maps(self) -> list[str]:
        """Every map in the order tab visits them: input, layer 1, pooled, layer 2."""
        k1, k2 = self.forward.relu1.shape[0], self.forward.relu2.shape[0]
        return (
            ["input"]
            + [f"conv1:{k}" for k in range(k1)]
            + [f"pool:{k}" for k in range(k1)]
            + [f"conv2:{k}" for k in range(k2)]
        )

    def values(self, map_id: str) -> np.ndarray:
        """The (H, W) values of a map as the engine computed them (layer maps after ReLU)."""
        layer, k = split_map_id(map_id)
        if layer == "input":
            return self.forward.input[0]
        return self.forward.layer(ENGINE_LAYER[layer])[k]

    # ---- the overview: what each drawn cell shows ------------------------------------------
    def fit_overview(self, columns: int, rows: int) -> Overview:
        """Choose how finely the overview maps are drawn for a map stack of ``columns``×``rows``."""
        self.overview = overviews.fit(self.image.shape[-2:], self.forward.pool1.shape[-2:], columns, rows)
        return self.overview

    def stack_size(self, overview: Overview | None = None) -> tuple[int, int]:
        """(columns, rows) the overview maps take (the current overview by default)."""
        return overviews.stack_size(self.image.shape[-2:], self.forward.pool1.shape[-2:], overview or self.overview)

    def shown(self, map_id: str) -> np.ndarray:
        """What the overview draws of a map: its values, or each block's maximum."""
        return overviews.block_max(self.values(map_id), self.overview.factor(split_map_id(map_id)[0]))

    def shown_cursor(self) -> tuple[int, int]:
        """The overview cell of the selected map that holds the selected cell."""
        return overviews.shown_cell(self.cell, self.overview.factor(self.layer))

    def shown_reads(self) -> dict[str, frozenset[tuple[int, int]]]:
        """``cells_read`` in overview cells."""
        return {layer: overviews.shown_cells(cells, self.overview.factor(layer)) for layer, cells in self.cells_read().items()}

    # ---- selection -------------------------------------------------------------------------
    def select(self, map_id: str, cell: tuple[int, int] | None = None) -> None:
        """Select a map; the cursor keeps its place in the picture unless ``cell`` is given."""
        split_map_id(map_id)
        if map_id not in self.maps:
            raise ValueError(f"no map called {map_id!r}; maps: {', '.join(self.maps)}")
        old_h, old_w = self.values(self.selected).shape
        new_h, new_w = self.values(map_id).shape
        if cell is None:
            i, j = self.cell
            cell = (i * new_h // old_h, j * new_w // old_w)
        self.selected = map_id
        self.cell = (min(max(cell[0], 0), new_h - 1), min(max(cell[1], 0), new_w - 1))
        if self.layer != "input":
            self._follow(self.channel, self.layer)  # the page follows the selection
        if self.layer == "conv2":
            if self.unit != self.channel:
                self.first_slice = 0
            self.unit = self.channel

    def winning_unit(self) -> int:
        """The layer-2 unit that adds most to the winning kind's score: w3[winner, J] × max J
        (for the hand-designed net, the winner's own detector)."""
        winner = self.kinds.index(self.verdict)
        adds = self.net.w3[winner] * self.forward.maxima
        return int(np.argmax(adds))

    def select_winner(self) -> None:
        """Select the answer to "why this verdict?": the strongest cell of the unit that adds
        most to the winner's score."""
        unit = self.winning_unit()
        self.select(f"conv2:{unit}", tuple(int(v) for v in self.forward.maxima_at[unit]))

    def cycle_map(self, step: int) -> None:
        maps = self.maps
        self.select(maps[(maps.index(self.selected) + step) % len(maps)])

    def move(self, di: int, dj: int) -> None:
        h, w = self.values(self.selected).shape
        i, j = self.cell
        self.cell = (min(max(i + di, 0), h - 1), min(max(j + dj, 0), w - 1))

    @property
    def layer(self) -> str:
        return split_map_id(self.selected)[0]

    @property
    def channel(self) -> int:
        return split_map_id(self.selected)[1]

    @property
    def cell_value(self) -> float:
        return float(self.values(self.selected)[self.cell])

    def receptive_field(self) -> engine.ReceptiveField:
        """The input box (top, left, bottom, right, inclusive) the selected cell can see."""
        shape = self.image.shape[-2:]
        if self.layer == "input":
            i, j = self.cell
            return engine.ReceptiveField((i, j, i, j), (i, j, i, j), 1)
        return engine.receptive_field(ENGINE_LAYER[self.layer], *self.cell, shape)

    def cells_read(self) -> dict[str, frozenset[tuple[int, int]]]:
        """For each layer below the selected cell, the cells it reads (directly or not): the
        input's receptive field, a layer-2 cell's 3×3 window on the pooled maps (from
        ``conv_step``), and the 2×2 pool blocks of the edge maps behind those."""
        top, left, bottom, right = self.receptive_field()
        reads = {}
        if self.layer != "input":
            reads["input"] = frozenset((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1))
        pooled = None
        if self.layer == "conv2":
            step = self.unit_step(self.channel, self.cell)
            h, w = self.forward.pool1.shape[1:]
            pooled = {(int(r), int(c)) for r in step.rows for c in step.cols if 0 <= r < h and 0 <= c < w}
            reads["pool"] = frozenset(pooled)
        elif self.layer == "pool":
            pooled = {self.cell}
        if pooled is not None:
            size = engine.POOL_SIZE
            reads["conv1"] = frozenset(
                (size * r + a, size * c + b) for r, c in pooled for a in range(size) for b in range(size)
            )
        return reads

    # ---- inside a layer-2 unit -------------------------------------------------------------
    def unit_cell(self) -> tuple[int, int]:
        """The layer-2 cell at the selected place in the picture (layer-2 maps are pool-sized)."""
        h, w = self.forward.relu2.shape[1:]
        i, j = self.cell
        if self.layer in ("input", "conv1"):
            i, j = i // engine.POOL_SIZE, j // engine.POOL_SIZE
        return min(i, h - 1), min(j, w - 1)

    def unit_step(self, unit: int | None = None, cell: tuple[int, int] | None = None) -> ConvStep:
        """Layer-2 ``unit`` at ``cell``: each pooled channel's 3×3 window × its filter slice.

        By default the unit last selected, at the selected place in the picture.
        """
        unit = self.unit if unit is None else unit
        cell = self.unit_cell() if cell is None else cell
        return conv_step(
            self.forward.pool1,
            self.net.w2[unit],
            self.net.b2[unit],
            cell[0],
            cell[1],
            padding=engine.CONV2_PADDING,
        )

    def conv1_step(self) -> ConvStep:
        """Layer-1 channel at the selected conv1 cell: the input window × the edge kernel."""
        k = self.channel
        return conv_step(self.forward.input, self.net.w1[k], self.net.b1[k], *self.cell, padding=engine.CONV1_PADDING)

    # ---- changing things -------------------------------------------------------------------
    def set_input(self, image: np.ndarray, name: str) -> None:
        self.image = engine.as_image(image)
        self.input_name = name
        self._recompute()
        if self.layer == "conv2":  # a learner watching layer 2 follows the detector that fires
            self.select_winner()
        else:
            self.select(self.selected, self.cell)

    def load_input(self, spec: str) -> None:
        """A shape name or a shape file, as ``--input`` takes it (InputError when bad)."""
        name, image = shapes.resolve_input(spec, self.size, self.seed)
        self.set_input(image, name)

    def next_shape(self, step: int = 1) -> None:
        """The next kind in the shape library (rectangle, diamond, cross, ...)."""
        kinds = list(shapes.SHAPE_KINDS)
        here = kinds.index(self.input_name) if self.input_name in kinds else (-1 if step > 0 else 0)
        self.load_input(kinds[(here + step) % len(kinds)])

    def reseed(self) -> None:
        """Another shape of the same kind ("diamond", "filled-cross", ...), at a new size and place."""
        kind = self.input_name.partition(":")[0]
        try:
            shapes.split_kind(kind)
        except ValueError:
            raise ValueError(f"{self.input_name} is not a generated shape: n picks one from the library") from None
        self.seed += 1
        name, image = shapes.resolve_input(kind, self.image.shape[-1], self.seed)
        self.set_input(image, name)

    def toggle_pixel(self) -> None:
        """Draw on the input: flip the pixel under the cursor between dark (0) and bright (1)."""
        if self.layer != "input":
            raise ValueError("select the input map to draw on it")
        image = self.image.copy()
        image[0][self.cell] = 0.0 if image[0][self.cell] > 0.5 else 1.0
        self.set_input(image, DRAWN)

    def clear_input(self) -> None:
        self.set_input(np.zeros_like(self.image), DRAWN)

    def set_weight(self, unit: int, channel: int, row: int, col: int, value: float) -> None:
        self.net.w2[unit, channel, row, col] = value
        self._recompute()

    def set_bias(self, unit: int, value: float) -> None:
        self.net.b2[unit] = value
        self._recompute()

    def nudge_weight(self, unit: int, channel: int, row: int, col: int, delta: float = WEIGHT_STEP) -> None:
        self.set_weight(unit, channel, row, col, float(self.net.w2[unit, channel, row, col]) + delta)

    def reset_weights(self) -> None:
        self.net = self.original.copy()
        self._recompute()

    @property
    def weights_edited(self) -> bool:
        return not (np.array_equal(self.net.w2, self.original.w2) and np.array_equal(self.net.b2, self.original.b2))

    # ---- gallery ---------------------------------------------------------------------------
    def start_gallery(self) -> None:
        self.gallery = Gallery(seed=self.seed, size=self.image.shape[-1] if self.image.shape[-1] >= shapes.MIN_SIZE else self.size)
        self.gallery_next()

    def stop_gallery(self) -> None:
        self.gallery = None

    def gallery_next(self) -> None:
        """Show the next generated shape (a random class) and count whether the verdict is right."""
        g = self.gallery
        if g is None:
            raise ValueError("the gallery is not running (press g to start it)")
        rng = np.random.default_rng([g.seed & 0xFFFFFFFF, g.seen, 0x6A1])
        kind = self.kinds[int(rng.integers(len(self.kinds)))]
        image = shapes.make_shape(kind, g.size, int(rng.integers(2**32)))
        self.set_input(image, kind)
        g.truth = kind
        g.seen += 1
        g.correct += int(self.verdict == kind)
