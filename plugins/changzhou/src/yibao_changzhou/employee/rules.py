"""常州 employees' settlement rules declared from core's step kinds (changzhou-employee-2024).

Each rule is written once here and run by core three ways (:mod:`yibao.steps`).
Inpatient, special-outpatient and general-outpatient care pay two payers on one yearly
axis (the pooled fund, and the large-amount subsidy further up: a :class:`Subsidy`);
chronic and special-outpatient costs beyond their limits go on to the chronic, then
the general-outpatient rule (§四(二): ``passes_on``). The hooks in :mod:`.benefits` run
these rules explained; what stays Python there is showing the recognition and the
hypertension stage, and passing a whole special claim whose recognition does not hold
on to the chronic and general rules (such claims state the recognition as claim facts,
so batch's fast path leaves them to the engine).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Claim
from yibao.results import Notice, Step
from yibao.steps import (
    Bands,
    Deductible,
    Limit,
    Ratio,
    Rule,
    Settlement,
    Subsidy,
    Unpublished,
    Window,
)

from yibao_changzhou.common import (
    ALL_KINDS,
    BASIC,
    TILTED,
    assistance_rule,
    blood_share,
    critical_illness_rule,
    drugs_rule,
    recipient_statuses,
    special_limit_selection,
)
from yibao_changzhou.recognition import recognition_problem

SRC = "changzhou-employee-2024"
LARGE = ("large_amount_subsidy", "职工大额医疗补助", "employees' large-amount medical subsidy")


def category(case: Case) -> str:
    """The person's category (在职, 退休, 建国前老工人): every table's column."""
    if case.category is None:
        raise NotPublished(
            key="category", on=case.year_start, reason="the person's category is not known"
        )
    return case.category


def _inpatient(case: Case, claim: Claim) -> Mapping[str, str]:
    return {"cat": category(case), "level": str(claim.level)}


INPATIENT = Rule(
    layer=BASIC,
    kinds=("inpatient",),
    select=_inpatient,
    cite=f"{SRC} §四(一)",
    steps=(
        Deductible(
            first="inpatient.deductible.{cat}.first.level{level}",
            later="inpatient.deductible.{cat}.later.level{level}",
            counter="inpatient.admissions",
            label=("起付标准（{level}级）", "deductible (level {level})"),
        ),
        Bands("inpatient.bands.{cat}", running="inpatient.cost"),
    ),
    subsidy=Subsidy(LARGE, "large_amount.inpatient_bands.{cat}"),
)
"""§四(一): a deductible per admission (lower from the second admission of the year),
then ratios by the year's cumulative compliant cost: to 150,000 and 150,000–500,000
from the pooled fund, above 500,000 from the large-amount subsidy."""


def _general(case: Case, claim: Claim) -> Mapping[str, str]:
    """表1's column: 基层, 二级, 三级 or a pharmacy (only on the year's first 3,000: 表1
    puts the pharmacy's 年度内合规费用3000元以内的部分 beside the hospitals' limit, both
    positions on the year's cumulative cost, docs/interpretations/changzhou-employee.md).
    A level-1 hospital that is not a 基层医疗机构 has no column: its ratio is empty."""
    cat = category(case)
    if claim.facility in ("pharmacy", "primary"):
        column = claim.facility
    elif claim.level in (2, 3):
        column = f"level{claim.level}"
    else:
        column = ""
    return {
        "cat": cat,
        "column": column or "level1",
        "ratio": f"outpatient.rate.{cat}.{column}" if column else "",
        "within": "outpatient.pharmacy_limit" if column == "pharmacy" else "",
    }


GENERAL = Rule(
    layer=BASIC,
    kinds=("general_outpatient",),
    select=_general,
    cite=f"{SRC} §四(二)1",
    steps=(
        Window(
            running="outpatient.cost",
            above="outpatient.deductible.{cat}",
            limit="outpatient.limit.{cat}",
            ratio="{ratio}",
            within="{within}",
            missing=Unpublished(
                key="outpatient.rate.{cat}.level1",
                cite=f"{SRC} §四(二)1 表1",
                reason="table 1 gives ratios for 基层, 二级 and 三级 institutions and "
                "pharmacies; a level-1 hospital that is not a 基层医疗机构 has no column",
            ),
            label=("支付比例（{column}）", "ratio ({column})"),
            limit_label=("普通门诊合规费用最高限额", "general outpatient yearly limit"),
            within_label=(
                "定点零售药店：年度内合规费用以内的部分",
                "pharmacy: the part of the year's compliant cost within",
            ),
        ),
    ),
    subsidy=Subsidy(
        LARGE, "large_amount.outpatient_bands", label=("门诊大额补助分段", "outpatient band")
    ),
)
"""§四(二)1 tables 1 and 2: a yearly deductible, a yearly compliant-cost limit, the
ratio by facility; the large-amount subsidy pays 60% of the year's cumulative cost
from 11,000 to 100,000."""


def chronic_diseases(case: Case, claim: Claim) -> tuple[tuple[str, ...], list[Step]]:
    """The claim's diseases the chronic rule pays for: those on ``chronic.diseases``,
    hypertension only from stage ``chronic.hypertension.min_stage`` (§四(二)2.1: 高血压
    （Ⅱ、Ⅲ期）), with the steps saying so. A stage not stated is read as met (the
    chronic admission requires it), with a warning."""
    listed = case.param("chronic.diseases", claim.date)
    kept = tuple(d for d in claim.diseases if d in listed.value)
    if "hypertension" not in kept:
        return kept, []
    least = case.param("chronic.hypertension.min_stage", claim.date)
    stage = fact(claim, "hypertension_stage")
    if stage is None:
        case.notice(
            Notice(
                kind="warning",
                key="chronic.hypertension_stage",
                text_zh="职工门诊慢性病高血压限Ⅱ、Ⅲ期：未说明分期，按已准入（Ⅱ期以上）处理",
                text_en="the employee chronic list takes hypertension at stages II and III: "
                "no stage stated, read as admitted (stage II or above)",
                cite=least.source_label,
            )
        )
        return kept, []
    if stage >= least.integer:
        return kept, [step("高血压分期", "hypertension stage", stage, cite=least)]
    return tuple(d for d in kept if d != "hypertension"), [
        step(
            f"高血压{stage}期：门诊慢性病限Ⅱ、Ⅲ期，不予支付",
            f"hypertension at stage {stage}: the chronic list takes stages II and III only",
            stage,
            cite=least,
        )
    ]


def _chronic(case: Case, claim: Claim) -> Mapping[str, str] | None:
    """The ratio's column and the fund limit's row by the claim's chronic diseases
    (``None``: none, so cost passed on goes to the general-outpatient rule). The table
    has no 建国前老工人 row: the veteran's ratio is the key not published."""
    cat = category(case)
    diseases, _ = chronic_diseases(case, claim)
    if not diseases:
        return None
    column = "primary" if claim.facility == "primary" else "other"
    others = len([d for d in diseases if d != "cancer"])
    if "cancer" in diseases:
        which = "cancer_and_other" if others else "cancer"
    else:
        which = "two_or_more" if others >= 2 else "one"
    ratio = f"chronic.rate.{cat}" if cat == "veteran_pre_1949" else f"chronic.rate.{cat}.{column}"
    return {"cat": cat, "column": column, "which": which, "ratio": ratio}


