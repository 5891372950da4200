"""Where each key of a TOML file is written: line numbers for errors that tomllib cannot see.

``tomllib`` reports a line only for syntax errors. A lesson that parses but says
``stride = 7`` where stride 7 is impossible must still be reported as ``file:LINE: ...``, so
this module scans the (already valid) text once and records the line of every table header and
every ``key =`` it finds, under the same path the parsed data uses: ``("steps", 2, "scene",
"stride")`` is the ``stride`` key in the scene of the third ``[[steps]]``.
"""

from __future__ import annotations

import re

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"\s*{_PART}(?:\s*\.\s*{_PART})*\s*"
_KEY_RE = re.compile(rf"^({_DOTTED})=")
_HEADER_RE = re.compile(rf"^\s*(\[\[?)({_DOTTED})\]\]?")
_PART_RE = re.compile(_PART)


def _parts(dotted: str) -> list[str]:
    names = []
    for raw in _PART_RE.findall(dotted):
        if raw[0] == '"':
            names.append(raw[1:-1].encode().decode("unicode_escape"))
        elif raw[0] == "'":
            names.append(raw[1:-1])
        else:
            names.append(raw)
    return names


def _scan_value(line: str, start: int, state: list) -> None:
    """Advance ``state`` = [open multi-line quote or None, bracket depth] across ``line[start:]``."""
    i, n = start, len(line)
    while i < n:
        quote = state[0]
        if quote is not None:
            end = line.find(quote, i)
            if end < 0:
                return
            # A basic multi-line string may escape its quotes; count the backslashes before.
            if quote == '"""':
                slashes = len(line[:end]) - len(line[:end].rstrip("\\"))
                if slashes % 2:
                    i = end + 1
                    continue
            state[0] = None
            i = end + 3
            continue
        ch = line[i]
        if ch == "#":
            return
        if line.startswith('"""', i) or line.startswith("'''", i):
            state[0] = line[i : i + 3]
            i += 3
            continue
        if ch == '"':
            match = re.compile(_BASIC).match(line, i)
            i = match.end() if match else n
            continue
        if ch == "'":
            end = line.find("'", i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch in "[{":
            state[1] += 1
        elif ch in "]}":
            state[1] -= 1
        i += 1


def key_lines(text: str) -> dict[Path, int]:
    """Line (1-based) of every table header and key assignment in valid TOML ``text``."""
    lines: dict[Path, int] = {}
    table: Path = ()
    # For each array of tables (by its path with indices), how many elements so far.
    counts: dict[Path, int] = {}
    # The index of the latest element of each array of tables, by path without indices.
    latest: dict[tuple[str, ...], int] = {}
    state: list = [None, 0]

    def concrete(names: list[str], new_element: bool) -> Path:
        path: list[str | int] = []
        for depth, name in enumerate(names):
            path.append(name)
            abstract = tuple(names[: depth + 1])
            last = depth == len(names) - 1
            if last and new_element:
                index = counts.get(tuple(path), 0)
                counts[tuple(path)] = index + 1
                latest[abstract] = index
                path.append(index)
            elif abstract in latest:
                path.append(latest[abstract])
        return tuple(path)

    for number, line in enumerate(text.splitlines(), start=1):
        if state[0] is not None or state[1] > 0:
            _scan_value(line, 0, state)
            continue
        header = _HEADER_RE.match(line)
        if header:
            table = concrete(_parts(header.group(2)), new_element=header.group(1) == "[[")
            lines.setdefault(table, number)
            _scan_value(line, header.end(), state)
            continue
        key = _KEY_RE.match(line)
        if key:
            path = table
            for name in _parts(key.group(1)):
                path = path + (name,)
                lines.setdefault(path, number)
            _scan_value(line, key.end(), state)
    return lines


def line_of(lines: dict[Path, int], path: Path, default: int = 1) -> int:
    """The line of ``path``, or of its nearest written ancestor (a key inside an inline table
    is reported at the line of the table's own key)."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return default
