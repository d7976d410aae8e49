"""Fixtures for the TUI tests: a private state directory and config file, a still cursor,
no animations."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import constants
from textual.widgets import Input


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the developer's own autosave."""
    state = tmp_path / "state"
    monkeypatch.setenv("YIBAO_TUI_STATE_DIR", str(state))
    return state


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read the developer's own config file (tui.toml); a test writes this one."""
    path = tmp_path / "tui.toml"
    monkeypatch.setenv("YIBAO_TUI_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def still_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze the input cursor's blink so screenshots do not depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch tabs at once: Pilot waits for every animation after every key."""
    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")
