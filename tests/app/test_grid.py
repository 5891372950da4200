"""The one grid widget and the one palette: what a learner sees in every grid of the app."""


import asyncio

import numpy as np
from rich.color import Color, ColorSystem
import pytest
from textual.app import App
from textual.geometry import Region

from tests.app.conftest import pilot_test
from tuiconv.app import palette
from tuiconv.app.palette import Scale
from tuiconv.app.widgets.grid import Grid, format_number


def rec709(rgb):
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def perceived(rgb):
    r, g, b = rgb
    return (299 * r + 587 * g + 114 * b) / 1000


@pytest.mark.parametrize("scale", [Scale(-3, 3, True), Scale(0, 5, False)])
def test_brightness_rises_with_the_value_so_order_survives_without_colour(scale):
    values = np.linspace(scale.low, scale.high, 61)
    for measure in (rec709, perceived):
        brightness = [measure(palette.colour(v, scale)) for v in values]
        assert all(b2 >= b1 for b1, b2 in zip(brightness, brightness[1:]))
        assert brightness[-1] - brightness[0] > 120  # far apart, not just ordered


def test_signed_values_get_the_diverging_palette_centred_on_zero():
    scale = Scale.for_values(np.array([[-2.0, 0.5], [1.0, 0.0]]))
    assert (scale.low, scale.high, scale.signed) == (-2.0, 2.0, True)
    assert palette.colour(0.0, scale) == palette.DIVERGING[len(palette.DIVERGING) // 2] == palette.ZERO
    assert Scale.for_values(np.array([0.0, 3.0])) == Scale(0.0, 3.0, False)


def standard_index(rgb) -> int:
    """The colour a 16-colour terminal gets: Textual hands truecolor to rich, which downgrades."""
    return Color.from_rgb(*rgb).downgrade(ColorSystem.STANDARD).number


def test_in_16_colours_negative_zero_and_positive_get_their_own_colour_and_positive_is_never_red():
    scale = Scale(-1, 1, True)
    values = np.linspace(-1, 1, 201)
    negative = {standard_index(palette.colour(v, scale)) for v in values if v < 0}
    zero = {standard_index(palette.colour(0.0, scale))}
    positive = {standard_index(palette.colour(v, scale)) for v in values if v > 0}
    assert negative.isdisjoint(zero) and positive.isdisjoint(zero) and negative.isdisjoint(positive)
    assert negative <= {4, 6, 12, 14}  # blue or cyan
    assert positive.isdisjoint({1, 9})  # no alarm red for an ordinary positive value
    # padding's grey text stays readable on its own background
    assert standard_index(palette.PADDING_FG) != standard_index(palette.PADDING_BG)
    # and what used to go wrong: -3, 0 and +1 on a ±4 scale were one grey
    four = Scale(-4, 4, True)
    assert len({standard_index(palette.colour(v, four)) for v in (-3, 0, 1)}) == 3


def test_shade_glyphs_get_denser_as_values_grow():
    scale = Scale(0, 4, False)
    glyphs = [palette.shade_glyph(v, scale) for v in (0, 1, 2, 3, 4)]
    assert glyphs == list(palette.SHADES)


@pytest.mark.parametrize(
    "value, width, expected",
    [(1.0, 3, "1"), (-2.0, 3, "-2"), (0.25, 4, "0.25"), (-0.5, 3, "-.5"), (7.5, 3, "7.5"), (1234.0, 3, "++")],
)
def test_numbers_are_as_precise_as_the_cell_allows(value, width, expected):
    text = format_number(value, width)
    assert text == expected and len(text) <= width


class GridApp(App):
    def __init__(self, grid: Grid, **app_options):
        super().__init__(**app_options)
        self.grid = grid
        self.moves = []

    def compose(self):
        yield self.grid

    def on_grid_cursor_moved(self, event: Grid.CursorMoved) -> None:
        self.moves.append(event.cell)


def shown_numbers(grid: Grid, first_line: int = 1) -> list[list[str]]:
    lines = [grid.render_line(y).text for y in range(first_line, first_line + grid.values.shape[0])]
    return [line.replace("·", " ").replace("▸", " ").split() for line in lines]


@pilot_test
async def test_every_value_is_printed_in_its_row_and_column():
    values = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -0.25]])
    app = GridApp(Grid(values, title="kernel", mode="numbers", cell_width=5))
    async with app.run_test(size=(40, 10)):
        assert app.grid.render_line(0).text.startswith("kernel")
        assert shown_numbers(app.grid) == [["1", "-2", "0.5"], ["0", "3", "-.25"]]  # 4 characters fit beside the gutter


