"""One lesson: each step opens with its story, then the live explorer view it sets up.

The step's scene configures the same view a free explorer uses (``apply_scene``; a next step
with the same scene keeps the view as the learner left it); after every
``Changed`` message the step's check is evaluated against ``view.state()``. A question step
takes a typed answer. Three lines on top always say where the learner is, what to do, and what
happened (a nudge, a hint, or done); the story card (``x``) holds the longer narrative, so the
view keeps the whole of an 80×24 terminal below them.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Markdown, Static

from tuiconv.app.styles import tcss
from tuiconv.app.widgets.inline_text import inline_markdown
from tuiconv.clean_text import one_line
from tuiconv.course.checks import evaluate
from tuiconv.course.lesson import Lesson, Step
from tuiconv.course.library import Course
from tuiconv.course.progress import ProgressStore
from tuiconv.app.views.base import ExplorerView, ViewHost
from tuiconv.explore.scene import ViewState


KEYS_WORDS = "x story · H hint · < > steps"
TASK_LINES = 2  # the task line's share of 80×24; the status line may take 3, the view needs the rest
TASK_COLUMNS = 78  # 80 columns less the task line's padding
WIDE = 124  # columns from which the story stays beside the view (the stepper needs about 80)
# While the answer box has the keys, the lesson's keys still work (they are never part of a
# number or an option); escape gives the keys back to the view.
ANSWER_WORDS = "enter checks · H hint · x story · esc: view keys"  # fits 51 columns: one line
POOL_WAITS = "Pooling (m) waits until you answer: it would fill in the whole feature map, and show its size."
TEXT_ANSWER_WORDS = "enter checks · esc: view keys, then x story, H hint"
# Keys the answer box hands to the lesson: an answer never contains them. A letter is handed
# over only as the first key in an empty box, when no accepted answer starts with it ("4x4"
# has an x, but not first).
LESSON_KEYS = {"less_than_sign": "previous_step", "greater_than_sign": "next_step", "question_mark": "help"}
LETTER_KEYS = {"H": "hint", "x": "story", "q": "menu", "a": "answer"}  # a: "type an answer" (here already)


class AnswerInput(Input):
    """The answer box: typing goes in, but the lesson's own keys still reach the lesson."""

    HELP_TITLE = "Answer box (while it has the keys)"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.typed_first: set[str] = set()  # letters an answer may start with: typed, not handed over
        self.words = False  # the answer is free text: every letter is typed
        self.never_typed: set[str] = set()  # letters no answer of this kind can hold: always handed over

    @property
    def focusable(self) -> bool:
        return super().focusable and self.parent is not None and self.parent.has_class("-question")

    async def on_key(self, event) -> None:
        # Runs before Input's own key handling: prevent_default() keeps a lesson key out of the box.
        first = not (self.words or self.value or event.key.lower() in self.typed_first)
        letter = LETTER_KEYS.get(event.key) if first or event.key in self.never_typed else None
        action = LESSON_KEYS.get(event.key) or letter
        if action is not None:
            event.stop()
            event.prevent_default()
            if action == "help":
                self.app.action_help()
            else:
                await self.screen.run_action(action)


