"""徐州 resident scheme (xuzhou-resident-measures-2023, 徐政规〔2023〕7号): what a worked
case file cannot express — premium parts and the subsidy chosen (第九条), overlay
errors, the region's bounds, and the shipped files. Amounts are FICTIONAL overlay
values (tests/overlays/xuzhou-fictional.toml), worked by hand in each docstring.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from yibao.engine import evaluate
from yibao.errors import InputError
from yibao.model import Scenario
from yibao.params import check_overlay
from yibao.registry import Registry, load_overlays
from yibao.results import RegionResult
from yibao.scenario_io import scenario_type

ROOT = Path(__file__).parent.parent
FICTIONAL = Path(__file__).parent / "overlays" / "xuzhou-fictional.toml"
TEMPLATE = ROOT / "plugins" / "xuzhou" / "overlay-template.toml"
SOURCE = "xuzhou-resident-measures-2023"


def _scenario(year: int = 2025, claims: list | None = None, **person) -> Scenario:
    person = {"birth_date": dt.date(1985, 1, 1), "hukou": "xuzhou", **person}
    return msgspec.convert(
        {
            "year": year,
            "person": person,
            "enrollment": [
                {"year": year, "region": "xuzhou", "paid_on": dt.date(year - 1, 11, 20)}
            ],
            "claims": claims or [],
        },
        type=scenario_type(),
        strict=False,
    )


def _run(registry: Registry, scenario: Scenario, *overlays: Path) -> RegionResult:
    result = evaluate(scenario, "xuzhou", overlays=load_overlays(list(overlays)), registry=registry)
    assert result.status == "ok", result.error
    return result


def _part(result: RegionResult, payer: str):
    assert result.premium is not None
    return [p for p in result.premium.parts if p.payer == payer]


# --- 第九条 premium -------------------------------------------------------------------


def test_premium_not_published_without_overlay_第九条_一(registry: Registry) -> None:
    """第九条(一): the yearly standard is set elsewhere → individual None, with a notice."""
    result = _run(registry, _scenario())
    assert result.premium is not None and result.premium.individual is None
    keys = {n.key for n in result.notices if n.kind == "not_published"}
    assert "premium.standard" in keys


def test_assistance_fund_pays_whole_share_第九条_二(registry: Registry) -> None:
    """第九条(二): a 低保 recipient's 400.00 (FICTIONAL) share is paid by the assistance fund."""
    result = _run(registry, _scenario(assistance=["minimum_living"]), FICTIONAL)
    assert result.premium.individual == Decimal("0.00")
    (fund,) = _part(result, "assistance_fund")
    assert fund.amount == Decimal("400.00")


def test_precedence_shows_the_one_subsidy_applied_第九条_八(registry: Registry) -> None:
    """第九条(八): an assistance recipient aged 75 with grade-1 disability qualifies three
    times; one subsidy applies (the assistance fund, first in the article) and the
    choice is shown as a step; no second payer of the share."""
    scenario = _scenario(
        birth_date=dt.date(1950, 1, 1), assistance=["extreme_poverty"], disability_grade=1
    )
    result = _run(registry, scenario, FICTIONAL)
    labels = [s.label_zh for s in result.premium.steps]
    assert sum(label.startswith("符合：") for label in labels) == 3
    chosen = [s for s in result.premium.steps if s.cite == f"{SOURCE} 第九条(八)"]
    assert len(chosen) == 1 and "医疗救助" in chosen[0].value
    paying = [p for p in result.premium.parts if p.amount and p.payer != "individual"]
    assert [(p.payer, p.amount) for p in paying] == [("assistance_fund", Decimal("400.00"))]


def test_rural_family_planning_amount_not_published_第九条_五(registry: Registry) -> None:
    """第九条(五): funded under 市政府令第127号, which is not loaded → the subsidy and so the
    individual amount are unknown, and the result says so."""
    result = _run(registry, _scenario(assistance=["rural_family_planning"]), FICTIONAL)
    assert result.premium.individual is None
    (gov,) = [p for p in _part(result, "government") if "127" in p.label_zh]
    assert gov.amount is None
    keys = {n.key for n in result.notices}
    assert "premium.rural_family_planning.subsidy" in keys


def test_full_subsidy_beats_unknown_partial_第九条_八(registry: Registry) -> None:
    """第九条(八): a rural family-planning household member aged 72 gets the full 70+
    subsidy (on any reading the highest) → individual 0.00."""
    scenario = _scenario(birth_date=dt.date(1952, 6, 1), assistance=["rural_family_planning"])
    result = _run(registry, scenario, FICTIONAL)
    assert result.premium.individual == Decimal("0.00")


