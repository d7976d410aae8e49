"""The TUI's domain layer: form ⇄ scenario, validation, TOML, autosave, rows, curves."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from tui_paths import EXAMPLE, EXAMPLES, PERSONAS
from yibao.engine import compare
from yibao.model import Elsewhere, Scenario
from yibao.registry import Registry
from yibao.results import Totals
from yibao.scenario_io import load_scenario, parse_scenario
from yibao_tui.domain import autosave, view
from yibao_tui.domain.curve import curves, one_claim
from yibao_tui.domain.fields import CLAIM_FIELDS, PERSON_FIELDS, check
from yibao_tui.domain.form import (
    CaseForm,
    choices_of,
    claim_clash,
    elsewhere_regions,
    from_scenario,
    problems,
    to_scenario,
)
from yibao_tui.domain.toml_out import to_toml

CASES = Path(__file__).parents[1] / "cases"


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


@pytest.mark.parametrize("path", EXAMPLES + PERSONAS, ids=lambda p: p.stem)
def test_every_example_survives_the_form_and_a_saved_file(path: Path, reg: Registry) -> None:
    scenario = load_scenario(path)
    back, problems = to_scenario(from_scenario(scenario, choices_of(reg)), choices_of(reg), "zh")
    assert problems.count() == 0, problems
    assert back == scenario
    assert parse_scenario(to_toml(scenario), name="saved.toml") == scenario


def test_contribution_breaks_round_trip_through_the_form_and_a_saved_file(reg) -> None:
    """The enrolment row types breaks as ``5-6@2026-07-20, 11`` (常州职工 §三(二))."""
    path = CASES / "changzhou-employee/months-employer-arrears-paid-within-three-months-2026.toml"
    scenario = msgspec.convert(tomllib.loads(path.read_text("utf-8"))["scenario"], Scenario)
    form = from_scenario(scenario)
    assert form.enrollment[1]["breaks"] == "5-6@2026-07-20"
    form.enrollment[1]["breaks"] = "5-6@2026-07-20, 11"
    back, problems = to_scenario(form, choices_of(reg), "zh")
    assert problems.count() == 0, problems
    assert [(b.first_month, b.last_month) for b in back.enrollment[1].breaks] == [
        (5, 6),
        (11, None),
    ]
    assert parse_scenario(to_toml(back), name="saved.toml") == back
    form.enrollment[1]["breaks"] = "13"
    assert to_scenario(form, choices_of(reg), "zh")[1].enrollment[1]["breaks"].startswith("格式如")
    form.enrollment[1]["breaks"] = "6, 5"  # out of order: the model's own check, named
    scenario_back, problems = to_scenario(form, choices_of(reg), "en")
    assert scenario_back is None and "breaks[1]" in (problems.whole or "")


def test_toml_strings_are_escaped() -> None:
    scenario = load_scenario(EXAMPLE)
    tricky = 'quote " backslash \\ tab \t newline \n 中文'
    import msgspec

    scenario = msgspec.structs.replace(scenario, title=tricky)
    assert parse_scenario(to_toml(scenario), name="x.toml").title == tricky


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("birth_date", "1960-02-30", "日期格式应为 YYYY-MM-DD"),
        ("birth_date", "", "必填"),
        ("birth_date", "1960-02-29", None),
        ("contribution_base", "12.345", "金额应为非负数，最多两位小数"),
        ("contribution_base", "-1", "金额应为非负数，最多两位小数"),
        ("contribution_years", "81", "应为整数 0–80"),
        ("hukou", "hefei", None),  # household registration in a region not installed here
        ("district", "atlantis", "不在可选范围内"),
        ("hukou", "changzhou", None),
    ],
)
def test_fields_are_checked_as_typed(name: str, raw: str, expected: str | None, reg) -> None:
    spec = next(s for s in PERSON_FIELDS if s.name == name)
    assert check(spec, raw, choices_of(reg), "zh") == expected


def test_claim_dialog_checks_id_and_year() -> None:
    form = from_scenario(load_scenario(EXAMPLE))
    clash = claim_clash(form, None, "en")
    assert clash({"id": "stroke", "date": "2024-01-01"}) == {
        "id": "id already used",
        "date": "must be in 2025",
    }
    assert claim_clash(form, 0, "en")({"id": "stroke", "date": "2025-02-01"}) == {}
    too_much = {"id": "x", "date": "2025-02-01", "compliant": "10.00", "total": "9.99"}
    assert clash(too_much) == {"compliant": "must not exceed the whole bill"}


def test_an_invalid_form_gives_no_scenario_and_says_where(reg) -> None:
    form = from_scenario(load_scenario(EXAMPLE))
    form.claims[0]["compliant"] = "lots"
    form.case["birth_date"] = "1952-13-01"
    scenario, problems = to_scenario(form, choices_of(reg), "en")
    assert scenario is None
    assert problems.case == {"birth_date": "expected a date YYYY-MM-DD"}
    assert problems.claims == {0: {"compliant": "expected an amount ≥ 0 with at most 2 decimals"}}


def test_cross_field_rules_come_from_the_model(reg) -> None:
    form = from_scenario(load_scenario(EXAMPLE))
    form.claims[0]["date"] = "2024-05-10"
    scenario, problems = to_scenario(form, choices_of(reg), "en")
    assert scenario is None and "outside the scenario year 2025" in problems.whole


def test_duplicate_claim_gets_a_fresh_id() -> None:
    form = from_scenario(load_scenario(EXAMPLE))
    assert form.duplicate_claim(0)["id"] == "stroke-2"
    assert form.new_claim()["id"] == "c3"
    assert set(form.new_claim()) == {s.name for s in CLAIM_FIELDS}


def test_autosave_round_trip_keeps_invalid_input(tmp_path: Path) -> None:
    form = CaseForm.new(2025)
    form.case["birth_date"] = "1960-0"  # half typed
    session = autosave.Session(form, "xuzhou", ["xuzhou", "changli"], "case.toml")
    autosave.save(session, tmp_path)
    back = autosave.load(tmp_path)
    assert back is not None
    assert back.form.case["birth_date"] == "1960-0"
    assert (back.region, back.compare, back.path) == ("xuzhou", ["xuzhou", "changli"], "case.toml")


def test_autosave_location(tmp_path: Path) -> None:
    assert autosave.state_dir({"YIBAO_TUI_STATE_DIR": "/x"}) == Path("/x")
    assert autosave.state_dir({"XDG_STATE_HOME": "/s"}) == Path("/s/yibao")
    assert autosave.load(tmp_path / "none") is None
    (tmp_path / "autosave.json").write_text("{not json")
    assert autosave.load(tmp_path) is None


def test_rows_carry_the_engines_numbers_and_mark_the_better(reg) -> None:
    scenario = load_scenario(EXAMPLE)
    results = compare(scenario, ["changzhou", "xuzhou"], registry=reg).results
    rows = {r.key: r for r in view.rows(results, scenario.claims, "en")}
    patient = rows["claim:stroke:patient"]
    assert patient.cells[0].score == results[0].claims[0].patient
    premium = rows["premium"]
    assert [c.score for c in premium.cells] == [r.premium.individual for r in results]
    assert premium.best() == {1}  # 0.00 in 徐州 (aged 70+) is lower than 730.00
    assert any(
        "changzhou-resident-2025" in s.cite for s in rows["claim:stroke:basic_fund"].cells[0].steps
    )


def test_claims_are_named_by_what_where_and_when_not_by_id(reg) -> None:
    """The heading of a claim's rows is its kind, date and hospital, and its compliant
    amount; the id is added only where two claims would read the same."""
    scenario = load_scenario(EXAMPLE)
    results = compare(scenario, ["changzhou"], registry=reg).results
    rows = {r.key: r for r in view.rows(results, scenario.claims, "zh")}
    assert rows["claim:stroke"].label == "住院 · 2025-05-10 · 三级医院 · 合规 50,000.00"
    assert rows["claim:clinic"].label == "普通门诊 · 2025-06-02 · 基层机构 · 合规 1,800.00"
    twin = msgspec.structs.replace(scenario.claims[0], id="stroke-2")
    heads = view.claim_headings((scenario.claims[0], twin), "en")
    assert heads == {
        "stroke": "inpatient · 2025-05-10 · level 3 hospital (stroke) · compliant 50,000.00",
        "stroke-2": "inpatient · 2025-05-10 · level 3 hospital (stroke-2) · compliant 50,000.00",
    }


def test_year_totals_show_the_whole_bill_and_never_rank_against_the_unknown(reg) -> None:
    """徐州 publishes no settlement parameters for this case (its claims are
    not_published): its year shows the whole bill (56,000.00 + 1,800.00, the example's
    ``total`` and ``compliant``), marks all of it unsettled, and no ★ ranks 常州's
    numbers against its unknown ones."""
    scenario = load_scenario(EXAMPLE)
    results = compare(scenario, ["changzhou", "xuzhou"], registry=reg).results
    assert [c.status for c in results[1].claims] == ["not_published", "not_published"]
    rows = {r.key: r for r in view.rows(results, scenario.claims, "en")}
    bill = sum((c.bill for c in scenario.claims), Decimal("0.00"))
    assert bill == Decimal("57800.00")
    assert [c.text for c in rows["totals:bill"].cells] == ["57,800.00", "57,800.00"]
    assert [c.text for c in rows["totals:unsettled"].cells] == ["—", "⚠ 57,800.00"]
    patient = rows["totals:patient"]
    assert patient.cells[1].text == "not settled" and patient.cells[1].unknown
    assert patient.best() == set()
    assert rows["claim:stroke:patient"].best() == set()
    assert rows["claim:stroke:basic_fund"].best() == set()


def test_a_partly_settled_year_shows_a_lower_bound(reg) -> None:
    """When one of two claims is not settled, a total over the settled one is only a
    lower bound: ``≥ …``, unranked. (The second claim's answer is replaced by a
    not-published one here: a region that settles one claim and not the other.)"""
    scenario = load_scenario(EXAMPLE)
    (result,) = compare(scenario, ["changzhou"], registry=reg).results
    stroke, clinic = result.claims
    gap = msgspec.structs.replace(clinic, status="not_published", patient=None, layers=())
    totals = Totals(
        bill=stroke.bill,
        layers={p.layer: p.amount for p in stroke.layers},
        patient=stroke.patient,
        complete=False,
    )
    partial = msgspec.structs.replace(result, claims=(stroke, gap), totals=totals)
    rows = {r.key: r for r in view.rows([partial, result], scenario.claims, "zh")}
    assert rows["totals:patient"].cells[0].text == f"≥ {stroke.patient:,.2f}"
    assert rows["totals:patient"].best() == set()
    assert rows["totals:unsettled"].cells[0].text == "⚠ 1,800.00"
    assert rows["totals:bill"].cells[0].text == "57,800.00"


def test_curve_points_are_engine_answers(reg) -> None:
    scenario = load_scenario(EXAMPLE)
    xs = [Decimal("0.00"), Decimal("50000.00"), Decimal("200000.00")]
    (curve,) = curves(scenario, 0, ["changzhou"], registry=reg, xs=xs)
    for x, y in zip(xs, curve.ys, strict=True):
        result = compare(one_claim(scenario, 0, x), ["changzhou"], registry=reg).results[0]
        assert y == result.claims[0].patient
    assert curve.ys[1] == Decimal("21700.00") - Decimal("6000.00")  # no 6000 beyond compliant


def test_domain_imports_no_textual() -> None:
    code = (
        "import sys, yibao_tui.domain.form, yibao_tui.domain.view, yibao_tui.domain.curve, "
        "yibao_tui.domain.autosave, yibao_tui.domain.toml_out, yibao_tui.domain.keys, "
        "yibao_tui.command; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_plotext')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_category_offers_the_home_regions_scheme_words(reg) -> None:
    choices = choices_of(reg)
    spec = next(s for s in PERSON_FIELDS if s.name == "category")
    person = {"district": "wujin", "scheme": "resident", "category": "elderly"}
    assert [v for _, v in choices.options(spec, "en", person)] == [
        "elderly",
        "non_working",
        "university",
        "minor",
    ]
    assert check(spec, "elderly", choices, "zh", person, "xuzhou") is None  # home decides
    employee = {**person, "scheme": "employee"}
    assert check(spec, "elderly", choices, "zh", employee) == "不是常州职工医保的参保类别"
    nowhere = {"scheme": "resident"}  # no home in the facts: the region shown decides
    assert choices.values(spec, nowhere, "xuzhou") == {"resident", "university", "one_child"}
    assert check(spec, "", choices, "zh", nowhere, "changli") is None  # derive from facts


def test_elsewhere_rows_are_checked_against_their_own_region(reg) -> None:
    choices = choices_of(reg)
    form = from_scenario(load_scenario(EXAMPLE))  # lives in 常州 (wujin)
    assert elsewhere_regions(form, choices, ["changzhou", "xuzhou"]) == ["xuzhou"]
    form.elsewhere["xuzhou"] = {"district": "wujin", "category": "elderly"}  # 常州's words
    found = problems(form, choices, "zh").elsewhere["xuzhou"]
    assert found == {"district": "不在可选范围内", "category": "不是徐州居民医保的参保类别"}
    form.elsewhere["xuzhou"] = {"district": "shiqu", "category": ""}
    form.elsewhere["changli"] = {"district": "", "category": ""}
    scenario, found = to_scenario(form, choices, "zh")
    assert found.count() == 0
    assert scenario.elsewhere == {"xuzhou": Elsewhere(district="shiqu")}  # blanks dropped
    assert elsewhere_regions(form, choices, []) == ["xuzhou"]  # a table given stays shown
    form.case["hukou"] = form.case["district"] = ""
    assert elsewhere_regions(form, choices, ["xuzhou"]) == []  # no home: nothing relocated


def test_districts_are_offered_by_their_chinese_names(reg: Registry) -> None:
    """A clerk picks 武进区, not ``wujin``: changzhou-resident-2025 §一(三) names the
    districts, the region declares those names, and the form offers them (the code stays
    visible, and is what the scenario gets)."""
    spec = next(s for s in PERSON_FIELDS if s.name == "district")
    choices = choices_of(reg)
    assert ("武进区 · 常州 (wujin)", "wujin") in choices.options(spec, "zh")
    assert ("wujin (Changzhou)", "wujin") in choices.options(spec, "en")