@pilot_test
async def test_changing_one_value_redraws_only_that_cell():
    values = np.zeros((6, 6))
    # A fixed scale: with a scale fitted to the data, a new maximum recolours every cell.
    app = GridApp(Grid(values, title="map", mode="numbers", cell_width=4, scale=Scale(0, 9, False)))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        dirty = []
        original = app.grid.refresh
        app.grid.refresh = lambda *regions, **kw: (dirty.extend(regions), original(*regions, **kw))[1]
        changed = values.copy()
        changed[4, 2] = 9.0
        app.grid.values = changed
        assert dirty == [Region(2 * 4, 1 + 4, 4, 1)]  # column 2 of 4-character cells, under the title
        await pilot.pause()
        assert shown_numbers(app.grid)[4] == ["0", "0", "9", "0", "0", "0"]


@pilot_test
async def test_moving_the_window_redraws_the_cells_it_left_and_entered():
    app = GridApp(Grid(np.ones((8, 8)), mode="numbers", cell_width=3))
    async with app.run_test(size=(40, 12)) as pilot:
        app.grid.window = Grid.rectangle(0, 0, 3, 3)
        await pilot.pause()
        dirty = []
        original = app.grid.refresh
        app.grid.refresh = lambda *regions, **kw: (dirty.extend(regions), original(*regions, **kw))[1]
        app.grid.window = Grid.rectangle(1, 0, 3, 3)  # one row down
        assert sorted(dirty) == [Region(0, 0, 9, 1), Region(0, 3, 9, 1)]
        dirty.clear()
        app.grid.window = Grid.rectangle(1, 1, 3, 3)  # one column right: 3 cells left, 3 entered
        assert sorted(dirty) == [Region(0, 1, 3, 3), Region(9, 1, 3, 3)]  # one column out, one in


@pilot_test
async def test_arrow_keys_and_hjkl_move_the_cursor_within_the_grid():
    app = GridApp(Grid(np.zeros((3, 4)), cursor_movable=True))
    async with app.run_test(size=(40, 12)) as pilot:
        app.grid.cursor = (0, 0)
        app.grid.focus()
        await pilot.press("right", "l", "down", "j", "j", "h", "up")
        await pilot.pause()
        assert app.moves == [(0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (1, 1)]
        assert app.grid.cursor == (1, 1)


@pilot_test
async def test_a_grid_whose_cursor_is_fixed_lets_arrow_keys_through():
    app = GridApp(Grid(np.zeros((3, 4))))
    async with app.run_test(size=(40, 12)) as pilot:
        app.grid.focus()
        await pilot.press("right", "down")
        assert app.moves == [] and app.grid.cursor is None


@pilot_test
async def test_half_blocks_draw_two_rows_per_line():
    values = np.arange(16 * 16, dtype=float).reshape(16, 16)
    app = GridApp(Grid(values, mode="halfblock"))
    async with app.run_test(size=(40, 12)):
        assert app.grid.size.height == 8
        strip = app.grid.render_line(0)
        assert strip.text == "▀" * 16
        first = list(strip)[0].style
        assert first.color.triplet == palette.colour(0, app.grid.scale)
        assert first.bgcolor.triplet == palette.colour(16, app.grid.scale)


@pilot_test
async def test_not_yet_computed_cells_are_empty_and_padding_is_dim_without_a_fence():
    values = np.array([[0.0, 0.0, 0.0], [0.0, 2.0, np.nan]])
    grid = Grid(values, mode="numbers", cell_width=3)
    grid.marks = {"padding": {(0, 0), (0, 1), (0, 2)}}
    app = GridApp(grid)
    async with app.run_test(size=(40, 12)):
        padding_row, inner_row = grid.render_line(0), grid.render_line(1)
        assert padding_row.text == "  0  0  0"  # no fence of dots between the zeros
        assert inner_row.text == "  0  2  ·"
        # padding is told by its look, which survives NO_COLOR: dim grey text, not the bright
        # text of a real zero
        padding_look, zero_look = list(padding_row)[0].style, list(inner_row)[0].style
        assert padding_look == palette.padding_style()
        assert rec709(padding_look.color.triplet) < rec709(zero_look.color.triplet) - 60


@pilot_test
async def test_two_character_cells_turn_to_shades_when_a_value_needs_more_than_a_digit():
    # Two characters hold a gutter and one digit: a 0/1 shape shows its digits, but once a −1
    # arrives every row must switch to shade glyphs, not just the row that changed.
    grid = Grid(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]), mode="auto", scale=Scale(-1, 1, True))
    grid.styles.width = 6  # 3 columns × 2 characters
    app = GridApp(grid)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        # What the screen shows (Textual's kept lines included), not a fresh render_line.
        shown = lambda: [strip.text[:6] for strip in app.screen._compositor.render_strips()[:2]]  # noqa: E731
        assert shown() == [" 0 1 0", " 1 0 1"]
        grid.values = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, -1.0]])
        await pilot.pause()
        for line in shown():
            assert set(line) <= set(palette.SHADES), line


