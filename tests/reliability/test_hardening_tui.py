"""The TUI keeps the clerk's work (issue #24): an unreadable autosave is kept and said
so, a failed save is shown and the app stays, a half-typed claim survives a kill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import STROKE
from textual.widgets import Input
from yibao.registry import Registry
from yibao_tui.app import make_app
from yibao_tui.domain import autosave
from yibao_tui.screens.dialogs import RowDialog

SIZE = (80, 24)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


def _valid_autosave() -> dict:
    form = {"case": {"year": "2025", "birth_date": "1952-03-02"}, "claims": [],
            "enrollment": [], "events": [], "elsewhere": {}}  # fmt: skip
    return {"version": 1, "form": form, "region": "changzhou", "compare": [], "path": None}


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["form"]["case"].__setitem__("birth_date", 19520302),  # a number
        lambda d: d["form"].__setitem__("claims", [{"compliant": ["50000.00"]}]),  # a list
        lambda d: d["form"].__setitem__("elsewhere", {"xuzhou": {"district": None}}),
        lambda d: d.__setitem__("compare", "changzhou"),  # a string, not a list
    ],
)
async def test_a_wrongly_typed_autosave_is_kept_aside_and_the_app_starts_clean(
    reg, tmp_path: Path, damage
) -> None:
    """Each of these passed the old schema check and crashed the TUI on every start."""
    state = tmp_path / "state"
    state.mkdir()
    data = _valid_autosave()
    damage(data)
    text = json.dumps(data)
    (state / autosave.FILE).write_text(text)
    app = make_app(registry=reg, state_dir=state)
    assert app.form.case["birth_date"] == ""  # a clean case
    assert app.notice is not None and "autosave-unreadable-" in app.notice
    kept = [p for p in state.iterdir() if p.name.startswith("autosave-unreadable-")]
    assert len(kept) == 1 and kept[0].read_text() == text  # kept as it was
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.is_running


def test_an_unreadable_autosave_is_never_silently_replaced(reg, tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / autosave.FILE).write_text("{not json")
    app = make_app(registry=reg, state_dir=state, lang="en")
    assert "could not be read" in (app.notice or "")
    kept = next(state.glob("autosave-unreadable-*.json"))
    assert kept.read_text() == "{not json"


async def test_saving_to_a_directory_shows_the_error_and_stays(reg, tmp_path: Path) -> None:
    app = make_app(STROKE, registry=reg, state_dir=tmp_path / "state", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        app.screen.query_one("#path", Input).value = str(tmp_path)  # a directory
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        text, style = app.note
        assert text.startswith("save failed: Is a directory") and style == "bold red"


async def test_the_claim_being_typed_survives_a_kill(reg, tmp_path: Path) -> None:
    state = tmp_path / "state"
    app = make_app(STROKE, registry=reg, state_dir=state)
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#claims").focus()
        await pilot.press("a")
        assert isinstance(app.screen, RowDialog)
        field = app.screen.query_one("#f-compliant", Input)
        field.focus()
        await pilot.pause()  # focusing selects the text; type after that
        field.value = "1234.5"
        field.cursor_position = len(field.value)
        await pilot.press("6")  # typing, then the terminal is killed: the dialog never closes
        await pilot.pause()
    saved = json.loads((state / autosave.FILE).read_text())
    assert saved["draft"]["list"] == "claims" and saved["draft"]["index"] is None
    assert saved["draft"]["row"]["compliant"] == "1234.56"
    again = make_app(registry=reg, state_dir=state)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(again.screen, RowDialog)  # reopened with what was typed
        assert again.screen.query_one("#f-compliant", Input).value == "1234.56"
        await pilot.press("escape")
        await pilot.pause()
        assert again.draft is None
    assert "draft" not in json.loads((state / autosave.FILE).read_text())
