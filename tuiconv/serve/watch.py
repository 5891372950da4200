"""`tuiconv class watch DIR`: who is on which step now and who looks stuck, refreshed on its own."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Static

from tuiconv.serve.report import STUCK_ATTEMPTS, STUCK_SECONDS, now_rows

REFRESH_SECONDS = 2.0


class WatchApp(App):
    """A table of learners, read again from the class database every couple of seconds."""

    CSS = """
    #watch-title { height: 1; background: $boost; padding: 0 1; }
    DataTable { height: 1fr; }
    #watch-note { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [("q,escape", "quit", "quit"), ("r", "refresh_now", "refresh")]

    def __init__(self, config, course, refresh_seconds: float = REFRESH_SECONDS) -> None:
        super().__init__()
        self.config = config
        self.course = course
        self.refresh_seconds = refresh_seconds

    def compose(self) -> ComposeResult:
        yield Static(id="watch-title")
        yield DataTable(id="watch-table", cursor_type="row", zebra_stripes=True)
        yield Static(f"stuck: {STUCK_ATTEMPTS}+ tries, or {STUCK_SECONDS // 60}+ min on one step", id="watch-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("learner", "on", "lesson", "step", "for", "tries", "hints", "stuck?")
        self.action_refresh_now()
        self.set_interval(self.refresh_seconds, self.action_refresh_now)

    def action_refresh_now(self) -> None:
        rows = now_rows(self.config, self.course)
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            where = "—" if row.lesson_number is None else f"{row.lesson_number:>2} {row.lesson[:18]}"
            step = "" if row.step is None else f"{row.step}/{row.steps}"
            since = "" if row.seconds_on_step is None else f"{row.seconds_on_step / 60:.0f} min"
            table.add_row(row.learner, "●" if row.online else "·", where, step, since, str(row.attempts), str(row.hints), row.stuck)
        online = sum(row.online for row in rows)
        stuck = sum(bool(row.stuck) for row in rows)
        title = self.query_one("#watch-title", Static)
        title.update(f"class {self.config.name} · {online} online of {len(rows)} · {stuck} look stuck")


def run_watch(config) -> int:
    from tuiconv.course.library import load_course

    WatchApp(config, load_course(config.lessons_dir())).run()
    return 0
