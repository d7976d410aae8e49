"""Pilot-driven tests: fill a case, switch region, compare, explain, save, restore."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Select, Static
from tui_paths import EXAMPLE
from yibao import hookimpl
from yibao.engine import compare
from yibao.registry import RegionPlugin, Registry
from yibao.results import Eligibility, Premium, RegionInfo, SchemeInfo
from yibao.scenario_io import load_scenario
from yibao_tui.app import YibaoApp, make_app
from yibao_tui.domain import autosave
from yibao_tui.domain.keys import KEYS
from yibao_tui.screens.dialogs import ExplainScreen, HelpScreen, RowDialog
from yibao_tui.widgets.tables import ResultTable

SIZE = (80, 24)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def cell(app: YibaoApp, table: str, key: str, column: int = 1) -> str:
    t = app.main.query_one(table, ResultTable)
    return str(t.get_row(key)[column]).removeprefix("★ ")


async def type_into(pilot, selector: str, text: str) -> None:
    """Focus the input, put all but the last two characters in, type those two (typing
    every character of every field would make the suite slow)."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()  # focusing selects the text; fill in after that
    widget.value = text[:-2]
    widget.cursor_position = len(widget.value)
    await pilot.press(*text[-2:])


async def test_fill_a_case_then_switch_and_compare(reg: Registry, private_state: Path) -> None:
    app = make_app(registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        assert app.problems.case == {"birth_date": "必填"}
        assert app.result is None
        await type_into(pilot, "#f-birth_date", "1952-03-02")
        app.main.query_one("#f-hukou", Select).value = "changzhou"
        app.main.query_one("#f-district", Select).value = "wujin"
        await type_into(pilot, "#f-category", "elderly")
        await pilot.pause()
        for year, paid in (("2024", "2023-11-20"), ("2025", "2024-11-20")):
            app.main.query_one("#enrollment").focus()
            await pilot.press("a")
            assert isinstance(app.screen, RowDialog)
            await type_into(pilot, "#f-year", year)
            app.screen.query_one("#f-region", Select).value = "changzhou"
            await type_into(pilot, "#f-paid_on", paid)
            await pilot.press("enter")
            assert not isinstance(app.screen, RowDialog), app.screen.raw
        app.main.query_one("#claims").focus()
        await pilot.press("a")
        await type_into(pilot, "#f-id", "stroke")
        await type_into(pilot, "#f-date", "2025-05-10")
        await type_into(pilot, "#f-compliant", "50000")
        await type_into(pilot, "#f-total", "56000")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, RowDialog)
        assert app.problems.count() == 0

        assert app.region == "changli"  # a new case starts in the first installed region
        await pilot.press("f2")
        assert app.region == "changzhou"
        expected = compare(app.last, ["changzhou"], registry=reg).results[0]
        assert app.result == expected
        assert app.last.claims[0].compliant == Decimal("50000")
        await pilot.press("f4")
        assert expected.claims, expected.error
        patient = expected.claims[0].patient
        assert cell(app, "#result-table", "claim:stroke:patient") == money(patient)
        assert cell(app, "#result-table", "premium") == money(expected.premium.individual)

        await pilot.press("f2")  # next region
        assert app.region == "xuzhou"
        moved = compare(app.last, ["xuzhou"], registry=reg).results[0]
        assert app.result == moved
        assert cell(app, "#result-table", "premium") == money(moved.premium.individual)
        assert "徐州" in str(app.main.query_one("#status", Static).render())

        await pilot.press("f5")
        both = compare(app.last, app.picked, registry=reg).results
        for column, result in enumerate(both, start=1):
            shown = cell(app, "#compare-table", "premium", column)
            assert shown == money(result.premium.individual)
            claim = result.claims[0]
            want = money(claim.patient) if claim.patient is not None else "参数未公布"
            assert cell(app, "#compare-table", "claim:stroke:patient", column) == want


