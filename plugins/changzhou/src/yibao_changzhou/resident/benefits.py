"""How each bill is split (常州 residents 2025, §三 basic fund, §四 critical illness,
§五 medical assistance, §六 care outside the city).

Yearly running amounts live in the ledger under these keys:
``inpatient_special`` (cost counted toward the 350,000 limit shared by inpatient and
special-outpatient care), ``outpatient.cost`` (general outpatient cumulative cost),
``chronic``, ``special.<disease>``, ``pku``, ``critical_illness.cost`` and
``critical_illness.paid``, ``assistance.<bucket>``.
"""

from __future__ import annotations

from decimal import Decimal

from yibao import hookimpl
from yibao.calc import within_limit
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.dates import add_months
from yibao.errors import NotPublished
from yibao.model import Claim
from yibao.money import ZERO, apply_rate, fmt_rate
from yibao.params import Param
from yibao.results import LayerPayment, Step
from yibao.steps.explain import settle

from yibao_changzhou.common import (
    BASIC,
    blood_in_scope,
    catalogue_notice,
    critical_illness,
    limit,
    payment,
    reimbursement_checklist,
    remote_care_adjustment,
    special_limit,
    unlisted_disease_gate,
)
from yibao_changzhou.recognition import recognition_problem
from yibao_changzhou.resident import rules

CITE_REMOTE = "changzhou-resident-2025 §六(三)2"
CITE_DOCUMENTS = "changzhou-resident-2025 §六(四)2"


def _group(case: Case) -> str:
    """``young`` (未成年居民/大学生) or ``adult`` (老年居民/非从业居民): §三(一)'s columns."""
    return "young" if case.category in ("minor", "university") else "adult"


