"""A one-line footer of the keys that matter now: ``space step  p play  ? help``.

Textual's Footer builds one widget per key and rebuilds them all whenever focus moves; on a
screen that is redrawn at every step that costs start-up time and keypress latency. This is a
single line of text that changes only when the active keys do. It shows the bindings with
``show=True`` of the focused widget and its ancestors, as the Footer does, the app's own keys
(``? help``) first; ``?`` lists them all.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen

from tuiconv.app.widgets.line import Line


class KeyBar(Line):
    """``yield KeyBar()`` at the bottom of a screen."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        key_colour = self.app.get_css_variables().get("footer-key-foreground", "")
        key_style = f"bold {key_colour}".strip()
        seen: set[str] = set()
        # The app's own keys (? help) first: a narrow terminal cuts the end of the line.
        actives = sorted(screen.active_bindings.values(), key=lambda a: a.node is not self.app)
        for active in actives:
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if text:
                text.append("  ")
            text.append(self.app.get_key_display(binding), style=key_style)
            text.append(f" {binding.description}", style="" if active.enabled else "dim")
        self.show(text)
