"""Issue 20, the command line at a counter: no amount cut off at 80 columns, no silent
wrong answer, errors a clerk can read in Chinese or English.

Every check runs the real CLI (click's runner, ``COLUMNS=80``) on the bundled examples
and personas, as a user would.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from yibao.cli import main

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted(ROOT.glob("plugins/*/src/*/*/examples/*.toml"))
PERSONAS = sorted((ROOT / "reports/src/yibao_reports/personas").glob("*.toml"))
STROKE = (
    ROOT / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)
NEWBORN = (
    ROOT / "plugins/changli/src/yibao_changli/resident/examples/newborn-emergency-out-of-area.toml"
)
GAP = ROOT / "plugins/changli/src/yibao_changli/resident/examples/gap-repair-late-payment.toml"
FICTIONAL = ROOT / "plugins/changli/overlays/fictional-benefits.toml"
CUT = re.compile(r"\d…|…\d")
"""An amount Rich cut short: an ellipsis next to a digit."""


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80", **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised out of the CLI: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


def amounts(result: dict, *, whole_answer: bool = True) -> set[str]:
    """The amounts of a region's JSON answer the terminal shows: in a comparison each
    claim's payments and the premium; in ``evaluate`` also bills and limits."""
    found = set()
    for c in result.get("claims", ()):
        found |= {p["amount"] for p in c["layers"] if whole_answer or p["amount"] != "0.00"}
        if c["patient"] is not None and (whole_answer or c["status"] == "settled"):
            found.add(c["patient"])
        if whole_answer:
            found |= {c["bill"], c["compliant"]}
    for lim in result.get("limits", ()) if whole_answer else ():
        found |= {lim["cap"], lim["used"], lim["remaining"]}
    if result.get("premium") and result["premium"]["individual"] is not None:
        found.add(result["premium"]["individual"])
    return found


def whole(amount: str, text: str) -> bool:
    """``amount`` appears in ``text`` as a whole number (not inside a longer one)."""
    return re.search(rf"(?<![\d.]){re.escape(amount)}(?![\d])", text) is not None


# --- numbers are never cut off ------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES + PERSONAS, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_amount_of_every_example_shows_whole_at_80_columns(path: Path, lang: str) -> None:
    code, text, err = run("compare", str(path), "--lang", lang)
    assert code == 0, err
    assert not CUT.search(text), CUT.search(text)
    code, data, _ = run("compare", str(path), "--json")
    for result in json.loads(data)["results"]:
        for amount in amounts(result, whole_answer=False):
            assert whole(amount, text), f"{amount} ({result['region']}) is not shown whole"
        # each region's answer on its own, as given, with its explanation
        code, data, _ = run("evaluate", str(path), "-r", result["region"], "--json")
        if code == 2:
            continue  # the facts as given are not this region's (a district elsewhere)
        code, one, err = run("evaluate", str(path), "-r", result["region"], "--lang", lang)
        assert not CUT.search(one), CUT.search(one)
        for amount in amounts(json.loads(data)):
            assert whole(amount, one), f"{amount} not shown whole by evaluate"


def test_the_demo_regions_and_params_cut_nothing_at_80_columns() -> None:
    commands = [("demo",), ("demo", "--lang", "en"), ("regions",), ("regions", "changzhou"),
                ("params", "changzhou", "inpatient"), ("params", "xuzhou")]  # fmt: skip
    for args in commands:
        code, out, err = run(*args)
        assert code == 0, err
        assert not CUT.search(out), (args, CUT.search(out))


def test_the_surgery_the_issue_saw_cut_shows_every_digit() -> None:
    """changzhou-employee-2024 §四(一): the 215,000 bill, 181,600 from the pooled fund
    ((149,000 × 90%) + (50,000 × 95%)) and the 33,400 the patient pays, whole at 80."""
    path = (
        ROOT / "plugins/changzhou/src/yibao_changzhou/employee/examples/employee-major-surgery.toml"
    )
    code, out, _ = run("evaluate", str(path), "-r", "changzhou", "--no-explain")
    assert code == 0
    for amount in ("215000.00", "200000.00", "181600.00", "33400.00"):
        assert whole(amount, out)
    assert all(len(line) <= 80 for line in out.splitlines())


