"""`?` on any screen: every key of the screen beneath, grouped by where it works.

The list is read from the bindings the screen, its widgets and the app declare (``BINDINGS``
with descriptions), so it cannot drift from what the keys do. A widget class may set
``HELP_TITLE`` to name its group ("Kernel grid (edit weights)"); keys it shares with a group
listed earlier are not repeated, and widgets that can never have focus (without a HELP_TITLE)
are left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tuiconv.app.styles import tcss
from tuiconv.app.textual_patches import bound_keys

Section = tuple[str, list[tuple[str, str]]]


# Textual's own keys a learner uses; its others (copy, scrolling, maximize) are internals here.
TEXTUAL_ACTIONS_SHOWN = frozenset({"focus_next", "focus_previous", "quit", "command_palette"})


def _declared_actions(node: DOMNode) -> set[str]:
    """Actions bound in the BINDINGS of tuiconv's own classes in ``node``'s ancestry."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if not cls.__module__.startswith("tuiconv"):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            actions.add(binding.action if isinstance(binding, Binding) else binding[1])
    return actions


def _keys_of(node: DOMNode) -> list[tuple[str, str]]:
    """(keys, description) for each described action of ``node``, keys joined with '/'."""
    grouped: dict[tuple[str, str], list[str]] = {}
    app = node.app
    ours = _declared_actions(node)
    for key, bindings in bound_keys(node).items():
        for binding in bindings:
            if not binding.description:
                continue
            if binding.action not in ours and binding.action.rpartition(".")[2] not in TEXTUAL_ACTIONS_SHOWN:
                continue
            shown = app.get_key_display(Binding(key, binding.action, binding.description))
            # The tooltip, when a binding has one, is the longer sentence the footer has no room for.
            keys = grouped.setdefault((binding.action, binding.tooltip or binding.description), [])
            if shown not in keys:
                keys.append(shown)
    return [("/".join(keys), description) for (_, description), keys in grouped.items()]


def binding_sections(screen: Screen) -> list[Section]:
    """Every described key of ``screen``: its own, its widgets' (one group per class), the app's."""
    sections: list[Section] = []
    seen_classes: set[type] = set()
    seen_pairs: set[tuple[str, str]] = set()

    def add(title: str, node: DOMNode) -> None:
        rows = [pair for pair in _keys_of(node) if pair not in seen_pairs]
        seen_pairs.update(rows)
        if rows:
            sections.append((title, rows))

    # Depth first, parents before children: a view's keys come before its grids'.
    nodes: Iterable[DOMNode] = screen.walk_children(with_self=False)
    add(getattr(screen, "HELP_TITLE", None) or (screen.title or "This screen"), screen)
    for node in nodes:
        cls = type(node)
        if cls in seen_classes:
            continue
        # A widget's keys work only when it has focus, or inside a view that names its keys.
        if getattr(cls, "HELP_TITLE", None) is None and not node.focusable:
            continue
        # Nor does a widget that can never take focus and holds nothing that can (a view's grids).
        if not node.can_focus and not any(child.can_focus for child in node.walk_children()):
            continue
        seen_classes.add(cls)
        add(getattr(cls, "HELP_TITLE", None) or cls.__name__, node)
    add("Everywhere", screen.app)
    return sections


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened over; escape, q or ? closes it."""

    DEFAULT_CSS = tcss(__file__, "help.tcss")

    BINDINGS = [Binding("escape,q,question_mark", "close", "close help", key_display="esc")]

    def __init__(self, sections: list[Section], title: str = "Keys") -> None:
        super().__init__()
        self._sections = sections
        self._title = title

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for title, rows in self._sections:
            table.add_row("", Text(title, style="bold underline"))
            for keys, description in rows:
                table.add_row(keys, description)
        with VerticalScroll():
            yield Static(Text(f"{self._title}  (esc closes)", style="bold"))
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
