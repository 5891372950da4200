"""Training from random weights: watch the layer-1 filters become edge detectors.

``TrainView`` is the whole trainer: the four layer-1 filters as they change, under each the
named edge detector it most resembles and their cosine similarity, the two layer-2 filters (one
3×3 slice per layer-1 map), loss and accuracy curves, and keys to pause, step, change speed,
learning rate and seed. A network whose filters do not all fit (``--filters 32,32``, more
kinds) is shown in pages instead (``train_pages.py``). ``TrainScreen`` hosts it with a footer;
the lesson screen hosts the same view (``apply_scene(scene)`` / ``state()``, see
``tuiconv.explore.scene``).

Training runs on a timer; each tick trains for at most TICK_BUDGET seconds (as many steps as
are due and fit: one step of a 32 → 32 net takes ten times the default's) and runs a slice of
a held-out check, so keys are answered between ticks and the screen never freezes. Every
number comes from the engine (``engine.train``, ``engine.learned``); this module only arranges
them.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from tuiconv.app.screens.confirm import AsksBeforeLeaving
from tuiconv.app.styles import tcss
from tuiconv.app.palette import Scale
from tuiconv.app.screens.train_pages import PagedFilters, kinds_table
from tuiconv.app.views.base import ExplorerView
from tuiconv.app.widgets.grid import Grid
from tuiconv.engine.learned import WEAK_MATCH, FilterMatch
from tuiconv.clean_text import one_line
from tuiconv.engine.network import CLASSES
from tuiconv.engine.train import DEFAULT_LR, DEFAULT_SEED, DEFAULT_STEPS
from tuiconv.explore.scene import Scene, ViewState
from tuiconv.explore.train import TrainingSession

# Training steps per second, slowest first; each tick of the timer does the steps that are due.
SPEEDS = (1, 5, 20, 50, 200)
DEFAULT_SPEED = 2
TICK = 0.05  # seconds between ticks: 20 redraws a second at most
# Seconds of work (training, a slice of a held-out check) a tick may do; the rest of the tick
# is left for keys and drawing. A tick does at least one step, and one slice of a check.
TICK_BUDGET = 0.03


# `e` trains the rest at once when it is this few steps of the default network (a second or so;
# fewer of a larger one, by ``TrainingSession.step_cost``); more run on the timer, as many steps
# per tick as fit in RUSH_BUDGET seconds, so the screen keeps answering keys.
FINISH_AT_ONCE = 500
RUSH_BUDGET = 0.04
RUSH_REDRAW = 0.3
RUSH_CHUNK = 10  # steps trained between looks at the clock while rushing
# The status line says how many steps a second training reaches, over the last RATE_TICKS
# ticks, when that is below SLOWER_THAN of the speed asked for (a large net on a busy machine).
RATE_TICKS = 20
SLOWER_THAN = 0.8


class _Body(VerticalScroll, inherit_bindings=False):
    """Scrolls when the terminal is short (under a lesson's task lines); its scroll keys would
    only clutter the help, and the view's own keys need the arrows free."""


class TrainView(ExplorerView, Vertical, can_focus=True):
    """The trainer: keys drive an engine ``Trainer``; the grids show its weights as they change."""

    DEFAULT_CSS = tcss(__file__, "train.tcss")

    HELP_TITLE = "Training"

    BINDINGS = [
        Binding("p", "play", "play/pause", tooltip="play / pause training"),
        Binding("space,enter", "step", "step", key_display="space", tooltip="train one batch of 32 shapes (pauses first)"),
        Binding("e", "finish", "to end", tooltip="train all remaining steps at once"),
        Binding("plus,equals_sign", "speed(1)", "faster", key_display="+", tooltip="train faster (more steps per second)"),
        Binding("minus", "speed(-1)", "slower", show=False, key_display="-", tooltip="train slower"),
        Binding("right_square_bracket", "lr(1)", "lr up", key_display="]", tooltip="raise the learning rate"),
        Binding("left_square_bracket", "lr(-1)", "lr down", show=False, key_display="[", tooltip="lower the learning rate"),
        Binding("s", "seed(1)", "new seed", tooltip="next seed: new random weights and shapes, from step 0"),
        Binding("S", "seed(-1)", "previous seed", show=False, tooltip="previous seed, from step 0"),
        Binding("r", "restart", "restart", show=False, tooltip="restart from the same random weights"),
        # Only when the filters do not all fit (check_action); the headings name the keys.
        Binding("right,l,pagedown", "page(1)", "next filters", show=False, tooltip="the next page of layer-1 filters (when they do not all fit)"),
        Binding("left,h,pageup", "page(-1)", "previous filters", show=False, tooltip="the previous page of layer-1 filters"),
        Binding("down,j", "unit(1)", "next layer-2 filter", show=False, tooltip="the next layer-2 filter's slices (when they do not all fit)"),
        Binding("up,k", "unit(-1)", "previous layer-2 filter", show=False, tooltip="the previous layer-2 filter's slices"),
    ]

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        steps: int = DEFAULT_STEPS,
        lr: float = DEFAULT_LR,
        *,
        out: str | None = None,
        filters: tuple[int, int] | None = None,
        kinds: tuple[str, ...] = CLASSES,
        autoplay: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.session = TrainingSession(seed, steps, lr, out=out, filters=filters, kinds=kinds)
        self.session.playing = autoplay
        self._speed = DEFAULT_SPEED
        self._credit = 0.0
        self._last_drawn = 0.0
        self._step_seconds = 0.001  # how long a step took lately: how many fit in a tick
        self._progress: deque[tuple[float, int]] = deque(maxlen=RATE_TICKS)  # (time, steps) of the last ticks
        self._timer = None
        self._matches: list[FilterMatch] = []  # the filters' closest detectors, as last drawn
        self._wide_filters = True  # room for "cos " before each similarity

    # -- layout ---------------------------------------------------------------------------

    @property
    def paged(self) -> bool:
        return self.session.paged

    def compose(self) -> ComposeResult:
        yield Static("", id="train-status")
        with _Body(id="train-body"):
            if self.paged:
                yield PagedFilters(self.session, id="train-pages")
                yield from self._compose_curves()
                yield Static("", id="train-kinds")
                yield Static("", id="train-message")
            else:
                yield from self._compose_body()

    def _compose_body(self) -> ComposeResult:
        yield Static("layer 1: filters, and the named detector each resembles", classes="heading")
        with Horizontal(id="train-layer1"):
            for k in range(self.session.filters[0]):
                with Vertical(classes="filter"):
                    yield Grid(mode="numbers", cell_width=5, title=f"filter {k}", focusable=False, id=f"train-w1-{k}")
                    yield Grid(mode="numbers", cell_width=5, title="≈", focusable=False, id=f"train-like-{k}")
                    yield Static("", classes="cosine", id=f"train-cos-{k}")
        yield Static("layer 2: a 3×3 slice per layer-1 map, and the sum of its weights", classes="heading")
        with Horizontal(id="train-layer2"):
            for k, name in enumerate(self.session.kinds):
                with Vertical(classes="detector"):
                    yield Static(f"filter {k}: untrained", classes="role", id=f"train-role-{k}")
                    with Horizontal(classes="slices"):
                        for c in range(self.session.filters[0]):
                            with Vertical(classes="slice"):
                                yield Grid(mode="shade", cell_width=2, title=f"map{c}", focusable=False, id=f"train-w2-{k}-{c}")
                                yield Static("", classes="weight-sum", id=f"train-sum-{k}-{c}")
        yield from self._compose_curves()
        yield Static("", id="train-message")

    def _compose_curves(self) -> ComposeResult:
        # Both curves on one line: under a lesson's task and status lines, 80×24 has no spare one.
        with Horizontal(classes="curve"):
            yield Static("", id="train-loss-label")
            yield Sparkline([], id="train-loss")
            yield Static("", id="train-accuracy-label")
            yield Sparkline([], id="train-accuracy")

    def on_mount(self) -> None:
        # Keys go to the view; the body only scrolls when the terminal is short (under a lesson).
        self.query_one("#train-body").can_focus = False
        self._timer = self.set_interval(TICK, self._tick, pause=not self.session.playing)
        self._fit_cells()
        self.update_view()
        self.focus()

    def on_resize(self) -> None:
        self._fit_cells()
        self._show_status()

    def _fit_cells(self) -> None:
        """Cells as wide as the terminal allows: layer-1 numbers 5 or 4 characters, layer-2
        slices as numbers when eight fit side by side, else as shade glyphs. Paged: as many
        filters a page as fit."""
        width = self.size.width
        if self.paged:
            pages = self.query_one(PagedFilters)
            pages.fit(width, self.size.height)
            if self.is_mounted:
                pages.show()  # a page of another size
            return
        # Four filters of 3 cells, 3 columns between them.
        cell1 = next((c for c in (6, 5) if 4 * 3 * c + 3 * 3 <= width), 4)
        self._wide_filters = cell1 >= 5
        for grid in self.query(".filter Grid").results(Grid):
            if grid.cell_width != cell1:
                grid.cell_width = cell1
        for static in self.query(".cosine").results(Static):
            static.styles.width = 3 * cell1
        # Eight slices of 3 cells, a column between slices, 3 between the two filters.
        cell = next((c for c in (5, 4) if 8 * (3 * c + 1) + 3 <= width), None)
        mode, cell = ("numbers", cell) if cell else ("shade", 2)
        for grid in self.query(".slice Grid").results(Grid):
            if grid.mode != mode:
                grid.mode = mode
            if grid.cell_width != cell:
                grid.cell_width = cell
        for static in self.query(".weight-sum").results(Static):
            static.styles.width = 3 * cell
        if self.is_mounted:
            self._show_cosines()

    # -- drawing --------------------------------------------------------------------------

    def update_view(self, changed: bool = True) -> None:
        """Hand every widget the session's current numbers."""
        session = self.session
        if session.trainer.steps_done == 0:
            session.check_now()  # the random start: about a coin toss
            self._sync_timer()  # a check in slices runs on the timer, even paused
        if self.paged:
            self.query_one(PagedFilters).show()
            self.query_one("#train-kinds", Static).update(kinds_table(session))
        else:
            self._show_all_filters()
        self._show_numbers(changed)

    def _show_all_filters(self) -> None:
        session = self.session
        net = session.network
        matches = session.layer1_matches()
        w1_scale = Scale.for_values(net.w1, signed=True)
        for k, match in enumerate(matches):
            learned = self.query_one(f"#train-w1-{k}", Grid)
            learned.scale = w1_scale
            learned.values = net.w1[k, 0]
            like = self.query_one(f"#train-like-{k}", Grid)
            detector = match.detector_weights
            like.scale = Scale.for_values(detector, signed=True)
            like.values = detector
            like.title = f"≈{match.label}"
        self._matches = matches
        self._show_cosines()

        w2_scale = Scale.for_values(net.w2, signed=True)
        for role in session.layer2_roles():
            for c in range(session.filters[0]):
                grid = self.query_one(f"#train-w2-{role.filter}-{c}", Grid)
                grid.scale = w2_scale
                grid.values = net.w2[role.filter, c]
                self.query_one(f"#train-sum-{role.filter}-{c}", Static).update(f"{role.channel_weights[c]:+.1f}")
            self.query_one(f"#train-role-{role.filter}", Static).update(session.role_title(role))

    def _show_numbers(self, changed: bool) -> None:
        """The curves, the status line and the message: the same in both layouts."""
        session = self.session
        loss, accuracy = session.recent_loss(), session.recent_accuracy()
        self.query_one("#train-loss-label", Static).update(f"loss {'—' if loss is None else f'{loss:.3f}'}  ")
        self.query_one("#train-accuracy-label", Static).update(
            f"batch accuracy {'—' if accuracy is None else f'{accuracy:.0%}'}  "
        )
        self.query_one("#train-loss", Sparkline).data = session.loss_curve()
        self.query_one("#train-accuracy", Sparkline).data = session.accuracy_curve()
        self._show_status()
        message = self.query_one("#train-message", Static)
        message.update(Text(one_line(session.message, 1000)))  # text, not markup: it names the --out file
        message.display = bool(session.message)  # no empty line: at 80×24 every line counts
        if changed:
            self.announce_change()

    def _show_cosines(self) -> None:
        for match in self._matches:
            text = _cosine_text(match, self._wide_filters)
            self.query_one(f"#train-cos-{match.filter}", Static).update(text)

    def _show_status(self) -> None:
        session = self.session
        t = session.trainer
        text = Text()
        text.append(f"step {t.steps_done}/{session.target}", style="bold")
        wide = self.size.width >= 80 or not self.size.width
        if session.rushing:
            text.append("  ▶▶ training to the end" if wide else " ▶▶ to the end")
        else:
            text.append(("  ▶ training" if session.playing else "  ❚❚ paused") if wide else (" ▶" if session.playing else " ❚❚"))
            reached = self._rate_reached()
            if reached is not None:  # the machine cannot train this fast: say what it does
                text.append(f" {reached:.0f} of {SPEEDS[self._speed]} steps/s" if wide else f" {reached:.0f}/{SPEEDS[self._speed]}/s")
            else:
                text.append(f" {SPEEDS[self._speed]} steps/s" if wide else f" {SPEEDS[self._speed]}/s")
        text.append(f"  lr {t.lr:g}  seed {t.seed}" if wide else f" lr {t.lr:g} seed {t.seed}")
        known = session.known_accuracy
        text.append(("  held-out " if wide else " held-out ") + ("—" if known is None else f"{known:.1%}"))
        self.query_one("#train-status", Static).update(text)

    def say(self, message: str) -> None:
        self.session.message = message
        line = self.query_one("#train-message", Static)
        line.update(Text(one_line(message, 1000)))
        line.display = bool(message)

    # -- keys -----------------------------------------------------------------------------

    def _sync_timer(self) -> None:
        """The timer runs while the session plays (a finished run stops it) or a held-out check
        runs in slices."""
        if self._timer is not None:
            if self.session.playing or self.session.checking:
                self._timer.resume()
            else:
                self._timer.pause()

    def action_play(self) -> None:
        session = self.session
        if session.playing:
            session.playing = session.rushing = False
            session.check_now()
            session.message = ""
        else:
            session.extend()
            session.playing = True
            session.message = ""
            self._credit = 0.0
            self._progress.clear()
        self._sync_timer()
        self.update_view()

    def _tick(self) -> None:
        session = self.session
        start = time.perf_counter()
        budget = RUSH_BUDGET if session.rushing else TICK_BUDGET
        # A check under way gets half of the tick and training the other half: neither stalls.
        train_until = start + (budget / 2 if session.checking else budget)
        trained = 0
        if session.rushing:
            while session.rushing and (trained == 0 or time.perf_counter() < train_until):
                trained += self._train(min(RUSH_CHUNK, self._steps_fitting(train_until)))
        elif session.playing:
            per_tick = SPEEDS[self._speed] * TICK
            # What a slow machine could not train is dropped, not owed: no burst after a stall.
            self._credit = min(self._credit + per_tick, per_tick + 1)
            due = int(self._credit)
            while session.playing and trained < due and (trained == 0 or time.perf_counter() < train_until):
                trained += self._train(min(due - trained, self._steps_fitting(train_until)))
            self._credit -= trained
            self._progress.append((start, session.trainer.steps_done))
        checked = session.checking and session.advance_check(start + budget)
        self._sync_timer()
        if session.rushing:
            # Redrawing costs more than training: a few times a second is enough to show progress.
            if start - self._last_drawn >= RUSH_REDRAW:
                self._last_drawn = start
                self.update_view()
        elif trained or checked:
            self.update_view()

    def _rate_reached(self) -> float | None:
        """Steps a second over the last ticks while playing, when well below the speed asked for."""
        progress = self._progress
        if not self.session.playing or self.session.rushing or len(progress) < RATE_TICKS // 2:
            return None
        (t0, s0), (t1, s1) = progress[0], progress[-1]
        rate = (s1 - s0) / (t1 - t0) if t1 > t0 else None
        return rate if rate is not None and rate < SLOWER_THAN * SPEEDS[self._speed] else None

    def _steps_fitting(self, until: float) -> int:
        """How many steps fit before the ``time.perf_counter()`` deadline (at least one)."""
        return max(1, int((until - time.perf_counter()) / self._step_seconds))

    def _train(self, count: int) -> int:
        """Train ``count`` steps, keep an eye on how long a step takes; returns ``count``."""
        session = self.session
        before, start = session.trainer.steps_done, time.perf_counter()
        session.train(count)
        done = session.trainer.steps_done - before
        if done:
            self._step_seconds = 0.7 * self._step_seconds + 0.3 * (time.perf_counter() - start) / done
        return count

    def action_step(self) -> None:
        self.session.step_once()
        self._sync_timer()
        self.update_view()

    def action_finish(self) -> None:
        session = self.session
        session.message = ""
        remaining = session.target - session.trainer.steps_done
        if remaining * session.step_cost > FINISH_AT_ONCE:
            session.playing = session.rushing = True
            self._sync_timer()
            self._show_status()
            return
        session.train(remaining)
        session.finish_run()
        self._sync_timer()
        self.update_view()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # The page keys exist only where there are pages; elsewhere they go to the host.
        if action in ("page", "unit") and not self.paged:
            return False
        return True

    def action_page(self, delta: int) -> None:
        if self.session.turn_page(delta):
            self.update_view()

    def action_unit(self, delta: int) -> None:
        if self.session.select_unit(delta):
            self.update_view()

    def action_speed(self, delta: int) -> None:
        self._speed = min(max(self._speed + delta, 0), len(SPEEDS) - 1)
        self._progress.clear()
        self._show_status()

    def action_lr(self, delta: int) -> None:
        self.session.change_lr(delta)
        self.update_view()

    def action_seed(self, delta: int) -> None:
        self.session.restart(self.session.trainer.seed + delta)
        self.update_view()

    def action_restart(self) -> None:
        self.session.restart()
        self.update_view()

    # -- the lesson contract --------------------------------------------------------------

    def apply_scene(self, scene: Scene) -> None:
        """A fresh run with the scene's seed, learning rate and steps (None: defaults), paused."""
        self.session.apply_scene(scene)
        self._sync_timer()
        if self.is_mounted:
            self.update_view()

    # -- command palette ------------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        entries = [
            ("Play / pause", "train continuously, or stop", self.action_play),
            ("Step", "train one batch of 32 shapes", self.action_step),
            ("Train to the end", "all remaining steps at once", self.action_finish),
            ("Faster", "more steps per second", lambda: self.action_speed(1)),
            ("Slower", "fewer steps per second", lambda: self.action_speed(-1)),
            ("Raise learning rate", "bigger weight updates", lambda: self.action_lr(1)),
            ("Lower learning rate", "smaller weight updates", lambda: self.action_lr(-1)),
            ("New seed", "new random weights and shapes", lambda: self.action_seed(1)),
            ("Restart", "the same random weights, from step 0", self.action_restart),
        ]
        for title, help_text, callback in entries:
            yield SystemCommand(f"Training: {title}", help_text, callback)


