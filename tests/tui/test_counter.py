"""Issue 20, the TUI at a service window: what a clerk sees at 80×24 and 120×40.

Each test looks at the screen as text (:func:`tui_screen.screen_text`, what
``tmux capture-pane`` shows) right after the keys, as a person would."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rich.cells import cell_len
from textual.widgets import Footer, Input, Select
from textual.widgets._footer import FooterKey
from tui_paths import EXAMPLE, ROOT
from tui_screen import screen_text
from yibao.errors import UnknownRegion
from yibao.registry import Registry
from yibao.scenario_io import load_scenario
from yibao_tui.app import YibaoApp, make_app
from yibao_tui.command import tui
from yibao_tui.domain.config import Config
from yibao_tui.screens.dialogs import ExplainScreen, Files, HelpScreen, PathDialog, RowDialog
from yibao_tui.widgets.palette import Palette
from yibao_tui.widgets.tables import ResultTable

SURGERY = (
    ROOT / "plugins/changzhou/src/yibao_changzhou/employee/examples/employee-major-surgery.toml"
)
AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}")


async def until(pilot, done, seconds: float = 20) -> None:
    """Let the app run until ``done()`` (a worker's result shows), failing after ``seconds``.
    Not ``workers.wait_for_complete``: the folder tree's loader never completes."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not done after {seconds} s")


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


def amounts_cut(app: YibaoApp, selector: str) -> list[str]:
    """Every cell line of the table wider than its column (none may be), and any
    ellipsis on the screen."""
    table = app.main.query_one(selector, ResultTable)
    cut = []
    for row_key in table.rows:
        for column_key, column in table.columns.items():
            for line in str(table.get_cell(row_key, column_key)).split("\n"):
                if cell_len(line) > column.width:
                    cut.append(f"{row_key.value}/{column_key.value}: {line!r} > {column.width}")
    screen = screen_text(app)
    return cut + [line for line in screen.splitlines() if "…" in line]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_no_amount_is_ever_cut(size, reg, private_state) -> None:
    """The compare (F5) and result (F4) tables, at once after the key (the first frame
    showed ``400…`` before): every line of every cell fits its column, and the screen
    has no ``…``. At 120 columns the labels are whole, on one line."""
    for path in (EXAMPLE, SURGERY):
        app = make_app(path, registry=reg, state_dir=private_state)
        async with app.run_test(size=size) as pilot:
            await pilot.press("f5")
            assert amounts_cut(app, "#compare-table") == []
            shown = screen_text(app)
            premium = app.comparison.results[0].premium.individual
            assert f"{premium:,.2f}" in shown  # changzhou's premium, whole
            await pilot.press("f4")
            assert amounts_cut(app, "#result-table") == []
            table = app.main.query_one("#result-table", ResultTable)
            if size[0] == 120:
                longest = max(cell_len(r.label) for r in table.rows_shown)
                assert table.columns[next(iter(table.columns))].width >= longest
                assert "住院和门诊特殊病年度最高支付限额" in screen_text(app) or path == SURGERY


async def test_the_counter_starts_on_its_home_region(reg, private_state, no_config) -> None:
    """``--region`` or the config file's home region decides where the app starts;
    without either it starts on the case's region (or the first one) with a hint."""
    app = make_app(registry=reg, state_dir=private_state)  # a new case, no home set
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.region == "changli"  # the first installed region, alphabetically
        status = screen_text(app).splitlines()[0]
        assert "提示：--region 或配置文件设本柜台地区（F1）" in status
    config = Config(region="changzhou", keymap={"yibao.save": "f9"}, path=no_config)
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state, region="xuzhou", config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.region == "xuzhou"  # --region wins over the file and the case's home
        assert "提示" not in screen_text(app).splitlines()[0]
        await pilot.press("f9")  # the keymap: f9 saves
        assert isinstance(app.screen, PathDialog)
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state, config=config)
    assert app.home == app.region == "changzhou"
    with pytest.raises(UnknownRegion):
        make_app(registry=reg, state_dir=private_state, region="chanzhou")