# -------------------------------------------------------------------------------------
# Before the layers: what the claim brings into scope, and whether it may be settled
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_compliant_amount(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """§三5.3: blood-use items enter the fund's scope after 40% self-payment."""
    return blood_in_scope(case, claim)


@hookimpl
def yibao_claim_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """Claims that cannot be paid as filed: unlisted diseases, a special disease without
    a valid recognition, maternity too early, PKU for adults. Care outside the city
    brings the 零星报销 checklist (§六(四)2)."""
    reimbursement_checklist(case, claim, CITE_DOCUMENTS)
    catalogue_notice(case, claim, "changzhou-resident-2025 §六(三)1")
    if claim.kind == "maternity":
        return _maternity_gate(case, claim)
    if claim.kind in ("chronic_outpatient", "special_outpatient"):
        refused = unlisted_disease_gate(case, claim)
        if refused is not None:
            return refused
    if claim.kind == "special_outpatient":
        return _recognition_gate(case, claim)
    if claim.kind == "pku" and case.category != "minor":
        return ClaimGate(
            status="refused",
            step=step(
                "苯丙酮尿症待遇限未成年居民",
                "PKU benefit is for minors only",
                case.category or "—",
                cite="changzhou-resident-2025 §三5.4",
            ),
        )
    return None


def _recognition_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """§三(二)3.2–3.3: a special disease is paid at the recognising hospital within the
    recognition period. Outside it the claim is not a special-disease claim; the resident
    source sets no order for passing it to another benefit (cf. employee §四(二)), so it
    is refused as filed, saying why (docs/interpretations.md)."""
    _, problem = recognition_problem(case, claim)
    if problem is None:
        return None
    return ClaimGate(status="refused", step=problem)


def _maternity_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """§三5.1: maternity costs are paid only after one year of continuous enrolment."""
    months = case.param("maternity.continuous_months", claim.date)
    since = _continuous_since(case)
    if since is not None and add_months(since, months.integer) <= claim.date:
        return None
    return ClaimGate(
        status="refused",
        step=step(
            f"连续参加居民医保不满{months.integer}个月",
            f"continuously enrolled for less than {months.integer} months",
            str(since or "—"),
            cite=months,
        ),
    )


def _continuous_since(case: Case):
    """The first day of the unbroken run of resident enrolment here ending this year."""
    years = {
        e.year
        for e in case.scenario.enrollment
        if e.region == case.region.code and e.scheme == "resident"
    }
    if case.coverage is None or case.coverage.start is None:
        return None
    first = case.year
    while first - 1 in years:
        first -= 1
    return case.coverage.start if first == case.year else case.year_start.replace(year=first)


# -------------------------------------------------------------------------------------
# Remote care §六(三)2
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_remote_care(case: Case, claim: Claim, rate: Decimal) -> RateAdjustment:
    return remote_care_adjustment(
        case, claim, rate, cite=CITE_REMOTE, non_designated_cite=CITE_REMOTE
    )


# -------------------------------------------------------------------------------------
# Basic fund §三
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_basic_fund(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment] | None:
    """The declared rule of the claim's kind (:mod:`.rules`), or the Python one."""
    rule = rules.BASIC_RULES.get(claim.kind)
    if rule is not None:
        paid = settle(rule, case, claim, ledger, compliant)
        return [paid] if paid is not None else None
    return [_PYTHON_RULES[claim.kind](case, claim, ledger, compliant)]


def _ratio_for_level(case: Case, claim: Claim) -> Param:
    return case.param(f"inpatient.rate.{_group(case)}.level{claim.level}", claim.date)


def _shared_limit(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal, rate: Decimal
) -> tuple[Decimal, list[Step]]:
    """Count the claim against the 350,000 yearly limit (a limit on cost, see
    docs/interpretations.md); return the part within it."""
    cap = case.param("inpatient_special.limit", claim.date)
    _require_cost_basis(case, "inpatient_special.limit_basis", claim)
    remaining = limit(
        ledger,
        "inpatient_special",
        cap,
        "cost",
        "住院和门诊特殊病年度最高支付限额",
        "inpatient + special outpatient yearly limit",
    )
    eligible = within_limit(compliant, remaining) if rate > ZERO else ZERO
    ledger.add("inpatient_special", eligible)
    steps = [step("合规费用", "compliant amount", compliant)]
    if eligible < compliant and rate > ZERO:
        steps.append(
            step(
                f"年度限额剩余 {remaining}，超出部分基金不予支付",
                "yearly limit: only the part within it counts",
                eligible,
                cite=cap,
            )
        )
    return eligible, steps


def _require_cost_basis(case: Case, key: str, claim: Claim) -> None:
    """The resident limits are read as limits on cost (docs/interpretations.md); the
    basis is a parameter so the reading is visible, and another value is refused."""
    basis = case.param(key, claim.date).value
    if basis != "cost":
        raise NotPublished(
            key=key, on=claim.date, reason=f"basis {basis!r} is not supported; expected 'cost'"
        )


def _special(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> LayerPayment:
    """§三(二)3: ratios as inpatient care with no deductible; per-disease limits; the
    350,000 limit shared with inpatient care."""
    ratio = _ratio_for_level(case, claim)
    rate, remote = case.remote_care(claim, ratio.rate)
    steps, _ = recognition_problem(case, claim)  # valid: the gate refused the others
    counted = compliant
    found = special_limit(case, claim)
    if found is not None:
        disease, cap = found
        _require_cost_basis(case, "special.limit_basis", claim)
        remaining = limit(
            ledger,
            f"special.{disease}",
            cap,
            "cost",
            f"门诊特殊病限额（{disease}）",
            f"special outpatient limit ({disease})",
        )
        counted = within_limit(compliant, remaining) if rate > ZERO else ZERO
        ledger.add(f"special.{disease}", counted)
        if counted < compliant:
            steps.append(
                step(
                    f"病种年度限额剩余 {remaining}",
                    "disease limit: the part within it",
                    counted,
                    cite=cap,
                )
            )
    eligible, shared_steps = _shared_limit(case, claim, ledger, counted, rate)
    amount = apply_rate(eligible, rate)
    steps = (
        shared_steps
        + steps
        + [step(f"支付比例 {fmt_rate(ratio.rate)}", "ratio", fmt_rate(ratio.rate), cite=ratio)]
    )
    if remote is not None:
        steps.append(remote)
    steps.append(step(f"统筹基金支付 = {eligible} × {fmt_rate(rate)}", "fund pays", amount))
    return payment(BASIC, amount, steps)


def _pku(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> LayerPayment:
    """§三5.4: 75% for minors, yearly cost limits by age band."""
    age = case.person.age_on(claim.date)
    first = case.param("pku.age_band.first_max", claim.date).integer
    second = case.param("pku.age_band.second_max", claim.date).integer
    band = "age_0_6" if age <= first else "age_7_13" if age <= second else "age_14_18"
    cap = case.param(f"pku.limit.{band}", claim.date)
    _require_cost_basis(case, "pku.limit_basis", claim)
    ratio = case.param("pku.rate", claim.date)
    rate, remote = case.remote_care(claim, ratio.rate)
    remaining = limit(
        ledger, "pku", cap, "cost", "苯丙酮尿症年度医疗费用限额", "PKU yearly cost limit"
    )
    counted = within_limit(compliant, remaining)
    ledger.add("pku", counted)
    amount = apply_rate(counted, rate)
    steps = [
        step(f"年龄{age}岁：年度限额", f"age {age}: yearly limit", cap.money, cite=cap),
        step(f"支付比例 {fmt_rate(ratio.rate)}", "ratio", fmt_rate(ratio.rate), cite=ratio),
    ]
    if remote is not None:
        steps.append(remote)
    steps.append(step(f"统筹基金支付 = {counted} × {fmt_rate(rate)}", "fund pays", amount))
    return payment(BASIC, amount, steps)


_PYTHON_RULES = {"special_outpatient": _special, "pku": _pku}
"""The basic-tier rules no step kind expresses (recognition, PKU's age bands)."""


# -------------------------------------------------------------------------------------
# Critical illness §四 and medical assistance §五
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_critical_illness(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment:
    """§四: on what the patient still bears of inpatient and special-outpatient
    compliant costs, cumulative over the year, by the standard or the hardship table;
    within the yearly cap (Jiangsu item 3)."""
    return critical_illness(rules.CRITICAL_ILLNESS, case, claim, ledger, remaining)


@hookimpl
def yibao_medical_assistance(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """§五: 100% for 特困供养 and orphans / unsupported children, 80% for other
    recipients, on what the insurance layers left; yearly limits 10,000 (general
    outpatient) and 200,000 (everything else); 50% on rare-disease drugs."""
    return settle(rules.ASSISTANCE, case, claim, ledger, remaining)