def test_a_grid_too_wide_for_its_terminal_stacks_instead_of_cutting() -> None:
    from rich.console import Console
    from yibao.layout import Column, Grid

    grid = Grid([Column("claim", kind="label", justify="left"),
                 *(Column(f"layer {i}") for i in range(6))])  # fmt: skip
    grid.add_row("住院 · 2025-05-10 · 三级医院", *["1234567.89"] * 6)
    for width in (80, 40, 24):
        out = Console(width=width, record=True, file=io.StringIO())
        out.print(grid.renderable(width))
        text = out.export_text()
        assert text.count("1234567.89") == 6 and not CUT.search(text), text
        assert all(len(line.rstrip()) <= width for line in text.splitlines())


# --- labels, names, notices ---------------------------------------------------------


def test_rows_are_claims_by_what_they_are_and_columns_regions_by_name() -> None:
    wide = {"COLUMNS": "200"}
    code, out, _ = run("compare", str(STROKE), env=wide)
    assert code == 0
    assert "│ 住院 · 2025-05-10 · 三级医院 " in out and "│ 普通门诊 · 2025-06-02 · 基层机构 " in out
    assert "常州 (居民医保)" in out and "徐州 (居民医保)" in out
    assert "│ stroke" not in out and "changzhou (" not in out
    code, out, _ = run("compare", str(STROKE), "--lang", "en", env=wide)
    assert "Changzhou (resident)" in out and "│ inpatient · 2025-05-10 · level 3 hospital " in out


def test_a_year_with_unsettled_claims_shows_the_bill_and_the_unsettled_part() -> None:
    """徐州 publishes no inpatient deductible or ratio (xuzhou-resident-measures-2023
    第十三条): both claims (50,000 + 6,000 blood/other, 1,800) stay unsettled, so the
    year shows the whole bill of 57,800, all of it unsettled — never a bill of 0.00."""
    code, out, _ = run("compare", str(STROKE), "-r", "xuzhou")
    assert code == 0
    assert "总费用 57800.00" in out and "未结算 2 笔 57800.00" in out
    assert "总费用 0.00" not in out


def test_notices_are_one_summary_line_per_region_and_listed_with_notices() -> None:
    code, short, _ = run("compare", str(GAP))
    code_all, full, _ = run("compare", str(GAP), "--notices")
    assert code == code_all == 0
    xuzhou = short.split("徐州:")[-1]
    assert re.search(r"16项数值未公布：premium\.standard, .* 等；另有 1 条说明；详见 --notices",
                     xuzhou.replace("\n", ""))  # fmt: skip
    assert xuzhou.count("! ") == 1  # one line (wrapped at most), not 16
    assert full.count("已加载的政策来源未公布") > 20
    assert "inpatient.deductible.level3" in full


def test_the_demo_shows_an_example_only_where_its_facts_are_read() -> None:
    """昌黎's newborn example states emergency_filed_after_days, a fact only 昌黎 reads."""
    code, data, _ = run("demo", "--json")
    assert code == 0
    by_title = {c["scenario_title"]: c for c in json.loads(data)}
    newborn = next(c for t, c in by_title.items() if t.startswith("新生儿90日内参保"))
    assert [r["region"] for r in newborn["results"]] == ["changli"]
    stroke = next(c for t, c in by_title.items() if t.startswith("老年居民脑卒中"))
    assert [r["region"] for r in stroke["results"]] == ["changli", "changzhou", "xuzhou"]
    code, out, _ = run("demo")
    assert "本例未在以下地区演示：常州：不读取本例所填的 emergency_filed_after_days" in out.replace(
        "\n", ""
    )


# --- overlays -----------------------------------------------------------------------


def test_compare_names_the_overlay_once_and_labels_its_fictional_values() -> None:
    """FICTIONAL overlay (deductible 600, ratio 70%): the 8,000 after-wait admission of
    昌黎's gap example… is not covered; the 12,000 one pays (12,000 − 600) × 70% = 7,980."""
    code, out, _ = run("compare", str(GAP), "-r", "changli", "--params", str(FICTIONAL))
    assert code == 0
    flat = out.replace("\n", "")
    assert flat.count(f"参数覆盖文件 {FICTIONAL}") == 1
    assert f"参数覆盖文件 {FICTIONAL}（昌黎县；虚构数值，非政策）" in flat
    assert "统筹基金 7980.00" in out and "(虚构)" in out
    code, data, _ = run("evaluate", str(GAP), "-r", "changli", "--params", str(FICTIONAL), "--json")
    result = json.loads(data)
    assert result["marked"] == {str(FICTIONAL): "fictional"}
    paid = next(c for c in result["claims"] if c["claim_id"] == "after-wait")
    assert any(s["marked"] == "fictional" for p in paid["layers"] for s in p["steps"])
    code, out, _ = run(
        "evaluate", str(GAP), "-r", "changli", "--params", str(FICTIONAL), "--lang", "en"
    )
    assert "(fictional, not policy) FICTIONAL test value" in out.replace("\n", " ").replace(
        "  ", " "
    )


