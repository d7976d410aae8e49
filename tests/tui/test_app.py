"""Pilot-driven tests: fill a case, switch region, compare, explain, save, restore."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from textual.widgets import Input, Select, Static, TabbedContent
from tui_paths import EXAMPLE
from yibao import hookimpl
from yibao.dates import today
from yibao.engine import compare
from yibao.model import Elsewhere
from yibao.registry import RegionPlugin, Registry
from yibao.results import Eligibility, Premium, RegionInfo, SchemeInfo
from yibao.scenario_io import load_scenario
from yibao_tui.app import YibaoApp, make_app
from yibao_tui.domain import autosave
from yibao_tui.domain.keys import KEYS
from yibao_tui.screens.dialogs import ExplainScreen, ExportDialog, HelpScreen, RowDialog
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
    """Focus the input, put all but the last character in, type that one (typing every
    character of every field would make the suite slow)."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()  # focusing selects the text; fill in after that
    widget.value = text[:-1]
    widget.cursor_position = len(widget.value)
    await pilot.press(text[-1])


async def fill(pilot, values: dict[str, str]) -> None:
    """Put each value in its field at once (as pasting or picking would), then let the app
    catch up: the same messages as typing, without a wait after every key."""
    for selector, value in values.items():
        pilot.app.screen.query_one(selector).value = value
    await pilot.pause()


