"""How each bill is split (常州 employee scheme 2024, §四 basic fund and the
large-amount subsidy, §五 critical illness, §六 medical assistance, §七 care outside
the city, §八 costs never paid).

Yearly running amounts live in the ledger under these keys: ``inpatient.cost`` and
``inpatient.admissions``; ``special.cost`` and ``special.<disease>``;
``outpatient.cost`` (general outpatient, shared with what special and chronic care
pass on) and ``outpatient.pharmacy``; ``chronic.paid``; ``critical_illness.cost``;
``assistance.<bucket>``; ``tilted_assistance.cost``.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from yibao import hookimpl
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.model import Claim
from yibao.money import ZERO
from yibao.results import LayerPayment, Step
from yibao.steps.explain import pass_on, settle, settle_layers

from yibao_changzhou.common import (
    BASIC,
    blood_in_scope,
    catalogue_notice,
    critical_illness,
    payment,
    reimbursement_checklist,
    remote_care_adjustment,
    unlisted_disease_gate,
)
from yibao_changzhou.employee import rules
from yibao_changzhou.recognition import recognition_problem

SRC = "changzhou-employee-2024"
CITE_REMOTE = f"{SRC} §七(三)2"
CITE_ORDER = f"{SRC} §四(二)"


EXCLUSIONS = {
    "work_injury": ("应当从工伤保险基金中支付的", "payable by work-injury insurance"),
    "third_party": ("应当由第三人负担的", "a third party is liable"),
    "public_health": ("应当由公共卫生负担的", "payable by public health"),
    "abroad": ("在境外就医的", "care abroad"),
    "fitness_checkup": ("体育健身、养生保健消费、健康体检", "fitness, wellness or check-ups"),
    "other_excluded": ("国家规定的基本医疗保险基金不予支付的其他费用", "other excluded costs"),
}


# -------------------------------------------------------------------------------------
# Before the layers
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_compliant_amount(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """§四(二)5.1: blood-use items enter the fund's scope after 40% self-payment."""
    return blood_in_scope(case, claim)


@hookimpl
def yibao_claim_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """§八: costs the fund never pays; §四(二)2.1, 3.1: listed diseases only (hypertension
    at stages Ⅱ and Ⅲ). Care outside the city brings the 零星报销 checklist (§七(四)2)."""
    reimbursement_checklist(case, claim, f"{SRC} §七(四)2")
    catalogue_notice(case, claim, f"{SRC} §七(三)1")
    if claim.excluded is not None:
        zh, en = EXCLUSIONS[claim.excluded]
        return ClaimGate(
            status="refused",
            step=step(
                f"医疗保险基金不予支付：{zh}",
                f"never paid by the fund: {en}",
                claim.excluded,
                cite=f"{SRC} §八",
            ),
        )
    if claim.kind in ("maternity", "pku"):
        return ClaimGate(
            status="not_published",
            step=step(
                "该来源未规定此类待遇（生育保险/苯丙酮尿症）",
                f"the employee source sets no rule for {claim.kind} claims",
                claim.kind,
                cite=f"{SRC} §四",
            ),
        )
    if claim.kind in ("chronic_outpatient", "special_outpatient"):
        refused = unlisted_disease_gate(case, claim)
        if refused is not None or claim.kind == "special_outpatient":
            return refused
        diseases, steps = rules.chronic_diseases(case, claim)
        if not diseases:
            return ClaimGate(status="refused", step=steps[-1])
    return None


@hookimpl
def yibao_remote_care(case: Case, claim: Claim, rate: Decimal) -> RateAdjustment:
    """§七(三)2, §四(二)4.2: referral −5 points; unreferred −20 (inpatient, special
    outpatient, listed drugs); filed residence and emergency unchanged; §四: only
    designated institutions' costs are compliant."""
    return remote_care_adjustment(
        case, claim, rate, cite=CITE_REMOTE, non_designated_cite=f"{SRC} §四"
    )


# -------------------------------------------------------------------------------------
# Basic fund and large-amount subsidy §四
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_basic_fund(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment]:
    """The declared rule of the claim's kind (:mod:`.rules`), the pooled fund's steps led
    by what a selection does not show: a special claim's recognition, a chronic claim's
    hypertension stage. A special claim that does not meet the special-disease rules
    goes whole to the chronic, then the general-outpatient rule (§四(二))."""
    shown: list[Step] = []
    if claim.kind == "special_outpatient":
        shown, problem = recognition_problem(case, claim)
        if problem is not None:
            return _not_special(case, claim, ledger, compliant, [*shown, problem])
    elif claim.kind == "chronic_outpatient":
        _, shown = rules.chronic_diseases(case, claim)
    paid = settle_layers(rules.BASIC_RULES[claim.kind], case, claim, ledger, compliant)
    if shown and paid:
        paid[0] = msgspec.structs.replace(paid[0], steps=(*shown, *paid[0].steps))
    return paid


def _not_special(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal, shown: list[Step]
) -> list[LayerPayment]:
    """§四(二): the whole claim settled under the chronic rule for its chronic diseases,
    else the general-outpatient rule — the order a special claim passes cost on in; the
    large-amount subsidy's payment is shown even when nothing reached it."""
    shown.append(
        step(
            "不符合特殊病待遇支付规定：依次按门诊慢性病、普通门诊统筹规定支付",
            "outside the special-disease rules: settled under the chronic, then the "
            "general-outpatient rules",
            compliant,
            cite=CITE_ORDER,
        )
    )
    found = pass_on(rules.SPECIAL.passes_on, case, claim, ledger, compliant)
    own, large = found if found is not None else (payment(BASIC, ZERO, []), None)
    own = msgspec.structs.replace(own, steps=(*shown, *own.steps))
    return [own, large if large is not None else payment(rules.LARGE, ZERO, [])]


# -------------------------------------------------------------------------------------
# Critical illness §五, medical assistance §六1, tilted assistance §六2
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_critical_illness(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    return critical_illness(rules.CRITICAL_ILLNESS, case, claim, ledger, remaining)


@hookimpl
def yibao_medical_assistance(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    return settle(rules.ASSISTANCE, case, claim, ledger, remaining)


@hookimpl
def yibao_further_layers(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> list[LayerPayment] | None:
    paid = settle(rules.TILTED_ASSISTANCE, case, claim, ledger, remaining)
    return [paid] if paid is not None else None
