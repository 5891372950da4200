"""Every step of every shipped lesson fits an 80×24 terminal: nothing a learner needs is cut.

One app per lesson walks its steps (``open_step``) and reads the laid-out screen: every line of
text (the task with its options, the status or answer line, the view's own status, sums and
formulas) must fit its widget, and no container may need scrolling to show what it holds. Each
step is read again once it is done, after its solution was played on the view (the window
moved, another shape shown, the map filled, the network trained), with the success text shown.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.containers import ScrollableContainer
from textual.widgets import Footer, Static

from tests.app.conftest import COURSE, open_lesson, pilot_test, settle
from tuiconv.app.screens.lesson import LessonScreen, StoryCard
from tuiconv.course.lesson import SCENE_KEYS


def cut_lines(screen: LessonScreen) -> list[str]:
    """What does not fit, one line each: a text taller or wider than its widget, or a container
    that scrolls (what it holds reaches past what it shows)."""
    problems = []
    screen_region = screen.region
    for widget in screen.query("*"):
        if not widget.display or not widget.visible or widget.region.area == 0:
            # Hidden, or laid out with no room at all (an ancestor is hidden or squeezed).
            if widget.display and widget.visible and isinstance(widget, Static) and _has_text(widget) and _shown(widget):
                problems.append(f"{_name(widget)}: no room at all for {_text(widget)!r}")
            continue
        if not _shown(widget) or any(isinstance(node, Footer) for node in widget.ancestors_with_self):
            continue  # the footer lists the keys it has room for; ? lists them all
        if not screen_region.contains_region(widget.region):
            problems.append(f"{_name(widget)} reaches off the screen: {widget.region}")
        if isinstance(widget, ScrollableContainer) and (widget.max_scroll_y or widget.max_scroll_x):
            problems.append(f"{_name(widget)} scrolls by {widget.max_scroll_x}×{widget.max_scroll_y}")
        if isinstance(widget, Static) and _has_text(widget):
            size = widget.content_size
            need = widget.get_content_height(screen.size, screen.app.size, size.width)
            if need > size.height:
                problems.append(f"{_name(widget)} needs {need} lines, has {size.height}: {_text(widget)!r}")
            elif widget.styles.width is not None and widget.styles.width.is_auto:
                wide = widget.get_content_width(screen.size, screen.app.size)
                if wide > size.width:
                    problems.append(f"{_name(widget)} needs {wide} columns, has {size.width}: {_text(widget)!r}")
    return problems


def _shown(widget) -> bool:
    """Displayed all the way up (a child of a hidden container is not on screen)."""
    return all(node.display for node in widget.ancestors_with_self if hasattr(node, "display"))


def _has_text(widget: Static) -> bool:
    return bool(str(widget.render()).strip())


def _text(widget: Static) -> str:
    return str(widget.render())[:120]


def _name(widget) -> str:
    return f"#{widget.id}" if widget.id else type(widget).__name__


def play_solution(screen: LessonScreen) -> str:
    """Do on the step's view what its ``solution`` says a learner does, as the keys would: the
    scene keys it sets, every cell stepped through, the training run. What was done, in words
    ("" when the solution is only a typed answer, which changes nothing but the status line)."""
    step, view = screen.step, screen.view
    overrides = {k: v for k, v in step.solution.items() if k in SCENE_KEYS}
    if isinstance(overrides.get("position"), list):
        overrides["position"] = tuple(overrides["position"])
    done = []
    if overrides:
        view.apply_scene(replace(step.scene, **overrides))
        done.append(", ".join(f"{k}={v}" for k, v in overrides.items()))
    session = view.session
    if step.solution.get("filled"):
        while session.step_forward():
            pass
        view.update_view()
        done.append("every cell filled")
    if step.solution.get("trained"):
        session.train(session.target)
        session.finish_run()
        view.update_view()
        done.append("trained")
    return "; ".join(done)


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.id)
@pilot_test
async def test_every_step_fits_80x24(lesson):
    app = open_lesson(lesson.id, step=1)
    found = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the story card of step 1
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        for number in range(1, len(lesson.steps) + 1):
            if number > 1:
                await screen.open_step(number)
            await settle(pilot)
            found += [f"step {number}: {problem}" for problem in cut_lines(screen)]
            # Done: the learner's solution played on the view (the window moved, the network
            # shown another shape, the map filled), the success text in the status line, and
            # whatever the step concealed shown.
            played = play_solution(screen)
            if played:
                await settle(pilot)
            if not screen.done:
                screen._complete()
            await settle(pilot)
            after = f"step {number} after {played}" if played else f"step {number} done"
            found += [f"{after}: {problem}" for problem in cut_lines(screen)]
    assert not found, f"{lesson.path.name} at 80×24:\n" + "\n".join(found)


@pilot_test
async def test_long_options_are_listed_whole_in_the_story_card():
    """Lesson 14 step 4's options do not fit the task line: it points to x, which lists them."""
    lesson = COURSE.find("training-from-random-weights")
    step = lesson.steps[3]
    app = open_lesson(lesson.id, step=4)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):  # the step opens (and its card with it) in a worker
            if isinstance(app.screen, StoryCard):
                break
            await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, StoryCard)
        card = app.screen.query_one("#story-options")
        listed = str(card.render()).splitlines()
        assert listed == [f"{n}) {option}" for n, option in enumerate(step.check.options, start=1)]
        assert not cut_lines(app.screen)  # each whole (a long one wraps, none is cut)
        await pilot.press("enter")
        await settle(pilot)
        task = str(app.screen.query_one("#lesson-task").render())
        assert f"type 1–{len(step.check.options)}: x lists the options" in task
        assert step.check.options[0] not in task
        assert cut_lines(app.screen) == []
