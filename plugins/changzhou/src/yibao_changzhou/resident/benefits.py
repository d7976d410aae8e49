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

import msgspec
from yibao import hookimpl
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.model import Claim
from yibao.results import LayerPayment, Step
from yibao.steps.explain import settle

from yibao_changzhou.common import (
    blood_in_scope,
    catalogue_notice,
    critical_illness,
    reimbursement_checklist,
    remote_care_adjustment,
    unlisted_disease_gate,
)
from yibao_changzhou.recognition import recognition_problem
from yibao_changzhou.resident import rules

CITE_REMOTE = "changzhou-resident-2025 §六(三)2"
CITE_DOCUMENTS = "changzhou-resident-2025 §六(四)2"


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
    if claim.date >= rules.maternity_paid_from(case, claim.date):
        return None
    months = case.param("maternity.continuous_months", claim.date)
    since = rules.continuous_since(case)
    return ClaimGate(
        status="refused",
        step=step(
            f"连续参加居民医保不满{months.integer}个月",
            f"continuously enrolled for less than {months.integer} months",
            str(since or "—"),
            cite=months,
        ),
    )


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
    """The declared rule of the claim's kind (:mod:`.rules`); a special-disease claim
    shows its recognition first (valid: the gate refused the others), a PKU claim the
    age its limit is chosen by."""
    paid = settle(rules.BASIC_RULES[claim.kind], case, claim, ledger, compliant)
    if paid is None:
        return None
    if claim.kind == "special_outpatient":
        shown, _ = recognition_problem(case, claim)
        paid = msgspec.structs.replace(paid, steps=(*shown, *paid.steps))
    elif claim.kind == "pku":
        age = case.person.age_on(claim.date)
        shown = [step(f"就诊时年龄{age}岁", f"age {age} at the claim", str(age))]
        paid = msgspec.structs.replace(paid, steps=(*shown, *paid.steps))
    return [paid]


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