# --- no silent wrong answers --------------------------------------------------------

CASE = """
year = 2025
[person]
birth_date = 1950-01-01
hukou = "{hukou}"
district = "{district}"
category = "{category}"
[[enrollment]]
year = 2025
region = "{region}"
paid_on = 2024-11-01
[[claims]]
id = "c1"
date = 2025-03-01
kind = "{kind}"
level = {level}
compliant = "10000.00"
"""
CODES = dict(hukou="changzhou", district="wujin", category="elderly", region="changzhou",
             kind="inpatient", level="3")  # fmt: skip


def _case(tmp_path: Path, **changes: str) -> str:
    path = tmp_path / f"case{len(list(tmp_path.iterdir()))}.toml"
    path.write_text(textwrap.dedent(CASE.format(**{**CODES, **changes})), encoding="utf-8")
    return str(path)


def test_chinese_names_read_as_the_codes_they_name(tmp_path: Path) -> None:
    """changzhou-resident-2025 §三(一): an elderly resident's 10,000 level-3 admission,
    written in codes or in names, pays (10,000 − 1,000) × 70% = 6,300 either way."""
    codes = _case(tmp_path)
    names = _case(tmp_path, hukou="常州", district="武进区", category="老年居民",
                  region="常州市", kind="住院", level='"三级"')  # fmt: skip
    answers = []
    for path, region in ((codes, "changzhou"), (names, "常州")):
        code, out, err = run("evaluate", path, "-r", region, "--json")
        assert code == 0, err
        answers.append(json.loads(out))
    assert answers[0] == answers[1]
    assert answers[0]["claims"][0]["layers"][0]["amount"] == "6300.00"
    assert run("compare", codes, "--regions", "常州,徐州", "--json")[0] == 0


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        ({"region": "chanzhou"}, "$.enrollment[0].region", "did you mean changzhou (常州)"),
        ({"hukou": "changzou"}, "$.person.hukou", "did you mean changzhou (常州)"),
        ({"district": "wujn"}, "$.person.district", "did you mean wujin (武进区)"),
        ({"category": "eldery"}, "$.person.category", "did you mean elderly (老年居民)"),
        ({"kind": "inpatiant"}, "$.claims[0].kind", "did you mean inpatient"),
    ],
)
def test_an_unknown_code_is_an_error_naming_the_field(
    tmp_path: Path, change: dict[str, str], field: str, hint: str
) -> None:
    path = _case(tmp_path, **change)
    code, out, err = run("evaluate", path, "-r", "changzhou")
    assert code == 2 and out == ""
    assert err.startswith(f"yibao: error: {path}: {field}: ") and hint in err
    code, _, err = run("evaluate", path, "-r", "changzhou", "--lang", "zh")
    assert f"{path}：{field}：" in err and "是否要写" in err


def test_a_region_not_installed_may_be_named(tmp_path: Path) -> None:
    """A household registration in 南京 or 苏州 is a fact, not a typo (苏州's code is
    near 徐州's, but not a misspelling of it)."""
    for hukou in ("nanjing", "suzhou", "北京"):
        code, _, err = run("evaluate", _case(tmp_path, hukou=hukou), "-r", "changzhou")
        assert code == 0, err


