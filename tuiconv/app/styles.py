"""Layout and looks live in .tcss files beside the screens; this reads one as a class's CSS."""

from __future__ import annotations

from pathlib import Path


def tcss(module_file: str, name: str) -> str:
    """The text of the .tcss file ``name`` beside ``module_file``, to use as ``DEFAULT_CSS``.

    As DEFAULT_CSS (not a screen's CSS_PATH) the rules come with the widget wherever it is
    hosted — the free explorer, a lesson, a test's screen — at the priority Textual gives a
    widget's own defaults.
    """
    return (Path(module_file).parent / name).read_text(encoding="utf-8")