def test_a_bad_region_or_config_file_is_an_error_naming_it(no_config, private_state) -> None:
    runner = CliRunner()
    done = runner.invoke(tui, ["--region", "chanzhou"])
    assert done.exit_code == 2 and "chanzhou" in done.output and "changzhou" in done.output
    no_config.write_text('region = "nowhere"\n', "utf-8")
    done = runner.invoke(tui, [])
    assert done.exit_code == 2
    assert f"{no_config}: region" in done.output and "changzhou" in done.output
    no_config.write_text('[keymap]\n"yibao.sav" = "f9"\n', "utf-8")
    done = runner.invoke(tui, [])
    assert done.exit_code == 2 and "keymap.yibao.sav" in done.output


async def test_rows_added_or_copied_come_into_view(reg, private_state) -> None:
    """At 80×24 the claims table is below the screen's bottom: a duplicated claim and
    an added one are selected and scrolled into view."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.main.query_one("#claims")
        table.focus()
        await pilot.press("d")
        await pilot.pause()
        assert table.cursor_row == 1
        assert "stroke-2" in screen_text(app)
        await pilot.press("a")
        assert isinstance(app.screen, RowDialog)
        placeholder = app.screen.query_one("#f-compliant", Input).placeholder
        assert placeholder == "金额，元"  # words about the value, not a value
        app.screen.query_one("#f-compliant", Input).value = "1000"
        await pilot.press("f10")
        await pilot.pause()
        assert table.cursor_row == 3 and "c4" in screen_text(app)


async def test_a_new_enrolment_year_follows_the_case(reg, private_state) -> None:
    """The person's household is registered in 徐州: a new enrolment row is insured
    there, for the case's year, or the year before the earliest listed."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        app.main.query_one("#f-hukou", Select).value = "xuzhou"
        await pilot.pause()
        app.main.query_one("#enrollment").focus()
        await pilot.press("a")
        assert isinstance(app.screen, RowDialog)
        assert app.screen.query_one("#f-region", Select).value == "xuzhou"
        assert app.screen.query_one("#f-year", Input).value == "2023"  # 2024, 2025 listed
        paid_on = app.screen.query_one("#f-paid_on", Input)
        assert paid_on.value == "" and paid_on.placeholder == "年-月-日（可不填）"  # no date
        assert "徐州" in screen_text(app)


async def test_ticks_diseases_and_textual_words_in_chinese(reg, private_state) -> None:
    """A tick box shows its state in a character; diseases are picked by their Chinese
    names; the command palette speaks Chinese."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "▐ ▌ 低保" in screen_text(app)
        app.main.query_one("#f-assistance").select("minimum_living")
        await pilot.pause()
        assert "▐✓▌ 低保" in screen_text(app)
        assert app.last.person.assistance == ("minimum_living",)

        app.main.query_one("#claims").focus()
        await pilot.press("enter")
        diseases = app.screen.query_one("#f-diseases")
        assert [str(o.prompt) for o in diseases.options][:3] == [
            "高血压",
            "糖尿病",
            "脑卒中合并器官功能障碍",
        ]
        diseases.select("hypertension")
        await pilot.press("f10")
        assert app.last.claims[0].diseases == ("hypertension",)

        await pilot.press("ctrl+p")
        assert isinstance(app.screen, Palette)
        await pilot.pause()
        assert "搜索命令…" in screen_text(app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"主题", "退出", "截图"} <= set(titles) and "Theme" not in titles
        await pilot.press("q", "q", "q", "z")
        await pilot.pause(0.7)  # Textual waits half a second before "no matches"
        assert "没有匹配的命令" in screen_text(app)


async def test_a_drop_down_list_says_its_key_in_chinese(reg, private_state) -> None:
    """A choice field's list, open, shows Textual's esc key in the footer: in Chinese
    (关闭菜单), not Textual's English "Dismiss menu"."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        app.main.query_one("#f-sex").focus()
        await pilot.press("enter")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "关闭菜单" in footer and "Dismiss" not in footer


