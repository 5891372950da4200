"""A lesson's one-line texts (task, hints, feedback, success) with their inline Markdown shown as
styles: **bold**, *italic* and `code` — never interpreted as Rich markup, so a teacher's
brackets print as brackets."""

from __future__ import annotations

import re

from rich.text import Text

_SPAN = re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|`([^`]+)`")


def inline_markdown(source: str, style: str = "") -> Text:
    """``source`` as Text, with **bold**, *italic* and `code` styled and their marks dropped."""
    text = Text(style=style)
    at = 0
    for match in _SPAN.finditer(source):
        text.append(source[at : match.start()])
        bold, italic, code = match.groups()
        if bold is not None:
            text.append(bold, style="bold")
        elif italic is not None:
            text.append(italic, style="italic")
        else:
            text.append(code, style="bold")
        at = match.end()
    text.append(source[at:])
    return text
