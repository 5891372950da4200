"""The lesson menu: every lesson of the course with its completion mark; enter opens one."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tuiconv.app.styles import tcss
from tuiconv.clean_text import one_line, shown_name
from tuiconv.course.library import Course
from tuiconv.course.progress import ProgressStore


class MenuScreen(Screen):
    """Pick a lesson; the first unfinished one is highlighted, so enter resumes the course."""

    DEFAULT_CSS = tcss(__file__, "menu.tcss")

    BINDINGS = [
        Binding("enter", "open", "open lesson", show=False),
        # One escape too many (leaving a lesson) must not quit: only q quits from here.
        Binding("escape", "stay", "", show=False),
    ]
    HELP_TITLE = "Lesson menu (arrows choose, enter opens)"

    def __init__(self, course: Course, store: ProgressStore, highlight: int | None = None) -> None:
        super().__init__()
        self.course = course
        self.store = store
        self.last_opened = highlight  # the lesson the learner was last in: the cursor stays on it
        self.title = "tuiconv lessons"

    def compose(self) -> ComposeResult:
        yield Static(id="menu-title")
        yield OptionList(id="menu-lessons")
        yield Static(id="menu-summary")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        for warning in self.store.warnings:
            self.notify(warning, severity="warning", timeout=10, markup=False)
        self.refresh_marks()

    def on_screen_resume(self) -> None:
        self.refresh_marks()

    def refresh_marks(self) -> None:
        lessons = self.course.lessons
        options = self.query_one(OptionList)
        keep = self.last_opened if self.last_opened is not None else options.highlighted
        options.clear_options()
        first_open = None
        done_count = 0
        for number, lesson in enumerate(lessons, start=1):
            progress = self.store.lesson(lesson.id, len(lesson.steps))
            total = len(lesson.steps)
            done = len(progress.completed_steps & set(range(1, total + 1)))
            # A lesson that gained a step since it was completed is not complete any more.
            if progress.completed and done == total:
                mark, style = "✓", "green"
                done_count += 1
            elif progress.started:
                mark, style = "▸", "yellow"
            else:
                mark, style = "·", "dim"
            if not (progress.completed and done == total) and first_open is None:
                first_open = number - 1
            line = Text()
            line.append(f"{mark} ", style=style)
            line.append(f"{number:>2}  {lesson.title}")
            line.append(f"  {done}/{total}", style="dim")
            options.add_option(Option(line, id=lesson.id))
        for problem in self.course.broken:
            # Listed, not openable: the teacher sees which file is broken and why.
            line = Text()
            line.append("✗ ", style="red")
            line.append(f"    {shown_name(Path(problem.path).name)}: cannot open", style="dim")
            line.append(f" ({one_line(problem.message, 120)}{'' if problem.line is None else f', line {problem.line}'})", style="dim")
            options.add_option(Option(line, disabled=True))
        options.highlighted = keep if keep is not None else (first_open or 0)
        where = "" if self.course.key == "built-in" else f" from {self.course.directory}"
        title = Text()
        title.append("tuiconv", style="bold")
        title.append(f" · lessons{where} · {done_count} of {len(lessons)} done · enter opens, ? keys, q quits")
        self.query_one("#menu-title", Static).update(title)
        self._show_summary()
        options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_summary()

    def _show_summary(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.course.lessons):
            return
        lesson = self.course.lessons[index]
        self.query_one("#menu-summary", Static).update(Text(lesson.summary))

    def action_stay(self) -> None:
        self.notify("q quits; enter opens a lesson.", timeout=3)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.course.lessons):
            self.open_lesson(event.option_index)

    def action_open(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and index < len(self.course.lessons):
            self.open_lesson(index)

    def open_lesson(self, index: int) -> None:
        self.last_opened = index
        self.app.open_lesson(self.course, self.course.lessons[index], self.store)