def _cosine_text(match: FilterMatch, room: bool = True) -> Text:
    """"cos −0.74", and "weak" after a poor match; without "cos " when a column is narrow."""
    text = Text(f"{'cos ' if room else ''}{match.similarity:+.2f}".replace("-", "−"))
    if abs(match.similarity) < WEAK_MATCH:
        text.append(" weak", style="dim")
    return text


class TrainScreen(AsksBeforeLeaving, Screen):
    """``tuiconv train``: the training view and a footer of its keys (? and q come from the app)."""

    TITLE = "training from random weights"
    MIN_SIZE = (80, 24)

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        steps: int = DEFAULT_STEPS,
        lr: float = DEFAULT_LR,
        out: str | None = None,
        autoplay: bool = True,
        filters: tuple[int, int] | None = None,
        kinds: tuple[str, ...] = CLASSES,
    ):
        super().__init__()
        self._options = dict(seed=seed, steps=steps, lr=lr, out=out, autoplay=autoplay, filters=filters, kinds=kinds)

    def compose(self) -> ComposeResult:
        yield TrainView(**self._options, id="train")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def view(self) -> TrainView:
        return self.query_one(TrainView)

    def apply_scene(self, scene: Scene) -> None:
        self.view.apply_scene(scene)

    def state(self) -> ViewState:
        return self.view.state()

    def leave_question(self) -> str | None:
        lost = self.view.session.what_would_be_lost() if self.app.at_first_screen else None
        return None if lost is None else f"Quit tuiconv? {lost[0].upper() + lost[1:]} will be lost."

    def palette_commands(self) -> Iterable[SystemCommand]:
        return self.view.palette_commands()
