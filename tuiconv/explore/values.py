"""The kinds of value a lesson file may hold, named in a teacher's words for error messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class ValueType:
    """A named test: ``name`` completes "must be ...", e.g. "a whole number"."""

    name: str
    accepts: Callable[[Any], bool]


TEXT = ValueType("text (in quotes)", lambda v: isinstance(v, str))
WHOLE = ValueType("a whole number", _is_int)
NUMBER = ValueType("a number", _is_number)
FLAG = ValueType("true or false", lambda v: isinstance(v, bool))
TEXTS = ValueType('a list of texts, like ["one", "two"]', lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v))
CELL = ValueType("a [row, column] pair of whole numbers", lambda v: isinstance(v, list) and len(v) == 2 and all(_is_int(x) for x in v))
GRID = ValueType("a name in quotes, or a list of rows", lambda v: isinstance(v, (str, list)))
PADDING = ValueType('a whole number, or "valid", "same" or "full"', lambda v: _is_int(v) or isinstance(v, str))
TABLE = ValueType("a table, like { key = value }", lambda v: isinstance(v, dict))
ANY = ValueType("a value", lambda v: True)


def describe(value: Any) -> str:
    """What a wrong value is, as a teacher would say it: 'the text "2"', 'the number 2.5'."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f'the text "{shown}"'
    if isinstance(value, int):
        return f"the whole number {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
