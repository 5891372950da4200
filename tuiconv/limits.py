"""The one table of ranges: every number a learner, a teacher or the command line can set.

The command line (argparse ``type=``), the lesson loader and the app's sessions all check a
value here, so a number the app refuses is refused everywhere, with the same words. The caps
keep every set-up small: the largest input is 64×64 (70×70 padded) with 4 channels, a kernel
at most 7×7, so no grid a scene or a command builds holds more than a few tens of thousands
of cells (well under 1 MB), and every value stays far from float overflow: the products and
sums of values within ±1e6 stay below 1e15 (a 3×3×4 window), far from 1e308.
"""

from __future__ import annotations

import argparse
import math
import numbers
from dataclasses import dataclass
from typing import Any

from tuiconv.clean_text import shown_name

# Values in a grid, a kernel, a bias or a weights file: beyond this only overflow is learnt.
MAX_MAGNITUDE = 1e6
# The largest kernel side and channel count a lesson may draw inline.
MAX_KERNEL = 7
MAX_CHANNELS = 8
# A text of digits longer than this is no number in any range here (and int() of 10**6
# digits takes seconds).
_MAX_DIGITS = 24


@dataclass(frozen=True)
class Range:
    """A setting's allowed values, from ``low`` to ``high`` inclusive (``low`` excluded if
    ``above``); ``whole`` for whole numbers."""

    name: str
    low: float
    high: float
    whole: bool = True
    above: bool = False  # low itself is not allowed (a learning rate of 0 learns nothing)
    meaning: str = ""

    def describe(self) -> str:
        """"a whole number from 1 to 4", "a number above 0 and at most 10"."""
        kind = "a whole number" if self.whole else "a number"
        if self.above:
            return f"{kind} above {self.low:g} and at most {self.high:g}"
        return f"{kind} from {_number(self.low)} to {_number(self.high)}"

    def problem(self, value: object) -> str | None:
        """What is wrong with ``value`` ("must be a whole number from 1 to 4, not 7"), or None."""
        if isinstance(value, bool) or (isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real)):
            return f"must be {self.describe()}, not {shown_name(repr(value), 24)}"
        if self.whole and not isinstance(value, numbers.Integral):
            if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and math.isfinite(value) and float(value).is_integer():
                value = int(value)
            else:
                return f"must be {self.describe()}, not {_shown(value)}"
        if not isinstance(value, numbers.Real):
            return f"must be {self.describe()}, not {_shown(value)}"
        if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and not math.isfinite(value):
            return f"must be {self.describe()}, not {_shown(value)}"
        too_low = value <= self.low if self.above else value < self.low
        if too_low or value > self.high:
            return f"must be {self.describe()}, not {_shown(value)}"
        return None

    def check(self, value: object, label: str | None = None) -> int | float:
        """``value`` as an int (whole) or float; ValueError "LABEL must be ..." otherwise."""
        problem = self.problem(value)
        if problem:
            raise ValueError(f"{label or self.name} {problem}")
        return int(value) if self.whole else float(value)  # type: ignore[arg-type]

    def parse(self, text: str) -> int | float:
        """A command-line value; argparse.ArgumentTypeError (one line) if it is not in range."""
        value = parse_number(text, self.whole)
        if value is None:
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, not {shown_name(repr(text), 24)}")
        problem = self.problem(value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def _shown(value: object) -> str:
    if isinstance(value, numbers.Integral):
        text = str(int(value)) if abs(int(value)) < 10**_MAX_DIGITS else f"a number of {len(str(abs(int(value))))} digits"
        return text
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{float(value):g}"
    return shown_name(repr(value), 24)


def parse_number(text: str, whole: bool) -> int | float | None:
    """The number ``text`` spells (None if none): no complex, no digits by the megabyte."""
    text = text.strip()
    if not text or len(text) > _MAX_DIGITS + 8 or not text.isascii():
        return None
    try:
        if whole:
            return int(text)
        value = float(text)
    except ValueError:
        return None
    return value


# The table. The app's keys move within these same ranges (the stepper's z/s/d keys stop at
# the high end), and the lesson loader refuses a scene outside them.
RANGES: dict[str, Range] = {
    r.name: r
    for r in (
        Range("size", 8, 64, meaning="cells along each side of a generated shape"),
        Range("padding", 0, 3, meaning="rings of zeros around the input"),
        Range("stride", 1, 4, meaning="cells the filter moves each step"),
        Range("dilation", 1, 3, meaning="spacing between kernel taps"),
        Range("pool_size", 2, 3, meaning="side of the pooling window"),
        Range("pool_stride", 1, 3, meaning="cells the pooling window moves each step"),
        Range("steps", 1, 100_000, meaning="training steps (a step is a batch of 32 shapes, ~1 ms: the most is under 2 minutes, pausable)"),
        Range("lr", 0.0, 10.0, whole=False, above=True, meaning="learning rate of the Adam optimiser"),
        Range("seed", 0, 2**32 - 1, meaning="seed of the random shapes and weights"),
        Range("bias", -MAX_MAGNITUDE, MAX_MAGNITUDE, whole=False, meaning="added to every output value"),
        Range("weight", -MAX_MAGNITUDE, MAX_MAGNITUDE, whole=False, meaning="a kernel or network weight, or a grid value"),
    )
}


def check(name: str, value: object, label: str | None = None) -> int | float:
    """``RANGES[name].check(value, label)``: the value, or ValueError saying what is allowed."""
    return RANGES[name].check(value, label)


def argument(name: str):
    """An argparse ``type=`` for the setting ``name``: ``--stride 9`` is one line and exit 2."""
    setting = RANGES[name]

    def parse(text: str) -> int | float:
        return setting.parse(text)

    parse.__name__ = name  # argparse names the type in some messages
    return parse


def values_problem(values: Any, what: str) -> str | None:
    """What is wrong with an array of grid values or weights: complex, not finite, too large."""
    import numpy as np  # only the engine's callers pass arrays; --help should not load numpy

    array = np.asarray(values)
    if array.dtype.kind == "c":
        return f"{what} holds complex numbers; only real numbers are allowed"
    if array.dtype.kind not in "biuf":
        return f"{what} holds {array.dtype}, not numbers"
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        return f"{what} contains NaN or infinity: every value must be a finite number"
    if array.size and np.abs(array.astype(np.float64)).max() > MAX_MAGNITUDE:
        return f"{what} holds {np.abs(array.astype(np.float64)).max():g}: values must lie within ±{MAX_MAGNITUDE:g}"
    return None
