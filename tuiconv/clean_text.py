"""Text that reaches a terminal: which characters may, how the others are shown, how long a line is.

Everything a teacher writes or a learner names (lesson text, file names, typed values) may hold
characters a terminal obeys rather than shows: ESC starts a sequence that can set the window
title or move the cursor, a bidi override (U+202E) reverses what follows, a zero-width space
hides inside a word. Lesson files refuse them outright (``forbidden_characters``); a name that
must be shown anyway (a file name the user gave) is shown escaped (``escape``: ``\\x1b``,
``\\u202e``); a message is cut to one bounded line (``one_line``). No Rich, no Textual here:
the engine and the course use this too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

# The longest message line tuiconv prints: about three 80-column lines.
MAX_MESSAGE = 240
# A name inside a message (a token, a key, a file name) is cut to this many characters.
MAX_NAME = 60

# Control characters have no Unicode name; these are the ones people meet.
_CONTROL_NAMES = {
    "\x00": "NULL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\x9b": "CONTROL SEQUENCE INTRODUCER",
}
# Categories a terminal does not simply draw: controls, formats (bidi, zero-width), line and
# paragraph separators, surrogates (undecodable bytes of a file name), private use, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def is_safe(ch: str, allow: str = "") -> bool:
    """Whether a terminal shows ``ch`` as itself (``allow``: controls the caller handles, like "\\n")."""
    return ch in allow or unicodedata.category(ch) not in _UNSAFE_CATEGORIES


def describe_character(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+001B ESCAPE``."""
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    if not name:
        category = unicodedata.category(ch)
        name = {"Cc": "CONTROL CHARACTER", "Cs": "UNDECODABLE BYTE", "Co": "PRIVATE USE CHARACTER"}.get(category, "UNASSIGNED CHARACTER")
    return f"U+{ord(ch):04X} {name}"


def escape(text: str, allow: str = "") -> str:
    """``text`` with every unsafe character written as a Python escape (``\\x1b``, ``\\u202e``)."""
    if all(is_safe(ch, allow) for ch in text):
        return text
    out = []
    for ch in text:
        if is_safe(ch, allow):
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte os.fsdecode could not decode
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def shown_name(text: str, limit: int = MAX_NAME) -> str:
    """A name as it may appear in a message: escaped, then cut."""
    return cut(escape(cut(text, limit * 4)), limit)


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """A message as one readable line: unsafe characters (newlines too) escaped, at most ``limit`` long."""
    return cut(escape(cut(text, limit * 4)), limit)


def forbidden_characters(text: str, allow: str = "\n\t") -> Iterator[tuple[int, int, str]]:
    """(line, column, character) of every character of ``text`` a lesson may not hold.

    A "\\r" right before "\\n" is a Windows line ending, not a character of the text.
    """
    line, start = 1, 0
    for index, ch in enumerate(text):
        if ch == "\n":
            line, start = line + 1, index + 1
        elif not is_safe(ch, allow) and not (ch == "\r" and text.startswith("\n", index + 1)):
            yield line, index - start + 1, ch
