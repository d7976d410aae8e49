"""Claims (昌黎 2025): out-of-area filing (changli-resident-2025 十一–十四), the fund's
and critical illness's scope (九, 十), and the critical-illness incentives (八.1).

The source publishes no deductible, ratio or critical-illness cap: the basic fund and
critical illness raise ``NotPublished`` unless a parameter overlay supplies
``inpatient.deductible`` + ``inpatient.rate`` and ``critical_illness.bands`` (+
``critical_illness.cap``). Where care happened is read from ``claim.care``: ``local``
stands for any designated institution in Beijing–Tianjin–Hebei (京津冀, settled
directly without filing, 十一); every other value is care outside 京津冀 (see
docs/interpretations/changli.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, ClaimGate, CriticalIllnessCap, Ledger, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.history import IncentiveRules, cap_incentives, resident_years
from yibao.model import Claim
from yibao.money import apply_rate, fmt_rate
from yibao.results import LayerPayment, Notice, Step
from yibao.steps.explain import settle

from yibao_changli.resident import rules
from yibao_changli.resident.coverage import is_back_payment

CITE_JJJ = "changli-resident-2025 十一"
CITE_FILING = "changli-resident-2025 十二"
CITE_OUT_OF_PROVINCE = "changli-resident-2025 十三"
CITE_DOCS = "changli-resident-2025 十四"
CITE_SCOPE = "changli-resident-2025 九"
CITE_CI_SCOPE = "changli-resident-2025 十"
CITE_INCENTIVE = "changli-resident-2025 八.1"

INPATIENT = ("inpatient", "maternity")

REIMBURSEMENT_DOCUMENTS = (
    "1.患者身份证复印件（他人代办另带代办人身份证复印件）；2.社保卡复印件（激活银行功能）；"
    "3.银行卡复印件；4.住院收费收据原件（电子发票打印纸质版）；5.住院诊断证明书原件（加盖诊断证明专用章）；"
    "6.住院汇总明细清单原件；7.完整住院病历复印件。4–7项由医院对应科室盖章",
    "1. copy of the patient's ID (and the agent's, if someone else files); 2. copy of the "
    "social security card (bank function activated); 3. copy of the bank card; 4. original "
    "inpatient receipts (e-invoices printed); 5. original diagnosis certificate (with the "
    "diagnosis seal); 6. original itemised inpatient bill; 7. copy of the full inpatient "
    "record. Items 4–7 stamped by the hospital department",
)


# -------------------------------------------------------------------------------------
# Out-of-area care 十一–十四
# -------------------------------------------------------------------------------------


def _outside_reading(case: Case, claim: Claim) -> None:
    """十一–十三 divide care at 京津冀, not at the province: Beijing and Tianjin lie
    outside Hebei yet inside 京津冀. Care stated as in another province, or not placed at
    all, is read as outside 京津冀 (filing rules apply); the answer says so."""
    if claim.area == "other_province":
        zh = '跨省就医按京津冀以外处理（在北京、天津就医请填 care = "local"）'
        en = (
            "care in another province is read as outside Beijing–Tianjin–Hebei (for "
            'care in Beijing or Tianjin, state care = "local")'
        )
    else:
        zh = (
            "未说明就医地（claim.area）：非本地就医按京津冀以外处理"
            '（河北省内请填 area = "province"）'
        )
        en = (
            "place of care not stated (claim.area): care away from home is read as outside "
            'Beijing–Tianjin–Hebei (for care elsewhere in Hebei, state area = "province")'
        )
    case.notice(
        Notice(kind="interpretation", text_zh=zh, text_en=en, key="claim.area", cite=CITE_JJJ)
    )


@hookimpl
def yibao_claim_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """十二: inpatient care outside 京津冀 must be filed before admission, or within 10
    days of an emergency admission; unfiled, it cannot be reimbursed."""
    if claim.kind in INPATIENT:
        case.notice(
            Notice(
                kind="checklist",
                text_zh="住院因特殊情况无法划卡结算时的报销材料：" + REIMBURSEMENT_DOCUMENTS[0],
                text_en="documents for an inpatient claim that could not be settled directly: "
                + REIMBURSEMENT_DOCUMENTS[1],
                cite=CITE_DOCS,
            )
        )
    if claim.care == "local":
        return None
    if claim.area == "province" and claim.care != "non_designated":
        case.notice(  # 河北省内 lies within 京津冀: settled directly, no filing (十一)
            Notice(
                kind="stated",
                text_zh="河北省内就医（京津冀内）：持医保电子凭证即时结算，无需异地就医备案",
                text_en="care elsewhere in Hebei (within Beijing–Tianjin–Hebei): settled "
                "directly with the insurance card, no out-of-area filing",
                key="claim.area",
                cite=CITE_JJJ,
            )
        )
        return None
    if claim.care != "non_designated":
        _outside_reading(case, claim)
    if claim.care == "non_designated":
        return ClaimGate(
            status="not_published",
            step=step(
                "非定点医疗机构：来源只规定定点医疗机构的结算办法",
                "non-designated institution: the source settles designated institutions only",
                claim.care,
                cite=CITE_JJJ,
            ),
        )
    if claim.kind not in INPATIENT:
        return None
    days = case.param("remote.emergency_filing_days", claim.date)
    after = fact(claim, "emergency_filed_after_days")
    if after is not None:
        if after <= days.integer:
            case.notice(
                Notice(
                    kind="warning",
                    text_zh="急诊先行住院后备案：须将备案申请日期调整至入院日期，方可结算报销",
                    text_en="emergency admission filed afterwards: the filing's start date must "
                    "be set to the admission date before the claim can be settled",
                    cite=CITE_FILING,
                )
            )
            return None
        return ClaimGate(
            status="refused",
            step=step(
                f"京津冀外急诊住院：入院后第{after}日备案，超过{days.integer}日，无法报销",
                f"emergency admission outside Beijing–Tianjin–Hebei filed on day {after}, "
                f"later than {days.integer} days: not reimbursable",
                after,
                cite=days,
            ),
        )
    filed = fact(claim, "filed_before_admission")
    if filed or claim.care in ("filed_residence", "referral", "emergency"):
        return None
    return ClaimGate(
        status="refused",
        step=step(
            "京津冀外住院未按要求办理异地就医备案，无法报销",
            "inpatient care outside Beijing–Tianjin–Hebei without filing: not reimbursable",
            claim.care,
            cite=CITE_FILING,
        ),
    )


# -------------------------------------------------------------------------------------
# Basic fund 九 and critical illness 十, declared in :mod:`.rules`
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_basic_fund(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment] | None:
    """九: no deductible or ratio is published, so this is not published unless a
    parameter overlay gives them (:mod:`.rules`)."""
    rule = rules.BASIC_RULES[claim.kind]
    try:
        paid = settle(rule, case, claim, ledger, compliant)
    except NotPublished as exc:
        if rule is rules.INPATIENT:
            raise exc.followed_by(_outlook(case, claim)) from None
        raise
    return [paid] if paid is not None else None


def _outlook(case: Case, claim: Claim) -> list[Step]:
    """What an inpatient claim whose basic fund is not published still shows: critical
    illness pays on what the basic fund leaves, so its amount is not published either —
    but this year's change to its cap from the enrolment history (八.1) stands whatever
    the amounts."""
    steps = [
        step(
            "基本医保统筹基金、大病保险：金额未公布（大病保险按基本医保支付后的个人负担计算）",
            "basic fund and critical illness: amounts not published (critical illness pays "
            "on what the basic fund leaves)",
            "未公布 not published",
            cite=CITE_CI_SCOPE,
        )
    ]
    cap = case.hook.yibao_critical_illness_cap(case=case, on=claim.date)
    if cap is not None:
        steps += cap.steps
    return steps


@hookimpl
def yibao_critical_illness(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """十: on what the patient bears after the basic fund, for inpatient care; bands
    only from an overlay, cumulative over the year, within the cap (:mod:`.rules`)."""
    return settle(rules.CRITICAL_ILLNESS, case, claim, ledger, remaining)


@hookimpl
def yibao_critical_illness_cap(case: Case, on: dt.date) -> CriticalIllnessCap:
    """八.1: the change to the cap from the enrolment history; the cap itself only when
    an overlay gives ``critical_illness.cap`` (the source does not)."""
    base = case.find_param("critical_illness.cap", on)
    raised_raw, gap_years, steps = incentive_history(case, on)
    gap_step = case.param("critical_illness.gap.step", on)
    max_raise = case.param("critical_illness.incentive.max_share", on)
    max_cut = case.param("critical_illness.gap.max_share", on)
    lowered_raw = gap_step.money * gap_years
    if gap_years:
        steps.append(
            step(
                f"断保{gap_years}年 × {gap_step.money}",
                f"{gap_years} gap year(s) × {gap_step.money}",
                lowered_raw,
                cite=gap_step,
            )
        )
    if base is None:
        gap = case.params.gap("critical_illness.cap")
        steps += [
            step(
                f"提高额（未计{fmt_rate(max_raise.rate)}上限）",
                f"raise before the {fmt_rate(max_raise.rate)} limit",
                raised_raw,
                cite=max_raise,
            ),
            step(
                f"降低额（未计{fmt_rate(max_cut.rate)}上限）",
                f"reduction before the {fmt_rate(max_cut.rate)} limit",
                lowered_raw,
                cite=max_cut,
            ),
            step(
                "净变动（元）",
                "net change (yuan)",
                raised_raw - lowered_raw,
                cite=CITE_INCENTIVE,
            ),
            step(
                f"大病保险原封顶线：未公布，封顶线及{fmt_rate(max_raise.rate)}上限无法计算",
                f"original critical-illness cap: not published; cap and "
                f"{fmt_rate(max_raise.rate)} limits unknown",
                "未公布 not published",
                cite=gap.cite if gap else CITE_INCENTIVE,
            ),
        ]
        return CriticalIllnessCap(cap=None, basis="payment", steps=tuple(steps))
    limit_up = apply_rate(base.money, max_raise.rate)
    limit_down = apply_rate(base.money, max_cut.rate)
    raised = min(raised_raw, limit_up)
    lowered = min(lowered_raw, limit_down)
    cap = base.money + raised - lowered
    steps = [
        step("大病保险原封顶线", "original critical-illness cap", base.money, cite=base),
        *steps,
        step(
            f"提高额 = min({raised_raw}, {base.money} × {fmt_rate(max_raise.rate)})",
            "raise, at most 20% of the original cap",
            raised,
            cite=max_raise,
        ),
        step(
            f"降低额 = min({lowered_raw}, {base.money} × {fmt_rate(max_cut.rate)})",
            "reduction, at most 20% of the original cap",
            lowered,
            cite=max_cut,
        ),
        step(
            f"本年最高支付限额 = {base.money} + {raised} − {lowered}",
            "cap this year",
            cap,
            cite=CITE_INCENTIVE,
        ),
    ]
    return CriticalIllnessCap(cap=cap, basis="payment", steps=tuple(steps))


def incentive_history(case: Case, on: dt.date) -> tuple[Decimal, int, list[Step]]:
    """八.1 from the enrolment history, years from 2025 on
    (:func:`yibao.history.cap_incentives`, one step per year): return (raise before the
    20% limit, gap years, steps).

    Any resident-scheme record counts for continuity, back-payments excepted; a year in
    the employee scheme is no gap. A gap restarts the continuous count; what was earned
    is kept (前期积累的奖励额度继续保留).
    """
    first = case.param("critical_illness.incentive.first_year", on).integer
    rules = IncentiveRules(
        continuity_years=case.param("critical_illness.incentive.continuity_years", on),
        continuity_step=case.param("critical_illness.incentive.continuity_step", on),
        zero_step=case.param("critical_illness.incentive.zero_reimbursement_step", on),
        gap_step=case.param("critical_illness.gap.step", on),
    )
    records = (e for e in case.scenario.enrollment if not is_back_payment(e))
    earned = cap_incentives(resident_years(records, first, case.year), rules)
    steps = [
        *earned.steps,
        step("连续参保激励", "continuity incentive", earned.continuity, cite=rules.continuity_step),
        step("零报销激励", "zero-reimbursement incentive", earned.credit, cite=rules.zero_step),
        step("激励合计", "incentives before the limit", earned.raised, cite=CITE_INCENTIVE),
    ]
    return earned.raised, earned.gap_years, steps
