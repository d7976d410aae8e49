"""昌黎县 residents 2025 (changli-resident-2025): what a case file cannot express.

The critical-illness incentives (八.1) are tested on the cap hook directly for years
after 2025 (the region itself covers 2025 only), on a Case built from the region's
stack; the cap base comes from overlays marked FICTIONAL. Amounts are worked by hand
in each docstring.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from yibao.case import Case
from yibao.engine import evaluate
from yibao.model import Scenario
from yibao.registry import Registry, load_overlays
from yibao.scenario_io import scenario_type

ROOT = Path(__file__).resolve().parents[1]
FICTIONAL = ROOT / "plugins/changli/overlays/fictional-benefits.toml"  # cap 300000 (made up)

SMALL_CAP = """
# FICTIONAL test overlay: a small made-up cap so the 20% limits bind.
layer = "fictional-small-cap"
region = "changli"
[[parameter]]
key = "critical_illness.cap"
kind = "money"
value = "10000.00"
valid_from = 2025-01-01
cite = "FICTIONAL test value"
"""


def _scenario(year: int, history: list[dict], **person) -> Scenario:
    raw = {
        "year": year,
        "person": {"birth_date": dt.date(1980, 1, 1), "hukou": "changli", **person},
        "enrollment": [{"region": "changli", **h} for h in history],
    }
    return msgspec.convert(raw, type=scenario_type())


def _cap(registry: Registry, scenario: Scenario, overlays=()):
    stack = registry.with_overlays(registry.stack("changli", "resident"), list(overlays))
    case = Case(scenario, stack.info, stack.params, stack.pm.hook)
    return stack.pm.hook.yibao_critical_illness_cap(case=case, on=dt.date(scenario.year, 6, 1))


def _years(first: int, last: int, **kw) -> list[dict]:
    return [{"year": y, "reimbursed": True, **kw} for y in range(first, last + 1)]


# -- 八.1 critical-illness incentives -----------------------------------------------------


def test_8_1_fifth_continuous_year_raises_cap_2000(registry):
    """八.1: 2025–2028 = 4 continuous years; 2029 is a further year → +2000.
    Fictional cap 300000 → 302000."""
    cap = _cap(registry, _scenario(2029, _years(2025, 2028)), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("302000.00")


def test_8_1_four_years_only_no_raise(registry):
    """八.1: in 2028 the person has 2025–2028 = 4 years, none beyond 4 → no raise."""
    cap = _cap(registry, _scenario(2028, _years(2025, 2027)), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("300000.00")


def test_8_1_zero_reimbursement_raises_next_year(registry):
    """八.1: 2025 zero reimbursement → 2026 cap + 2000 = 302000 (fictional base)."""
    history = [{"year": 2025, "reimbursed": False}]
    cap = _cap(registry, _scenario(2026, history), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("302000.00")


def test_8_1_accumulation_and_use_clears_zero_credit(registry):
    """八.1: 2025–2029 enrolled, scenario 2030 → run 6 → 2 years beyond 4 → 4000.
    Zero years 2025, 2026 → 4000; 2027 used the incentive → cleared to 0; 2028 zero
    → 2000 (2029 reimbursed). Raise 4000 + 2000 = 6000 → 306000."""
    history = [
        {"year": 2025, "reimbursed": False},
        {"year": 2026, "reimbursed": False},
        {"year": 2027, "reimbursed": True, "incentive_used": True},
        {"year": 2028, "reimbursed": False},
        {"year": 2029, "reimbursed": True},
    ]
    cap = _cap(registry, _scenario(2030, history), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("306000.00")


def test_8_1_gap_resets_count_keeps_earned_and_lowers_cap(registry):
    """八.1: 2025–2029 enrolled (2029 = 5th year → +2000 earned), 2030 gap, 2031–2032
    enrolled (2031 zero reimbursement → +2000), scenario 2033 → run restarts: 2031,
    2032, 2033 = 3 years, nothing more. Raise 2000 + 2000 = 4000; 1 gap year → −2000.
    300000 + 4000 − 2000 = 302000."""
    history = [
        *_years(2025, 2029),
        {"year": 2031, "reimbursed": False},
        {"year": 2032, "reimbursed": True},
    ]
    cap = _cap(registry, _scenario(2033, history), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("302000.00")


def test_8_1_raise_limited_to_20_percent(registry, tmp_path):
    """八.1: fictional cap 10000 → 20% = 2000. 2025, 2026 zero → credit 4000 in 2027 →
    min(4000, 2000) = 2000 → 12000."""
    overlay = tmp_path / "small.toml"
    overlay.write_text(SMALL_CAP, encoding="utf-8")
    history = [{"year": 2025, "reimbursed": False}, {"year": 2026, "reimbursed": False}]
    cap = _cap(registry, _scenario(2027, history), load_overlays([overlay]))
    assert cap.cap == Decimal("12000.00")


def test_8_1_gap_reduction_limited_to_20_percent(registry, tmp_path):
    """八.1: fictional cap 10000; 2025 enrolled, 2026–2027 gap (2 × 2000 = 4000) →
    min(4000, 20% × 10000 = 2000) → 8000 in 2028."""
    overlay = tmp_path / "small.toml"
    overlay.write_text(SMALL_CAP, encoding="utf-8")
    cap = _cap(registry, _scenario(2028, _years(2025, 2025)), load_overlays([overlay]))
    assert cap.cap == Decimal("8000.00")


def test_8_1_without_base_gives_change_and_says_not_published(registry):
    """八.1: the source gives no original cap: the answer carries the change in yuan
    (2025 zero → +2000 in 2026) and says the base is not published."""
    history = [{"year": 2025, "reimbursed": False}]
    cap = _cap(registry, _scenario(2026, history))
    assert cap.cap is None
    values = {s.label_en: s.value for s in cap.steps}
    assert values["net change (yuan)"] == "2000.00"
    assert any("not published" in s.label_en for s in cap.steps)


# -- evaluate() in 2025: notices and premium details --------------------------------------


def _evaluate(registry, year=2025, history=(), claims=(), events=(), **person):
    raw = {
        "year": year,
        "person": {"birth_date": dt.date(1980, 1, 1), **person},
        "enrollment": list(history),
        "claims": list(claims),
        "events": list(events),
    }
    return evaluate(msgspec.convert(raw, type=scenario_type()), "changli", registry=registry)


PAID_2024 = {"year": 2024, "region": "changli", "paid_on": dt.date(2023, 11, 20)}


def test_3_payment_outside_window_is_flagged(registry):
    """三: Sept–Nov windows are days 1–25; a payment on 2024-10-27 gives a warning and a
    coverage step, and cover still starts 2025-01-01."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2024, 10, 27)}
    result = _evaluate(registry, history=[PAID_2024, paid])
    assert result.coverage.start == dt.date(2025, 1, 1)
    assert any(n.kind == "warning" and "2024-10-27" in n.text_en for n in result.notices)
    assert any("outside an acceptance window" in s.label_en for s in result.coverage.steps)


