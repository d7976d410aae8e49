"""徐州 residents' settlement rules declared from core's step kinds
(xuzhou-resident-measures-2023).

Each rule is written once here and run by core three ways (:mod:`yibao.steps`): with its
explanation for a person, in whole fen and compiled for batch. The measures fix *when*
the fund pays and how care outside the city changes the ratio; the benefit tables
(deductibles, ratios, limits, critical-illness bands) are left to separate standards
(第十三条) that only an overlay supplies — so without one an inpatient claim is a
partial answer naming every missing value, and other kinds are not published.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import get_args

from yibao.case import Case
from yibao.model import Claim, ClaimKind
from yibao.steps import Bands, Cap, Deductible, Limit, Ratio, Rule, Settlement, Unpublished

SOURCE = "xuzhou-resident-measures-2023"
ALL_KINDS: tuple[str, ...] = get_args(ClaimKind)
BASIC = ("basic_fund", "基本医保统筹基金", "basic medical insurance fund")
CRITICAL = ("critical_illness", "大病保险", "critical-illness insurance")
ASSISTANCE = ("medical_assistance", "医疗救助", "medical assistance")


def _level(case: Case, claim: Claim) -> Mapping[str, str]:
    """The hospital level, and the ratio's key: 第十七条 fixes the ratio of a referral to a
    level-3 hospital outside the city (60%) whatever the local ratio, so that claim
    needs no local ratio."""
    level = str(claim.level)
    if claim.care == "referral" and claim.level == 3:
        return {"level": level, "ratio": "remote.referral.level3_rate"}
    return {"level": level, "ratio": f"inpatient.rate.level{level}"}


INPATIENT = Rule(
    layer=BASIC,
    kinds=("inpatient",),
    select=_level,
    cite=f"{SOURCE} 第十三条, 第十七条",
    partial=True,
    steps=(
        Deductible(
            key="inpatient.deductible.level{level}",
            label=("起付标准（{level}级医疗机构）", "deductible (level {level})"),
        ),
        Limit(
            "inpatient.paid",
            cap="inpatient.limit",
            basis="payment",
            label=("基本医保年度最高支付限额", "basic fund yearly payment limit"),
        ),
        Ratio("{ratio}"),
    ),
)
"""第十三条 (values from an overlay): a deductible per admission by hospital level, the
level's ratio after 第十七条's rule for care outside the city, within the yearly payment
limit. Without the values the published part still shows — the ratio and the bound it
sets before the deductible — and each missing value is named."""

OTHER_BENEFITS = Rule(
    layer=BASIC,
    kinds=tuple(k for k in ALL_KINDS if k != "inpatient"),
    cite=f"{SOURCE} 第十三条",
    steps=(
        Unpublished(
            key="{kind}.benefits",
            cite=f"{SOURCE} 第十三条",
            reason="门诊、生育等待遇具体标准另行制定; this plugin settles inpatient claims "
            "only, from an overlay's table",
        ),
    ),
)
"""第十三条: outpatient, maternity and the other benefits' standards are set separately
(另行制定) and not loaded."""

CRITICAL_ILLNESS = Rule(
    layer=CRITICAL,
    kinds=("inpatient",),
    on="remaining",
    cite=f"{SOURCE} 第五条, 第十三条",
    steps=(
        Bands(
            "critical_illness.bands",
            running="critical_illness.cost",
            remote=False,
            label=("分段补偿", "band"),
        ),
        Cap(
            "critical_illness.paid",
            hook="critical_illness_cap",
            label=("大病保险年度封顶线", "critical-illness yearly cap"),
        ),
    ),
)
"""On what the patient still bears of the inpatient compliant cost, cumulative over the
year, by the overlay's bands, within the cap (徐州's own until 2025-06-30, then the
province's with its incentives: jiangsu 二.3)."""


def _recipient(case: Case, claim: Claim) -> Mapping[str, str] | None:
    groups = case.param("premium.assistance_fund_groups", claim.date)
    return {} if any(a in groups.value for a in case.person.assistance) else None


MEDICAL_ASSISTANCE = Rule(
    layer=ASSISTANCE,
    kinds=("inpatient",),
    on="remaining",
    select=_recipient,
    cite=f"{SOURCE} 第九条(二)",
    steps=(
        Unpublished(
            key="medical_assistance.benefits",
            cite=f"{SOURCE} 第九条(二)",
            reason="the measures refer to 我市医疗救助政策文件 for assistance recipients; "
            "those documents are not loaded sources",
        ),
    ),
)
"""The measures fund recipients' contributions (第九条(二)) but do not set the assistance
paid on their bills: a recipient's claim says so; others have no such layer."""


def _plan_facts(case: Case) -> Hashable:
    """What the plans read of the person-year: the assistance statuses (medical
    assistance, 第九条(二)) and the enrolment history (the Jiangsu cap's incentives from
    2025-07-01, jiangsu 二.3). The selections, the remote-care rule (第十七条) and the gate
    read only the claim and the parameters."""
    return (case.person.assistance, case.scenario.enrollment)


SETTLEMENT = Settlement(
    rules=(INPATIENT, OTHER_BENEFITS, CRITICAL_ILLNESS, MEDICAL_ASSISTANCE),
    kinds=frozenset(ALL_KINDS),
    plan_facts=_plan_facts,
    gated_per_plan=frozenset(ALL_KINDS),
    birthday_params=("premium.elderly_free_age", "premium.one_child.max_age"),
    newborn_window={"newborn.from_birth_months": "months", "newborn.from_payment_months": "months"},
)
"""For batch's fast path: every kind (a claim stating what the institution did not
explain — 第十五条, a claim fact — goes to the engine). The gate reads the claim's care
(第十九条, 第十七条's reading) and kind, and its injury (第十八条: asked claim by claim).
The age on the payment day decides the 70-and-over waiver (第九条(四), which also covers
a late payer from the birthday, 第十条(六)) and the only child's employer refund (under
18, 第九条(六)): a birthday in the year at those ages keeps the birth date in the key,
as does a payment within 12 months of birth (a newborn's cover, 第十条(三))."""
