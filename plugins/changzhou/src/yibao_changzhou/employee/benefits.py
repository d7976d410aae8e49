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

from yibao import hookimpl
from yibao.calc import within_limit
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Claim
from yibao.money import ZERO, apply_rate, fmt_rate, round_fen
from yibao.results import LayerPayment, Notice, Step
from yibao.steps.explain import settle

from yibao_changzhou.common import (
    BASIC,
    banded_pay,
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
from yibao_changzhou.employee import rules
from yibao_changzhou.recognition import recognition_problem

SRC = "changzhou-employee-2024"
CITE_REMOTE = f"{SRC} §七(三)2"
CITE_ORDER = f"{SRC} §四(二)"

LARGE = ("large_amount_subsidy", "职工大额医疗补助", "employees' large-amount medical subsidy")

EXCLUSIONS = {
    "work_injury": ("应当从工伤保险基金中支付的", "payable by work-injury insurance"),
    "third_party": ("应当由第三人负担的", "a third party is liable"),
    "public_health": ("应当由公共卫生负担的", "payable by public health"),
    "abroad": ("在境外就医的", "care abroad"),
    "fitness_checkup": ("体育健身、养生保健消费、健康体检", "fitness, wellness or check-ups"),
    "other_excluded": ("国家规定的基本医疗保险基金不予支付的其他费用", "other excluded costs"),
}


def _category(case: Case) -> str:
    if case.category is None:
        raise NotPublished(
            key="category", on=case.year_start, reason="the person's category is not known"
        )
    return case.category


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
        diseases, steps = _chronic_diseases(case, claim, claim.diseases)
        if not diseases:
            return ClaimGate(status="refused", step=steps[-1])
    return None


def _chronic_diseases(
    case: Case, claim: Claim, diseases: tuple[str, ...]
) -> tuple[tuple[str, ...], list[Step]]:
    """The claim's diseases the chronic rule pays for: those on ``chronic.diseases``,
    hypertension only from stage ``chronic.hypertension.min_stage`` (§四(二)2.1: 高血压
    （Ⅱ、Ⅲ期）). A stage not stated is read as met (the chronic admission requires it),
    with a warning."""
    listed = case.param("chronic.diseases", claim.date)
    kept = tuple(d for d in diseases if d in listed.value)
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
    return _BASIC_RULES[claim.kind](case, claim, ledger, compliant)


def _admission(claim: Claim, ledger: Ledger) -> tuple[int, str]:
    counted = int(ledger.used("inpatient.admissions")) + 1
    ledger.add("inpatient.admissions", Decimal(1))
    if claim.admission is not None:
        return claim.admission, "claim.admission"
    return counted, "counted"


def _inpatient(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> list[LayerPayment]:
    """§四(一): a deductible per admission (lower from the second admission of the
    year), then ratios by the year's cumulative compliant cost: to 150,000 and
    150,000–500,000 from the pooled fund, above 500,000 from the large-amount subsidy."""
    cat = _category(case)
    number, how = _admission(claim, ledger)
    which = "first" if number == 1 else "later"
    deductible = case.param(f"inpatient.deductible.{cat}.{which}.level{claim.level}", claim.date)
    bands = case.param(f"inpatient.bands.{cat}", claim.date)
    large_bands = case.param(f"large_amount.inpatient_bands.{cat}", claim.date)
    before = ledger.used("inpatient.cost")
    ledger.add("inpatient.cost", compliant)
    d = min(deductible.money, compliant)
    steps = [
        step("合规费用", "compliant amount", compliant),
        step(
            f"本年度第{number}次住院" + ("（情形给出）" if how == "claim.admission" else ""),
            f"admission number {number} this year",
            str(number),
        ),
        step(
            f"起付标准（{'首次' if which == 'first' else '二次及以上'}住院，{claim.level}级）",
            f"deductible ({which} admission, level {claim.level})",
            deductible.money,
            cite=deductible,
        ),
        step("年度内此前累计合规费用", "cumulative compliant cost before", before),
    ]
    basic, band_steps = banded_pay(case, claim, before + d, compliant - d, bands)
    steps += band_steps
    steps.append(step("统筹基金支付", "pooled fund pays", basic, cite=bands))
    large, large_steps = banded_pay(case, claim, before + d, compliant - d, large_bands)
    large_steps.append(step("职工大额医疗补助支付", "large-amount subsidy pays", large))
    return [payment(BASIC, basic, steps), payment(LARGE, large, large_steps)]


def _special(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> list[LayerPayment]:
    """§四(二)3.3: no deductible; ratios by the year's cumulative special-outpatient
    cost as inpatient care (above 500,000 from the large-amount subsidy); per-disease
    yearly limits; a valid recognition (§四(二)3.2–3.3). §四(二): the cost above a
    disease limit, or the whole claim when it does not meet the special-disease rules,
    is settled next under the chronic rules and then the general-outpatient rules."""
    cat = _category(case)
    steps = [step("合规费用", "compliant amount", compliant)]
    recognised, problem = recognition_problem(case, claim)
    steps += recognised
    if problem is not None:
        steps += [
            problem,
            step(
                "不符合特殊病待遇支付规定：依次按门诊慢性病、普通门诊统筹规定支付",
                "outside the special-disease rules: settled under the chronic, then the "
                "general-outpatient rules",
                compliant,
                cite=CITE_ORDER,
            ),
        ]
        basic, large, o_steps, large_steps = _pass_on(case, claim, ledger, compliant)
        steps += o_steps
        steps.append(step("统筹基金支付", "pooled fund pays", basic))
        return [payment(BASIC, basic, steps), payment(LARGE, large, large_steps)]
    bands = case.param(f"special.bands.{cat}", claim.date)
    large_bands = case.param(f"large_amount.special_bands.{cat}", claim.date)
    counted = compliant
    found = special_limit(case, claim)
    if found is not None:
        disease, cap = found
        remaining = limit(
            ledger,
            f"special.{disease}",
            cap,
            "cost",
            f"门诊特殊病年度限额（{disease}）",
            f"special outpatient yearly limit ({disease})",
        )
        counted = within_limit(compliant, remaining)
        ledger.add(f"special.{disease}", counted)
        steps.append(
            step(
                f"病种年度限额剩余 {remaining}，限额内费用",
                "what remains of the disease limit; the part within it",
                counted,
                cite=cap,
            )
        )
    before = ledger.used("special.cost")
    ledger.add("special.cost", counted)
    steps.append(step("年度内此前累计特殊病合规费用", "cumulative cost before", before))
    basic, band_steps = banded_pay(case, claim, before, counted, bands)
    steps += band_steps
    large, large_steps = banded_pay(case, claim, before, counted, large_bands)
    large_steps.append(step("职工大额医疗补助支付", "large-amount subsidy pays", large))
    overflow = compliant - counted
    if overflow > ZERO:
        steps.append(
            step(
                "超过特殊病支付限额的费用依次按门诊慢性病、普通门诊统筹规定支付",
                "cost above the disease limit: settled under the chronic, then the "
                "general-outpatient rules",
                overflow,
                cite=CITE_ORDER,
            )
        )
        o_basic, o_large, o_steps, o_large_steps = _pass_on(case, claim, ledger, overflow)
        steps += o_steps
        basic += o_basic
        large += o_large
        large_steps = o_large_steps + large_steps
    steps.append(step("统筹基金支付", "pooled fund pays", basic))
    return [payment(BASIC, basic, steps), payment(LARGE, large, large_steps)]


Passed = tuple[Decimal, Decimal, list[Step], list[Step]]
"""What a rule further down the outpatient order pays on an amount passed to it:
(pooled fund, large-amount subsidy, fund steps, subsidy steps)."""


def _pass_on(case: Case, claim: Claim, ledger: Ledger, amount: Decimal) -> Passed:
    """§四(二): an amount the special-disease rules do not pay goes to the chronic rule
    for the claim's diseases on the chronic list (恶性肿瘤 is on both lists), and what
    that leaves to the general-outpatient rule."""
    diseases, steps = _chronic_diseases(case, claim, claim.diseases)
    if not diseases:
        basic, large, g_steps, large_steps = _general(case, claim, ledger, amount)
        none = step(
            "无门诊慢性病病种：按普通门诊统筹", "no chronic disease: general outpatient", "—"
        )
        return basic, large, [*steps, none, *g_steps], large_steps
    basic, large, c_steps, large_steps = _chronic_part(case, claim, ledger, amount, diseases)
    return basic, large, [*steps, *c_steps], large_steps


def _general(case: Case, claim: Claim, ledger: Ledger, amount: Decimal) -> Passed:
    """§四(二)1 tables 1 and 2 on ``amount`` of general-outpatient cost: a yearly
    deductible, a yearly compliant-cost limit, the ratio by facility (pharmacies only on
    3,000 a year); the large-amount subsidy pays 60% of the year's cumulative cost from
    11,000 to 100,000. Returns (fund, subsidy, fund steps, subsidy steps)."""
    cat = _category(case)
    deductible = case.param(f"outpatient.deductible.{cat}", claim.date)
    cap = case.param(f"outpatient.limit.{cat}", claim.date)
    if claim.facility == "pharmacy":
        column = "pharmacy"
    elif claim.facility == "primary":
        column = "primary"
    elif claim.level in (2, 3):
        column = f"level{claim.level}"
    else:
        raise NotPublished(
            key=f"outpatient.rate.{cat}.level1",
            on=claim.date,
            cite=f"{SRC} §四(二)1 表1",
            reason="table 1 gives ratios for 基层, 二级 and 三级 institutions and pharmacies; "
            "a level-1 hospital that is not a 基层医疗机构 has no column",
        )
    ratio = case.param(f"outpatient.rate.{cat}.{column}", claim.date)
    rate, remote = case.remote_care(claim, ratio.rate)
    before = ledger.used("outpatient.cost")
    after = before + amount
    limit(
        ledger,
        "outpatient.cost",
        cap,
        "cost",
        "普通门诊合规费用最高限额",
        "general outpatient yearly limit",
    )
    ledger.add("outpatient.cost", amount)
    top, top_step = (
        cap.money,
        step("年度合规费用最高限额", "yearly compliant-cost limit", cap.money, cite=cap),
    )
    if column == "pharmacy":
        # 表1 puts the pharmacy's "年度内合规费用3000元以内的部分" beside the hospitals'
        # 合规费用最高限额: both are positions on the year's cumulative compliant cost
        # (docs/interpretations/changzhou-employee.md).
        p_cap = case.param("outpatient.pharmacy_limit", claim.date)
        top = min(top, p_cap.money)
        top_step = step(
            f"定点零售药店：年度内合规费用{p_cap.money}元以内的部分",
            "pharmacy: the part of the year's compliant cost within this",
            p_cap.money,
            cite=p_cap,
        )
    portion = max(min(after, top) - max(before, deductible.money), ZERO)
    steps = [
        step("年度内此前累计普通门诊合规费用", "cumulative general-outpatient cost before", before),
        step("年度起付标准", "yearly deductible", deductible.money, cite=deductible),
        top_step,
        step(
            "起付标准以上、限额以内的费用", "cost above the deductible, within the limit", portion
        ),
    ]
    basic = apply_rate(portion, rate)
    steps.append(
        step(f"支付比例（{column}）", f"ratio ({column})", fmt_rate(ratio.rate), cite=ratio)
    )
    if remote is not None:
        steps.append(remote)
    steps.append(step(f"普通门诊统筹支付 = {portion} × {fmt_rate(rate)}", "fund pays", basic))
    large_bands = case.param("large_amount.outpatient_bands", claim.date)
    large, large_steps = banded_pay(case, claim, before, amount, large_bands)
    large_steps.append(
        step(
            "职工大额医疗费用补助（门诊）",
            "large-amount subsidy (outpatient)",
            large,
            cite=large_bands,
        )
    )
    return basic, large, steps, large_steps


def _general_outpatient(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment]:
    basic, large, steps, large_steps = _general(case, claim, ledger, compliant)
    return [payment(BASIC, basic, steps), payment(LARGE, large, large_steps)]


def _chronic(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> list[LayerPayment]:
    diseases, steps = _chronic_diseases(case, claim, claim.diseases)
    basic, large, c_steps, large_steps = _chronic_part(case, claim, ledger, compliant, diseases)
    out = [
        payment(BASIC, basic, [*steps, *c_steps, step("统筹基金支付", "pooled fund pays", basic)])
    ]
    if large_steps:
        out.append(payment(LARGE, large, large_steps))
    return out


def _chronic_part(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal, diseases: tuple[str, ...]
) -> Passed:
    """§四(二)2.3: primary 80% (in service) / 85% (retired), elsewhere 70%, within a
    yearly FUND limit by the diseases; §四(二): the cost beyond what the limit covers
    is settled next under the general-outpatient rules."""
    cat = _category(case)
    if cat == "veteran_pre_1949":
        case.param("chronic.rate.veteran_pre_1949", claim.date)
    column = "primary" if claim.facility == "primary" else "other"
    ratio = case.param(f"chronic.rate.{cat}.{column}", claim.date)
    cancer = "cancer" in diseases
    others = len([d for d in diseases if d != "cancer"])
    which = (
        ("cancer_and_other" if others else "cancer")
        if cancer
        else ("two_or_more" if others >= 2 else "one")
    )
    cap = case.param(f"chronic.fund_limit.{cat}.{which}", claim.date)
    rate, remote = case.remote_care(claim, ratio.rate)
    room = limit(
        ledger,
        "chronic.paid",
        cap,
        "payment",
        "门诊慢性病统筹基金年度支付限额",
        "chronic outpatient yearly fund limit",
    )
    full = apply_rate(compliant, rate)
    steps = [
        step("合规药品费用", "compliant drug cost", compliant),
        step(f"支付比例（{column}）", f"ratio ({column})", fmt_rate(ratio.rate), cite=ratio),
    ]
    if remote is not None:
        steps.append(remote)
    steps.append(
        step(
            f"统筹基金年度支付限额剩余（{which}）", "what remains of the fund limit", room, cite=cap
        )
    )
    basic = min(full, room)
    ledger.add("chronic.paid", basic)
    steps.append(
        step(
            f"慢性病统筹支付 = min({compliant} × {fmt_rate(rate)}, {room})",
            "chronic fund pays",
            basic,
        )
    )
    large = ZERO
    large_steps: list[Step] = []
    if full > room and rate > ZERO:
        covered = min(round_fen(room / rate), compliant)
        overflow = compliant - covered
        steps += [
            step("限额内对应的费用", "cost the limit covers", covered),
            step(
                "超过慢性病支付限额的费用按普通门诊统筹规定支付",
                "cost beyond the limit: settled as general outpatient care",
                overflow,
                cite=CITE_ORDER,
            ),
        ]
        o_basic, large, o_steps, large_steps = _general(case, claim, ledger, overflow)
        steps += o_steps
        basic += o_basic
    return basic, large, steps, large_steps


def _drug(case: Case, claim: Claim, ledger: Ledger, compliant: Decimal) -> list[LayerPayment]:
    paid = settle(rules.DRUGS, case, claim, ledger, compliant)
    return [paid] if paid is not None else []


_BASIC_RULES = {
    "inpatient": _inpatient,
    "special_outpatient": _special,
    "general_outpatient": _general_outpatient,
    "chronic_outpatient": _chronic,
    "dual_channel_drug": _drug,
    "rare_disease_drug": _drug,
}


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