CHRONIC = Rule(
    layer=BASIC,
    kinds=("chronic_outpatient",),
    select=_chronic,
    cite=f"{SRC} §四(二)2.3",
    steps=(
        Ratio("{ratio}", label=("支付比例（{column}）", "ratio ({column})")),
        Limit(
            "chronic.paid",
            cap="chronic.fund_limit.{cat}.{which}",
            basis="payment",
            overflow=True,
            label=(
                "门诊慢性病统筹基金年度支付限额（{which}）",
                "chronic outpatient yearly fund limit ({which})",
            ),
        ),
    ),
    passes_on=(GENERAL,),
)
"""§四(二)2.3: primary 80% (in service) / 85% (retired), elsewhere 70%, within a yearly
FUND limit by the diseases; §四(二): the cost beyond what the limit covers (room ÷
ratio) is settled next under the general-outpatient rule."""


def _special(case: Case, claim: Claim) -> Mapping[str, str]:
    return {"cat": category(case), **special_limit_selection(case, claim)}


def _recognition_notice(case: Case, claim: Claim) -> None:
    """A recognition not stated is read as valid, with a warning (one that is stated is
    a claim fact: the engine settles it)."""
    recognition_problem(case, claim)


SPECIAL = Rule(
    layer=BASIC,
    kinds=("special_outpatient",),
    select=_special,
    notify=_recognition_notice,
    cite=f"{SRC} §四(二)3.3, §四(二)",
    steps=(
        Limit(
            "special.{disease}",
            cap="{limit}",
            counts_unpaid=True,
            overflow=True,
            label=(
                "门诊特殊病年度限额（{disease}）",
                "special outpatient yearly limit ({disease})",
            ),
        ),
        Bands("special.bands.{cat}", running="special.cost"),
    ),
    subsidy=Subsidy(LARGE, "large_amount.special_bands.{cat}"),
    passes_on=(CHRONIC, GENERAL),
)
"""§四(二)3.3: no deductible; ratios by the year's cumulative special-outpatient cost as
inpatient care (above 500,000 from the large-amount subsidy); per-disease yearly limits.
§四(二): the cost above a disease limit goes to the chronic rule for the claim's chronic
diseases (恶性肿瘤 is on both lists), else to the general-outpatient rule."""


