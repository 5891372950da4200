"""Repaint a plain widget's lines without the cost of Textual's general machinery.

When anything on a screen changes, Textual repaints every widget that overlaps the rectangle
around ALL the changes: one step of the stepper changes the step counter at the top and the
arithmetic at the bottom, so every widget in between is asked for its lines again. Textual
keeps each widget's lines (its StylesCache), but still spends about 0.1 ms per widget working
out colours, borders, padding, opacity and filters before it finds them unchanged, and as much
again around every line it does redraw. Over the dozen widgets of a step that was half of it.

``KeepsLines`` (mixed into a widget class before ``Widget``) does two things:

- while none of the widget's lines is dirty (Textual marks them on every ``refresh``) and the
  crop, width and line filters are the same, ``render_lines`` hands back its last result;
- a *plain* widget (no border, outline, padding, tint, hatch or opacity: every grid and line
  of the app) has its dirty lines drawn directly: the widget's ``render_line``, padded with
  its background, through the app's line filters. That is all Textual's StylesCache does for
  such a widget; the lines live in the same StylesCache, so Textual's ``refresh`` still works.

Anything else goes through Textual's own ``render_lines``. ``KeepsLines.enabled = False``
turns both off (tests compare against Textual's own drawing).
"""

from __future__ import annotations

from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style


class KeepsLines:
    """Mixin for a Widget: cheaper ``render_lines`` (see the module's docstring)."""

    enabled = True
    _kept_lines: tuple | None = None
    # (background under the widget, the widget's background, padding style); None: not plain.
    _plain: tuple[Color, Color, object] | None | bool = False  # False: not worked out yet

    def notify_style_update(self) -> None:
        # Textual calls this on a widget and all its descendants whenever CSS is applied to them
        # (focus, classes, a theme): colours, borders or padding may have changed.
        self._plain = False
        self._kept_lines = None
        super().notify_style_update()  # type: ignore[misc]

    def _content_size(self) -> tuple[int, int]:
        """``self.size`` without the lookup of the widget's region on the screen that Textual's
        ``size`` makes (grids and lines ask for it on every line they draw, every step)."""
        outer, (gutter_width, gutter_height) = self.outer_size, self.styles.gutter.totals  # type: ignore[attr-defined]
        return max(0, outer.width - gutter_width), max(0, outer.height - gutter_height)

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.enabled:
            return super().render_lines(crop)  # type: ignore[misc]
        # Textual's StylesCache (private, Textual 8): the lines it holds and those marked dirty.
        cache = self._styles_cache  # type: ignore[attr-defined]
        filters = tuple(self.app.get_line_filters())  # type: ignore[attr-defined]
        key = (crop, cache._width, filters)
        kept = self._kept_lines
        if (
            kept is not None
            and kept[0] == key
            and not cache._dirty_lines
            and kept[2] is cache._cache.get(crop.y)
            and all(y in cache._cache for y in crop.line_range)
        ):
            return kept[1]
        plain = self._plain_colours()
        if plain is None:
            lines = super().render_lines(crop)  # type: ignore[misc]
        else:
            lines = self._render_plain(crop, filters, *plain)
        self._kept_lines = (key, lines, cache._cache.get(crop.y))
        return lines

    def _plain_colours(self) -> tuple[Color, Color, object] | None:
        """The colours a plain widget is drawn with, or None if Textual must draw it."""
        if self._plain is False:
            self._plain = self._work_out_plain()
        return self._plain  # type: ignore[return-value]

    def _work_out_plain(self) -> tuple[Color, Color, object] | None:
        styles = self.styles  # type: ignore[attr-defined]
        if (
            any(edge for edge, _ in styles.border)
            or any(edge for edge, _ in styles.outline)
            or any(styles.padding)
            or styles.tint.a
            or styles.text_opacity != 1.0
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or self.opacity != 1.0  # type: ignore[attr-defined]
            or self._border_title is not None  # type: ignore[attr-defined]
            or self._border_subtitle is not None  # type: ignore[attr-defined]
        ):
            return None
        base_background, background = self.background_colors  # type: ignore[attr-defined]
        # What StylesCache pads a short line with: the widget's background over what is under it.
        padding = Style(background=base_background + background).rich_style
        return base_background, background, padding

    def _render_plain(self, crop: Region, filters: tuple, _base: Color, background: Color, padding) -> list[Strip]:
        cache = self._styles_cache  # type: ignore[attr-defined]
        width = self.outer_size.width  # type: ignore[attr-defined]
        if width != cache._width:
            cache.clear()
            cache._width = width
        lines, dirty = cache._cache, cache._dirty_lines
        render_line = self.render_line  # type: ignore[attr-defined]
        strips = []
        for y in crop.line_range:
            strip = None if y in dirty else lines.get(y)
            if strip is None:
                strip = lines[y] = render_line(y).adjust_cell_length(width, padding)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        dirty.difference_update(crop.line_range)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips


# Textual's layout containers with KeepsLines, for screens that repaint often (the stepper's
# status row, body and rows of maps). Textual's CSS for ``Horizontal`` etc. still applies.
class KeptHorizontal(KeepsLines, Horizontal):
    pass


class KeptVertical(KeepsLines, Vertical):
    pass


class KeptVerticalScroll(KeepsLines, VerticalScroll):
    pass