async def test_fill_a_case_then_switch_and_compare(reg: Registry, private_state: Path) -> None:
    app = make_app(registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        assert app.problems.case == {"birth_date": "必填"}
        assert app.result is None
        assert app.main.query_one("#f-year").value == str(today().year)  # a new case: this year
        await type_into(pilot, "#f-year", "2025")  # the year 常州's resident source covers
        await type_into(pilot, "#f-birth_date", "1952-03-02")
        app.main.query_one("#f-hukou", Select).value = "changzhou"
        app.main.query_one("#f-district", Select).value = "wujin"
        await pilot.pause()  # the category field now offers 常州's resident categories
        category = app.main.query_one("#f-category", Select)
        assert [v for _, v in category._options][1:] == [
            "elderly",
            "non_working",
            "university",
            "minor",
        ]
        category.value = "elderly"
        for year, paid in (("2024", "2023-11-20"), ("2025", "2024-11-20")):
            app.main.query_one("#enrollment").focus()
            await pilot.press("a")
            assert isinstance(app.screen, RowDialog)
            await type_into(pilot, "#f-year", year)
            await fill(pilot, {"#f-region": "changzhou", "#f-paid_on": paid})
            await pilot.press("enter")
            assert not isinstance(app.screen, RowDialog), app.screen.raw
        app.main.query_one("#claims").focus()
        await pilot.press("a")
        await type_into(pilot, "#f-compliant", "50000")
        values = {"#f-id": "stroke", "#f-date": "2025-05-10", "#f-total": "56000"}
        await fill(pilot, values)
        await pilot.press("enter")
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


async def test_person_fields_check_as_typed_and_keep_the_last_result(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        before = app.result  # an invalid input keeps the last result, marked stale
        await type_into(pilot, "#f-birth_date", "1952-02-30")
        message = app.main.query_one("#m-birth_date", Static)
        assert str(message.render()) == "日期格式应为 YYYY-MM-DD"
        assert app.stale and app.result == before
        assert "结果已过期" in str(app.main.query_one("#status", Static).render())
        await type_into(pilot, "#f-birth_date", "1952-03-02")
        assert not app.stale and str(message.render()) == ""

        # the category offers the scheme's words and keeps a value it does not offer
        category = app.main.query_one("#f-category", Select)
        message = app.main.query_one("#m-category", Static)
        assert category.value == "elderly" and str(message.render()) == ""
        app.main.query_one("#f-scheme", Select).value = "employee"
        await pilot.pause()
        offered = [v for _, v in category._options]
        assert offered[1:] == ["in_service", "retired", "veteran_pre_1949", "elderly"]
        assert category.value == "elderly"  # kept, marked "?", with the field's message
        assert str(message.render()) == "不是常州职工医保的参保类别"
        assert app.stale
        app.main.query_one("#f-scheme", Select).value = "resident"
        await pilot.pause()
        assert category.value == "elderly" and str(message.render()) == ""
        category.value = Select.NULL  # "— derive from facts"
        await pilot.pause()
        assert app.last.person.category is None and not app.stale


async def test_elsewhere_district_and_category_per_compared_region(
    reg, private_state, tmp_path
) -> None:
    target = tmp_path / "elsewhere.toml"
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        grids = [g.id for g in app.main.query("#elsewhere FormGrid")]
        assert grids == ["elsewhere-changli", "elsewhere-xuzhou"]  # not 常州: the home
        xuzhou = app.main.query_one("#elsewhere-xuzhou")
        district = xuzhou.query_one("#f-district", Select)
        assert [v for _, v in district._options][1:] == list(reg.region("xuzhou").info.districts)
        district.value = "shiqu"
        await pilot.pause()
        xuzhou.query_one("#f-category", Select).value = "one_child"
        await pilot.pause()
        assert app.last.elsewhere == {"xuzhou": Elsewhere(district="shiqu", category="one_child")}
        moved = next(r for r in app.comparison.results if r.region == "xuzhou")
        assert any("shiqu" in n.text_en for n in moved.notices)
        app.main.query_one("#compare-pick").deselect("xuzhou")
        await pilot.pause()
        assert app.main.query_one("#elsewhere-xuzhou")  # given, so still shown
        await pilot.press("ctrl+s")
        await type_into(pilot, "#path", str(target))
        await pilot.press("enter")
        await pilot.pause()
    assert load_scenario(target).elsewhere == app.last.elsewhere


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
        assert app.main.query_one("#claims").cursor_row == 1  # the copy is selected
        await pilot.press("delete")
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


async def test_explain_compare_curve_help_and_palette(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")  # any number explains itself with citations
        table = app.main.query_one("#result-table", ResultTable)
        row = [r.key for r in table.rows_shown].index("claim:stroke:basic_fund")
        table.move_cursor(row=row, column=1)
        await pilot.press("enter")
        assert isinstance(app.screen, ExplainScreen)
        assert any("changzhou-resident-2025" in s.cite for s in app.screen.steps)
        assert "34,300.00" in app.screen.title_text
        await pilot.press("escape")
        assert not isinstance(app.screen, ExplainScreen)

        await pilot.press("f5")  # compare fewer regions, then draw their curves
        app.main.query_one("#compare-pick").deselect("changli")
        await pilot.pause()
        assert app.picked == ["changzhou", "xuzhou"]
        assert len(app.comparison.results) == 2
        await pilot.press("f6")
        await pilot.pause()  # the hidden form keeps no focus that would take its tab back
        assert app.main.query_one("#tabs", TabbedContent).active == "curve"
        assert "inpatient · 2025-05-10 · level 3 hospital" in str(
            app.main.query_one("#curve-head", Static).render()
        )

        await pilot.press("f1")  # the help lists every key, the palette every action
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
        assert app.picked == ["alpha", "boom", "gamma"]
        await pilot.press("f5")
        assert cell(app, "#compare-table", "premium", 1) == "100.00", (app.comparison, app.problems)
        assert cell(app, "#compare-table", "premium", 2) == "—"
        assert cell(app, "#compare-table", "premium", 3) == "90.00"
        status = cell(app, "#compare-table", "status", 2).replace("\n", " ")  # wrapped
        assert "ZeroDivisionError: fictional plugin bug" in status
        assert cell(app, "#compare-table", "status", 1) == "✓"
        table = app.main.query_one("#compare-table", ResultTable)
        premium = next(r for r in table.rows_shown if r.key == "premium")
        assert premium.best() == set()  # boom's premium is unknown: no ★ against it
        notes = app.main.query("#compare-notes Notes")
        shown = " ".join(line.strip(" •") for line, _ in notes[1].lines(30))
        assert "ZeroDivisionError: fictional plugin bug" in shown


# ---- export through the report package ---------------------------------------------


async def test_export_writes_the_comparison_as_a_report(
    reg, private_state, tmp_path, monkeypatch
) -> None:
    title = load_scenario(EXAMPLE).title
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#path", Input).value.endswith("-report.html")
        await type_into(pilot, "#path", str(tmp_path / "r.txt"))
        assert "html" in str(app.screen.query_one("#dialog-msg", Static).render())
        for name in ("r.html", "r.md"):
            if not isinstance(app.screen, ExportDialog):
                await pilot.press("ctrl+r")
            await type_into(pilot, "#path", str(tmp_path / name))
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = (tmp_path / name).read_text("utf-8")
            assert title in text
            assert all(app.names[c] in text for c in app.picked)
            assert str(tmp_path / name) in str(app.main.query_one("#status", Static).render())
        await pilot.press("ctrl+r")
        await type_into(pilot, "#path", str(tmp_path / "gone" / "r.html"))
        await pilot.press("enter")  # no such folder: refused in the dialog
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")

        monkeypatch.setitem(sys.modules, "yibao_reports", None)  # not installed
        monkeypatch.setitem(sys.modules, "yibao_reports.build", None)
        await pilot.press("ctrl+r")
        assert not isinstance(app.screen, ExportDialog)
        status = str(app.main.query_one("#status", Static).render())
        assert "导出不可用" in status
