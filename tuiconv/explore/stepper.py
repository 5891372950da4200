"""What the stepper shows, as plain state: input, kernel, geometry, position, ReLU, pooling.

No Textual here: the StepperView draws a ``StepperSession`` and turns keys into its methods, so
the rules (what a step is, what is allowed, what the output-size formula says) can be tested
without a terminal. Every number comes from :mod:`tuiconv.engine`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tuiconv.engine import (
    ConvStep,
    avg_pool,
    conv2d,
    conv_step,
    kernels,
    max_pool,
    output_size,
    relu,
    resolve_padding,
    response_range,
    uncovered,
)
from tuiconv import limits
from tuiconv.engine import shapes
from tuiconv.explore.network_filter import NetworkFilter, names_network_filter, parse_network_filter
from tuiconv.explore.scene import Scene, ViewState, input_grid, kernel_grid, work_in_words

_REVISIONS = itertools.count(1)  # StepperSession.revision: no two set-ups share one
DEFAULT_INPUT = "rectangle"
DEFAULT_SIZE = 8  # small enough to step by hand: 64 positions
DEFAULT_SEED = 5  # an 8×8 rectangle the first row of windows already touches
DEFAULT_KERNEL = "vertical"
# The keys move within the one table of ranges that the command line and lessons use too.
MAX_PADDING = int(limits.RANGES["padding"].high)
MAX_STRIDE = int(limits.RANGES["stride"].high)
MAX_DILATION = int(limits.RANGES["dilation"].high)
POOL_MODES = (None, "max", "avg")
POOL_SIZES = tuple(range(int(limits.RANGES["pool_size"].low), int(limits.RANGES["pool_size"].high) + 1))


@dataclass
class Geometry:
    """The output-size arithmetic along one axis, in the learner's letters."""

    size: int  # W (or H): input cells
    kernel: int  # F
    padding: int  # P
    stride: int  # S
    dilation: int  # D
    cells: int  # the output size (floored)
    left_out: int  # trailing rows/cols of the padded input no window reaches

    @property
    def span(self) -> int:
        """W + 2P − D(F−1) − 1: how far the window's first cell can travel."""
        return self.size + 2 * self.padding - self.dilation * (self.kernel - 1) - 1

    def formula(self, axis: str = "W", hide_result: bool = False) -> str:
        """The formula with the live numbers, e.g. ``(8 − 3 + 2×1)/2 + 1 = 4.5 → 4`` (``= ?`` hidden)."""
        if self.dilation == 1:
            general = f"({axis} − F + 2P)/S + 1"
            filled = f"({self.size} − {self.kernel} + 2×{self.padding})/{self.stride} + 1"
        else:
            general = f"({axis} + 2P − D(F−1) − 1)/S + 1"
            filled = f"({self.size} + 2×{self.padding} − {self.dilation}×{self.kernel - 1} − 1)/{self.stride} + 1"
        if hide_result:
            return f"{general} = {filled} = ?"
        if self.span % self.stride == 0:
            return f"{general} = {filled} = {self.cells}"
        return f"{general} = {filled} = {self.span / self.stride + 1:g} → {self.cells}"

    def missed(self) -> list[int]:
        """Input rows/cols (0-based, before padding) that no window reaches."""
        padded = self.size + 2 * self.padding
        return [p - self.padding for p in range(padded - self.left_out, padded) if 0 <= p - self.padding < self.size]