DRUGS = drugs_rule(f"{SRC} §四(二)4.2")
"""§四(二)4.2: listed and special-disease drugs 70%, rare-disease drugs 80%."""

BASIC_TIER = (INPATIENT, GENERAL, CHRONIC, SPECIAL, DRUGS)
BASIC_RULES = {kind: rule for rule in BASIC_TIER for kind in rule.kinds}  # type: ignore[union-attr]
"""The declared basic-tier rule of each claim kind the source settles."""

CRITICAL_ILLNESS = critical_illness_rule(cap=False)
"""§五: 20,000 deductible, 60% to 100,000, 70% above; the hardship table for 城乡困难群众;
no yearly cap (最高限额 无)."""

ASSISTANCE = assistance_rule(f"{SRC} §六1")
"""§六1: 80% (特困供养人员 100%) of what the insurance layers left; yearly limits 10,000
(general outpatient) and 200,000 (everything else)."""


def _recipient(case: Case, claim: Claim) -> Mapping[str, str] | None:
    return {} if recipient_statuses(case, claim.date) else None


TILTED_ASSISTANCE = Rule(
    layer=TILTED,
    kinds=ALL_KINDS,
    on="remaining",
    select=_recipient,
    excluded_care=("non_designated",),
    cite=f"{SRC} §六2",
    steps=(
        Bands(
            "tilted_assistance.bands",
            running="tilted_assistance.cost",
            remote=False,
            label=("分段救助", "band"),
        ),
    ),
)
"""§六2: for assistance recipients, the year's out-of-pocket compliant cost after basic
insurance, critical illness and medical assistance: 50% of the part from 10,000 to
50,000, 70% above."""


def _plan_facts(case: Case) -> Hashable:
    """What the plans read of the person-year: the category (every table's column) and
    the assistance statuses (the critical-illness table §五, medical assistance §六).
    Employees' critical illness has no yearly cap, so the enrolment history is not read."""
    return (case.category, case.person.assistance)


SETTLEMENT = Settlement(
    rules=(*BASIC_TIER, CRITICAL_ILLNESS, ASSISTANCE, TILTED_ASSISTANCE),
    kinds=frozenset(ALL_KINDS),
    plan_facts=_plan_facts,
    gated_per_plan=frozenset(ALL_KINDS),
    blood_share=blood_share,
    circumstances={
        "general_outpatient": frozenset({"level", "facility"}),
        "dual_channel_drug": frozenset(),
        "rare_disease_drug": frozenset(),
        "maternity": frozenset(),
        "pku": frozenset(),
    },
    newborn_window={"newborn.retroactive_days": "days"},
)
"""For batch's fast path: every kind (maternity and PKU claims the gate answers as not
published; a claim stating facts — a recognition, a hypertension stage — goes to the
engine). General-outpatient plans read the level and facility (表1's column) but not the
diseases; drug plans and the gate's answer for maternity and PKU read none of them;
chronic and special plans read all three (cost passed on reaches the general rule).
The birth date is read only by the Jiangsu layer's newborn cover (新生儿, its
retroactive days)."""
