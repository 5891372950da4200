"""Make every test run in the same, plain environment, whatever the developer's terminal is."""

import os

# These change how Textual renders (colours, theme) and so every snapshot; clear them before
# Textual is imported anywhere.
for _name in ("NO_COLOR", "TEXTUAL_THEME", "COLORTERM", "TEXTUAL", "FORCE_COLOR"):
    os.environ.pop(_name, None)
os.environ.setdefault("TERM", "xterm-256color")

import pytest  # noqa: E402  (after the environment is cleared)


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """Every test keeps its progress in its own directory, never the developer's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