def painted(colour, layer: str):
    """What a terminal paints: a colour's RGB, or its own default fore- or background."""
    return ("default", layer) if colour is None or colour.is_default else colour.get_truecolor()


@pytest.mark.parametrize("ansi_color", [False, True])
@pytest.mark.parametrize("scale", [None, Scale(-2, 2, True)])
def test_without_colour_an_empty_half_block_map_is_one_flat_grey_not_stripes(monkeypatch, ansi_color, scale):
    """Textual reads NO_COLOR when the app is made: greys by luminance (or, with an ANSI theme,
    no colour at all). An all-zero area must then be one look, not alternating rows."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def look() -> set:
        app = GridApp(Grid(np.zeros((8, 6)), mode="halfblock", scale=scale), ansi_color=ansi_color)
        async with app.run_test(size=(20, 8)):
            assert app.no_color
            looks = set()
            for y in range(4):
                segments = list(app.grid.render_line(y))
                for line_filter in app.get_line_filters():
                    segments = line_filter.apply(segments, app.screen.styles.background)
                for segment in segments:
                    for character in segment.text:  # what the terminal paints, cell by cell
                        top = painted(segment.style.color, "fg") if character == "▀" else painted(segment.style.bgcolor, "bg")
                        looks.add((top, painted(segment.style.bgcolor, "bg")))
            return looks

    looks = asyncio.run(look())
    assert len(looks) == 1
    (top, bottom), = looks
    assert top == bottom


@pilot_test
async def test_a_mark_sits_on_its_own_cell_after_its_number_not_beside_the_previous_one():
    values = np.array([[0.0, 5.0, 0.0, -2.0], [1.0, 0.0, 3.0, 0.0]])
    grid = Grid(values, mode="numbers", cell_width=3)
    grid.marks = {"winner": {(0, 1)}, "uncovered": {(1, 3)}}
    app = GridApp(grid)
    async with app.run_test(size=(40, 12)):
        first, second = grid.render_line(0), grid.render_line(1)
        cells = [first.text[i : i + 3] for i in range(0, 12, 3)]
        assert cells == ["  0", " 5*", "  0", " -2"]  # the 0 before the winner carries no mark
        assert [segment.text for segment in first][1] == " 5*"  # glyph and number: one cell's look
        assert list(first)[1].style.bold  # the winner is also bold
        assert second.text[9:12] == " 0×"  # the uncovered cell is the last one, marked after its 0
        assert second.text[6:9] == "  3"