def test_one_child_employers_reimburse_第九条_六(registry: Registry) -> None:
    """第九条(六) (stated category convention): the 400.00 share is reimbursed by the
    parents' employers; at 18 the reimbursement stops."""
    child = _run(
        registry, _scenario(birth_date=dt.date(2012, 1, 1), category="one_child"), FICTIONAL
    )
    (employer,) = _part(child, "employer")
    assert employer.amount == Decimal("400.00") and child.premium.individual == Decimal("0.00")
    adult = _run(
        registry, _scenario(birth_date=dt.date(2006, 1, 1), category="one_child"), FICTIONAL
    )
    assert adult.premium.individual == Decimal("400.00") and not _part(adult, "employer")


def test_university_recipient_subsidy_not_published_第九条_七(registry: Registry) -> None:
    """第九条(七): an assistance-recipient student is funded by the university's level of
    government 'by the set standard', which is not loaded → individual unknown."""
    scenario = _scenario(
        hukou="wuxi", student="university", study_region="xuzhou", assistance=["orphan"]
    )
    result = _run(registry, scenario, FICTIONAL)
    assert result.eligibility.category == "university"
    assert result.premium.individual is None


# --- 第十七条, 第十三条 with overlays -----------------------------------------------------


def test_unreferred_reduction_from_an_overlay_第十七条(registry: Registry, tmp_path: Path) -> None:
    """第十七条: with an overlay giving the unreferred reduction (FICTIONAL 10%), level 3
    70% → 60%: (30000 − 1000) × 60% = 17400.00."""
    extra = tmp_path / "unreferred.toml"
    extra.write_text(
        'layer = "FICTIONAL-unreferred"\n[[parameter]]\nkey = "remote.unreferred.reduction"\n'
        'kind = "rate"\nvalue = "10%"\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\n'
        'cite = "FICTIONAL test value"\n',
        encoding="utf-8",
    )
    claim = {
        "id": "u",
        "date": dt.date(2025, 8, 1),
        "kind": "inpatient",
        "level": 3,
        "compliant": "30000.00",
        "care": "unreferred",
    }
    result = _run(registry, _scenario(claims=[claim]), FICTIONAL, extra)
    assert result.claims[0].paid_by("basic_fund") == Decimal("17400.00")


def test_city_cap_before_july_2025_not_published_第十三条(
    registry: Registry, tmp_path: Path
) -> None:
    """第十三条: before the province's cap (2025-07-01) 徐州's own critical-illness cap
    applies; an overlay without it leaves a 2024 inpatient claim not published."""
    text = FICTIONAL.read_text(encoding="utf-8")
    cut = text.index('[[parameter]]\nkey = "critical_illness.cap"')
    no_cap = tmp_path / "no-cap.toml"
    no_cap.write_text(text[:cut], encoding="utf-8")
    claim = {
        "id": "c",
        "date": dt.date(2024, 5, 1),
        "kind": "inpatient",
        "level": 3,
        "compliant": "30000.00",
    }
    result = _run(registry, _scenario(year=2024, claims=[claim]), no_cap)
    assert result.claims[0].status == "not_published"
    assert result.claims[0].steps[0].value == "critical_illness.cap"


def test_settled_claim_steps_cite_sources(registry: Registry) -> None:
    """Every step of a settled claim's basic-fund payment that uses a value cites it."""
    claim = {
        "id": "c",
        "date": dt.date(2025, 8, 1),
        "kind": "inpatient",
        "level": 3,
        "compliant": "50000.00",
        "care": "referral",
    }
    result = _run(registry, _scenario(claims=[claim]), FICTIONAL)
    (basic,) = [p for p in result.claims[0].layers if p.layer == "basic_fund"]
    assert basic.amount == Decimal("29400.00")  # (50000 − 1000) × 60%
    assert any(s.cite == f"{SOURCE} 第十七条" for s in basic.steps)
    assert any("FICTIONAL" in s.cite and "overlay" in s.cite for s in basic.steps)


# --- overlay errors (yibao.params) ------------------------------------------------------