def test_3_payment_inside_window_not_flagged(registry):
    """三: 2024-12-28 is inside the December window (days 1–28): no warning."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2024, 12, 28)}
    result = _evaluate(registry, history=[PAID_2024, paid])
    assert not [n for n in result.notices if n.kind == "warning"]


def test_7_special_group_individual_share_not_published(registry):
    """七: 低保 + 特困 → individual share not published; 670 subsidy shown; several
    identities → one subsidy only (就高不就低，不得重复资助)."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2024, 10, 10)}
    result = _evaluate(
        registry, history=[PAID_2024, paid], assistance=["minimum_living", "extreme_poverty"]
    )
    assert result.premium.individual is None
    parts = {p.payer: p.amount for p in result.premium.parts}
    assert parts["government"] == Decimal("670.00") and parts["individual"] is None
    assert any("single most favourable" in s.label_en for s in result.premium.steps)
    assert any(
        n.kind == "not_published" and n.key == "premium.special_groups.individual"
        for n in result.notices
        if "on 2025-01-01" in n.text_en
    )


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ({}, "ID card or household register"),
        ({"hmt_resident": True}, "mainland travel permit"),
        ({"foreigner_permanent_residence": True}, "foreign permanent residence card"),
        ({"birth_date": dt.date(2025, 2, 1)}, "household register front page"),
    ],
)
def test_2_registration_checklist_by_group(registry, person, expected):
    """二(一)–(四): someone not enrolled for 2024 registers with their group's papers."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2025, 3, 1)}
    result = _evaluate(registry, history=[paid], **person)
    checklists = [n.text_en for n in result.notices if n.kind == "checklist"]
    assert any(expected in text for text in checklists), checklists


def test_2_enrolled_2024_needs_no_registration(registry):
    """二: enrolled for 2024 → pay directly, no registration checklist."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2024, 10, 10)}
    result = _evaluate(registry, history=[PAID_2024, paid])
    assert not [n for n in result.notices if n.kind == "checklist"]
    assert any("no new registration" in s.label_en for s in result.eligibility.steps)


def test_5_insured_elsewhere_must_suspend_first(registry):
    """五: insured in another city's residents' scheme → suspend it first."""
    result = _evaluate(registry, insured_elsewhere=True)
    assert result.eligibility.eligible is False
    assert any("suspend" in s.label_en for s in result.eligibility.steps)