@dataclass
class StepperSession:
    """The stepper's state; call the methods, then read the properties (all from the engine)."""

    input: np.ndarray  # (C, H, W)
    kernel: np.ndarray  # (C, F, F)
    input_name: str = DEFAULT_INPUT
    kernel_name: str | None = DEFAULT_KERNEL
    channel_names: list[str] = field(default_factory=list)
    bias: float = 0.0
    padding: int = 0
    stride: int = 1
    dilation: int = 1
    position: tuple[int, int] = (0, 0)
    relu: bool = False
    pool: str | None = None
    pool_size: int = 2
    pool_stride: int | None = None
    pool_position: tuple[int, int] = (0, 0)
    channel: int = 0  # the channel shown in the input and kernel grids
    # The one-channel shape a layer-2 input's edge maps were computed from (None otherwise):
    # a layer-1 kernel chosen later reads this same shape again, drawn edits and all.
    shape: np.ndarray | None = None
    # The network filter (layer1:I, layer2:J) being stepped, or None for a library kernel: a new
    # shape is then read as that network reads it (its own layer-1 maps, not the edge maps).
    network: NetworkFilter | None = field(default=None, repr=False, compare=False)
    # Names the set-up (not the position), uniquely across sessions: a view hands its widgets
    # the input, kernel, scales and titles again only when it changes.
    revision: int = field(default=0, repr=False, compare=False)
    # What a lesson's question keeps covered until it is answered (Scene.conceal); state()
    # never hides anything, the view draws "?" for these.
    concealed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # What the learner made by hand ("drawing", "kernel", "bias"): leaving would lose it.
    hand_made: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.input = _as_stack(self.input, "input")
        self.kernel = _as_stack(self.kernel, "kernel")
        if not self.channel_names or len(self.channel_names) != self.input.shape[0]:
            self.channel_names = _default_channel_names(self.input.shape[0])
        self._check_channels(self.input, self.kernel)
        self.validate(self.padding, self.stride, self.dilation)
        self._recompute()

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        input_spec: str | None = None,
        kernel_spec: str | None = None,
        *,
        size: int | None = None,
        seed: int = DEFAULT_SEED,
        padding: int | str | None = None,
        stride: int = 1,
        dilation: int = 1,
        bias: float | None = None,
        weights: str | None = None,
    ) -> "StepperSession":
        """A session from command-line style specs: a shape name or file, a kernel name.

        A layer-2 kernel (rectangle, diamond) reads the four edge maps, so its input is the
        network's pooled layer-1 maps of the shape (the same numbers the network screen shows).
        ``layer1:I``/``layer2:J`` steps a filter of the net in ``weights`` (None: the
        hand-designed net) over what that layer reads, with its bias, padding and ReLU.
        """
        if names_network_filter(kernel_spec):
            found = parse_network_filter(kernel_spec, weights)
            session = cls.for_network_filter(found, input_spec, size=size, seed=seed, bias=bias)
            session.set_geometry(padding=found.padding if padding is None else padding, stride=stride, dilation=dilation)
            return session
        if weights is not None:
            raise ValueError(f"--weights needs --filter layer1:I or layer2:J (a filter of that network), not {kernel_spec or DEFAULT_KERNEL!r}")
        kernel_name = (kernel_spec or DEFAULT_KERNEL).strip().lower()
        weights = kernels.kernel(kernel_name)
        layer2 = weights.ndim == 3
        name, image, channel_names, shape = load_input(input_spec or DEFAULT_INPUT, size, seed, edge_maps=layer2)
        session = cls(
            input=image,
            kernel=weights,
            input_name=name,
            kernel_name=kernel_name,
            channel_names=channel_names,
            bias=checked_bias(bias or 0.0),
            padding=0,
            stride=stride,
            dilation=dilation,
            shape=shape if layer2 else None,
        )
        session.set_geometry(padding=0 if padding is None else padding)
        return session

    @classmethod
    def for_network_filter(
        cls, found: NetworkFilter, input_spec: str | None = None, *, size: int | None = None, seed: int = DEFAULT_SEED, bias: float | None = None
    ) -> "StepperSession":
        """Step ``found`` over what its layer reads when the network sees the shape: the shape
        itself (layer 1) or its K1 pooled layer-1 maps (layer 2); the net's padding, bias, ReLU.

        A generated shape is 16×16 for layer 2 (8×8 maps, as the network sees its shapes) and
        8×8 for layer 1, so the shape and its map fit 80×24 side by side as any stepper input.
        """
        default_size = 16 if found.layer == 2 else DEFAULT_SIZE
        name, shape = shapes.resolve_input(input_spec or DEFAULT_INPUT, size or default_size, seed)
        image, names = found.input_for(shape)
        session = cls(
            input=image,
            kernel=found.kernel,
            input_name=name if found.layer == 1 else f"{name} → layer-1 maps",
            kernel_name=found.name,
            channel_names=names,
            bias=found.bias if bias is None else checked_bias(bias),
            padding=found.padding,
            relu=True,  # as the network: every conv layer is followed by ReLU
            shape=shape if found.layer == 2 else None,
            network=found,
        )
        return session

    def input_from(self, spec: str) -> tuple[str, np.ndarray, list[str], np.ndarray | None]:
        """(name, input, channel names, shape) of a shape name or file, read as this kernel
        reads it: a network filter's own layer-1 maps, a layer-2 kernel's four edge maps, or the
        grid itself. InputError/ValueError (one line) when it names no shape."""
        if self.network is not None:
            name, shape = shapes.resolve_input(spec, 16 if self.network.layer == 2 else DEFAULT_SIZE, 0)
            image, names = self.network.input_for(shape)
            if self.network.layer == 1:
                return name, image, names, None
            return f"{name} → layer-1 maps", image, names, shape
        layer2 = self.kernel.shape[0] > 1
        name, image, names, shape = load_input(spec, None, 0, edge_maps=layer2)
        return name, image, names, shape if layer2 else None

    @classmethod
    def from_scene(cls, scene: Scene) -> StepperSession:
        """A StepperSession set up as ``scene`` says (None fields: the stepper's defaults).

        The input and kernel are read by the course's own ``input_grid``/``kernel_grid``, so the
        view shows exactly the grids a lesson was validated against. One addition: a layer-2 kernel
        (several channels) over a shape name reads that shape's four edge maps, as in the network.
        A network filter (``kernel = "layer2:1"``, ``weights`` a file) reads that network's maps.
        """
        if names_network_filter(scene.kernel):
            return cls._network_filter_from_scene(scene)
        kernel_name: str | None = "vertical"
        weights = kernels.kernel("vertical")[None]
        found_kernel = kernel_grid(scene)
        if found_kernel is not None:
            kernel_name, weights = found_kernel
        names: list[str] = []
        shape = None
        if scene.input is None:
            input_name, image, names, shape = load_input("rectangle", scene.size, scene.seed or 0, edge_maps=weights.shape[0] > 1)
        elif weights.shape[0] > 1 and isinstance(scene.input, str) and not shapes.names_a_file(scene.input):
            input_name, image, names, shape = load_input(scene.input, scene.size, scene.seed or 0, edge_maps=True)
        else:
            input_name, image = input_grid(scene)
        if weights.shape[0] == 1 and image.shape[0] > 1:
            weights = np.repeat(weights, image.shape[0], axis=0)
        session = cls(
            input=image,
            kernel=weights,
            input_name=input_name,
            kernel_name=kernel_name,
            channel_names=names,
            bias=scene.bias or 0.0,
            relu=bool(scene.relu),
            shape=shape if image.shape[0] > 1 else None,
        )
        session.set_geometry(
            padding=0 if scene.padding is None else scene.padding,
            stride=scene.stride or 1,
            dilation=scene.dilation or 1,
        )
        if scene.pool:
            session.set_pool(scene.pool, scene.pool_size or 2, scene.pool_stride)
        if scene.position is not None:
            session.move_to(*scene.position)
        session.concealed = frozenset(scene.conceal or ())
        return session

    @classmethod
    def _network_filter_from_scene(cls, scene: Scene) -> StepperSession:
        if scene.input is not None and not isinstance(scene.input, str):
            raise ValueError(f"kernel {scene.kernel} reads a shape (a name or a file) as the network does, not an inline grid")
        found = parse_network_filter(str(scene.kernel), scene.weights)
        session = cls.for_network_filter(found, scene.input, size=scene.size, seed=scene.seed or 0, bias=scene.bias)
        session.set_geometry(
            padding=found.padding if scene.padding is None else scene.padding,
            stride=scene.stride or 1,
            dilation=scene.dilation or 1,
        )
        if scene.relu is False:
            session.set_relu(False)
        if scene.pool:
            session.set_pool(scene.pool, scene.pool_size or 2, scene.pool_stride)
        if scene.position is not None:
            session.move_to(*scene.position)
        session.concealed = frozenset(scene.conceal or ())
        return session

    def state(self) -> ViewState:
        """What a lesson's check reads: every number as the screen shows it (nothing concealed)."""
        return ViewState(
            screen="stepper",
            input=self.input.copy(),
            kernel=self.kernel.copy(),
            kernel_name=self.kernel_name,
            bias=self.bias,
            padding=self.padding,
            stride=self.stride,
            dilation=self.dilation,
            position=self.position,
            output=self.output.copy(),
            filled=self.filled,
            relu=self.relu,
            pool=self.pool,
            pool_size=self.pool_size,
            pool_stride=self.pool_stride,
            pooled=None if self.pooled is None else self.pooled.copy(),
            input_name=self.input_name,
        )

    def what_would_be_lost(self) -> str | None:
        """The learner's own work on this screen, in words ("your drawing and kernel edits"), or None."""
        return work_in_words(self.hand_made)

    def reveal(self) -> bool:
        """Lift every concealment; True if something was concealed."""
        was, self.concealed = bool(self.concealed), frozenset()
        return was

    # -- derived numbers --------------------------------------------------------------------

    def _recompute(self) -> None:
        pad = self.padding
        f = self.kernel.shape[-1]
        h, w = self.input.shape[1:]
        rows = output_size(h, f, pad, self.stride, self.dilation)
        cols = output_size(w, f, pad, self.stride, self.dilation)
        # What only the set-up decides, worked out when first asked for. The whole feature map
        # among it: the stepper's first screen shows one cell, the current step's, and needs
        # neither the map nor scipy, which computes it.
        self._derived: dict[str, object] = {}
        self.revision = next(_REVISIONS)
        i, j = self.position
        self.position = (min(i, rows - 1), min(j, cols - 1))
        self.step: ConvStep = conv_step(
            self.input, self.kernel, self.bias, *self.position, stride=self.stride, padding=pad, dilation=self.dilation
        )
        self.rows_geometry = Geometry(h, f, pad, self.stride, self.dilation, rows, uncovered(h, f, pad, self.stride, self.dilation))
        self.cols_geometry = Geometry(w, f, pad, self.stride, self.dilation, cols, uncovered(w, f, pad, self.stride, self.dilation))
        self.reached = self.index + 1  # a new set-up: the map fills in again from here
        self._recompute_pool()

    def _derive(self, what: str, work_out: Callable[[], Any]) -> Any:
        if what not in self._derived:
            self._derived[what] = work_out()
        return self._derived[what]

    @property
    def raw_output(self) -> np.ndarray:
        """The feature map before ReLU, from the engine's conv2d."""
        return self._derive("raw output", lambda: conv2d(
            self.input, self.kernel[None], [self.bias], stride=self.stride, padding=self.padding, dilation=self.dilation
        )[0])

    @property
    def output(self) -> np.ndarray:
        """The feature map as the learner sees it: after ReLU when ReLU is on."""
        return self._derive("output", lambda: relu(self.raw_output) if self.relu else self.raw_output)

    def output_range(self) -> tuple[float, float]:
        """The lowest and highest value this kernel can give on this input's range of values.

        The feature map is coloured on this scale, not on the values it happens to hold: a
        diagonal filter on a rectangle stays pale (it barely responds), and drawing on the
        input does not recolour the whole map.
        """
        def work_out() -> tuple[float, float]:
            low, high = response_range(self.input, self.kernel[None], self.bias, padded=self.padding > 0)
            return (max(low, 0.0), max(high, 0.0)) if self.relu else (low, high)

        return self._derive("range", work_out)

    def _recompute_pool(self) -> None:
        self.revision = next(_REVISIONS)
        self.pooled = self.pool_winners = None
        self.pool_error = None
        if self.pool is None:
            return
        try:
            if self.pool == "max":
                self.pooled, self.pool_winners = max_pool(self.output, self.pool_size, self.pool_stride, return_argmax=True)
            else:
                self.pooled = avg_pool(self.output, self.pool_size, self.pool_stride)
        except ValueError as error:
            self.pool_error = f"{error}: w for a smaller pool, m for none"
            return
        i, j = self.pool_position
        self.pool_position = (min(i, self.pooled.shape[0] - 1), min(j, self.pooled.shape[1] - 1))

    @property
    def output_shape(self) -> tuple[int, int]:
        return self.rows_geometry.cells, self.cols_geometry.cells

    @property
    def index(self) -> int:
        """The position in reading order: step k is output cell (k // W2, k % W2)."""
        return self.position[0] * self.output_shape[1] + self.position[1]

    @property
    def steps(self) -> int:
        rows, cols = self.output_shape
        return rows * cols

    @property
    def filled(self) -> int:
        """Output cells computed so far: every cell up to the furthest the window has been
        (stepping back does not un-compute them; reset starts again)."""
        return max(self.reached, self.index + 1)

    def shown_output(self) -> np.ndarray:
        """The feature map as it has filled in: NaN where the filter has not been yet.

        Pooling reads the whole feature map, so with pooling on every cell is shown.
        """
        if self.pool is not None:
            return self.output.copy()
        shown = np.full(self.output_shape, np.nan)
        if self.filled == 1 and "raw output" not in self._derived:
            # The first cell is the current step's sum (the number the arithmetic shows), so
            # the first screen does not wait for the whole map.
            shown[0, 0] = relu(self.step.total) if self.relu else self.step.total
        else:
            shown.reshape(-1)[: self.filled] = self.output.reshape(-1)[: self.filled]
        return shown

    def padded_input(self, channel: int | None = None) -> np.ndarray:
        """One channel with its zero border, as the grid draws it."""
        c = self.channel if channel is None else channel
        return np.pad(self.input[c], self.padding)

    def window_cells(self) -> frozenset[tuple[int, int]]:
        """Cells of the padded input under the kernel now (spread out by dilation)."""
        p = self.padding
        return frozenset((int(r) + p, int(c) + p) for r in self.step.rows for c in self.step.cols)

    def padding_cells(self) -> frozenset[tuple[int, int]]:
        p = self.padding
        h, w = self.input.shape[1:]
        return self._derive("padding", lambda: frozenset(
            (r, c) for r in range(h + 2 * p) for c in range(w + 2 * p) if not (p <= r < h + p and p <= c < w + p)
        ))

    def uncovered_cells(self) -> frozenset[tuple[int, int]]:
        """Cells of the padded input that no window ever reaches (stride does not divide evenly)."""
        h, w = self.input.shape[1:]
        ph, pw = h + 2 * self.padding, w + 2 * self.padding
        lost_rows = range(ph - self.rows_geometry.left_out, ph)
        lost_cols = range(pw - self.cols_geometry.left_out, pw)
        return self._derive("uncovered", lambda: frozenset(
            (r, c) for r in range(ph) for c in range(pw) if r in lost_rows or c in lost_cols
        ))

    def pool_window(self) -> frozenset[tuple[int, int]]:
        """Feature-map cells under the current pooling window."""
        if self.pooled is None:
            return frozenset()
        s = self.pool_stride or self.pool_size
        i, j = self.pool_position
        return frozenset((i * s + r, j * s + c) for r in range(self.pool_size) for c in range(self.pool_size))

    def pool_winner(self) -> tuple[int, int] | None:
        if self.pool_winners is None:
            return None
        row, col = self.pool_winners[self.pool_position]
        return int(row), int(col)

    # -- moving the filter ------------------------------------------------------------------

    def move_to(self, i: int, j: int) -> None:
        rows, cols = self.output_shape
        if not (0 <= i < rows and 0 <= j < cols):
            raise ValueError(f"output cell ({i}, {j}) is outside the {rows}×{cols} feature map")
        self.position = (i, j)
        self.step = conv_step(
            self.input, self.kernel, self.bias, i, j, stride=self.stride, padding=self.padding, dilation=self.dilation
        )
        self.reached = max(self.reached, self.index + 1)

    def show_channel(self, delta: int) -> None:
        """Show the channel ``delta`` on (wrapping round): its window, slice and products."""
        self.channel = (self.channel + delta) % self.input.shape[0]

    def step_forward(self) -> bool:
        """Move to the next output cell in reading order; False at the last one."""
        if self.index + 1 >= self.steps:
            return False
        k = self.index + 1
        self.move_to(*divmod(k, self.output_shape[1]))
        return True

    def step_back(self) -> bool:
        if self.index == 0:
            return False
        self.move_to(*divmod(self.index - 1, self.output_shape[1]))
        return True

    def reset(self) -> None:
        """Back to the first output cell, with the map to fill in again."""
        self.move_to(0, 0)
        self.reached = 1
        self.pool_position = (0, 0)

    def move_pool_to(self, i: int, j: int) -> None:
        if self.pooled is None:
            raise ValueError("pooling is off")
        rows, cols = self.pooled.shape
        if not (0 <= i < rows and 0 <= j < cols):
            raise ValueError(f"pooled cell ({i}, {j}) is outside the {rows}×{cols} pooled map")
        self.pool_position = (i, j)

    def step_pool(self, forward: bool = True) -> bool:
        if self.pooled is None:
            return False
        rows, cols = self.pooled.shape
        k = self.pool_position[0] * cols + self.pool_position[1] + (1 if forward else -1)
        if not 0 <= k < rows * cols:
            return False
        self.pool_position = divmod(k, cols)
        return True

    # -- changing the set-up ----------------------------------------------------------------

    def validate(self, padding: int, stride: int, dilation: int) -> None:
        """ValueError (one line, with the formula) if this geometry gives no output."""
        limits.check("padding", padding), limits.check("stride", stride), limits.check("dilation", dilation)
        f = self.kernel.shape[-1]
        h, w = self.input.shape[1:]
        output_size(h, f, padding, stride, dilation)
        output_size(w, f, padding, stride, dilation)

    def set_geometry(self, padding: int | str | None = None, stride: int | None = None, dilation: int | None = None) -> None:
        """Change P, S or D; ValueError (and nothing changed) if the output would be empty."""
        stride = self.stride if stride is None else stride
        dilation = self.dilation if dilation is None else dilation
        if padding is None:
            padding = self.padding
        elif isinstance(padding, str):
            before, after = resolve_padding(padding, self.kernel.shape[-1], dilation, stride)
            if before != after:
                raise ValueError(f"padding={padding!r} here needs {before} zeros before and {after} after; the stepper pads evenly")
            padding = before
        self.validate(padding, stride, dilation)
        self.padding, self.stride, self.dilation = int(padding), int(stride), int(dilation)
        self._recompute()

    def nudge_geometry(self, what: str, delta: int) -> None:
        """One more or one less padding, stride or dilation; ValueError in the learner's words
        (and nothing changed) at a limit or when the output would be empty."""
        low, high = {"padding": (0, MAX_PADDING), "stride": (1, MAX_STRIDE), "dilation": (1, MAX_DILATION)}[what]
        value = getattr(self, what) + delta
        if value > high:
            raise ValueError(f"{what} {high} is the largest here")
        if value < low:
            raise ValueError(f"{what} {low} is the smallest")
        padding = value if what == "padding" else self.padding
        dilation = value if what == "dilation" else self.dilation
        reach = dilation * (self.kernel.shape[-1] - 1) + 1  # the cells one window spans
        room = min(self.input.shape[1:]) + 2 * padding
        if reach > room:
            raise ValueError(f"{what} {value}: output would be empty; the kernel spans {reach} cells, the input {room}")
        self.set_geometry(**{what: value})

    def set_relu(self, on: bool) -> None:
        self.relu = bool(on)
        self._recompute()

    def set_pool(self, mode: str | None, size: int | None = None, stride: int | None = -1) -> None:
        """Pooling over the feature map: mode None/"max"/"avg"; stride None = same as size."""
        if mode not in POOL_MODES:
            raise ValueError(f"pooling must be max or avg, not {mode!r}")
        if size is not None:
            limits.check("pool_size", size)
        if stride not in (-1, None):
            limits.check("pool_stride", stride)
        self.pool = mode
        if size is not None:
            self.pool_size = int(size)
        if stride != -1:
            self.pool_stride = None if stride is None else int(stride)
        self._recompute_pool()

    def set_input(self, name: str, image: np.ndarray, channel_names: list[str] | None = None, shape: np.ndarray | None = None) -> None:
        """A new input (``shape``: the one-channel shape of edge maps); ValueError (nothing changed) if the kernel cannot read it."""
        stack = _as_stack(image, "input")
        self._check_channels(stack, self.kernel)
        f = self.kernel.shape[-1]
        for size in stack.shape[1:]:
            output_size(size, f, self.padding, self.stride, self.dilation)
        self.input, self.input_name = stack, name
        self.hand_made.discard("drawing")
        self.shape = None if shape is None else np.array(shape, dtype=np.float64)
        self.channel_names = channel_names if channel_names and len(channel_names) == stack.shape[0] else _default_channel_names(stack.shape[0])
        self.channel = min(self.channel, stack.shape[0] - 1)
        self._recompute()

    def set_kernel(self, name: str | None, weights: np.ndarray) -> None:
        """A new kernel (a library name, or None once edited by hand)."""
        stack = _as_stack(weights, "kernel")
        if stack.shape[0] == 1 and self.input.shape[0] > 1:
            stack = np.repeat(stack, self.input.shape[0], axis=0)
        self._check_channels(self.input, stack)
        h, w = self.input.shape[1:]
        output_size(h, stack.shape[-1], self.padding, self.stride, self.dilation)
        output_size(w, stack.shape[-1], self.padding, self.stride, self.dilation)
        self.kernel, self.kernel_name = stack, name
        self._recompute()

    def choose_kernel(self, name: str) -> str | None:
        """A library kernel, with its own bias (0), over the SAME input the learner has.

        A kernel reading one channel over edge maps reads the shape they came from; a layer-2
        kernel over a one-channel shape reads that shape's edge maps (a 16×16 shape gives 8×8
        maps). Geometry that no longer fits falls back to P=0/1, S=1, D=1. Returns a note saying
        what changed besides the kernel (or None); ValueError and nothing changed if impossible.
        """
        weights = kernels.kernel(name)
        wants = 1 if weights.ndim == 2 else weights.shape[0]
        notes = []
        if self.bias:
            notes.append(f"bias back to {name}'s own, 0")
        current, current_name, current_shape, current_names = self.input, self.input_name, self.shape, self.channel_names
        if self.network is not None and self.network.layer == 2:
            # A network's layer-1 maps are not the library's edge maps: start again from the
            # shape they were computed from (edits drawn on the maps are not carried back).
            current_name = current_name.removesuffix(" (drawn)").removesuffix(" → layer-1 maps")
            current, current_shape, current_names = self.shape[None], None, [""]
            if wants == 1:
                notes.append(f"{name} reads one grid: the {current_name} itself, not its {self.input.shape[0]} layer-1 maps")
        if wants == current.shape[0] or (wants == 1 and current_shape is None):
            image, label, names, shape = current, current_name, current_names, current_shape
        elif wants == 1:
            image, shape, names = current_shape[None], None, [""]
            # Edits drawn on the edge maps are not carried back to the shape they came from.
            label = current_name.removesuffix(" (drawn)").removesuffix(" → edge maps")
            notes.append(f"{name} reads one grid: the {label} itself, not its {current.shape[0]} edge maps")
        else:
            if current.shape[0] != 1:
                raise ValueError(f"kernel {name} reads {wants} edge maps; this input has {current.shape[0]} channels")
            shape = current[0]
            image, label, names = edge_maps_of(shape), f"{current_name} → edge maps", list(kernels.EDGE_KERNELS)
        stack = _as_stack(weights, "kernel")
        if stack.shape[0] == 1 and image.shape[0] > 1:
            stack = np.repeat(stack, image.shape[0], axis=0)
        geometry = (self.padding, self.stride, self.dilation)
        for padding, stride, dilation in (geometry, (min(self.padding, 1), self.stride, 1), (min(self.padding, 1), 1, 1), (1, 1, 1)):
            try:
                self._check_channels(image, stack)
                for size in image.shape[1:]:
                    output_size(size, stack.shape[-1], padding, stride, dilation)
            except ValueError:
                continue
            break
        else:
            raise ValueError(f"kernel {name} does not fit this {image.shape[1]}×{image.shape[2]} input")
        if (padding, stride, dilation) != geometry:
            notes.append(f"P={padding} S={stride} D={dilation} so it fits")
        self.input, self.input_name, self.channel_names, self.shape = image, label, names, shape
        self.channel = min(self.channel, image.shape[0] - 1)
        self.kernel, self.kernel_name, self.bias = stack, name, 0.0
        self.network = None
        self.hand_made -= {"kernel", "bias"}
        if image is not self.input:
            self.hand_made.discard("drawing")
        self.padding, self.stride, self.dilation = padding, stride, dilation
        self._recompute()
        return "; ".join(notes) or None

    def choose_network_filter(self, name: str) -> None:
        """Another filter ("layer2:3", "layer1:0") of the network being stepped, over the same
        shape, with its own bias, the network's padding and ReLU; ValueError if there is none."""
        if self.network is None:
            raise ValueError(f"{name} is a filter of a network: start with --filter layer2:J (and --weights FILE)")
        found = self.network.other(name)
        shape = self.shape if self.network.layer == 2 else self.input[0]
        label = self.input_name.removesuffix(" → layer-1 maps")
        image, names = found.input_for(shape)
        self.input, self.channel_names = image, names
        self.input_name = label if found.layer == 1 else f"{label} → layer-1 maps"
        self.shape = np.array(shape) if found.layer == 2 else None
        self.kernel, self.kernel_name, self.bias, self.network = found.kernel, found.name, found.bias, found
        self.channel = min(self.channel, image.shape[0] - 1)
        self.padding, self.stride, self.dilation, self.relu = found.padding, 1, 1, True
        self.hand_made -= {"kernel", "bias"}
        self._recompute()

    def set_weight(self, channel: int, row: int, col: int, value: float) -> None:
        weights = self.kernel.copy()
        weights[channel, row, col] = float(value)
        self.set_kernel(None, weights)
        self.hand_made.add("kernel")

    def set_bias(self, value: float) -> None:
        self.bias = checked_bias(value)
        self.hand_made.add("bias")
        self._recompute()

    def toggle_input_cell(self, row: int, col: int) -> None:
        """Flip one input cell (before padding) between 0 and 1, as if drawing with a pen."""
        h, w = self.input.shape[1:]
        if not (0 <= row < h and 0 <= col < w):
            raise ValueError("that cell is padding: padding is always zero")
        image = self.input.copy()
        c = self.channel
        image[c, row, col] = 0.0 if image[c, row, col] else 1.0
        self.input = image
        if not self.input_name.endswith("(drawn)"):
            self.input_name = f"{self.input_name} (drawn)"
        self.hand_made.add("drawing")
        self._recompute()

    @staticmethod
    def _check_channels(image: np.ndarray, weights: np.ndarray) -> None:
        if image.shape[0] != weights.shape[0]:
            raise ValueError(
                f"the kernel reads {weights.shape[0]} channel(s) but the input has {image.shape[0]}"
            )
        if weights.shape[-1] != weights.shape[-2]:
            raise ValueError(f"a kernel must be square, not {weights.shape[-2]}×{weights.shape[-1]}")


