"""常州 residents' settlement rules declared from core's step kinds (changzhou-resident-2025).

Each rule is written once here and run by core three ways (:mod:`yibao.steps`): with
its explanation for a person, in whole fen and compiled for batch. The hooks in
:mod:`.benefits` run them through :func:`yibao.steps.explain.settle` (with the
special-disease recognition shown before the special rule's steps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping

import msgspec
from yibao.case import Case
from yibao.dates import add_months
from yibao.model import Claim
from yibao.steps import Bands, Deductible, Limit, Ratio, Rule, Settlement, TopUp

from yibao_changzhou.common import (
    BASIC,
    assistance_rule,
    blood_share,
    critical_illness_rule,
    drugs_rule,
    special_limit_selection,
)

CITE = "changzhou-resident-2025"

SHARED_LIMIT = Limit(
    "inpatient_special",
    cap="inpatient_special.limit",
    basis="cost",
    basis_key="inpatient_special.limit_basis",
    label=("住院和门诊特殊病年度最高支付限额", "inpatient + special outpatient yearly limit"),
)
"""§三(一) 注: 35万 a year for inpatient and special-outpatient costs together, read as a
limit on cost (docs/interpretations.md)."""


def _column(case: Case, claim: Claim) -> Mapping[str, str]:
    """§三(一)'s column — ``young`` (未成年居民/大学生) or ``adult`` (老年居民/非从业居民) —
    and the hospital level."""
    group = "young" if case.category in ("minor", "university") else "adult"
    return {"group": group, "level": str(claim.level)}


INPATIENT = Rule(
    layer=BASIC,
    kinds=("inpatient", "maternity"),
    select=_column,
    cite=f"{CITE} §三(一), §三5.1",
    steps=(
        SHARED_LIMIT,
        Deductible(
            key="inpatient.deductible.{group}.level{level}",
            label=(
                "起付标准（{level}级医疗机构，每次）",
                "deductible (level {level}, per admission)",
            ),
        ),
        Ratio("inpatient.rate.{group}.level{level}"),
        TopUp(
            "maternity.top_up_ratio",
            kinds=("maternity",),
            label=("生育：实际补偿比例补足至", "maternity: topped up to"),
        ),
    ),
)
"""§三(一): a deductible per admission and a ratio by level and category, within the
350,000 limit; §三5.1: a delivery topped up to 70%."""


def _facility(case: Case, claim: Claim) -> Mapping[str, str]:
    return {"facility": claim.facility}


GENERAL_OUTPATIENT = Rule(
    layer=BASIC,
    kinds=("general_outpatient",),
    select=_facility,
    cite=f"{CITE} §三(二)1",
    steps=(Bands("outpatient.bands.{facility}", running="outpatient.cost"),),
)
"""§三(二)1: cumulative yearly bands, 50% at primary facilities or 40% elsewhere for
200–1,500; 40% for 6,000–100,000; nothing between (no pharmacy ratio is published)."""


def _chronic(case: Case, claim: Claim) -> Mapping[str, str]:
    return {
        "which": "one" if len(claim.diseases) == 1 else "two_or_more",
        "column": "primary" if claim.facility == "primary" else "hospital",
    }


CHRONIC = Rule(
    layer=BASIC,
    kinds=("chronic_outpatient",),
    select=_chronic,
    cite=f"{CITE} §三(二)2.3",
    steps=(
        Limit(
            "chronic",
            cap="chronic.limit.{which}",
            basis="cost",
            basis_key="chronic.limit_basis",
            label=("门诊慢性病合规费用年度限额", "chronic outpatient yearly limit"),
        ),
        Ratio("chronic.rate.{column}"),
    ),
)
"""§三(二)2.3: 50% at community facilities, 40% elsewhere, within a yearly limit of 800
(one disease) or 1,200 (two or more), read as a limit on cost."""


DRUGS = drugs_rule(f"{CITE} §三(二)4.2")
"""§三(二)4.2: listed drugs 60%, rare-disease drugs 80%."""


def _special(case: Case, claim: Claim) -> Mapping[str, str]:
    """§三(一)'s column and level, and the disease's own limit (if it has one)."""
    return {**_column(case, claim), **special_limit_selection(case, claim)}


SPECIAL = Rule(
    layer=BASIC,
    kinds=("special_outpatient",),
    select=_special,
    cite=f"{CITE} §三(二)3",
    steps=(
        Limit(
            "special.{disease}",
            cap="{limit}",
            basis="cost",
            basis_key="special.limit_basis",
            label=("门诊特殊病限额（{disease}）", "special outpatient limit ({disease})"),
        ),
        SHARED_LIMIT,
        Ratio("inpatient.rate.{group}.level{level}"),
    ),
)
"""§三(二)3: the inpatient ratios by level and category with no deductible, within the
disease's own yearly limit where it has one and the 350,000 limit shared with inpatient
care (both read as limits on cost). The recognition (§三(二)3.2–3.3) is the gate's."""


