"""Rules the 常州 schemes share, with no policy numbers in them.

Both schemes' sources word the remote-care reductions (异地就医) and the blood-use
self-payment (特殊人员用血) the same way; each scheme's layer calls these helpers with
its own parameters and citations.
"""

from __future__ import annotations

from decimal import Decimal

from yibao.case import Case, RateAdjustment, step
from yibao.errors import NotPublished
from yibao.model import Claim
from yibao.money import ZERO, apply_rate, fmt_rate
from yibao.results import Step


def remote_care_adjustment(
    case: Case, claim: Claim, rate: Decimal, *, cite: str, non_designated_cite: str
) -> RateAdjustment:
    """Filed residence and emergency keep the local ratio; referral loses
    ``remote.referral_reduction`` points; unreferred care (only for the kinds in
    ``remote.unreferred_kinds``) loses ``remote.unreferred_reduction`` points; a
    non-designated institution is paid nothing."""
    care = claim.care
    if care == "local":
        return RateAdjustment(rate=rate)
    if care in ("filed_residence", "emergency"):
        return RateAdjustment(
            rate=rate,
            step=step(
                "异地长期居住备案或急诊：比例与市内一致",
                "filed residence or emergency: local ratio",
                fmt_rate(rate),
                cite=cite,
            ),
        )
    if care == "non_designated":
        return RateAdjustment(
            rate=ZERO,
            step=step(
                "非医保定点医疗机构：基金不予支付",
                "non-designated institution: the fund pays nothing",
                "0%",
                cite=non_designated_cite,
            ),
        )
    if care == "referral":
        cut = case.param("remote.referral_reduction", claim.date)
        zh, en = "市外转诊", "referred out of the city"
    else:
        kinds = case.param("remote.unreferred_kinds", claim.date)
        if claim.kind not in kinds.value:
            raise NotPublished(
                key=f"remote.unreferred.{claim.kind}",
                on=claim.date,
                cite=cite,
                reason="the source states the unreferred reduction only for inpatient, "
                "special-outpatient and listed-drug costs",
            )
        cut = case.param("remote.unreferred_reduction", claim.date)
        zh, en = "未经转诊市外就医", "out of the city without referral"
    adjusted = max(rate - cut.rate, ZERO)
    return RateAdjustment(
        rate=adjusted,
        step=step(
            f"{zh}：降低{fmt_rate(cut.rate)}",
            f"{en}: minus {fmt_rate(cut.rate)} points",
            f"{fmt_rate(rate)} → {fmt_rate(adjusted)}",
            cite=cut,
        ),
    )


def blood_in_scope(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """Blood-use items enter the fund's scope after the patient pays
    ``blood.self_pay`` of them first."""
    if not claim.blood:
        return None
    self_pay = case.param("blood.self_pay", claim.date)
    own = apply_rate(claim.blood, self_pay.rate)
    amount = claim.compliant + claim.blood - own
    return amount, [
        step("用血项目费用", "blood-use items", claim.blood),
        step(
            f"用血个人先行自付{fmt_rate(self_pay.rate)}",
            "blood: patient pays first",
            own,
            cite=self_pay,
        ),
        step("纳入医保范围的合规费用", "compliant amount in scope", amount, cite=self_pay),
    ]
