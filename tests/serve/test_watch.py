"""`tuiconv class watch`: the teacher's live screen follows the class database on its own."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable

from tuiconv.cli import main
from tuiconv.course.library import load_course
from tuiconv.course.progress import ClassProgress, ProgressStore
from tuiconv.serve import classdir
from tuiconv.serve.watch import WatchApp


def test_the_watch_screen_shows_who_is_where_and_who_looks_stuck_and_refreshes_by_itself(tmp_path):
    directory = tmp_path / "cnn"
    assert main(["class", "init", str(directory)]) == 0
    for name in ("ada", "bea"):
        assert main(["class", "add", str(directory), name]) == 0
    database = directory / "progress.db"
    ProgressStore("built-in", database, learner="ada").visit("padding", 2)

    async def go():
        app = WatchApp(classdir.load(directory), load_course(None), refresh_seconds=0.1)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            table = app.query_one(DataTable)
            rows = {table.get_row_at(n)[0]: table.get_row_at(n) for n in range(table.row_count)}
            assert rows["ada"][2:4] == [" 5 padding", "2/4"] and rows["ada"][1] == "·"
            assert rows["bea"][2] == "—"
            # Bea logs in and tries six answers at lesson 1, step 1; nobody presses a key here.
            bea = ProgressStore("built-in", database, learner="bea")
            bea.visit("pixels-are-numbers", 1)
            for _ in range(6):
                bea.attempt("pixels-are-numbers", 1)
            ClassProgress(database).session_started("s1", "bea", "ssh")
            for _ in range(50):
                await asyncio.sleep(0.05)
                rows = {table.get_row_at(n)[0]: table.get_row_at(n) for n in range(table.row_count)}
                if rows["bea"][1] == "●":
                    break
            assert rows["bea"][1:4] == ["●", " 1 pixels-are-numbers", "1/3"]
            assert rows["bea"][-1] == "6 tries"
            assert "1 online of 2 · 1 look stuck" in str(app.query_one("#watch-title").render())

    asyncio.run(go())