def _pku(case: Case, claim: Claim) -> Mapping[str, str]:
    """§三5.4's age band at the claim's date (0–6, 7–13, 14–18)."""
    age = case.person.age_on(claim.date)
    first = case.param("pku.age_band.first_max", claim.date).integer
    second = case.param("pku.age_band.second_max", claim.date).integer
    band = "age_0_6" if age <= first else "age_7_13" if age <= second else "age_14_18"
    return {"band": band}


PKU = Rule(
    layer=BASIC,
    kinds=("pku",),
    select=_pku,
    cite=f"{CITE} §三5.4",
    steps=(
        Limit(
            "pku",
            cap="pku.limit.{band}",
            basis="cost",
            basis_key="pku.limit_basis",
            counts_unpaid=True,
            label=("苯丙酮尿症年度医疗费用限额", "PKU yearly cost limit"),
        ),
        Ratio("pku.rate"),
    ),
)
"""§三5.4: 75% for minors (the gate refuses adults), within a yearly cost limit by the
age band at the claim — a cost counted even where the fund pays nothing."""


def continuous_since(case: Case) -> dt.date | None:
    """The first day of the unbroken run of resident enrolment here ending this year
    (``None``: no cover this year)."""
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


def maternity_paid_from(case: Case, on: dt.date) -> dt.date:
    """§三5.1's waiting period: the first day maternity costs are paid, one year
    (``maternity.continuous_months`` in force on ``on``) after continuous enrolment
    began (the gate refuses claims before it; ``dt.date.max``: no cover this year)."""
    since = continuous_since(case)
    if since is None:
        return dt.date.max
    return add_months(since, case.param("maternity.continuous_months", on).integer)


CRITICAL_ILLNESS = critical_illness_rule(cap=True)
"""§四, within the Jiangsu yearly cap (jiangsu 二.3)."""

ASSISTANCE = assistance_rule(f"{CITE} §五")
"""§五: medical assistance."""

BASIC_RULES = {
    kind: rule
    for rule in (INPATIENT, GENERAL_OUTPATIENT, CHRONIC, SPECIAL, DRUGS, PKU)
    for kind in rule.kinds  # type: ignore[union-attr]
}
"""The declared basic-tier rule of each claim kind."""


def _plan_facts(case: Case) -> Hashable:
    """What the plans read of the person-year: the category (§三(一)'s column, PKU's
    gate §三5.4), the assistance statuses (the critical-illness table and medical
    assistance, §四, §五) and the enrolment history (the Jiangsu cap's incentives,
    jiangsu 二.3) without the days contributions arrived: those decide the cover and the
    maternity waiting period (§三5.1), which batch keys by the claim's side of it."""
    history = tuple(msgspec.structs.replace(e, paid_on=None) for e in case.scenario.enrollment)
    return (case.category, case.person.assistance, history)


SETTLEMENT = Settlement(
    rules=(
        INPATIENT,
        GENERAL_OUTPATIENT,
        CHRONIC,
        SPECIAL,
        DRUGS,
        PKU,
        CRITICAL_ILLNESS,
        ASSISTANCE,
    ),
    kinds=frozenset(BASIC_RULES),
    plan_facts=_plan_facts,
    gated_per_plan=frozenset(BASIC_RULES),
    blood_share=blood_share,
    circumstances={
        "general_outpatient": frozenset({"facility"}),
        "chronic_outpatient": frozenset({"facility", "diseases"}),
        "dual_channel_drug": frozenset(),
        "rare_disease_drug": frozenset(),
        "pku": frozenset(),
    },
    age_at_claim=frozenset({"pku"}),
    waiting_periods={"maternity": maternity_paid_from},
    newborn_window={"newborn.retroactive_days": "days"},
)
"""For batch's fast path: every kind (a claim stating its recognition, a transplant's
months or other facts goes to the engine). Every gate is asked once per plan: it reads
the claim's care and kind (the 零星报销 checklist, §六(四)2), a chronic or special
claim's diseases (§三(二)2.1, 3.2; a recognition not stated is read as valid), the
category (PKU, §三5.4) and, for a delivery, which side of the waiting period the claim
falls (§三5.1). PKU's limit reads the age at the claim (§三5.4's bands). Only inpatient,
maternity and special-outpatient plans read the level (§三(一)'s ratios); general and
chronic outpatient plans read the facility (§三(二)1, 2.3), chronic ones the diseases.
The birth date is read only by the newborn's cover, paid within 90 days of birth
(§二(二)1, through the Jiangsu layer's rule)."""
