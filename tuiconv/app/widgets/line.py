"""A Static that repaints only when what it shows changes, and draws a line of text cheaply.

Status lines, sums and formulas are set after every step; most steps leave some of them as they
were, and re-sending an unchanged line costs bytes on a slow link. The ones that do change are
drawn through Textual's line API: text that fits on one line becomes its strip directly, which
costs a fraction of Static's general pipeline (wrapping, alignment, selection, links) that a
keypress would otherwise pay for every changed line. Anything else (several lines, wrapping,
aligned content, a selection) still goes through that pipeline, so it looks exactly the same.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual  # the type of a Static's content
from textual.widgets import Static

from tuiconv.app.textual_patches import KeepsLines, line_strips, parse_style


class Line(KeepsLines, Static):
    """``line.show(text)``: like ``update``, but a no-op when the text (and its styles) is the same."""

    _shown: Text | str | None = None
    _strips: tuple[Visual, tuple, list[Strip]] | None = None

    def show(self, content: Text | str) -> None:
        if content == self._shown:
            return
        old, self._shown = self._shown, content
        # A layout pass costs time on every step; only a change of size needs one.
        self.update(content, layout=self._size_may_change(old, content))

    def _size_may_change(self, old: Text | str | None, new: Text | str) -> bool:
        width = self._content_size()[0]
        if old is None or not width:
            return True
        before, after = _line_lengths(old), _line_lengths(new)
        if len(before) != len(after):
            return True
        if self.styles.width is not None and self.styles.width.is_auto:
            return before != after  # the widget is as wide as its text
        return any(length > width for length in before + after)  # text that wraps

    def render_line(self, y: int) -> Strip:
        width, height = self._content_size()
        visual = self.visual
        style = self.visual_style
        key = (width, height, style)
        cached = self._strips
        if cached is None or cached[0] is not visual or cached[1] != key:
            strips = self._one_line(visual, width, style)
            if strips is None:
                strips = line_strips(self, visual, width, height, style)
            cached = self._strips = (visual, key, strips)
        strips = cached[2]
        if y < len(strips):
            return strips[y]
        return Strip.blank(width, style.rich_style)

    def _one_line(self, visual: Visual, width: int, style) -> list[Strip] | None:
        """The strips of text that fits on one line with the default alignment, as Static draws
        them (Content's left-aligned line: each span over the widget's style); None otherwise."""
        parse = parse_style(self)
        if parse is None or not isinstance(visual, Content) or self.text_selection is not None:
            return None
        plain = visual.plain
        if not plain or "\n" in plain or "\t" in plain or visual.cell_length > width:
            return None
        styles = self.styles
        if styles.content_align != ("left", "top") or styles.text_align not in ("left", "start") or styles.line_pad:
            return None
        segments = []
        x = 0
        for text, text_style in visual.render(style, end="", parse_style=parse):
            # The offset lets Textual select text with the mouse, as in every Static.
            segments.append(Segment(text, (style + text_style).rich_style_with_offset(x, 0)))
            x += len(text)
        return [Strip(segments, visual.cell_length)]


def _line_lengths(content: Text | str) -> list[int]:
    plain = content.plain if isinstance(content, Text) else str(content)
    return [cell_len(line) for line in plain.split("\n")]
