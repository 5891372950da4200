"""Garbage collection held off while a screen starts up.

Starting `tuiconv step` builds some 10^5 objects that live as long as the app (Textual, numpy,
the widgets), and the collector walks them over a hundred times before the first screen is drawn:
~40 ms, a seventh of a bare Textual app's whole start. So the command line holds collection off,
and the app resumes it once its first screen is on the terminal, with what start-up built frozen
(``gc.freeze``) so that later collections, between keypresses, skip it too.
"""

from __future__ import annotations

import gc


def hold() -> None:
    gc.disable()


def resume() -> None:
    """Collect again; freeze what start-up built if collection was held. Safe to call twice."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
