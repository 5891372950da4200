"""Every use of Textual's private code, in one place, and only on the Textual it was tested with.

tuiconv is fast over a slow link because of a few reaches into Textual 8's internals:

- ``ChopsUpdate.render_segments``: send just the changed part of each line (``install``);
- ``StylesCache``: widgets hand back their unchanged lines and draw dirty ones directly
  (``KeepsLines``, and the containers built on it);
- ``Visual.to_strips`` / ``Widget._get_style``: a one-line ``Line`` is drawn as its strip;
- ``Screen._push_result_callback``: the first screen is the bottom of the stack;
- ``DOMNode._bindings``: the help screen lists the keys Textual actually bound;
- ``App._print_error_renderables``: the crash screen goes to a report file, not the terminal.

``FAST_PATHS`` is true only on a Textual version these were tested with (``TESTED``). On any
other version every one of them falls back to Textual's own public behaviour: drawing is
slower, never wrong. tests/app/test_repaint.py and test_app_updates.py compare the fast paths
against Textual's own output.
"""

from __future__ import annotations

from functools import lru_cache

import textual
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style

TESTED = ("8.2.",)  # Textual versions (prefixes) the private code below was tested with
FAST_PATHS = textual.__version__.startswith(TESTED)


def install() -> None:
    """Apply the patches Textual needs at start-up (nothing on an untested Textual)."""
    if FAST_PATHS:
        _send_only_dirty_cells()


def _send_only_dirty_cells() -> None:
    """Make Textual send just the changed part of each line, not the line from the widget's edge.

    Textual 8 writes a dirty span of a line starting from the left edge of the widget it falls
    in (``ChopsUpdate.render_segments`` crops on the right only; its own comment says "TODO:
    crop to x extents"), so moving a window three cells into a grid re-sends every cell to its
    left. Cropping on the left too makes a step over SSH cost the cells that changed. The
    output is otherwise identical; tests/app/test_app_updates.py checks it against the original.
    """
    from textual import _compositor

    if getattr(_compositor.ChopsUpdate, "_tuiconv_cropped", False):
        return

    def render_segments(self, console) -> str:
        sequences: list[str] = []
        append = sequences.append
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items()):
                if strip is None or x > x2 or end <= x1:
                    continue
                left, right = max(x, x1), min(end, x2)
                if left >= right:
                    continue
                if left > x or right < end:
                    strip = strip.crop(left - x, right - x)
                append(_move_to(left, y))
                append(strip.render(console))
            if y != last_y:
                append("\n")
        return "".join(sequences)

    _compositor.ChopsUpdate.textual_render_segments = _compositor.ChopsUpdate.render_segments
    _compositor.ChopsUpdate.render_segments = render_segments
    _compositor.ChopsUpdate._tuiconv_cropped = True


@lru_cache(maxsize=4096)
def _move_to(x: int, y: int) -> str:
    from rich.control import Control

    return Control.move_to(x, y).segment.text


def original_render_segments():
    """Textual's own ``ChopsUpdate.render_segments`` (for the tests that compare against it)."""
    from textual import _compositor

    return getattr(_compositor.ChopsUpdate, "textual_render_segments", _compositor.ChopsUpdate.render_segments)


# ---------------------------------------------------------------- the crash screen


class CrashScreenToFile:
    """Mixin for the App: Textual's crash screen goes to ``keep_crash_report(renderables)``
    instead of the terminal (``App._print_error_renderables``). On an untested Textual its
    own crash screen is printed, and the exit code is still 1."""

    def _print_error_renderables(self) -> None:
        if not FAST_PATHS:
            return super()._print_error_renderables()  # type: ignore[misc]
        renderables = list(self._exit_renderables)  # type: ignore[attr-defined]
        if renderables:
            self._exit_renderables.clear()  # type: ignore[attr-defined]
            self.keep_crash_report(renderables)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the first screen


def can_start_at_the_bottom() -> bool:
    """Whether the first screen can be the bottom of the stack (no default screen drawn first)."""
    return FAST_PATHS


def start_at_the_bottom(screen, app) -> None:
    """Textual expects a screen it switches away from (a lesson opening the menu) to have been
    pushed with a result callback: the bottom screen gets an empty one."""
    screen._push_result_callback(app, None)


# ---------------------------------------------------------------- key bindings


def bound_keys(node) -> dict[str, list]:
    """key → the Bindings ``node`` has for it, as Textual bound them (public fallback: the
    BINDINGS its classes declare, merged as Textual merges them)."""
    if FAST_PATHS:
        return node._bindings.key_to_bindings
    from textual.binding import BindingsMap

    merged: dict[str, list] = {}
    for cls in reversed(type(node).__mro__):
        if "BINDINGS" in cls.__dict__:
            for key, bindings in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.items():
                merged[key] = list(bindings)
    return merged


# ---------------------------------------------------------------- a line of text as one strip


def line_strips(widget, visual, width: int, height: int, style) -> list[Strip]:
    """The strips Textual draws ``visual`` as (Static's general pipeline)."""
    from textual.visual import Visual

    return Visual.to_strips(widget, visual, width, height, style)


def parse_style(widget):
    """The widget's style parser, as Content.render needs it (None on an untested Textual)."""
    return widget._get_style if FAST_PATHS else None


# ---------------------------------------------------------------- widgets that keep their lines
# When anything on a screen changes, Textual repaints every widget that overlaps the rectangle
# around ALL the changes: one step of the stepper changes the step counter at the top and the
# arithmetic at the bottom, so every widget in between is asked for its lines again. Textual
# keeps each widget's lines (its StylesCache), but still spends about 0.1 ms per widget working
# out colours, borders, padding, opacity and filters before it finds them unchanged, and as much
# again around every line it does redraw. Over the dozen widgets of a step that was half of it.
#
# ``KeepsLines`` (mixed into a widget class before ``Widget``) does two things:
#
# - while none of the widget's lines is dirty (Textual marks them on every ``refresh``) and the
#   crop, width and line filters are the same, ``render_lines`` hands back its last result;
# - a *plain* widget (no border, outline, padding, tint, hatch or opacity: every grid and line
#   of the app) has its dirty lines drawn directly: the widget's ``render_line``, padded with
#   its background, through the app's line filters. That is all Textual's StylesCache does for
#   such a widget; the lines live in the same StylesCache, so Textual's ``refresh`` still works.
#
# Anything else goes through Textual's own ``render_lines``. ``KeepsLines.enabled = False`` (or
# an untested Textual) turns both off.


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
        if not (self.enabled and FAST_PATHS):
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