async def test_open_a_case_from_the_file_list(reg, private_state, tmp_path) -> None:
    """ctrl+o lists the folder's scenario files: tab, down, enter opens one."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PathDialog)
        files = app.screen.query_one(Files)
        await until(pilot, lambda: len(files.root.children) == 3)  # the tree loads in a worker
        shown = screen_text(app)
        assert "minor-admission-2026.toml" in shown and "tab 在文件列表中选" in shown
        await pilot.press("tab", "down", "down", "down", "enter")  # the third file
        await until(pilot, lambda: bool(app.path))
        assert app.path and app.path.endswith("minor-admission-2026.toml")
        assert app.last == load_scenario(app.path)


FOCUS = ("#f-year", "#enrollment", "#events", "#claims", "#f-assistance")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_footer_fits_80_columns_everywhere(lang, reg, private_state) -> None:
    """Every context's footer ends within 80 columns: the case's fields and lists, the
    result, compare and curve tabs, and every dialog."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state, lang=lang)

    def right_edge() -> int:
        keys = list(app.screen.query_one(Footer).query(FooterKey))
        return max((k.region.right for k in keys if k.region.width), default=0)

    async def fits(where: str) -> None:
        """Once the footer is laid out (a busy machine may take a few frames), its
        last key ends within 80 columns."""
        try:
            await until(pilot, lambda: 0 < right_edge() <= 80, seconds=5)
        except AssertionError:
            keys = [k.description for k in app.screen.query_one(Footer).query(FooterKey)]
            raise AssertionError((where, right_edge(), keys)) from None

    async with app.run_test(size=(80, 24)) as pilot:
        for selector in FOCUS:
            app.main.query_one(selector).focus()
            await fits(selector)
        app.main.query_one("#claims").focus()
        await pilot.press("enter")
        await fits("claim dialog")
        await pilot.press("escape", "f4")
        await fits("result")
        await pilot.press("enter")
        assert isinstance(app.screen, ExplainScreen)
        await fits("explain")
        await pilot.press("escape", "f5")
        await fits("compare")
        await pilot.press("f6")
        await fits("curve")
        for key in ("ctrl+o", "ctrl+s", "ctrl+r", "f1"):
            await pilot.press(key)
            await fits(key)
            if key == "f1":
                assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")


async def test_notices_break_between_words_not_inside_identifiers(reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        shown = screen_text(app)
        assert "waiting_period.months" in shown  # whole, on one line
        assert "[changzhou-resident-2025" in shown


async def test_the_curve_speaks_chinese_with_round_ticks(reg, private_state) -> None:
    """F6: the title names the claim, a legend tells the series apart by marker, the
    axes count in 万元 with round ticks."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await pilot.pause()
        shown = screen_text(app)
        assert "住院 · 2025-05-10 · 三级医院" in shown
        assert "⠤⠤ 常州" in shown and "xx 徐州" in shown and "++ 昌黎县" in shown
        assert "横轴：合规费用（万元）" in shown
        lines = shown.splitlines()
        axis = next(line for line in lines if line.strip().startswith("0 ") and "100" in line)
        assert axis.split() == ["0", "20", "40", "60", "80", "100"]
        assert not re.search(r"\d\.\d", shown)  # no 833333.3


async def test_f7_goes_to_the_claims_and_e_explains_one(reg, private_state) -> None:
    """From any tab F7 (shown in the footer) puts the focus on the claims table; ``e``
    there explains the selected claim. changzhou-resident-2025 §三(二)1 普通门诊统筹: at a
    primary-care facility 50% of the year's compliant cost above 200 up to 1,500 (nothing
    between 1,500 and 6,000), so of 1,800.00 the fund pays (1500 − 200) × 50% = 650.00."""
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "f7 费用表" in screen_text(app).splitlines()[-1]
        await pilot.press("f5", "f7")
        await pilot.pause()
        assert app.focused is app.main.query_one("#claims")
        assert "stroke" in screen_text(app) and "e 说明" in screen_text(app).splitlines()[-1]
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        title = app.screen.title_text
        assert "普通门诊 · 2025-06-02" in title and "基本医保统筹基金 = 650.00" in title
        assert app.screen.steps  # the steps behind the number, each with its source
        await pilot.press("escape")
        assert app.main.query_one("#tabs").active == "result"
