"""The convolution stepper: step a filter across an input and watch every multiplication.

``StepperView`` is the whole explorer (input with its zero border, kernel, feature map filling
in, the arithmetic of the current step, the output-size formula, ReLU and pooling); the
free-explorer ``StepperScreen`` hosts it with a footer, and the lesson screen hosts the same
view beside its narrative. A lesson configures it with ``view.apply_scene(scene)`` and reads it
back with ``view.state()`` after each ``StepperView.Changed``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget

from tuiconv.app.screens.confirm import AsksBeforeLeaving
from tuiconv.app.styles import tcss
from tuiconv.app.palette import Scale
from tuiconv.app.views.base import ExplorerView
from tuiconv.explore.numbers import parse_typed_number
from tuiconv.explore.stepper import (
    DEFAULT_SIZE,
    POOL_MODES,
    POOL_SIZES,
    StepperSession,
)
from tuiconv.app.widgets.arithmetic import ArithmeticPanel, FormulaPanel, format_exact
from tuiconv.app.widgets.editable import CanvasGrid, KernelGrid
from tuiconv.app.widgets.grid import MIN_NUMBER_WIDTH, Grid, whole_number_width
from tuiconv.app.widgets.keybar import KeyBar
from tuiconv.clean_text import one_line
from tuiconv.app.widgets.line import Line
from tuiconv.app.textual_patches import KeepsLines, KeptHorizontal, KeptVertical, KeptVerticalScroll
from tuiconv.engine import kernels, load_scipy, shapes
from tuiconv.errors import InputError

from tuiconv.explore.network_filter import names_network_filter
from tuiconv.explore.scene import Scene

# Seconds per step while playing, slowest first.
SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1)
DEFAULT_SPEED = 2
KERNEL_CELL = 5  # kernel weights such as 0.11 need 4 characters
OUTPUT_MAX_CELL = 9  # a gutter and ±9999999: an edited kernel with a large bias
GAP = 2  # columns between the grids
FIRST_NOTE = "Kernel not flipped: cross-correlation, as in every CNN library.  ? lists keys"


class StepperView(ExplorerView, KeepsLines, Vertical):
    """The explorer: keys change a StepperSession, and the grids show what the engine says."""

    DEFAULT_CSS = tcss(__file__, "stepper.tcss")

    HELP_TITLE = "Stepper"
    QUIET_WITHOUT_HOST = True

    BINDINGS = [
        Binding("space,enter", "step", "step", key_display="space", tooltip="step: move the filter to the next output cell"),
        Binding("backspace", "back", "back", show=False, tooltip="step back to the previous output cell"),
        Binding("p", "play", "play", tooltip="play / pause: step by itself"),
        Binding("plus,equals_sign", "speed(1)", "faster", show=False, key_display="+", tooltip="play faster"),
        Binding("minus", "speed(-1)", "slower", show=False, key_display="-", tooltip="play slower"),
        Binding("r", "reset", "reset", show=False, tooltip="reset: back to the first output cell"),
        Binding("z", "padding(1)", "pad", tooltip="more padding: a ring of zeros around the input (0–3)"),
        Binding("Z", "padding(-1)", "less padding", show=False, tooltip="less padding"),
        Binding("s", "stride(1)", "stride", tooltip="larger stride: the filter jumps further (1–4)"),
        Binding("S", "stride(-1)", "less stride", show=False, tooltip="smaller stride"),
        Binding("d", "dilation(1)", "dilate", tooltip="more dilation: spread the kernel's taps apart (1–3)"),
        Binding("D", "dilation(-1)", "less dilation", show=False, tooltip="less dilation"),
        Binding("u", "relu", "ReLU", tooltip="ReLU on/off: max(0, x) on the feature map"),
        Binding("m", "pool", "pool", tooltip="pooling: off → max → average"),
        Binding("w", "pool_size", "pool size", show=False, tooltip="pool size: 2×2 or 3×3"),
        Binding("t", "pool_stride", "pool stride", show=False, tooltip="pool stride: same as the size, 1, 2, 3"),
        Binding("i", "choose_input", "input", tooltip="choose the input: a shape or a shape file"),
        Binding("f", "choose_kernel", "kernel", tooltip="choose the kernel (filter) from the library"),
        Binding("e", "edit_kernel", "edit kernel", show=False, tooltip="edit kernel: focus the kernel to change its weights"),
        Binding("n", "draw", "draw on input", show=False, tooltip="draw on input: focus the input to flip cells"),
        Binding("c", "channel(1)", "next channel", show=False, tooltip="next channel of a several-channel input"),
        Binding("C", "channel(-1)", "previous channel", show=False, tooltip="previous channel"),
        Binding("right_square_bracket", "channel(8)", "8 channels on", show=False, key_display="]", tooltip="eight channels on: the next page of channel sums"),
        Binding("left_square_bracket", "channel(-8)", "8 channels back", show=False, key_display="[", tooltip="eight channels back: the previous page of channel sums"),
        Binding("escape", "leave_grid", "back to the feature map", show=False, tooltip="leave drawing or editing: back to the feature map"),
    ]

    def __init__(self, session: StepperSession | None = None, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.session = session or StepperSession.build()
        self._speed = DEFAULT_SPEED
        self._timer = None
        self._playing = False
        self._message = FIRST_NOTE
        # What the widgets were last handed (update_view): the set-up, the settings, the width.
        self._shown_setup: tuple | None = None
        self._shown_settings: tuple | None = None
        self._fitted_width: int | None = None

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # A first guess from the terminal's width, so the first layout is (usually) the last.
        in_cell, out_cell, kernel_cell = self._cell_widths(self.app.size.width)
        # Two lines in one row: the step counter changes every step, the settings rarely.
        # Kept (not queried) widgets: a step updates most of them, and a query each costs.
        self._step_line = Line("", id="stepper-step")
        self._settings_line = Line("", id="stepper-settings")
        self._input_grid = CanvasGrid(mode="auto", cell_width=in_cell, id="stepper-input")
        self._kernel_grid = KernelGrid(mode="numbers", cell_width=kernel_cell, id="stepper-kernel")
        self._pooled_grid = Grid(mode="auto", cursor_movable=True, cell_width=out_cell, max_cell_width=OUTPUT_MAX_CELL, id="stepper-pooled")
        self._output_grid = Grid(mode="auto", cursor_movable=True, cell_width=out_cell, max_cell_width=OUTPUT_MAX_CELL, id="stepper-output")
        self._arithmetic = ArithmeticPanel(id="stepper-arithmetic")
        self._pool_line = Line("", id="stepper-pool-line")
        self._formula = FormulaPanel(id="stepper-formula")
        self._message_line = Line("", id="stepper-message")
        # Containers that hand back their unchanged lines: a step repaints everything between
        # the step counter at the top and the arithmetic at the bottom (app/textual_patches.py).
        with KeptHorizontal(id="stepper-status"):
            yield self._step_line
            yield self._settings_line
        with KeptVerticalScroll(id="stepper-body"):
            with KeptHorizontal(id="stepper-maps"):
                yield self._input_grid
                with KeptVertical(id="stepper-middle"):
                    yield self._kernel_grid
                    yield self._pooled_grid
                yield self._output_grid
            yield self._arithmetic
            yield self._pool_line
            yield self._formula
            yield self._message_line

    def on_mount(self) -> None:
        # Tab cycles the grids only (input, kernel, pooled map, feature map), not the scroller.
        self.query_one("#stepper-body").can_focus = False
        self._timer = self.set_interval(SPEEDS[self._speed], self._tick, pause=True)
        self.update_view()
        self.output_grid.focus()
        # The first screen needs no feature map beyond its first cell; scipy, which computes
        # the rest, loads in the background while the learner reads it.
        self.call_after_refresh(self.run_worker, load_scipy, thread=True, name="load scipy")

    def on_resize(self) -> None:
        self._fit_cells()

    @property
    def input_grid(self) -> CanvasGrid:
        return self._input_grid

    @property
    def kernel_grid(self) -> KernelGrid:
        return self._kernel_grid

    @property
    def output_grid(self) -> Grid:
        return self._output_grid

    @property
    def pooled_grid(self) -> Grid:
        return self._pooled_grid

    def _cell_widths(self, width: int) -> tuple[int, int, int]:
        """(input, output, kernel) characters per cell: the widest that fit side by side.

        The input may drop to 2 characters before the output does: a 0/1 shape still shows
        its digits there, and the feature map is what the learner is computing. Below that
        (a lesson's narrow column) cells become 1–2 character shade glyphs.
        """
        out_need = whole_number_width(np.array(self.session.output_range())) + 1
        in_need = whole_number_width(self.session.input) + 1
        choices = [(c, c, KERNEL_CELL) for c in (6, 5, 4, 3)]
        # Narrow (a lesson's column): the input's 0/1 cells go to shade glyphs first, so the
        # feature map keeps its numbers; the kernel's title then shortens to "kernel".
        choices += [(2, 3, KERNEL_CELL), (2, 3, 4), (1, 3, 4), (1, 2, 4), (1, 1, 3)]
        for in_cell, out_cell, kernel_cell in choices:
            out_cell = min(max(out_cell, out_need), OUTPUT_MAX_CELL)
            if MIN_NUMBER_WIDTH <= in_cell < in_need:
                continue  # its numbers would not fit: a narrower (shade) input comes later
            if self._input_room(width, in_cell, out_cell, kernel_cell) >= 0:
                break
        return in_cell, out_cell, kernel_cell

    def _input_room(self, width: int, in_cell: int, out_cell: int, kernel_cell: int) -> int:
        """Columns to spare beside the grids (negative: they do not fit), the input's title
        counted in full; a long title is then cut to fit rather than push the map away."""
        width -= 1  # the body's scrollbar
        s = self.session
        cells = (s.input.shape[2] + 2 * s.padding) * in_cell
        pooled_cols = 0 if s.pooled is None else s.pooled.shape[1]
        title = len(self._kernel_title())
        middle = max(s.kernel.shape[2] * kernel_cell, pooled_cols * out_cell, min(title, len("kernel")) if in_cell == 1 else title)
        output = max(s.output_shape[1] * out_cell, len(self._output_title()))
        return width - max(cells, len(self._input_title())) - middle - output - 2 * GAP

    def _output_title(self) -> str:
        rows, cols = ("?", "?") if "size" in self.session.concealed else self.session.output_shape
        return f"feature map {rows}×{cols}{' ReLU' if self.session.relu else ''}"

    def _input_title(self) -> str:
        s = self.session
        if s.input.shape[0] > 1:
            return f"input: {s.channel_names[s.channel]} map"
        return f"input {s.input_name}"

    def _kernel_title(self) -> str:
        return f"kernel {self.session.kernel_name or '(edited)'}"

    def _fit_cells(self) -> None:
        self._fitted_width = self.size.width
        # Before the first layout the view has no size yet: guess the terminal's width.
        width = self.size.width or self.app.size.width
        in_cell, out_cell, kernel_cell = self._cell_widths(width)
        # In the narrowest layout the kernel's name gives way (the arithmetic still shows it).
        self.kernel_grid.title = "kernel" if in_cell == 1 else self._kernel_title()
        # A long file name must not widen the input grid and push the feature map off screen:
        # it gets what the grids leave, and at least its own cells' width.
        title = self._input_title()
        cells = (self.session.input.shape[2] + 2 * self.session.padding) * in_cell
        room = max(len(title) + self._input_room(width, in_cell, out_cell, kernel_cell), cells, len("input…"))
        self.input_grid.title = title if len(title) <= room else title[: room - 1] + "…"
        pairs = ((self.input_grid, in_cell), (self.output_grid, out_cell), (self.pooled_grid, out_cell), (self.kernel_grid, kernel_cell))
        for grid, cell in pairs:
            if grid.cell_width != cell:
                grid.cell_width = cell

    # -- drawing the session --------------------------------------------------------------

    def update_view(self, changed: bool = True) -> None:
        """Hand every widget the session's numbers (grids redraw only the cells that changed).

        A step moves the filter and nothing else, so what only the set-up decides (the input,
        the kernel, the scales, titles, the formula, the cell widths) is handed over again only
        when the set-up, the channel shown or what a lesson conceals has changed.
        """
        s = self.session
        setup = (s.revision, s.channel, self.session.concealed)
        if setup != self._shown_setup:
            self._shown_setup = setup
            self._show_setup()
        self._show_position()
        self._show_status()
        if self._fitted_width != self.size.width:
            self._fit_cells()
        if changed:
            self.announce_change()

    def _show_setup(self) -> None:
        s = self.session
        channel = s.channel

        self._input_scale = Scale.for_values(s.input)
        inp = self.input_grid
        inp.scale = self._input_scale
        inp.values = s.padded_input()
        uncovered = frozenset() if "uncovered" in self.session.concealed else s.uncovered_cells()
        inp.marks = {"padding": s.padding_cells(), "uncovered": uncovered}

        kernel = self.kernel_grid
        self._kernel_scale = Scale.for_values(s.kernel, signed=True)
        kernel.scale = self._kernel_scale
        kernel.values = s.kernel[channel]

        out = self.output_grid
        out.scale = Scale.for_values(s.output_range())
        out.concealed = "output" in self.session.concealed
        out.blank_unfilled = "size" in self.session.concealed
        out.title = self._output_title()

        pooled = self.pooled_grid
        # A question about the pooled map's size hides the map (its cells could be counted).
        showing_pooled = s.pooled is not None and "size" not in self.session.concealed
        if pooled.has_focus and not showing_pooled:
            out.focus()  # not on to the kernel, where + and - would edit a weight
        pooled.display = showing_pooled
        if s.pooled is not None:
            pooled.concealed = bool({"output", "pooled"} & self.session.concealed)
            pooled.scale = out.scale
            pooled.values = s.pooled
            stride = s.pool_stride or s.pool_size
            pooled.title = f"{s.pool} pool {s.pool_size}×{s.pool_size} s{stride}"
        self._pool_line.display = s.pooled is not None and not {"output", "pooled"} & self.session.concealed
        self._arithmetic.display = "arithmetic" not in self.session.concealed
        self._formula.show(s.rows_geometry, s.cols_geometry, self.session.concealed)
        self._fit_cells()

    def _show_position(self) -> None:
        """What moving the filter (or the pooling window) changes."""
        s = self.session
        self.input_grid.window = s.window_cells()
        out = self.output_grid
        out.values = s.shown_output()
        out.cursor = s.position
        if s.pooled is not None:
            self.pooled_grid.cursor = s.pool_position
            winner = s.pool_winner()
            out.window = s.pool_window()
            out.marks = {"winner": {winner}} if winner else {}
            self._pool_line.show(self._pool_text())
        else:
            out.window = ()
            out.marks = {}
        products_scale = Scale.for_values(s.step.products, signed=True)
        self._arithmetic.show(
            s.step,
            channel=s.channel,
            channel_names=s.channel_names,
            relu=s.relu,
            scales=(self._input_scale, self._kernel_scale, products_scale),
        )

    def _pool_text(self) -> Text:
        """max(window values) = pooled value, as on paper (both numbers from the engine)."""
        s = self.session
        cells = sorted(s.pool_window())
        values = ", ".join(format_exact(s.output[cell]) for cell in cells)
        i, j = s.pool_position
        text = Text()
        text.append(f"pooled cell ({i}, {j}): ", style="bold")
        text.append(f"{'max' if s.pool == 'max' else 'mean'}({values}) = ")
        text.append(format_exact(s.pooled[i, j]), style="bold")
        winner = s.pool_winner()
        if winner is not None:
            text.append(f"  (* the winner, at {winner})")
        return text

    def _show_status(self) -> None:
        s = self.session
        playing = self._playing
        # Padded so the width only changes with the number of digits (no layout each step).
        # The number of steps is the output size: a lesson asking for it shows "?".
        steps = "?" if "size" in self.session.concealed else s.steps
        digits = len(str(steps))
        self._step_line.show(f"step {s.index + 1:>{digits}}/{steps}")
        settings = (s.revision, s.channel, playing, self._speed)
        if settings != self._shown_settings:
            self._shown_settings = settings
            self._settings_line.show(self._settings_text())
        note = self._message
        if s.pool_error:
            note = s.pool_error
        self._message_line.show(note)
        self._message_line.display = bool(note)  # no empty line: at 80×24 every line counts

    def _settings_text(self) -> Text:
        s = self.session
        text = Text()
        text.append(f"  P={s.padding} S={s.stride} D={s.dilation}")
        if s.bias:
            text.append(f"  bias {format_exact(s.bias)}")
        text.append("  ReLU on" if s.relu else "  ReLU off")
        if s.pool:
            text.append(f"  {s.pool} pool")
        if s.input.shape[0] > 1:
            text.append(f"  channel {s.channel + 1}/{s.input.shape[0]}")
        text.append(f"  {'▶ playing' if self._playing else '❚❚ paused'} {1 / SPEEDS[self._speed]:g}/s")
        return text

    def say(self, message: str) -> None:
        """One line under the panels: what just went wrong, or a note."""
        self._message = message
        self._message_line.display = bool(message)
        # Text, not markup: a message may quote a file name like "[@click=app.quit]q.txt".
        self._message_line.show(Text(one_line(message)))

    def _apply(self, change, *args, **kwargs) -> bool:
        """Run a session change; a ValueError becomes a message instead of a crash."""
        try:
            change(*args, **kwargs)
        except ValueError as error:
            self.say(str(error))
            return False
        self._message = ""
        self.update_view()
        return True

    # -- the lesson contract --------------------------------------------------------------

    def apply_scene(self, scene: Scene) -> None:
        """Set up what a lesson step describes; ``None`` fields keep the session's defaults."""
        self.session = StepperSession.from_scene(scene)
        self._message = ""
        self._pause()
        if self.is_mounted:
            self.update_view()

    def show_revealed(self) -> None:
        self.update_view(changed=False)

    def focus_target(self) -> Widget:
        return self.output_grid  # arrows move the window

    # -- stepping -------------------------------------------------------------------------

    def _pause(self) -> None:
        self._playing = False
        if self._timer is not None:
            self._timer.pause()

    def _stepping_pool(self) -> bool:
        return self.session.pooled is not None and self.pooled_grid.has_focus

    def action_step(self) -> None:
        if self._stepping_pool():
            self.session.step_pool(True)
        elif not self.session.step_forward():
            self.say("That was the last output cell: backspace steps back, r starts again.")
            return
        self.update_view()

    def action_back(self) -> None:
        if self._stepping_pool():
            self.session.step_pool(False)
        elif not self.session.step_back():
            self.say("This is the first output cell.")
            return
        self.update_view()

    def action_play(self) -> None:
        if self._playing:
            self._pause()
        else:
            if self.session.index + 1 >= self.session.steps:
                self.session.reset()
            self._playing = True
            self._timer.reset()
            self._timer.resume()
        self.update_view()

    def _tick(self) -> None:
        if not self.session.step_forward():
            self._pause()
        self.update_view()

    def action_speed(self, delta: int) -> None:
        self._speed = min(max(self._speed + delta, 0), len(SPEEDS) - 1)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(SPEEDS[self._speed], self._tick, pause=not self._playing)
        self._show_status()

    def action_reset(self) -> None:
        self._pause()
        self.session.reset()
        self.update_view()

    # -- set-up ---------------------------------------------------------------------------

    def action_padding(self, delta: int) -> None:
        self._change_geometry("padding", delta)

    def action_stride(self, delta: int) -> None:
        self._change_geometry("stride", delta)

    def action_dilation(self, delta: int) -> None:
        self._change_geometry("dilation", delta)

    def _change_geometry(self, what: str, delta: int) -> None:
        """One more or one less; at a limit, nothing changes and the status line says so."""
        self._apply(self.session.nudge_geometry, what, delta)

    def action_relu(self) -> None:
        self._apply(self.session.set_relu, not self.session.relu)

    def action_pool(self) -> None:
        s = self.session
        mode = POOL_MODES[(POOL_MODES.index(s.pool) + 1) % len(POOL_MODES)]
        self._apply(s.set_pool, mode)

    def action_pool_size(self) -> None:
        s = self.session
        size = POOL_SIZES[(POOL_SIZES.index(s.pool_size) + 1) % len(POOL_SIZES)] if s.pool_size in POOL_SIZES else POOL_SIZES[0]
        self._apply(s.set_pool, s.pool or "max", size)

    def action_pool_stride(self) -> None:
        s = self.session
        # same as the size → 1 → 2 → 3 → same as the size
        order = [None, 1, 2, 3]
        current = order.index(s.pool_stride) if s.pool_stride in order else 0
        self._apply(s.set_pool, s.pool or "max", None, order[(current + 1) % len(order)])

    def action_channel(self, delta: int = 1) -> None:
        s = self.session
        if s.input.shape[0] == 1:
            self.say("This input has one channel.")
            return
        s.show_channel(delta)
        self.update_view()

    def action_leave_grid(self) -> None:
        # Escape while drawing or editing returns to the feature map; elsewhere it means "back".
        if self.output_grid.has_focus:
            raise SkipAction()
        self.output_grid.focus()
        self.say("")

    def action_edit_kernel(self) -> None:
        self.kernel_grid.focus()
        self.say("Kernel: arrows pick a weight, +/− by one, 0 clears, ⏎ types, b bias, esc leaves")

    def action_draw(self) -> None:
        self.input_grid.focus()
        self.say("Drawing: arrows move the pen, space flips a cell 0 ↔ 1, esc leaves")

    def action_choose_input(self) -> None:
        from tuiconv.app.widgets.picker import Picker  # only when asked: start-up stays light

        options = [(kind, f"{kind:<10} outline") for kind in shapes.SHAPE_KINDS]
        options += [(f"filled-{kind}", f"filled-{kind}") for kind in shapes.SHAPE_KINDS]
        self.app.push_screen(
            Picker("Input", options, prompt=f"tab, then type a shape file path, or NAME:SIZE (default size {DEFAULT_SIZE})"),
            self._input_chosen,
        )

    def _input_chosen(self, spec: str | None) -> None:
        if spec is None:
            return
        try:
            name, image, names, shape = self.session.input_from(spec)
        except (InputError, ValueError, OSError) as error:  # one line, never a crash
            self.say(_one_line(error))
            return
        self._apply(self.session.set_input, name, image, names, shape)

    def action_choose_kernel(self) -> None:
        from tuiconv.app.widgets.picker import Picker

        options = [(name, f"{name:<13} {kernels.describe(name)}") for name in kernels.LAYER1]
        options += [(name, f"{name:<13} {kernels.describe(name)} (reads 4 edge maps)") for name in kernels.LAYER2]
        network = self.session.network
        if network is not None:  # the other filters of the network being stepped
            options += [(name, f"{name:<13} a filter of {network.source}") for name in network.names()]
        self.app.push_screen(Picker("Kernel", options, current=self.session.kernel_name), self._kernel_chosen)

    def _kernel_chosen(self, name: str | None) -> None:
        if name is None:
            return
        # The learner's own input stays (a layer-2 kernel reads its edge maps); the bias resets.
        try:
            if names_network_filter(name):
                self.session.choose_network_filter(name)
                note = None
            else:
                note = self.session.choose_kernel(name)
        except ValueError as error:
            self.say(str(error))
            return
        self._message = f"kernel {name}: {note}" if note else ""
        self.update_view()

    # -- events from the grids ------------------------------------------------------------

    def on_grid_cursor_moved(self, event: Grid.CursorMoved) -> None:
        event.stop()
        if event.grid is self.output_grid:
            self._apply(self.session.move_to, *event.cell)
        elif event.grid is self.pooled_grid:
            self._apply(self.session.move_pool_to, *event.cell)

    def on_canvas_grid_toggled(self, event: CanvasGrid.Toggled) -> None:
        event.stop()
        p = self.session.padding
        self._apply(self.session.toggle_input_cell, event.cell[0] - p, event.cell[1] - p)

    def on_kernel_grid_edit(self, event: KernelGrid.Edit) -> None:
        event.stop()
        s = self.session
        row, col = event.cell
        from tuiconv.app.widgets.picker import Picker

        if event.ask == "bias":
            self.app.push_screen(Picker("Bias", [], prompt="a number", initial=format_exact(s.bias).replace("−", "-")), self._bias_typed)
            return
        if event.ask == "weight":
            current = format_exact(s.kernel[s.channel, row, col]).replace("−", "-")
            self.app.push_screen(
                Picker(f"Weight at row {row}, column {col}", [], prompt="a number", initial=current),
                lambda text: self._weight_typed(text, row, col),
            )
            return
        value = event.value if event.value is not None else s.kernel[s.channel, row, col] + event.delta
        self._apply(s.set_weight, s.channel, row, col, value)

    def _weight_typed(self, text: str | None, row: int, col: int) -> None:
        value = self._number(text)
        if value is not None:
            self._apply(self.session.set_weight, self.session.channel, row, col, value)

    def _bias_typed(self, text: str | None) -> None:
        value = self._number(text)
        if value is not None:
            self._apply(self.session.set_bias, value)

    def _number(self, text: str | None) -> float | None:
        if text is None:
            return None
        try:
            return parse_typed_number(text)
        except ValueError as error:
            self.say(str(error))
            return None

    # -- command palette ------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        entries = [
            ("Step forward", "move the filter to the next output cell", self.action_step),
            ("Step back", "move the filter to the previous output cell", self.action_back),
            ("Play / pause", "step automatically", self.action_play),
            ("Reset", "back to the first output cell", self.action_reset),
            ("More padding", "add a ring of zeros (up to 3)", lambda: self.action_padding(1)),
            ("Less padding", "remove a ring of zeros", lambda: self.action_padding(-1)),
            ("Larger stride", "skip cells between windows (up to 4)", lambda: self.action_stride(1)),
            ("Smaller stride", "windows closer together", lambda: self.action_stride(-1)),
            ("More dilation", "spread the kernel's taps apart (up to 3)", lambda: self.action_dilation(1)),
            ("Less dilation", "bring the kernel's taps closer", lambda: self.action_dilation(-1)),
            ("ReLU on/off", "max(0, x) on the feature map", self.action_relu),
            ("Pooling", "off → max → average", self.action_pool),
            ("Pool size", "2×2 or 3×3 windows", self.action_pool_size),
            ("Pool stride", "same as the size, 1, 2 or 3", self.action_pool_stride),
            ("Choose input", "a shape from the library or a shape file", self.action_choose_input),
            ("Choose kernel", "a named kernel from the library", self.action_choose_kernel),
            ("Edit kernel weights", "change the weights cell by cell", self.action_edit_kernel),
            ("Draw on the input", "flip input cells between 0 and 1", self.action_draw),
            ("Next channel", "show another input channel", self.action_channel),
            ("Previous channel", "show the channel before", lambda: self.action_channel(-1)),
        ]
        for title, help_text, callback in entries:
            yield SystemCommand(f"Stepper: {title}", help_text, callback)


def _one_line(error: Exception) -> str:
    """What went wrong, as the command line would say it (a missing file names the file)."""
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


class StepperScreen(AsksBeforeLeaving, KeepsLines, Screen):
    """The free explorer: the stepper view and a footer of its keys."""

    TITLE = "tuiconv step"

    def __init__(self, session: StepperSession | None = None) -> None:
        super().__init__()
        self._session = session

    def compose(self) -> ComposeResult:
        yield StepperView(self._session, id="stepper")
        yield KeyBar()

    @property
    def view(self) -> StepperView:
        return self.query_one(StepperView)

    def leave_question(self) -> str | None:
        lost = self.view.session.what_would_be_lost() if self.app.at_first_screen else None
        return None if lost is None else f"Quit tuiconv? {lost[0].upper() + lost[1:]} will be lost."

    def palette_commands(self) -> Iterable[SystemCommand]:
        return self.view.palette_commands()