class StoryCard(ModalScreen[None]):
    """A step's narrative and task, over the view it is about; enter (or x, escape) closes it."""

    DEFAULT_CSS = tcss(__file__, "story.tcss")

    BINDINGS = [Binding("enter,escape,x,space", "close", "start", key_display="enter")]

    def __init__(self, heading: str, step: Step) -> None:
        super().__init__()
        self.heading = heading
        self.step = step

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.heading), id="story-title")
            with VerticalScroll():
                yield Markdown(self.step.narrative, id="story-narrative")
            yield Static(inline_markdown("▶ " + self.step.task), id="story-task")  # as the task line shows it
            if self.step.check.options:
                yield Static(options_text(self.step), id="story-options")
            yield Static("enter: try it   x: this story again   H: a hint", id="story-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class LessonScreen(ViewHost, Screen):
    """Runs one lesson of a course, saving where the learner is after every step."""

    DEFAULT_CSS = tcss(__file__, "lesson.tcss")

    BINDINGS = [
        Binding("greater_than_sign", "next_step", "next", key_display=">", tooltip="next step (or the next lesson after the last)"),
        Binding("less_than_sign", "previous_step", "back", key_display="<", tooltip="previous step"),
        Binding("H", "hint", "hint", tooltip="a hint: each press shows the next one"),
        Binding("x", "story", "story", tooltip="the step's story and task again"),
        Binding("a", "answer", "answer", tooltip="type an answer (question steps)"),
        Binding("q", "menu", "menu", show=False, key_display="q", tooltip="back to the lesson menu"),
        Binding("escape", "leave", "menu", show=False, tooltip="back to the lesson menu (asks first)"),
    ]
    HELP_TITLE = "Lesson"

    def __init__(self, course: Course, lesson: Lesson, store: ProgressStore, step: int | None = None) -> None:
        super().__init__()
        self.course = course
        self.lesson = lesson
        self.store = store
        progress = store.lesson(lesson.id, len(lesson.steps))
        resume = 1 if progress.completed else progress.current_step
        if resume in progress.completed_steps:  # back to what is left to do, not to a done step
            resume = self._first_unfinished(progress.completed_steps, lesson) or resume
        self.number = min(max(step or resume, 1), len(lesson.steps))
        self.views: dict[str, ExplorerView] = {}
        self.hints_shown = 0
        self.title = lesson.title
        self._save_warned = False
        self._opened: tuple | None = None  # what the view held when the step opened (_signature)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-task")
        with Container(id="lesson-line"):
            yield AnswerInput(placeholder="answer, then enter", id="lesson-answer")
            yield Static(id="lesson-status")
        with Horizontal(id="lesson-body"):
            yield Container(id="lesson-view")
            # A wide terminal keeps the story beside the view; a narrow one has it on x.
            with VerticalScroll(id="lesson-side"):
                yield Markdown(id="lesson-narrative")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.run_worker(self.open_step(self.number, story=True), exclusive=True)

    def on_resize(self, event) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    @staticmethod
    def _first_unfinished(completed: set[int], lesson: Lesson) -> int | None:
        return next((n for n in range(1, len(lesson.steps) + 1) if n not in completed), None)

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.number - 1]

    @property
    def MIN_SIZE(self) -> tuple[int, int]:  # noqa: N802 - the name the app reads
        return (80, 24) if self.step.scene.screen == "network" else (60, 20)

    @property
    def view(self) -> ExplorerView | None:
        return self.views.get(self.step.scene.screen)

    @property
    def done(self) -> bool:
        return self.number in self.store.lesson(self.lesson.id).completed_steps

    # -- opening a step -------------------------------------------------------------------

    async def _view_for(self, screen: str) -> Widget:
        if screen not in self.views:
            self.views[screen] = make_view(screen)
            await self.query_one("#lesson-view").mount(self.views[screen])
            # Let the new view settle (its own first focus and selection) before the scene
            # changes it, or that first focus could arrive late and undo the scene's selection.
            settled = asyncio.get_running_loop().create_future()
            self.call_after_refresh(lambda: settled.done() or settled.set_result(None))
            await settled
        for name, view in self.views.items():
            view.display = name == screen
        return self.views[screen]

    async def open_step(self, number: int, story: bool = False, keep: bool = False) -> None:
        """Show step ``number``; with ``keep`` the view stays as the learner left it."""
        self.number = number
        self.hints_shown = 0
        view = await self._view_for(self.step.scene.screen)
        try:
            if not keep:
                # A question already answered shows what it had concealed.
                scene = self.step.scene
                view.apply_scene(replace(scene, conceal=()) if self.done and scene.conceal else scene)
        except ValueError as error:  # InputError is a ValueError too: the step's scene cannot be shown
            self.notify(one_line(f"{self.lesson.path.name}: step {number}: {error}"), severity="error", timeout=10, markup=False)
        self.store.visit(self.lesson.id, number)
        self._save()
        self._show_task()
        heading = f"**Step {number}{': ' + self.step.title if self.step.title else ''}**\n\n"
        options = "".join(f"\n{n}. {o}" for n, o in enumerate(self.step.check.options, start=1))
        options = f"\n\n**{one_line(self.step.task)}**\n" + options if options else ""
        await self.query_one("#lesson-narrative", Markdown).update(heading + self.step.narrative + options)
        answer = self.query_one("#lesson-answer", AnswerInput)
        answer.value = ""
        answer.words = self.step.check.kind == "text"
        answer.typed_first = {option[:1].lower() for option in self.step.check.options}
        # A number never holds a letter; a size holds an x ("4x4") but never an H or a q.
        kind = self.step.check.kind
        answer.never_typed = {"H", "x", "q", "a"} if kind in ("number", "predict") else {"H", "q", "a"} if kind == "output-size" else set()
        question = self.step.check.is_question
        self.query_one("#lesson-line").set_class(question and not self.done, "-question")
        if self.done:
            self._say(f"✓ done before. {self._next_words()}", done=True)
        elif question:
            self._say(TEXT_ANSWER_WORDS if answer.words else ANSWER_WORDS)
        else:
            self._check_state(opening=True)
        if story and not self.has_class("-wide"):
            self.action_story()
        else:
            self._focus_work()

    def _focus_work(self) -> None:
        """Question steps start in the answer box; the others where the view's own keys work."""
        if self.step.check.is_question and not self.done:
            self.query_one("#lesson-answer", Input).focus()
        else:
            self.focus_view()

    def focus_view(self) -> None:
        """Give the keys to the view (escape from the answer box does)."""
        view = self.view
        if view is None:
            return
        target = view.focus_target()
        if not target.focusable:
            target = next((w for w in view.query("*") if w.focusable and w.display), None)
        if target is not None:
            target.focus()

    def _show_task(self) -> None:
        count = len(self.lesson.steps)
        marks = "".join("✓" if n in self.store.lesson(self.lesson.id).completed_steps else ("▸" if n == self.number else "·") for n in range(1, count + 1))
        self.query_one("#lesson-task", Static).update(task_line(self.step, f"{self.step.number}/{count} {marks} "))

    def _say(self, message: str, done: bool = False) -> None:
        status = self.query_one("#lesson-status", Static)
        status.update(inline_markdown(message))
        status.set_class(done, "-done")

    def _reveal(self) -> None:
        """Lift what the step concealed, now that its question is answered; but what the next
        step on the very same screen conceals is covered now (the pooled map that answering a question about
        its size uncovers would otherwise show the next step's answer, a pooled value)."""
        view = self.view
        session = getattr(view, "session", None)
        if view is None or session is None or not session.concealed:
            return
        following = self.lesson.steps[self.number] if self.number < len(self.lesson.steps) else None
        same = following is not None and replace(following.scene, conceal=()) == replace(self.step.scene, conceal=())
        keep = frozenset(following.scene.conceal) if same else frozenset()
        if keep:
            session.concealed = keep
            view.show_revealed()
        else:
            view.reveal()

    def _guard_prediction(self) -> None:
        """A predict step not yet answered: while the window sits on the cell to predict, its
        arithmetic stays covered, and while the feature map would show that cell's value (the
        window is on it or went past it, or pooling shows the whole map) its values do, so
        moving or playing there is no way round the question; stepping back before the cell
        gives back what the scene shows."""
        check, view = self.step.check, self.view
        session = getattr(view, "session", None)
        if check.kind != "predict" or check.params.get("of") == "pooled" or self.done or not hasattr(session, "position"):
            return
        at = check.params.get("at")
        at = None if at is None else (int(at[0]), int(at[1]))  # without one, the window itself: its scene conceals
        base = frozenset(self.step.scene.conceal)
        wanted = base
        if at is not None:
            if tuple(session.position) == at:
                wanted |= {"arithmetic"}
            if _shows_cell(session, at):
                wanted |= {"output"}
        if session.concealed != wanted:
            session.concealed = wanted
            view.show_revealed()

    def _guard_size(self) -> bool:
        """A question on the feature map's size not yet answered, on a scene without pooling:
        pooling would fill the whole map in at once (its cells could be counted), so m waits
        for the answer. True when it turned pooling back off."""
        check, scene, view = self.step.check, self.step.scene, self.view
        session = getattr(view, "session", None)
        if check.kind != "output-size" or check.params.get("of") == "pooled" or self.done:
            return False
        if "size" not in scene.conceal or scene.pool is not None or getattr(session, "pool", None) is None:
            return False
        session.set_pool(None)
        view.update_view(changed=False)
        self._say(POOL_WAITS)
        return True

    def _next_words(self) -> str:
        if self.number < len(self.lesson.steps):
            return "> next step"
        left = self._first_unfinished(self.store.lesson(self.lesson.id).completed_steps, self.lesson)
        if left is not None:
            return f"> step {left}, still to do"
        following = self._following_lesson()
        return "> next lesson" if following else "q back to the menu"

    # -- checking -------------------------------------------------------------------------

    def _state(self) -> ViewState | None:
        view = self.view
        return None if view is None else replace(view.state(), playing=view.playing)

    def _check_state(self, opening: bool = False) -> None:
        """Judge a do step; a step just opened says which keys help, not "Not yet" to a learner
        who has not done anything yet: the nudges start with their first change (the view's own
        Changed after the scene is set up, which may come later, changes nothing)."""
        state = self._state()
        if state is None or self.step.check.is_question or self.done:
            return
        outcome = evaluate(self.step.check, state)
        if outcome.passed:
            self._complete()
            return
        seen = _signature(state)
        if opening:
            self._opened = seen
        untouched = seen == self._opened
        self._say(KEYS_WORDS if untouched else outcome.message or KEYS_WORDS)

    def _complete(self) -> None:
        was_completed = self.store.lesson(self.lesson.id, len(self.lesson.steps)).completed
        progress = self.store.complete_step(self.lesson.id, self.number, len(self.lesson.steps))
        self._save()
        self._show_task()
        self.query_one("#lesson-line").remove_class("-question")
        self._reveal()
        finished = " Lesson complete!" if progress.completed and not was_completed else ""
        self._say(f"✓ {self.step.success}{finished} {self._next_words()}", done=True)
        if self.step.check.is_question:
            self._focus_work()

    def on_explorer_view_changed(self, event: ExplorerView.Changed) -> None:
        if self._guard_size():
            return
        self._guard_prediction()
        self._check_state()

    @on(Input.Submitted, "#lesson-answer")
    def _answered(self, event: Input.Submitted) -> None:
        state = self._state()
        if state is None:
            return
        outcome = evaluate(self.step.check, state, event.value)
        if not self.done:
            self.store.attempt(self.lesson.id, self.number)
        if outcome.passed:
            self._complete()
        else:
            self._say(outcome.message or ANSWER_WORDS)
            event.input.clear()

    # -- keys -----------------------------------------------------------------------------

    def palette_commands(self):
        """The lesson's own actions, then the view's (ctrl+p)."""
        from textual.app import SystemCommand

        yield SystemCommand("Lesson: next step", "go on to the next step", self.action_next_step)
        yield SystemCommand("Lesson: previous step", "go back one step", self.action_previous_step)
        yield SystemCommand("Lesson: hint", "show the next hint for this step", self.action_hint)
        yield SystemCommand("Lesson: story", "the step's narrative and task again", self.action_story)
        if self.view is not None:
            yield from self.view.palette_commands()

    def action_story(self) -> None:
        heading = f"{self.lesson.title} · step {self.number} of {len(self.lesson.steps)}"
        if self.step.title:
            heading += f": {self.step.title}"
        self.app.push_screen(StoryCard(heading, self.step), lambda _: self._focus_work())

    def action_hint(self) -> None:
        hints = self.step.hints
        if not hints:
            self._say("No hints for this step: x shows the story again.")
            return
        if self.hints_shown < len(hints):
            self.store.hint(self.lesson.id, self.number)
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        self._say(f"hint {self.hints_shown}/{len(hints)}: {hints[self.hints_shown - 1]}")

    def action_answer(self) -> None:
        if self.step.check.is_question and not self.done:
            self.query_one("#lesson-answer", Input).focus()

    def action_next_step(self) -> None:
        if self.number < len(self.lesson.steps):
            # The next step on the same scene goes on from what the learner did (trained, moved).
            following = self.lesson.steps[self.number]
            keep = following.scene == self.step.scene
            self.run_worker(self.open_step(self.number + 1, story=True, keep=keep), exclusive=True)
            return
        progress = self.store.lesson(self.lesson.id)
        left = self._first_unfinished(progress.completed_steps, self.lesson)
        if left is not None:
            # The last step, but an earlier one was skipped: go and do that one.
            if left == self.number:
                self._say("Finish this step first (H for a hint), or q for the menu.")
            else:
                self.run_worker(self.open_step(left, story=True), exclusive=True)
                self.notify(f"Step {left} is still to do.", timeout=4)
            return
        following = self._following_lesson()
        if following is not None:
            self.app.switch_screen(LessonScreen(self.course, following, self.store))
        else:
            self._say("This was the last lesson. q goes back to the menu.")

    def action_previous_step(self) -> None:
        if self.number > 1:
            self.run_worker(self.open_step(self.number - 1), exclusive=True)

    def _following_lesson(self) -> Lesson | None:
        index = self.course.lessons.index(self.lesson)
        return self.course.lessons[index + 1] if index + 1 < len(self.course.lessons) else None

    def on_key(self, event) -> None:
        # Escape in the answer box hands the keys back to the view, rather than leaving the lesson.
        if event.key == "escape" and isinstance(self.focused, Input):
            event.stop()
            event.prevent_default()
            self.focus_view()

    def action_leave(self) -> None:
        """Escape: back to the menu, but only if the learner says so (a stray escape loses no step)."""
        from tuiconv.app.screens.confirm import Confirm

        question = f"Leave “{self.lesson.title}” for the lesson menu? Your progress is saved."
        self.app.push_screen(Confirm(question), lambda yes: self.action_menu() if yes and self.app.screen is self else None)

    def action_menu(self) -> None:
        """Back to the lesson menu, on this lesson; a lesson opened on its own gets one too."""
        self.app.open_menu(self.course, self.store, highlight=self.course.lessons.index(self.lesson))

    def _save(self) -> None:
        try:
            self.store.save()
        except OSError as error:
            if not self._save_warned:
                self._save_warned = True
                self.notify(f"progress not saved: {error}", severity="warning", timeout=8, markup=False)


