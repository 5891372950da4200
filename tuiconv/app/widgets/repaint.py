"""Skip the repaint of a widget whose lines did not change.

When anything on a screen changes, Textual repaints every widget that overlaps the rectangle
around ALL the changes: one step of the stepper changes the step counter at the top and the
arithmetic at the bottom, so every widget in between is asked for its lines again. Textual
keeps each widget's lines, but still spends about 0.1 ms per widget working out its colours
and filters before it finds them unchanged; over a dozen widgets that is a third of a step.

``KeepsLines`` (mixed into a widget class before ``Widget``) hands back the previous lines
when Textual has nothing to redraw in them: no region of the widget marked dirty since, the
same crop, width and line filters. Anything that changes how a widget looks goes through
``refresh``, which marks its lines dirty, so the lines handed back are the ones Textual would
have produced.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip


class KeepsLines:
    """Mixin for a Widget: ``render_lines`` returns the last result while nothing is dirty."""

    _kept_lines: tuple[tuple, list[Strip]] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual's StylesCache (private, Textual 8): the lines it holds and those marked dirty.
        cache = self._styles_cache  # type: ignore[attr-defined]
        filters = tuple(self.app.get_line_filters())  # type: ignore[attr-defined]
        key = (crop, cache._width, filters)
        kept = self._kept_lines
        if (
            kept is not None
            and kept[0] == key
            and not cache._dirty_lines
            and all(y in cache._cache for y in crop.line_range)
            and kept[2] is cache._cache.get(crop.y)
        ):
            return kept[1]
        lines = super().render_lines(crop)  # type: ignore[misc]
        self._kept_lines = (key, lines, cache._cache.get(crop.y))
        return lines