def checked_bias(value: float) -> float:
    """The bias as a float; ValueError unless it is a number within ±1e6 (as a shape's values)."""
    return float(limits.check("bias", value))


def _as_stack(values, what: str) -> np.ndarray:
    problem = limits.values_problem(values, f"the {what}")
    if problem:
        raise ValueError(problem)
    array = np.array(values, dtype=np.float64)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or array.size == 0:
        raise ValueError(f"the {what} must be a grid or a stack of grids, not shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"the {what} holds a value that is not a finite number")
    return array


def _default_channel_names(count: int) -> list[str]:
    return [""] if count == 1 else [f"ch{k}" for k in range(count)]


def edge_maps_of(shape: np.ndarray) -> np.ndarray:
    """What layer 2 of the network reads from a one-channel shape: its four pooled edge maps."""
    from tuiconv.engine import network  # only for layer-2 kernels

    return network.edge_maps(shape)


def load_input(spec: str, size: int | None, seed: int, *, edge_maps: bool = False) -> tuple[str, np.ndarray, list[str], np.ndarray]:
    """(name, (C, H, W) input, channel names, the one-channel shape) for a shape name or file.

    With ``edge_maps`` the input is what layer 2 of the network reads: the four pooled edge
    maps of the shape (a 16×16 shape gives 8×8 maps).
    """
    if edge_maps:
        name, image = shapes.resolve_input(spec, size or 16, seed)
        return f"{name} → edge maps", edge_maps_of(image), list(kernels.EDGE_KERNELS), image
    name, image = shapes.resolve_input(spec, size or DEFAULT_SIZE, seed)
    return name, image[None], [""], image
