"""Training from random weights: watch the layer-1 filters become edge detectors.

``TrainView`` is the whole trainer: the four layer-1 filters as they change, under each the
named edge detector it most resembles and their cosine similarity, the two layer-2 filters (one
3×3 slice per layer-1 map), loss and accuracy curves, and keys to pause, step, change speed,
learning rate and seed. ``TrainScreen`` hosts it with a footer; the lesson screen hosts the same
view (``apply_scene(scene)`` / ``state()``, see ``tuiconv.course.scene``).

Training runs on a timer in small batches of steps, so keys are answered between batches and
the screen never freezes. Every number comes from the engine (``engine.train``,
``engine.learned``); this module only arranges them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from tuiconv.app.palette import Scale
from tuiconv.app.widgets.grid import Grid
from tuiconv.clean_text import one_line
from tuiconv.course.scene import Scene, ViewState
from tuiconv.engine import kernels
from tuiconv.engine.learned import WEAK_MATCH, FilterMatch, layer1_matches, layer2_roles
from tuiconv.engine.network import CLASSES
from tuiconv.engine.train import (
    DEFAULT_LR,
    DEFAULT_SEED,
    DEFAULT_STEPS,
    RECIPE,
    ShapeSet,
    Trainer,
    check_settings,
    evaluate,
    held_out_set,
    mean_responses,
)

# Training steps per second, slowest first; each tick of the timer does the steps that are due.
SPEEDS = (1, 5, 20, 50, 200)
DEFAULT_SPEED = 2
TICK = 0.05  # seconds between ticks: 20 redraws a second at most
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
EVALUATE_EVERY = 50  # steps between held-out accuracy checks while training runs
RECENT = 20  # batches the status line averages loss and accuracy over
FILTERS = 4


# `e` trains the rest at once when it is this few steps (a second or so); more run on the timer,
# as many steps per tick as fit in RUSH_BUDGET seconds, so the screen keeps answering keys.
FINISH_AT_ONCE = 500
RUSH_BUDGET = 0.04
RUSH_REDRAW = 0.3


class _Body(VerticalScroll, inherit_bindings=False):
    """Scrolls when the terminal is short (under a lesson's task lines); its scroll keys would
    only clutter the help, and the view's own keys need the arrows free."""


def _nearest_lr_index(lr: float) -> int:
    return int(np.argmin([abs(np.log(lr / x)) for x in LEARNING_RATES]))


class TrainView(Vertical, can_focus=True):
    """The trainer: keys drive an engine ``Trainer``; the grids show its weights as they change."""

    HELP_TITLE = "Training"
    DEFAULT_CSS = """
    TrainView { height: 1fr; width: 1fr; }
    TrainView #train-status { height: 1; background: $boost; }
    TrainView #train-body { height: 1fr; scrollbar-size-vertical: 1; }
    TrainView .heading { height: 1; color: $text-muted; }
    TrainView #train-layer1, TrainView #train-layer2 { height: auto; width: auto; }
    TrainView .filter { width: auto; height: auto; margin-right: 3; }
    TrainView .cosine { height: 1; }
    TrainView .detector { width: auto; height: auto; margin-right: 3; }
    TrainView .role { height: 1; text-style: bold; }
    TrainView .slices { width: auto; height: auto; }
    TrainView .slice { width: auto; height: auto; margin-right: 1; }
    TrainView .weight-sum { height: 1; width: 6; }
    TrainView .curve { height: 1; }
    TrainView .curve > Static { width: 22; }
    TrainView .curve > Sparkline { width: 1fr; }
    TrainView #train-message { height: auto; color: $text-warning; }
    """

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
    ]

    class Changed(Message):
        """Something the learner sees changed; ``view.state()`` says what it is now."""

        def __init__(self, view: "TrainView") -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> "TrainView":
            return self.view

    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        steps: int = DEFAULT_STEPS,
        lr: float = DEFAULT_LR,
        *,
        out: str | None = None,
        autoplay: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        check_settings(steps=steps, lr=lr, seed=seed)
        self.out = out
        self.target = steps
        self._steps_per_run = steps
        self._speed = DEFAULT_SPEED
        self._credit = 0.0
        self._playing = autoplay
        self._rushing = False
        self._last_drawn = 0.0
        self._timer = None
        self._held: ShapeSet | None = None
        self._message = RECIPE  # until the first key: how this training differs from the plain one
        self._start(seed, lr)

    # -- the training run -----------------------------------------------------------------

    def _start(self, seed: int, lr: float) -> None:
        self.trainer = Trainer(seed=seed, lr=lr)
        self._held_accuracy: tuple[int, float] | None = None
        self._responses: tuple[int, np.ndarray] | None = None
        self._credit = 0.0

    @property
    def held_out(self) -> ShapeSet:
        if self._held is None:
            self._held = held_out_set()
        return self._held

    def held_out_accuracy(self) -> float:
        """Accuracy on the 1,000 held-out shapes now (cached per step count)."""
        done = self.trainer.steps_done
        if self._held_accuracy is None or self._held_accuracy[0] != done:
            self._held_accuracy = (done, evaluate(self.trainer.network(), self.held_out))
        return self._held_accuracy[1]

    def _known_accuracy(self) -> float | None:
        return None if self._held_accuracy is None else self._held_accuracy[1]

    @property
    def finished(self) -> bool:
        return self.trainer.steps_done >= self.target

    def _train(self, count: int) -> None:
        before = self.trainer.steps_done
        count = min(count, self.target - before)
        if count > 0:
            self.trainer.step(count)
        # A held-out check costs about as much as 50 steps: not while rushing to the end.
        crossed = before // EVALUATE_EVERY != self.trainer.steps_done // EVALUATE_EVERY
        if self.finished or (crossed and not self._rushing):
            self.held_out_accuracy()
        if self.finished:
            self._finish_run()

    def _finish_run(self) -> None:
        self._pause()
        done = self.trainer.steps_done
        if self._responses is None or self._responses[0] != done:
            self._responses = (done, mean_responses(self.trainer.network(), self.held_out))
        self._message = f"Done: {self.held_out_accuracy():.1%} right on {len(self.held_out)} held-out shapes. "
        scores = self._responses[1]  # (shape class, filter)
        parts = [
            f"of filter {k}: {scores[k, k]:.1f} on {name}s, {scores[1 - k, k]:.1f} on {CLASSES[1 - k]}s"
            for k, name in enumerate(CLASSES)
        ]
        self._message += "Mean score " + "; ".join(parts) + ". "
        if self.out:
            try:
                self.trainer.network().save(self.out)
                self._message += f"Weights saved to {Path(self.out).name}. "
            except OSError as error:
                self._message += f"Could not save {self.out}: {error.strerror or error}. "
        self._message += f"p trains {self._steps_per_run} more, s tries another seed."

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="train-status")
        with _Body(id="train-body"):
            yield from self._compose_body()

    def _compose_body(self) -> ComposeResult:
        yield Static("layer 1: filters, and the named detector each resembles", classes="heading")
        with Horizontal(id="train-layer1"):
            for k in range(FILTERS):
                with Vertical(classes="filter"):
                    yield Grid(mode="numbers", cell_width=5, title=f"filter {k}", focusable=False, id=f"train-w1-{k}")
                    yield Grid(mode="numbers", cell_width=5, title="≈", focusable=False, id=f"train-like-{k}")
                    yield Static("", classes="cosine", id=f"train-cos-{k}")
        yield Static("layer 2: a 3×3 slice per layer-1 map, and the sum of its weights", classes="heading")
        with Horizontal(id="train-layer2"):
            for k, name in enumerate(CLASSES):
                with Vertical(classes="detector"):
                    yield Static(f"filter {k}: {name} detector", classes="role", id=f"train-role-{k}")
                    with Horizontal(classes="slices"):
                        for c in range(FILTERS):
                            with Vertical(classes="slice"):
                                yield Grid(mode="shade", cell_width=2, title=f"map{c}", focusable=False, id=f"train-w2-{k}-{c}")
                                yield Static("", classes="weight-sum", id=f"train-sum-{k}-{c}")
        with Horizontal(classes="curve"):
            yield Static("", id="train-loss-label")
            yield Sparkline([], id="train-loss")
        with Horizontal(classes="curve"):
            yield Static("", id="train-accuracy-label")
            yield Sparkline([], id="train-accuracy")
        yield Static("", id="train-message")

    def on_mount(self) -> None:
        # Keys go to the view; the body only scrolls when the terminal is short (under a lesson).
        self.query_one("#train-body").can_focus = False
        self._timer = self.set_interval(TICK, self._tick, pause=not self._playing)
        self._fit_cells()
        self.update_view()
        self.focus()

    def on_resize(self) -> None:
        self._fit_cells()
        self._show_status()

    def _fit_cells(self) -> None:
        """Cells as wide as the terminal allows: layer-1 numbers 5 or 4 characters, layer-2
        slices as numbers when eight fit side by side, else as shade glyphs."""
        width = self.size.width
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
        """Hand every widget the trainer's current numbers."""
        if self.trainer.steps_done == 0:
            self.held_out_accuracy()  # the random start: about a coin toss
        net = self.trainer.network()
        matches = layer1_matches(net)
        w1_scale = Scale.for_values(net.w1, signed=True)
        for k, match in enumerate(matches):
            learned = self.query_one(f"#train-w1-{k}", Grid)
            learned.scale = w1_scale
            learned.values = net.w1[k, 0]
            like = self.query_one(f"#train-like-{k}", Grid)
            detector = kernels.kernel(match.detector) * (-1 if match.negated else 1)
            like.scale = Scale.for_values(detector, signed=True)
            like.values = detector
            like.title = f"≈{match.label}"
        self._matches = matches
        self._show_cosines()

        w2_scale = Scale.for_values(net.w2, signed=True)
        responses = None if self._responses is None else self._responses[1]
        for role in layer2_roles(net, responses):
            for c in range(FILTERS):
                grid = self.query_one(f"#train-w2-{role.filter}-{c}", Grid)
                grid.scale = w2_scale
                grid.values = net.w2[role.filter, c]
                self.query_one(f"#train-sum-{role.filter}-{c}", Static).update(f"{role.channel_weights[c]:+.1f}")
            self.query_one(f"#train-role-{role.filter}", Static).update(f"filter {role.filter}: {role.detector} detector")

        history = self.trainer.history
        recent = history[-RECENT:]
        loss = sum(r.loss for r in recent) / len(recent) if recent else None
        accuracy = sum(r.accuracy for r in recent) / len(recent) if recent else None
        self.query_one("#train-loss-label", Static).update(f"loss {'—' if loss is None else f'{loss:.3f}'}  ")
        self.query_one("#train-accuracy-label", Static).update(
            f"batch accuracy {'—' if accuracy is None else f'{accuracy:.0%}'}  "
        )
        self.query_one("#train-loss", Sparkline).data = [r.loss for r in history]
        self.query_one("#train-accuracy", Sparkline).data = [r.accuracy for r in history]
        self._show_status()
        self.query_one("#train-message", Static).update(Text(one_line(self._message, 1000)))  # text, not markup: it names the --out file
        if changed:
            self.post_message(self.Changed(self))

    def _show_cosines(self) -> None:
        for match in getattr(self, "_matches", ()):
            text = _cosine_text(match, getattr(self, "_wide_filters", True))
            self.query_one(f"#train-cos-{match.filter}", Static).update(text)

    def _show_status(self) -> None:
        t = self.trainer
        text = Text()
        text.append(f"step {t.steps_done}/{self.target}", style="bold")
        wide = self.size.width >= 80 or not self.size.width
        if self._rushing:
            text.append("  ▶▶ training to the end" if wide else " ▶▶ to the end")
        else:
            text.append(("  ▶ training" if self._playing else "  ❚❚ paused") if wide else (" ▶" if self._playing else " ❚❚"))
            text.append(f" {SPEEDS[self._speed]} steps/s" if wide else f" {SPEEDS[self._speed]}/s")
        text.append(f"  lr {t.lr:g}  seed {t.seed}" if wide else f" lr {t.lr:g} seed {t.seed}")
        known = self._known_accuracy()
        text.append(("  held-out " if wide else " held-out ") + ("—" if known is None else f"{known:.1%}"))
        self.query_one("#train-status", Static).update(text)

    def say(self, message: str) -> None:
        self._message = message
        self.query_one("#train-message", Static).update(Text(one_line(message, 1000)))

    # -- keys -----------------------------------------------------------------------------

    def _pause(self) -> None:
        self._playing = self._rushing = False
        if self._timer is not None:
            self._timer.pause()

    def action_play(self) -> None:
        if self._playing:
            self._pause()
            self.held_out_accuracy()
            self._message = ""
        else:
            if self.finished:
                self.target += self._steps_per_run
            self._playing = True
            self._message = ""
            self._credit = 0.0
            if self._timer is not None:
                self._timer.resume()
        self.update_view()

    def _tick(self) -> None:
        if self._rushing:
            start = time.perf_counter()
            while not self.finished and time.perf_counter() - start < RUSH_BUDGET:
                self._train(10)
            # Redrawing costs more than training: a few times a second is enough to show progress.
            if self.finished:
                self._finish_run()
            if self.finished or start - self._last_drawn >= RUSH_REDRAW:
                self._last_drawn = start
                self.update_view()
            return
        self._credit += SPEEDS[self._speed] * TICK
        count = int(self._credit)
        if count == 0:
            return
        self._credit -= count
        self._train(count)
        self.update_view()

    def action_step(self) -> None:
        self._pause()
        if self.finished:
            self.target += 1
        self._message = ""
        self._train(1)
        self.held_out_accuracy()
        self.update_view()

    def action_finish(self) -> None:
        self._message = ""
        remaining = self.target - self.trainer.steps_done
        if remaining > FINISH_AT_ONCE:
            self._playing = self._rushing = True
            if self._timer is not None:
                self._timer.resume()
            self._show_status()
            return
        self._train(remaining)
        self._finish_run()
        self.update_view()

    def action_speed(self, delta: int) -> None:
        self._speed = min(max(self._speed + delta, 0), len(SPEEDS) - 1)
        self._show_status()

    def action_lr(self, delta: int) -> None:
        index = min(max(_nearest_lr_index(self.trainer.lr) + delta, 0), len(LEARNING_RATES) - 1)
        self.trainer.set_lr(LEARNING_RATES[index])
        self.say(f"learning rate {self.trainer.lr:g} from the next step on")
        self.update_view()

    def action_seed(self, delta: int) -> None:
        self._restart(max(self.trainer.seed + delta, 0))

    def action_restart(self) -> None:
        self._restart(self.trainer.seed)

    def _restart(self, seed: int) -> None:
        self.target = self._steps_per_run
        self._start(seed, self.trainer.lr)
        self._message = f"seed {seed}: new random weights, step 0"
        self.update_view()

    # -- the lesson contract --------------------------------------------------------------

    def apply_scene(self, scene: Scene) -> None:
        """A fresh run with the scene's seed, learning rate and steps (None: defaults), paused."""
        steps = scene.steps if scene.steps is not None else DEFAULT_STEPS
        lr = scene.lr if scene.lr is not None else DEFAULT_LR
        seed = scene.seed if scene.seed is not None else DEFAULT_SEED
        check_settings(steps=steps, lr=lr, seed=seed)
        self._pause()
        self.target = self._steps_per_run = steps
        self._start(seed, lr)
        self._message = "p starts training, space trains one batch"
        if self.is_mounted:
            self.update_view()

    def state(self) -> ViewState:
        history = self.trainer.history[-RECENT:]
        net = self.trainer.network()
        return ViewState(
            screen="train",
            train_step=self.trainer.steps_done,
            accuracy=self._known_accuracy(),
            loss=sum(r.loss for r in history) / len(history) if history else None,
            extra={
                "lr": self.trainer.lr,
                "seed": self.trainer.seed,
                "playing": self._playing,
                "finished": self.finished,
                "layer1": [m.label for m in layer1_matches(net)],
                "similarity": [m.similarity for m in layer1_matches(net)],
            },
        )

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


class TrainScreen(Screen):
    """``tuiconv train``: the training view and a footer of its keys (? and q come from the app)."""

    TITLE = "training from random weights"
    MIN_SIZE = (80, 24)

    def __init__(self, seed: int = DEFAULT_SEED, steps: int = DEFAULT_STEPS, lr: float = DEFAULT_LR, out: str | None = None, autoplay: bool = True):
        super().__init__()
        self._options = dict(seed=seed, steps=steps, lr=lr, out=out, autoplay=autoplay)

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

    def palette_commands(self) -> Iterable[SystemCommand]:
        return self.view.palette_commands()
