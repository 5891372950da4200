"""What a learner types into the stepper's boxes shows, help lists their keys, a screenshot says where it went."""

import pytest

from tests.app.conftest import SIZES, app_for, pilot_test, screen_text
from tuiconv.explore.stepper import StepperSession


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "keys, typed",
    [
        (("e", "enter", "ctrl+u"), "-0.75"),  # a kernel weight
        (("e", "b", "ctrl+u"), "2.5"),  # the bias
        (("i", "tab"), "shapes/my-shape.txt"),  # a shape file path
    ],
)
@pilot_test
async def test_what_is_typed_into_a_box_is_on_the_screen(size, keys, typed):
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys, *typed)
        await pilot.pause()
        assert typed in screen_text(app)


@pilot_test
async def test_help_lists_the_learners_keys_not_textuals_internals():
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        from tuiconv.app.screens.help import binding_sections

        sections = binding_sections(app.screen)
        listed = " | ".join(f"{title}: {keys} {text}" for title, rows in sections for keys, text in rows)
        for internal in ("Copy selected text", "Scroll", "Page Left", "VerticalScroll", "Maximize"):
            assert internal not in listed
        for wanted in ("tab Focus Next", "space/⏎ step", "^p Open the command palette", "? help"):
            assert wanted in listed


@pilot_test
async def test_the_palettes_screenshot_saves_in_the_current_directory_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = app_for(StepperSession.build("rectangle", "vertical"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Screenshot")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        saved = list(tmp_path.glob("*.svg"))
        assert len(saved) == 1 and "feature map" in saved[0].read_text().replace("&#160;", " ")
        messages = [str(n.message) for n in app._notifications]
        assert any(str(saved[0]) in m for m in messages), messages