async def test_invalid_input_keeps_the_last_result_marked_stale(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        before = app.result
        await type_into(pilot, "#f-birth_date", "1952-02-30")
        await pilot.pause()
        message = app.main.query_one("#m-birth_date", Static)
        assert str(message.render()) == "日期格式应为 YYYY-MM-DD"
        assert app.stale and app.result == before
        assert "结果已过期" in str(app.main.query_one("#status", Static).render())
        await type_into(pilot, "#f-birth_date", "1952-03-02")
        await pilot.pause()
        assert not app.stale and str(message.render()) == ""


async def test_enrolment_and_claim_list_keys(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#enrollment").focus()
        await pilot.press("n")  # 2024 now had a reimbursement
        assert app.form.enrollment[0]["reimbursed"] is True
        assert app.last.enrollment[0].reimbursed
        await pilot.press("x")
        assert [r["year"] for r in app.form.enrollment] == ["2025"]
        app.main.query_one("#claims").focus()
        await pilot.press("d")
        assert [c.id for c in app.last.claims] == ["stroke", "stroke-2", "clinic"]
        await pilot.press("down", "delete")
        assert [c.id for c in app.last.claims] == ["stroke", "clinic"]
        await pilot.press("up", "enter")
        await type_into(pilot, "#f-compliant", "60000.00")
        await pilot.press("enter")  # more than the whole bill: refused beside the field
        assert str(app.screen.query_one("#m-compliant", Static).render()) == "不应超过总费用"
        await type_into(pilot, "#f-compliant", "40000.00")
        await pilot.press("enter")
        assert app.last.claims[0].compliant == Decimal("40000.00")
        app.main.query_one("#events").focus()
        await pilot.press("a")
        app.screen.query_one("#f-kind", Select).value = "graduation"
        await pilot.press("f10")
        assert app.last.events[0].kind == "graduation"


async def test_any_number_explains_itself_with_citations(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        table = app.main.query_one("#result-table", ResultTable)
        row = [r.key for r in table.rows_shown].index("claim:stroke:basic_fund")
        table.move_cursor(row=row, column=1)
        await pilot.press("enter")
        assert isinstance(app.screen, ExplainScreen)
        assert any("changzhou-resident-2025" in s.cite for s in app.screen.steps)
        assert "34,300.00" in app.screen.title_text
        await pilot.press("escape")
        assert not isinstance(app.screen, ExplainScreen)


async def test_save_open_and_autosave_restore(reg, private_state, tmp_path) -> None:
    target = tmp_path / "saved.toml"
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#f-title", "x")
        await pilot.press("ctrl+s")
        await type_into(pilot, "#path", str(target))
        await pilot.press("enter")
        await pilot.pause()
        await type_into(pilot, "#f-birth_date", "1952-0")  # half typed, then "crash"
    assert load_scenario(target).title == "x"
    assert load_scenario(target).claims == load_scenario(EXAMPLE).claims
    again = make_app(registry=reg, state_dir=private_state)
    async with again.run_test(size=SIZE) as pilot:
        assert again.form.case["birth_date"] == "1952-0"
        assert again.path == str(target)
        await pilot.press("ctrl+o")
        await type_into(pilot, "#path", str(target))
        await pilot.press("enter")
        await pilot.pause()
        assert again.last == load_scenario(target)
        assert autosave.load(private_state).form.case["birth_date"] == "1952-03-02"


async def test_help_lists_every_key_and_the_palette_every_action(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#keys")
        shown = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert {k.en for k in KEYS} <= shown
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for k in KEYS:
            if k.palette and k.scope not in ("dialog", "modal"):
                assert any(t.startswith(k.en) for t in titles), k.id
        assert "switch to Xuzhou" in titles


async def test_compare_pick_limits(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        pick = app.main.query_one("#compare-pick")
        pick.deselect("changli")
        await pilot.pause()
        assert app.picked == ["changzhou", "xuzhou"]
        assert len(app.comparison.results) == 2


# ---- a FICTIONAL region whose plugin raises: only its column goes blank -------------


def _info(code: str) -> RegionInfo:
    schemes = (SchemeInfo(scheme="resident", years=(2025,), layers=(f"{code}-layer",)),)
    return RegionInfo(
        code=code, name_zh=f"虚构{code}", name_en=f"Fictional {code}", schemes=schemes
    )


def _fine(amount: str) -> SimpleNamespace:
    return SimpleNamespace(
        LAYER_NAME="fictional-fine",
        yibao_eligibility=hookimpl(lambda case: Eligibility(eligible=True, category="any")),
        yibao_premium=hookimpl(lambda case: Premium(individual=Decimal(amount))),
    )


def _explode(case):
    raise ZeroDivisionError("fictional plugin bug")


BROKEN = SimpleNamespace(
    LAYER_NAME="fictional-broken",
    yibao_eligibility=hookimpl(lambda case: Eligibility(eligible=True, category="any")),
    yibao_premium=hookimpl(_explode),
)


async def test_a_plugin_error_blanks_only_its_column(private_state) -> None:
    plugins = {
        "alpha": RegionPlugin(info=_info("alpha"), layers={"resident": (_fine("100.00"),)}),
        "boom": RegionPlugin(info=_info("boom"), layers={"resident": (BROKEN,)}),
        "gamma": RegionPlugin(info=_info("gamma"), layers={"resident": (_fine("90.00"),)}),
    }
    fictional = Registry.from_plugins(plugins)
    app = make_app(registry=fictional, state_dir=private_state, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#f-birth_date", "1980-01-01")
        await pilot.pause()
        assert app.picked == ["alpha", "boom", "gamma"]
        await pilot.press("f5")
        assert cell(app, "#compare-table", "premium", 1) == "100.00", (app.comparison, app.problems)
        assert cell(app, "#compare-table", "premium", 2) == "—"
        assert cell(app, "#compare-table", "premium", 3) == "90.00"
        status = cell(app, "#compare-table", "status", 2)
        assert "ZeroDivisionError: fictional plugin bug" in status
        assert cell(app, "#compare-table", "status", 1) == "✓"
        table = app.main.query_one("#compare-table", ResultTable)
        premium = next(r for r in table.rows_shown if r.key == "premium")
        assert premium.best() == {2}, app.comparison  # gamma's 90.00; not the broken column
        notes = app.main.query("#compare-notes Static")
        assert "fictional plugin bug" in str(notes[1].render())
