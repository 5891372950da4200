"""What every explorer view (stepper, network, training) offers the screen that hosts it.

A view draws one session (``tuiconv.explore``) and turns keys into its methods. A host (a
lesson) sets it up with ``apply_scene``, reads it with ``state()`` on every ``Changed``, lifts a
question's concealment with ``reveal()`` and gives it the keys with ``focus_target()``; the free
explorer screens host the same views.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from tuiconv.explore.scene import Scene, ViewState


class ViewHost:
    """Mixin for a screen that reads its views: they post ``Changed`` for it."""


class ExplorerView:
    """Mixin for a Widget that draws ``self.session`` (the shared contract, see the module)."""

    session: Any
    # Post Changed only when a ViewHost is above: the free stepper would otherwise send one up
    # three nodes on every step for nobody.
    QUIET_WITHOUT_HOST = False
    _hosted_cache: bool | None = None

    class Changed(Message):
        """Something the learner sees changed; ``state`` says what it is now."""

        def __init__(self, view: "ExplorerView") -> None:
            super().__init__()
            self.view = view
            self._state: ViewState | None = None

        @property
        def control(self) -> "ExplorerView":
            return self.view

        @property
        def state(self) -> "ViewState":
            if self._state is None:
                self._state = self.view.state()
            return self._state

    def announce_change(self) -> None:
        if self.QUIET_WITHOUT_HOST and not self._hosted():
            return
        self.post_message(self.Changed(self))  # type: ignore[attr-defined]

    def _hosted(self) -> bool:
        hosted = self._hosted_cache
        if hosted is None:
            hosted = self._hosted_cache = any(isinstance(node, ViewHost) for node in self.ancestors)  # type: ignore[attr-defined]
        return hosted

    # -- the lesson contract ----------------------------------------------------------------

    def apply_scene(self, scene: "Scene") -> None:
        raise NotImplementedError

    def state(self) -> "ViewState":
        return self.session.state()

    @property
    def playing(self) -> bool:
        """Whether the view steps by itself (the stepper's p), which its session cannot know."""
        return bool(getattr(self, "_playing", False))

    def reveal(self) -> None:
        """Show what the step's scene concealed (its question is answered)."""
        if self.session.reveal() and self.is_mounted:  # type: ignore[attr-defined]
            self.show_revealed()

    def show_revealed(self) -> None:
        """Redraw after ``reveal``; views override it with their cheapest full redraw."""
        self.refresh()  # type: ignore[attr-defined]

    def focus_target(self) -> Widget:
        """The widget whose keys a learner needs first (arrows move the window, the selection…)."""
        return self  # type: ignore[return-value]

    def palette_commands(self) -> Iterable["SystemCommand"]:
        return ()