def test_an_unknown_region_option_suggests_the_installed_one() -> None:
    code, _, err = run("evaluate", str(STROKE), "-r", "chanzhou")
    assert code == 2 and "did you mean changzhou?" in err
    code, _, err = run("compare", str(STROKE), "-r", "changzhou,xuzou", "--lang", "zh")
    assert code == 2 and "未知地区 'xuzou'；是否要写 xuzhou？" in err


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("birth_date = 1955-04-31", "case.toml"),
        ('birth_date = "1955-04-31"', "case.toml"),
        ('"birth_date": "1955-04-31"', "case.json"),
    ],
)
def test_a_date_that_does_not_exist_says_so(tmp_path: Path, text: str, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(f'{{"year": 2025, "person": {{{text}}}}}', encoding="utf-8")
    else:
        path.write_text(f"year = 2025\n[person]\n{text}\n", encoding="utf-8")
    code, _, err = run("evaluate", str(path), "-r", "changzhou", "--lang", "en")
    assert code == 2 and "the date 1955-04-31 does not exist: April 1955 has 30 days" in err
    code, _, err = run("evaluate", str(path), "-r", "changzhou", "--lang", "zh")
    assert "日期 1955-04-31 不存在：1955年4月只有30天" in err


def test_errors_follow_lang_or_else_the_locale(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.toml")
    assert "cannot read the scenario file" in run("evaluate", missing, "-r", "changzhou")[2]
    code, _, err = run("evaluate", missing, "-r", "changzhou", "--lang", "zh")
    assert code == 2 and err == f"yibao: error: {missing}：无法读取文件：文件不存在\n"
    code, _, err = run("regions", "atlantis", env={"LANG": "zh_CN.UTF-8"})
    assert code == 2 and "未知地区 'atlantis'" in err
    code, _, err = run("regions", "atlantis", env={"LANG": "en_US.UTF-8", "LC_ALL": ""})
    assert "unknown region 'atlantis'" in err


def test_care_stated_local_but_elsewhere_is_refused(tmp_path: Path) -> None:
    path = Path(_case(tmp_path))
    text = path.read_text("utf-8").replace("level = 3", 'level = 3\narea = "跨省异地"')
    path.write_text(text, "utf-8")
    code, _, err = run("evaluate", str(path), "-r", "changzhou")
    assert code == 2 and "`area` is 'other_province' but `care` is \"local\"" in err


def test_a_closed_pipe_ends_the_demo_quietly() -> None:
    """``yibao demo | head -1``: the reader stops after one line; the demo ends at once,
    says nothing, and reports a closed pipe (141) as a shell would."""
    process = subprocess.Popen([sys.executable, "-m", "yibao.cli", "demo"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    with process.stderr:
        assert process.wait(timeout=60) == 141
        assert process.stderr.read() == b""


def test_every_field_of_the_scenario_is_documented() -> None:
    """docs/scenario.md lists every field of core's model, each in its part's table."""
    import msgspec
    from yibao import model

    doc = (ROOT / "docs/scenario.md").read_text("utf-8")
    parts = (model.Scenario, model.Person, model.Enrollment, model.LifeEvent, model.Claim,
             model.Elsewhere)  # fmt: skip
    for struct in parts:
        for f in msgspec.structs.fields(struct):
            assert f"| `{f.name}` |" in doc, f"{struct.__name__}.{f.name} is not documented"
    for f in msgspec.structs.fields(model.ContributionBreak):
        assert f"{f.name} = " in doc.split("## Contribution months")[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_in_the_terminal_cuts_no_amount_at_80_columns(lang: str) -> None:
    """``yibao report`` lays its tables out like compare: every premium and payment of the
    JSON report is shown whole at 80 columns, regions by name."""
    args = ("report", "elderly-stroke-level3", "newborn-late-enrolment", "--grid", "5000,50000")
    code, data, err = run(*args, "-f", "json")
    assert code == 0, err
    code, text, err = run(*args, "--lang", lang)
    assert code == 0, err
    assert not CUT.search(text), CUT.search(text)
    report = json.loads(data)
    for section in report["scenarios"]:
        for col in section["columns"]:
            assert col["name_zh" if lang == "zh" else "name_en"] in text
            for claim in col["claims"]:
                for amount in [p["amount"] for p in claim["layers"] if p["amount"] != "0.00"]:
                    assert whole(amount, text), (col["region"], claim["claim_id"], amount)
    for bar in report["premiums"]:
        if bar["individual"] is not None:
            assert whole(bar["individual"], text), bar


def test_a_year_with_nothing_settled_shows_no_settled_part() -> None:
    """昌黎 gives no inpatient deductible or ratio (changli-resident-2025 九), so both
    of the persona's admissions (76,000 + 16,500), as if the person lived there, are
    unsettled: the year says so and shows no "settled part" of 0.00 — in the CLI's
    table and year line, and in the report."""
    persona = ROOT / "reports/src/yibao_reports/personas/elderly-stroke-level3.toml"
    code, out, _ = run("compare", str(persona), "--regions", "changli,changzhou")
    assert code == 0
    assert "未结算 2 笔 92500.00" in out and "无已结算费用" in out
    assert "已结算部分" not in out
