"""昌黎 residents' settlement rules declared from core's step kinds (changli-resident-2025).

Each rule is written once here and run by core three ways (:mod:`yibao.steps`): with its
explanation for a person, in whole fen and compiled for batch. The source publishes no
deductible, ratio or critical-illness cap (九, 十): without an overlay an inpatient claim
is a partial answer naming the missing values, and every other kind says which value
it lacks.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import get_args

from yibao.case import Case
from yibao.model import Claim, ClaimKind
from yibao.results import Notice
from yibao.steps import Bands, Cap, Deductible, Ratio, Rule, Settlement, Unpublished

CITE_SCOPE = "changli-resident-2025 九"
CITE_CI_SCOPE = "changli-resident-2025 十"
ALL_KINDS: tuple[str, ...] = get_args(ClaimKind)
BASIC = ("basic_fund", "基本医保统筹基金", "basic medical insurance fund")
CRITICAL = ("critical_illness", "大病保险", "critical-illness insurance")


def scope_notices(case: Case, claim: Claim) -> None:
    """九 and 十 as stated: what the fund and critical illness pay for (every claim that
    reaches the basic fund carries them)."""
    case.notice(
        Notice(
            kind="stated",
            text_zh="基金支付范围：门诊统筹、一般诊疗费补助、家庭医生签约服务费、“两病”门诊用药、"
            "门诊慢（特）病、住院、大病保险及政策规定应由基金支付的其他费用",
            text_en="the fund pays: outpatient pooling, general consultation subsidy, family "
            "doctor contracts, hypertension and diabetes outpatient drugs, chronic and special "
            "outpatient care, inpatient care, critical-illness insurance, and other costs "
            "policy assigns to it",
            cite=CITE_SCOPE,
        )
    )
    case.notice(
        Notice(
            kind="stated",
            text_zh="大病保险：参保人住院（含门诊特殊疾病）发生高额医疗费用，对经基本医保支付后个人负担的合规费用给予保障",
            text_en="critical-illness insurance covers the compliant costs a patient still "
            "bears after the basic fund, for high inpatient (incl. special outpatient) costs",
            cite=CITE_CI_SCOPE,
        )
    )


INPATIENT = Rule(
    layer=BASIC,
    kinds=("inpatient",),
    cite=CITE_SCOPE,
    notify=scope_notices,
    partial=True,
    steps=(Deductible(key="inpatient.deductible"), Ratio("inpatient.rate")),
)
"""九: a deductible and a ratio, only from an overlay (``inpatient.deductible``,
``inpatient.rate``); without them the claim names both, showing whichever is given."""

MATERNITY = Rule(
    layer=BASIC,
    kinds=("maternity",),
    cite=CITE_SCOPE,
    notify=scope_notices,
    steps=(
        Unpublished(
            key="maternity.basic_fund",
            reason="the source gives no rule for delivery costs",
            cite=CITE_SCOPE,
        ),
    ),
)
"""九 names no rule for delivery costs."""

OUTPATIENT = Rule(
    layer=BASIC,
    kinds=tuple(k for k in ALL_KINDS if k not in ("inpatient", "maternity")),
    cite=CITE_SCOPE,
    notify=scope_notices,
    steps=(Ratio("outpatient.rate", remote=False),),
)
"""Outpatient kinds: a single ratio, only from an overlay (``outpatient.rate``)."""

BASIC_RULES = {kind: rule for rule in (INPATIENT, MATERNITY, OUTPATIENT) for kind in rule.kinds}
"""The basic-fund rule of each claim kind."""

NOTHING = ("不属大病保险保障范围或无个人负担", "outside scope or nothing left")

CRITICAL_ILLNESS = Rule(
    layer=CRITICAL,
    kinds=("inpatient", "special_outpatient"),
    on="remaining",
    cite=CITE_CI_SCOPE,
    out_of_scope=NOTHING,
    nothing_left=NOTHING,
    steps=(
        Bands(
            "critical_illness.bands",
            running="critical_illness.cost",
            remote=False,
            label=("分段补偿", "band"),
        ),
        Cap(
            "critical_illness.paid",
            key="critical_illness.cap",
            hook="critical_illness_cap",
            required=True,
            label=("大病保险最高支付限额", "critical-illness yearly cap"),
        ),
    ),
)
"""十: on what the patient bears after the basic fund, for inpatient (and special
outpatient) care, bands only from an overlay (``critical_illness.bands``), cumulative over
the year; within the cap as 八.1 changes it — and the cap itself only from an overlay:
without one the claim is not published rather than uncapped."""


def _plan_facts(case: Case) -> Hashable:
    """What the plans read of the person-year: the enrolment history (the cap's change
    by continuity and gaps, 八.1). The selections, the scope notices and the gate read
    only the claim and the parameters."""
    return case.scenario.enrollment


SETTLEMENT = Settlement(
    rules=(INPATIENT, MATERNITY, OUTPATIENT, CRITICAL_ILLNESS),
    kinds=frozenset(ALL_KINDS),
    plan_facts=_plan_facts,
    gated_per_plan=frozenset(ALL_KINDS),
    newborn_window={"newborn.days": "days"},
)
"""For batch's fast path: every kind (out-of-area filing, a claim fact, goes to the
engine). The gate reads the claim's kind, care and area (十一, 十二). The birth date is
read by the newborn's cover, paid within 90 days of birth (三), and the newborn category
(under 1 on 1 January: the age itself)."""
