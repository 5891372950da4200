"""The engine and the course stay usable without a terminal: they never import Textual or Rich."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tuiconv"


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", ["engine", "explore", "course"])
def test_layer_imports_neither_textual_nor_rich(layer):
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"tuiconv/{layer} has no modules"
    offenders = {str(f.relative_to(PACKAGE)): sorted(imported_roots(f) & {"textual", "rich"}) for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_engine_never_imports_upwards():
    for path in (PACKAGE / "engine").rglob("*.py"):
        text = path.read_text()
        assert "tuiconv.app" not in text and "tuiconv.course" not in text, path