def _signature(state: ViewState) -> tuple:
    """Everything a state holds, comparable: has the learner changed anything since the step opened?"""
    import numpy as np

    parts = []
    for name in state.__dataclass_fields__:
        value = getattr(state, name)
        if isinstance(value, np.ndarray):
            value = (value.shape, value.tobytes())
        elif isinstance(value, dict):
            value = repr(sorted(value.items(), key=lambda item: str(item[0])))
        parts.append(value)
    return tuple(parts)


def _shows_cell(session, at: tuple[int, int]) -> bool:
    """Whether the stepper's feature map has the value of cell ``at`` on it (NaN until filled)."""
    import math

    shown = session.shown_output()
    inside = 0 <= at[0] < shown.shape[0] and 0 <= at[1] < shown.shape[1]
    return inside and not math.isnan(float(shown[at]))


def options_text(step: Step) -> Text:
    """A choice's options, one a line, as the story card lists them."""
    return Text("\n".join(f"{n}) {o}" for n, o in enumerate(step.check.options, start=1)), style="bold")


def task_line(step: Step, where: str) -> Text:
    """Where the learner is and the task; a choice's options too when all of it fits in
    TASK_LINES lines at 80 columns, or else a pointer to the story card, which lists them (a
    longer task line would push the view's own lines off an 80×24 terminal)."""
    text = Text()
    text.append(where, style="bold")
    text.append_text(inline_markdown(step.task))
    options = step.check.options
    if not options:
        return text
    inline = text.copy()
    inline.append("  " + "  ".join(f"{n}) {o}" for n, o in enumerate(options, start=1)), style="bold")
    if len(inline.wrap(_console(), TASK_COLUMNS)) <= TASK_LINES:
        return inline
    text.append(f"  (type 1–{len(options)}: x lists the options)", style="bold")
    return text


def _console():
    from rich.console import Console

    return Console(width=TASK_COLUMNS, no_color=True)


def make_view(screen: str) -> Widget:
    """The explorer view a scene's ``screen`` names; the same ones the free screens host."""
    if screen == "stepper":
        from tuiconv.app.screens.stepper import StepperView

        return StepperView(id="lesson-stepper")
    if screen == "network":
        from tuiconv.explore.network import NetworkSession
        from tuiconv.app.screens.network import NetworkView

        return NetworkView(NetworkSession.open("rectangle"), id="lesson-network")
    from tuiconv.app.screens.train import TrainView

    return TrainView(autoplay=False, id="lesson-train")
