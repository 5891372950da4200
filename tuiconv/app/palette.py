"""The one palette: maps a value to a colour (and a shade glyph) on a shared scale.

Usage::

    from tuiconv.app.palette import Scale, cell_style, shade_glyph

    scale = Scale.for_values(feature_map)          # signed → diverging, else sequential
    scale = Scale.for_values(maps, signed=True)    # one scale shared by several maps
    scale = Scale(-4.0, 4.0, signed=True)          # or a fixed range
    style = cell_style(value, scale)               # rich Style: background = value, readable text
    rgb = colour(value, scale)                     # (r, g, b)
    glyph = shade_glyph(value, scale)              # "·░▒▓█", denser = brighter

Signed values use a diverging palette (blue below zero, dark grey at zero, amber to pale yellow above) and
non-negative values a sequential one (near-black to pale yellow). In both, perceived brightness
rises monotonically with the value, so the order survives 256 and 16 colours and ``NO_COLOR``
(Textual then maps each colour to a grey of the same luminance). Colour is never the only
carrier: the grid also prints the number, or a shade glyph whose density follows brightness.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.style import Style

RGB = tuple[int, int, int]

# Stops from the lowest to the highest value. Luminance (0.2126 R + 0.7152 G + 0.0722 B, what
# Textual's monochrome filter uses) rises at every stop; tests/app/test_grid.py checks it.
# The diverging palette jumps at zero on purpose: in 16 colours (rich's downgrade to the
# standard palette) every negative stays blue (4), zero dark grey (8) and every positive
# yellow (3, then bright 11), never red, and a value just off zero still shows its sign.
NEGATIVE: tuple[RGB, ...] = (
    (16, 28, 120),  # most negative: deep blue
    (28, 50, 165),
    (32, 58, 182),  # just below zero: still blue, a little darker than zero
)
ZERO: RGB = (84, 84, 88)  # neutral dark grey
POSITIVE: tuple[RGB, ...] = (
    (150, 110, 20),  # just above zero: dark amber
    (205, 165, 40),
    (255, 225, 110),  # most positive: pale yellow
)
DIVERGING: tuple[RGB, ...] = (*NEGATIVE, ZERO, *POSITIVE)
SEQUENTIAL: tuple[RGB, ...] = (
    (24, 24, 32),  # zero: near black
    (92, 50, 60),
    (176, 96, 52),
    (232, 170, 64),
    (255, 238, 170),  # largest: pale yellow
)
SHADES = "·░▒▓█"

# Cells that are not values the learner reads as colours.
PADDING_FG: RGB = (120, 120, 130)
PADDING_BG: RGB = (36, 36, 44)  # black in 16 colours, so its grey (8) text stays readable
DARK_TEXT: RGB = (16, 16, 16)
LIGHT_TEXT: RGB = (240, 240, 240)


@dataclass(frozen=True)
class Scale:
    """The value range colours are spread over; share one Scale to compare several maps."""

    low: float
    high: float
    signed: bool

    @classmethod
    def for_values(cls, values: np.ndarray | list, signed: bool | None = None) -> "Scale":
        """A scale covering ``values``: symmetric around zero when signed, from zero otherwise.

        ``signed=None`` decides from the data (any negative value → signed).
        """
        array = np.asarray(values, dtype=np.float64)
        finite = array[np.isfinite(array)] if array.size else array
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 0.0
        if signed is None:
            signed = low < 0
        if signed:
            reach = max(abs(low), abs(high)) or 1.0
            return cls(-reach, reach, True)
        return cls(0.0, high if high > 0 else 1.0, False)

    def position(self, value: float) -> float:
        """Where ``value`` sits on the palette, 0 (lowest) to 1 (highest), clipped."""
        if not np.isfinite(value):
            return 0.5 if self.signed else 0.0
        span = self.high - self.low
        if span <= 0:
            return 0.5
        return min(1.0, max(0.0, (float(value) - self.low) / span))


def luminance(rgb: RGB) -> float:
    """Relative luminance 0–255, as Textual's monochrome filter computes it."""
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _interpolate(stops: tuple[RGB, ...], t: float) -> RGB:
    scaled = t * (len(stops) - 1)
    index = min(int(scaled), len(stops) - 2)
    frac = scaled - index
    low, high = stops[index], stops[index + 1]
    return tuple(round(a + (b - a) * frac) for a, b in zip(low, high))  # type: ignore[return-value]


def colour(value: float, scale: Scale) -> RGB:
    """The palette colour of ``value`` on ``scale``."""
    t = scale.position(value)
    if not scale.signed:
        return _interpolate(SEQUENTIAL, t)
    if t == 0.5:
        return ZERO
    if t < 0.5:
        return _interpolate(NEGATIVE, t * 2)
    return _interpolate(POSITIVE, t * 2 - 1)


def text_colour(background: RGB) -> RGB:
    """Dark or light text, whichever reads better on ``background``."""
    return DARK_TEXT if luminance(background) >= 118 else LIGHT_TEXT


def shade_glyph(value: float, scale: Scale) -> str:
    """A glyph whose density rises with the value's brightness (for 1–2 character cells)."""
    level = round(scale.position(value) * (len(SHADES) - 1))
    return SHADES[level]


def rich_colour(rgb: RGB) -> Color:
    return _rich_colour(rgb)


@lru_cache(maxsize=4096)
def _rich_colour(rgb: RGB) -> Color:
    return Color.from_rgb(*rgb)


@lru_cache(maxsize=4096)
def _cell_style(background: RGB, bold: bool, underline: bool, reverse: bool) -> Style:
    return Style(
        color=_rich_colour(text_colour(background)),
        bgcolor=_rich_colour(background),
        bold=bold or None,
        underline=underline or None,
        reverse=reverse or None,
    )


def cell_style(value: float, scale: Scale, *, bold: bool = False, underline: bool = False, reverse: bool = False) -> Style:
    """Background in the value's colour, with readable text for its number."""
    return _cell_style(colour(value, scale), bold, underline, reverse)


@lru_cache(maxsize=16)
def padding_style(bold: bool = False, underline: bool = False, reverse: bool = False) -> Style:
    """The zero border added by padding: dim and colourless, so it reads as 'not the input'."""
    return Style(
        color=_rich_colour(PADDING_FG),
        bgcolor=_rich_colour(PADDING_BG),
        bold=bold or None,
        underline=underline or None,
        reverse=reverse or None,
    )


@lru_cache(maxsize=4096)
def glyph_style(foreground: RGB, reverse: bool = False) -> Style:
    """Shade glyphs: the glyph in the value's colour on the darkest background."""
    return Style(color=_rich_colour(foreground), bgcolor=_rich_colour(SEQUENTIAL[0]), reverse=reverse or None)


@lru_cache(maxsize=4096)
def half_block_style(top: RGB, bottom: RGB) -> Style:
    """Style for '▀': the upper pixel is the foreground, the lower one the background."""
    return Style(color=_rich_colour(top), bgcolor=_rich_colour(bottom))
