"""The one reading of a number a learner types (a weight, a bias): one syntax, one range rule."""

from __future__ import annotations

import math

from tuiconv.engine.shapes import MAX_MAGNITUDE

MAX_TYPED = 1e6  # as a shape file's values: beyond it only overflows the arithmetic shown
assert MAX_TYPED == MAX_MAGNITUDE


def parse_typed_number(text: str, what: str = "a number") -> float:
    """``text`` as a float; ValueError in one short line when it is no number or out of range.

    Accepts the minus sign the screens print ("−2") as well as "-2"; refuses nan, inf and
    anything beyond ±MAX_TYPED, whatever ``what`` it is.
    """
    cleaned = text.strip().replace("−", "-")
    shown = cleaned if len(cleaned) <= 20 else cleaned[:19] + "…"
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{shown!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > MAX_TYPED:
        raise ValueError(f"{what} {shown} is out of range: use a number within ±{MAX_TYPED:.0f}")
    return value
