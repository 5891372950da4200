"""Reading what a learner sees: the text of a grid's cells, a view's message, the whole terminal.

Light on imports (no network, no lessons), so a fresh interpreter can use it to check what the
stepper's first screen needs.
"""

from __future__ import annotations

import numpy as np

from tuiconv.app.app import TuiconvApp
from tuiconv.app.screens.stepper import StepperView
from tuiconv.app.widgets.grid import MARKS, Grid


def screen_text(app: TuiconvApp) -> str:
    """Every character on the terminal, one line per row, as the learner sees it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


TRAILING_MARKS = {glyph for kind, glyph in MARKS.items() if kind != "padding"}


def cells_shown(grid: Grid) -> list[list[str]]:
    """The text of every cell of ``grid`` as drawn, without the marker character."""
    _, cell = grid._layout(grid.size.width)
    first = 1 if grid.title is not None else 0
    rows = []
    for y in range(first, first + grid.values.shape[0]):
        line = grid.render_line(y).text
        cells = [line[k : k + cell] for k in range(0, grid.values.shape[1] * cell, cell)]
        # A mark follows its number ("5*"); the cursor (or a mark with no room) leads it ("▸5").
        rows.append([(text[:-1] if text[-1:] in TRAILING_MARKS else text[1:]).strip() for text in cells])
    return rows


def assert_shows(grid: Grid, expected: np.ndarray, filled: int | None = None) -> None:
    """Each drawn number equals ``expected`` to the precision printed; unfilled cells show '·'."""
    shown = cells_shown(grid)
    assert (len(shown), len(shown[0])) == expected.shape
    for k, (text, want) in enumerate(zip((t for row in shown for t in row), expected.reshape(-1))):
        if filled is not None and k >= filled:
            assert text == "·", f"cell {divmod(k, expected.shape[1])} should not be filled yet"
            continue
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert abs(float(text) - want) <= 0.5 * 10**-decimals + 1e-9, (divmod(k, expected.shape[1]), text, want)


def message_of(view: StepperView) -> str:
    return str(view.query_one("#stepper-message").render())


def output_cells(view: StepperView) -> list[list[str]]:
    """The text of every feature-map cell as drawn (without the gutter character)."""
    grid = view.output_grid
    _, cell = grid._layout(grid.size.width)
    rows = []
    for y in range(1, 1 + grid.values.shape[0]):
        line = grid.render_line(y).text
        cells = [line[k : k + cell] for k in range(0, grid.values.shape[1] * cell, cell)]
        # A mark follows its number ("5*"); the cursor (or a mark with no room) leads it ("▸5").
        rows.append([(text[:-1] if text[-1:] in TRAILING_MARKS else text[1:]).strip() for text in cells])
    return rows


def scores_shown(text: str, kinds) -> tuple[dict[str, dict[str, float]], str]:
    """The network screen's score line(s) as the learner reads them: for each kind its raw
    score ("score", w3·max + b3), its softmax probability ("prob") and, where shown, the maximum
    behind it ("max"); and the verdict. Reads the one-line form ("max→score→softmax: rectangle
    36→2.40→0.92 · …", or "score→softmax: …") and the two-line form ("scores …: rectangle 2.40
    (max 36) …" then "→ softmax: rectangle ███ 0.92 …"), and the shortest ("softmax: rectangle 0.92 …")."""
    import re

    names = "|".join(re.escape(k) for k in kinds)
    number = r"-?\d+(?:\.\d+)?"
    found: dict[str, dict[str, float]] = {k: {} for k in kinds}
    lines = text.split("\n")
    if lines[0].startswith("max→score→softmax:"):
        for kind, m, v, p in re.findall(rf"({names}) ({number})→({number})→({number})", lines[0]):
            found[kind] = {"max": float(m), "score": float(v), "prob": float(p)}
    elif lines[0].startswith("score→softmax:"):
        for kind, v, p in re.findall(rf"({names}) ({number})→({number})", lines[0]):
            found[kind] = {"score": float(v), "prob": float(p)}
    elif lines[0].startswith("softmax:"):  # short of room: the probabilities alone
        for kind, p in re.findall(rf"({names}) (\d\.\d\d)", lines[0]):
            found[kind] = {"prob": float(p)}
    else:
        assert lines[0].startswith("scores") and lines[1].startswith("→ softmax:"), text
        for kind, v, m in re.findall(rf"({names}) ({number})(?: \(max ({number})\))?", lines[0]):
            found[kind] = {"score": float(v)} | ({"max": float(m)} if m else {})
        for kind, p in re.findall(rf"({names}) [█▏▎▍▌▋▊▉ ]*?(\d\.\d\d)", lines[1]):
            found[kind]["prob"] = float(p)
    verdict = re.search(r"→\s+([A-Z]+)\s", text + " ")
    return found, (verdict.group(1).lower() if verdict else "?")