def _overlay(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad-overlay.toml"
    path.write_text('layer = "FICTIONAL-bad"\nregion = "xuzhou"\n' + body, encoding="utf-8")
    return path


def _entry(key: str, kind: str, value: str, cite: str = "FICTIONAL", dates: str = "") -> str:
    dates = dates or "valid_from = 2025-01-01\nvalid_to = 2025-12-31"
    return (
        f'[[parameter]]\nkey = "{key}"\nkind = "{kind}"\nvalue = {value}\n{dates}\n'
        f'cite = "{cite}"\n'
    )


def test_overlay_wrong_kind_names_file_and_key(registry: Registry, tmp_path: Path) -> None:
    path = _overlay(tmp_path, _entry("inpatient.rate.level1", "money", '"0.90"'))
    (overlay,) = load_overlays([path])
    with pytest.raises(InputError) as err:
        check_overlay(overlay, registry.stack("xuzhou", "resident").params)
    assert str(path) in str(err.value) and "inpatient.rate.level1" in str(err.value)
    assert "'rate'" in str(err.value)
    result = evaluate(_scenario(), "xuzhou", overlays=[overlay], registry=registry)
    assert result.status == "error" and "inpatient.rate.level1" in (result.error or "")


def test_overlay_unknown_key_names_file_and_key(registry: Registry, tmp_path: Path) -> None:
    path = _overlay(tmp_path, _entry("inpatient.deductable.level1", "money", '"300.00"'))
    (overlay,) = load_overlays([path])
    with pytest.raises(InputError) as err:
        check_overlay(overlay, registry.stack("xuzhou", "resident").params)
    message = str(err.value)
    assert str(path) in message and "inpatient.deductable.level1" in message
    assert "unknown key" in message and "inpatient.deductible.level1" in message


def test_overlay_overlapping_dates_names_file_and_key(tmp_path: Path) -> None:
    body = _entry("premium.standard", "money", '"400.00"') + _entry(
        "premium.standard",
        "money",
        '"420.00"',
        dates="valid_from = 2025-06-01\nvalid_to = 2026-12-31",
    )
    path = _overlay(tmp_path, body)
    with pytest.raises(InputError) as err:
        load_overlays([path])
    assert str(path) in str(err.value) and "premium.standard" in str(err.value)
    assert "overlap" in str(err.value)


def test_overlay_missing_cite_names_file_and_key(tmp_path: Path) -> None:
    path = _overlay(tmp_path, _entry("premium.standard", "money", '"400.00"', cite=" "))
    with pytest.raises(InputError) as err:
        load_overlays([path])
    assert str(path) in str(err.value) and "premium.standard" in str(err.value)
    assert "cite" in str(err.value)


def test_template_is_not_loadable_as_is() -> None:
    """The shipped template has every value commented out."""
    with pytest.raises(InputError) as err:
        load_overlays([TEMPLATE])
    assert "no [[parameter]] entries" in str(err.value)


def test_template_names_every_unpublished_key(registry: Registry) -> None:
    """Every key the layer declares unpublished appears in the template."""
    text = TEMPLATE.read_text(encoding="utf-8")
    declared = tomllib.loads(
        (ROOT / "plugins/xuzhou/src/yibao_xuzhou/resident/parameters.toml").read_text(
            encoding="utf-8"
        )
    )["unpublished"]
    missing = [
        g["key"]
        for g in declared
        if f'"{g["key"]}"' not in text
        and not g["key"].startswith(("inpatient.deductible.level", "inpatient.rate.level"))
    ]
    assert missing == []


# --- region bounds ------------------------------------------------------------------------


def test_unknown_district_is_refused_第八条_一(registry: Registry) -> None:
    """第八条(一): the 8 enrolment areas are the only districts."""
    result = evaluate(_scenario(district="gulou"), "xuzhou", registry=registry)
    assert result.status == "error" and "shiqu" in (result.error or "")
    for code in ("shiqu", "fengxian", "peixian", "suining", "pizhou", "xinyi", "tongshan"):
        assert _run(registry, _scenario(district=code)).eligibility.eligible


def test_year_before_the_first_source_year_is_refused(registry: Registry) -> None:
    """徐州's first scheme year under the 2023 measures is 2024 (docs/interpretations.md)."""
    result = evaluate(_scenario(year=2023), "xuzhou", registry=registry)
    assert result.status == "error"
    assert "its sources begin with 2024" in (result.error or "")


def test_no_payment_leaves_cover_unknown_第十条_一(registry: Registry) -> None:
    """第十条(一): 先缴费后享受待遇 — without a payment record there is no start."""
    scenario = msgspec.convert(
        {"year": 2025, "person": {"birth_date": "1985-01-01", "hukou": "xuzhou"}},
        type=scenario_type(),
    )
    result = _run(registry, scenario)
    assert result.coverage is not None and result.coverage.start is None


def test_examples_evaluate(registry: Registry) -> None:
    examples = sorted((ROOT / "plugins/xuzhou/src/yibao_xuzhou/resident/examples").glob("*.toml"))
    assert len(examples) == 2
    for path in examples:
        scenario = msgspec.convert(
            tomllib.loads(path.read_text(encoding="utf-8")), type=scenario_type()
        )
        assert _run(registry, scenario).eligibility.eligible


# --- review (worked independently of the rule code) ------------------------------------


def test_review_insured_elsewhere_warns_no_double_enrolment_第二十条(registry: Registry) -> None:
    """第二十条 不得重复参加基本医疗保险: a 徐州-registered resident still insured elsewhere
    is eligible (第七条(一); the 第十条(四) movers are insured elsewhere by definition) but
    is told to end or transfer the other insurance first."""
    result = _run(registry, _scenario(insured_elsewhere=True))
    assert result.eligibility is not None and result.eligibility.eligible
    assert any(n.kind == "warning" and n.cite == f"{SOURCE} 第二十条" for n in result.notices)


def test_review_no_warning_when_not_insured_elsewhere(registry: Registry) -> None:
    result = _run(registry, _scenario())
    assert not any(n.cite == f"{SOURCE} 第二十条" for n in result.notices)