def test_12_14_emergency_day_10_notice_and_documents(registry):
    """十二: filed on day 10 → set the filing date back to admission (warning); 十四:
    the reimbursement documents come as a checklist."""
    paid = {"year": 2025, "region": "changli", "paid_on": dt.date(2024, 10, 10)}
    claim = {
        "id": "c1",
        "date": dt.date(2025, 6, 1),
        "kind": "inpatient",
        "compliant": Decimal("10000.00"),
        "care": "unreferred",
        "emergency_filed_after_days": 10,
    }
    result = _evaluate(registry, history=[PAID_2024, paid], claims=[claim])
    assert result.claims[0].status == "not_published"
    assert any(n.kind == "warning" and "admission date" in n.text_en for n in result.notices)
    assert any(n.kind == "checklist" and "diagnosis" in n.text_en for n in result.notices)


def test_8_2_repair_cost_shown_in_steps(registry):
    """八.2: two gap years (2023, 2024), 2024 repaid at this year's rate: 1 × 400 = 400;
    wait 3 + 2 − 1 = 4 months: 2025-03-10 + 4 months = 2025-07-10, benefits from 07-11."""
    history = [
        {"year": 2022, "region": "changli", "paid_on": dt.date(2021, 11, 20)},
        {"year": 2024, "region": "changli", "paid_on": dt.date(2025, 3, 10)},
        {"year": 2025, "region": "changli", "paid_on": dt.date(2025, 3, 10)},
    ]
    result = _evaluate(registry, history=history)
    costs = [s for s in result.coverage.steps if s.label_en.startswith("repair cost")]
    assert costs and costs[0].amount == Decimal("400.00")
    assert result.coverage.start == dt.date(2025, 7, 11)


# -- review cases (worked independently of the rule code) ---------------------------------


def test_review_8_1_gap_keeps_zero_credits_and_lowers_cap(registry):
    """八.1: 2025 and 2026 zero reimbursement, 2027 gap, 2028 zero, scenario 2029.
    Continuity restarts in 2028: 2028, 2029 = 2 years → no raise. Zero credits 2025,
    2026, 2028 = 3 × 2000 = 6000, kept across the gap (前期积累的奖励额度继续保留).
    1 gap year × 2000 = 2000 lower. Fictional base 300000 → 300000 + 6000 − 2000 = 304000."""
    history = [
        {"year": 2025, "reimbursed": False},
        {"year": 2026, "reimbursed": False},
        {"year": 2028, "reimbursed": False},
    ]
    cap = _cap(registry, _scenario(2029, history), load_overlays([FICTIONAL]))
    assert cap.cap == Decimal("304000.00")


def test_review_8_1_two_gap_years_net_change_without_base(registry):
    """八.1: 2025 zero reimbursement (+2000), 2026–2027 gap (2 × 2000 = 4000 lower),
    scenario 2028: without a base cap the answer is the net change, 2000 − 4000 = −2000."""
    cap = _cap(registry, _scenario(2028, [{"year": 2025, "reimbursed": False}]))
    assert cap.cap is None
    values = {s.label_en: s.value for s in cap.steps}
    assert values["net change (yuan)"] == "-2000.00"


@pytest.mark.parametrize(
    ("paid", "flagged", "start"),
    [
        (dt.date(2024, 9, 1), False, dt.date(2025, 1, 1)),  # first day of the period
        (dt.date(2024, 11, 25), False, dt.date(2025, 1, 1)),  # last November day
        (dt.date(2024, 11, 30), True, dt.date(2025, 1, 1)),  # Nov 26–30: outside a window
        (dt.date(2024, 12, 29), False, dt.date(2025, 3, 30)),  # after the period: 3 months
    ],
)
def test_review_3_acceptance_windows(registry, paid, flagged, start):
    """三: Sept–Nov days 1–25, December days 1–28; period 2024-09-01 – 2024-12-28.
    After the period (12-29): fixed 3 months (八.2), 12-29 + 3 months = 2025-03-29, benefits
    from 2025-03-30."""
    record = {"year": 2025, "region": "changli", "paid_on": paid}
    result = _evaluate(registry, history=[PAID_2024, record], hukou="changli")
    warned = any(n.kind == "warning" and "acceptance window" in n.text_en for n in result.notices)
    assert warned is flagged
    assert result.coverage.start == start


def test_review_8_2_repair_cost_three_years(registry):
    """八.2: last enrolled 2020, gap 2021–2024 (4 years), 2022–2024 repaid at 400 each =
    1200.00; wait 3 + 4 − 3 = 4 < floor 6 → 6 months; paid 2025-02-10 → from 2025-08-11."""
    history = [
        {"year": 2020, "region": "changli", "paid_on": dt.date(2019, 11, 15)},
        *(
            {"year": y, "region": "changli", "paid_on": dt.date(2025, 2, 10)}
            for y in (2022, 2023, 2024)
        ),
        {"year": 2025, "region": "changli", "paid_on": dt.date(2025, 2, 10)},
    ]
    result = _evaluate(registry, history=history, hukou="changli")
    costs = [s for s in result.coverage.steps if s.label_en.startswith("repair cost")]
    assert costs and costs[0].amount == Decimal("1200.00")
    assert result.coverage.start == dt.date(2025, 8, 11)
