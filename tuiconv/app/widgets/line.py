"""A Static that repaints only when what it shows changes.

Status lines, sums and formulas are set after every step; most steps leave some of them as they
were, and re-sending an unchanged line costs bytes on a slow link.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static


class Line(Static):
    """``line.show(text)``: like ``update``, but a no-op when the text (and its styles) is the same."""

    _shown: Text | str | None = None

    def show(self, content: Text | str) -> None:
        if content == self._shown:
            return
        old, self._shown = self._shown, content
        # A layout pass costs time on every step; only a change of size needs one.
        self.update(content, layout=self._size_may_change(old, content))

    def _size_may_change(self, old: Text | str | None, new: Text | str) -> bool:
        width = self.size.width
        if old is None or not width:
            return True
        before, after = _line_lengths(old), _line_lengths(new)
        if len(before) != len(after):
            return True
        if self.styles.width is not None and self.styles.width.is_auto:
            return before != after  # the widget is as wide as its text
        return any(length > width for length in before + after)  # text that wraps


def _line_lengths(content: Text | str) -> list[int]:
    plain = content.plain if isinstance(content, Text) else str(content)
    return [cell_len(line) for line in plain.split("\n")]
