"""How a bill is treated (第十一条, 第十三条, 第十七条–第十九条).

The measures fix *when* the fund pays and how care outside the city changes the ratio;
the benefit tables themselves (deductibles, ratios, limits, critical-illness bands) are
left to separate standards (第十三条). Those keys are declared ``[[unpublished]]`` in
``parameters.toml``; an overlay (``--params``) supplies them, and without one every
claim says which value is missing. Only inpatient claims have a settlement shape here;
other kinds are reported as not published. The settlement rules themselves are declared
in :mod:`.rules`; the hooks here run them explained.

Ledger keys: ``inpatient.paid`` (basic-fund payments toward the yearly limit),
``critical_illness.cost`` and ``critical_illness.paid``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, ClaimGate, CriticalIllnessCap, Ledger, RateAdjustment, step
from yibao.facts import fact
from yibao.model import Claim
from yibao.money import ZERO, fmt_rate
from yibao.results import LayerPayment, Notice, Step
from yibao.steps.explain import settle

from yibao_xuzhou.resident import rules

SOURCE = "xuzhou-resident-measures-2023"
CITE_REMOTE = f"{SOURCE} 第十七条"
PROVINCE_LAYER = "jiangsu"

INSTITUTION = ("institution", "定点医疗机构承担", "the institution bears")


def _payment(layer: tuple[str, str, str], amount: Decimal, steps: list[Step]) -> LayerPayment:
    name, zh, en = layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


# -------------------------------------------------------------------------------------
# Gate 第十一条, 第十八条, 第十九条
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_claim_gate(case: Case, claim: Claim) -> ClaimGate | None:
    if claim.care not in ("local", "non_designated"):
        _one_reading_for_the_province(case)
    if claim.care == "non_designated" and not fact(claim, "emergency_rescue"):
        return ClaimGate(
            status="refused",
            step=step(
                "非定点医药机构发生的医疗费用（急诊抢救除外）医保基金不予支付",
                "non-designated institution: the fund pays nothing (emergency rescue aside)",
                "non_designated",
                cite=f"{SOURCE} 第十九条",
            ),
        )
    if claim.excluded is not None:
        return ClaimGate(
            status="refused",
            step=step(
                "基金不予支付范围（按社会保险法等规定）",
                "outside the fund's scope under the Social Insurance Law",
                claim.excluded,
                cite=f"{SOURCE} 第十一条",
            ),
        )
    if claim.injury:
        return ClaimGate(
            status="pending_review",
            step=step(
                "外伤、中毒患者需先行稽核，符合医保支付规定的方可享受待遇",
                "injury or poisoning: reviewed first, paid only if within the rules",
                "待稽核 pending review",
                cite=f"{SOURCE} 第十八条",
            ),
        )
    return None


# -------------------------------------------------------------------------------------
# Care outside the city 第十七条
# -------------------------------------------------------------------------------------


def _one_reading_for_the_province(case: Case) -> None:
    """第十七条 speaks of 外地 and 本市以外 only: care elsewhere in Jiangsu and in another
    province are settled alike, whatever ``claim.area`` says; the answer says so."""
    case.notice(
        Notice(
            kind="interpretation",
            text_zh="徐州办法第十七条只区分“本市以外”，不区分省内、跨省：两者按同一规定结算",
            text_en="the measures (第十七条) speak only of care outside the city: care "
            "elsewhere in Jiangsu and in another province are settled alike",
            key="claim.area",
            cite=CITE_REMOTE,
        )
    )


@hookimpl
def yibao_remote_care(case: Case, claim: Claim, rate: Decimal) -> RateAdjustment:
    care = claim.care
    if care == "local":
        return RateAdjustment(rate=rate)
    if care == "non_designated":  # only emergency rescue passes the gate (第十九条)
        return RateAdjustment(
            rate=rate,
            step=step(
                "非定点医药机构急诊抢救：医保基金支付（未规定降低比例，按相应医疗机构比例）",
                "emergency rescue at a non-designated institution: paid (no reduction "
                "is set, the level's ratio applies)",
                fmt_rate(rate),
                cite=f"{SOURCE} 第十九条",
            ),
        )
    if care == "filed_residence":
        return RateAdjustment(
            rate=rate,
            step=step(
                "外地长期居住备案人员：支付比例与参保地一致",
                "filed long-term residence elsewhere: the local ratio",
                fmt_rate(rate),
                cite=CITE_REMOTE,
            ),
        )
    if care == "referral":
        if claim.level == 3:
            return _referral_level3(case, claim, rate)
        cut = case.param("remote.referral.reduction", claim.date)
        zh = f"转诊市外{claim.level}级医疗机构：降低{fmt_rate(cut.rate)}"
        en = f"referred to a level-{claim.level} hospital outside the city: minus points"
    elif care == "unreferred":
        cut = case.param("remote.unreferred.reduction", claim.date)
        zh = f"未办理备案直接到市外就医：降低{fmt_rate(cut.rate)}"
        en = "outside the city without filing: reduced"
    else:  # emergency
        cut = case.param("remote.emergency.reduction", claim.date)
        zh = f"市外急诊：降低{fmt_rate(cut.rate)}"
        en = "emergency outside the city: reduced"
    adjusted = max(rate - cut.rate, ZERO)
    return RateAdjustment(
        rate=adjusted,
        step=step(zh, en, f"{fmt_rate(rate)} → {fmt_rate(adjusted)}", cite=cut),
    )


def _referral_level3(case: Case, claim: Claim, rate: Decimal) -> RateAdjustment:
    """第十七条: referred to a level-3 hospital outside the city, the ratio is 60% — a
    figure of its own, whatever the local ratio (``rate``; the rule asks with the 60%
    itself, so that the local ratio need not be published, :mod:`.rules`)."""
    fixed = case.param("remote.referral.level3_rate", claim.date)
    return RateAdjustment(
        rate=fixed.rate,
        step=step(
            f"转诊市外三级医疗机构：支付比例为{fmt_rate(fixed.rate)}",
            f"referred to a level-3 hospital outside the city: {fmt_rate(fixed.rate)}",
            fmt_rate(fixed.rate)
            if rate == fixed.rate
            else f"{fmt_rate(rate)} → {fmt_rate(fixed.rate)}",
            cite=fixed,
        ),
    )


# -------------------------------------------------------------------------------------
# Items the institution did not explain 第十五条
# -------------------------------------------------------------------------------------


def not_informed(case: Case, claim: Claim) -> tuple[Decimal, Step] | None:
    """第十五条: costs outside the fund's scope, or with a first self-payment of 30% or
    more, that a designated institution used without telling the patient are the
    institution's, not the patient's — except in emergency rescue. At most the part of
    the bill outside the compliant amount (those items are never compliant)."""
    stated = fact(claim, "not_informed")
    if not stated or fact(claim, "emergency_rescue"):
        return None
    outside = max(claim.bill - claim.compliant - (claim.blood or ZERO), ZERO)
    amount = min(stated, outside)
    return amount, step(
        "未履行告知义务的医保支付范围外、先行自付30%以上项目：由定点医疗机构承担",
        "items outside the fund's scope the institution did not explain: the institution "
        "bears them",
        amount,
        cite=f"{SOURCE} 第十五条",
    )


@hookimpl
def yibao_compliant_amount(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """The compliant amount is the claim's own; what the institution bears instead of
    the patient (第十五条) is shown from the start, so a claim whose benefits are not
    published still says it."""
    found = not_informed(case, claim)
    return None if found is None else (claim.compliant, [found[1]])


@hookimpl
def yibao_further_layers(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> list[LayerPayment] | None:
    found = not_informed(case, claim)
    if found is None:
        return None
    amount, why = found
    return [_payment(INSTITUTION, amount, [why])]


# -------------------------------------------------------------------------------------
# Basic fund 第十三条 (tables from an overlay), declared in :mod:`.rules`
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_basic_fund(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment] | None:
    rule = rules.INPATIENT if claim.kind == "inpatient" else rules.OTHER_BENEFITS
    paid = settle(rule, case, claim, ledger, compliant)
    return [paid] if paid is not None else None


# -------------------------------------------------------------------------------------
# Critical illness 第五条, 第十三条
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_critical_illness_cap(case: Case, on: dt.date) -> CriticalIllnessCap | None:
    """The province's cap (from 2025-07-01, with its incentives) where it applies;
    before that 徐州's own cap, which only an overlay can give (第十三条): without one
    the claim says the cap is not published rather than applying none."""
    cap = case.param("critical_illness.cap", on)  # raises NotPublished with the reason
    if cap.layer == PROVINCE_LAYER:
        return None  # the Jiangsu layer answers, incentives included
    return CriticalIllnessCap(
        cap=cap.money,
        basis="payment",
        steps=(
            step(
                "大病保险年度封顶线（徐州）", "critical-illness cap (Xuzhou)", cap.money, cite=cap
            ),
        ),
    )


@hookimpl
def yibao_critical_illness(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """On what the patient still bears of the inpatient compliant cost, cumulative over
    the year, by the overlay's bands, within the cap (:data:`.rules.CRITICAL_ILLNESS`)."""
    return settle(rules.CRITICAL_ILLNESS, case, claim, ledger, remaining)


@hookimpl
def yibao_medical_assistance(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """The measures fund recipients' contributions (第九条(二)) but do not set the
    assistance paid on their bills: a recipient's claim says so
    (:data:`.rules.MEDICAL_ASSISTANCE`)."""
    return settle(rules.MEDICAL_ASSISTANCE, case, claim, ledger, remaining)
