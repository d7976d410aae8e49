"""Rules the 常州 schemes share, with no policy numbers in them.

Both schemes' sources word the remote-care reductions (异地就医), the blood-use
self-payment (特殊人员用血), critical-illness bands (大病保险) and medical assistance
(医疗救助) the same way; each scheme's layer calls these helpers with its own
parameters and citations.
"""

from __future__ import annotations

from decimal import Decimal

from yibao.calc import banded
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Claim
from yibao.money import ZERO, apply_rate, fmt_rate, round_fen
from yibao.params import Param
from yibao.results import LayerPayment, Step

BASIC = ("basic_fund", "基本医保统筹基金", "basic medical insurance fund")
CRITICAL = ("critical_illness", "大病保险", "critical-illness insurance")
ASSISTANCE = ("medical_assistance", "医疗救助", "medical assistance")
TILTED = ("tilted_assistance", "倾斜救助", "tilted medical assistance")


def payment(layer: tuple[str, str, str], amount: Decimal, steps: list[Step]) -> LayerPayment:
    """One layer's payment: ``layer`` is ``(name, Chinese label, English label)``."""
    name, zh, en = layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


def limit(ledger: Ledger, key: str, cap: Param, basis: str, zh: str, en: str) -> Decimal:
    """What remains of the yearly limit ``cap`` under ``key`` (``basis``: cost or payment)."""
    return ledger.limit(
        key,
        cap.money,
        label_zh=zh,
        label_en=en,
        basis=basis,  # type: ignore[arg-type]
        cite=cap.source_label,
    )


def recipient_statuses(case: Case, on) -> list[str]:
    """The person's statuses that make them a medical-assistance recipient."""
    recipients = case.param("assistance.recipients", on)
    return [a for a in case.person.assistance if a in recipients.value]


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


def outside_critical_illness(case: Case, claim: Claim) -> LayerPayment | None:
    """A zero critical-illness payment, saying why, for a claim outside its scope
    (``critical_illness.kinds``, or a non-designated institution); ``None`` otherwise."""
    kinds = case.param("critical_illness.kinds", claim.date)
    if claim.kind in kinds.value and claim.care != "non_designated":
        return None
    why = "非定点机构" if claim.care == "non_designated" else "不属大病保险范围"
    return payment(CRITICAL, ZERO, [step(why, "outside critical-illness scope", "—", cite=kinds)])


def critical_illness_bands(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> tuple[Decimal, list[Step], Param]:
    """Critical illness on ``remaining`` (what the patient still bears after the basic
    tier), cumulative over the year, by the standard or the hardship (城乡困难群众) band
    table: the amount rounded once, before any yearly cap; its steps; the table used."""
    hardship = bool(recipient_statuses(case, claim.date))
    bands = case.param(
        f"critical_illness.bands.{'hardship' if hardship else 'standard'}", claim.date
    )
    before = ledger.used("critical_illness.cost")
    ledger.add("critical_illness.cost", remaining)
    steps = [
        step(
            "经基本医保后个人负担的合规费用", "compliant cost left after the basic tier", remaining
        ),
        step("年度内此前累计", "cumulative before this claim", before),
    ]
    if hardship:
        steps.append(step("城乡困难群众标准", "hardship table", "✓", cite=bands))
    shares = banded(before, remaining, bands.bands)
    steps += [step("分段补偿", "band", s.describe(), cite=bands) for s in shares]
    return round_fen(sum((s.payment for s in shares), ZERO)), steps, bands


def medical_assistance(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal, *, cite: str
) -> LayerPayment | None:
    """Medical assistance on what the insurance layers left: ``assistance.rate.full``
    for the groups in ``assistance.full_rate_groups``, ``assistance.rate.other`` for
    other recipients, ``assistance.rare_disease_rate`` on rare-disease drugs where a
    scheme publishes one; within the yearly limits for general outpatient and for
    everything else. ``None`` for a person who is no recipient."""
    statuses = recipient_statuses(case, claim.date)
    if not statuses:
        return None
    if claim.care == "non_designated":
        return payment(
            ASSISTANCE, ZERO, [step("非定点机构", "non-designated institution", "—", cite=cite)]
        )
    ratio = _assistance_ratio(case, claim, statuses)
    bucket = "general_outpatient" if claim.kind == "general_outpatient" else "other"
    cap = case.param(f"assistance.limit.{bucket}", claim.date)
    room = limit(
        ledger,
        f"assistance.{bucket}",
        cap,
        "payment",
        f"医疗救助年度限额（{'普通门诊' if bucket != 'other' else '住院等'}）",
        f"medical assistance yearly limit ({bucket})",
    )
    amount = min(apply_rate(remaining, ratio.rate), room)
    ledger.add(f"assistance.{bucket}", amount)
    steps = [
        step("救助对象类别", "recipient status", ", ".join(statuses), cite=ratio),
        step(f"救助比例 {fmt_rate(ratio.rate)}", "ratio", fmt_rate(ratio.rate), cite=ratio),
        step("年度限额剩余", "what remains of the yearly limit", room, cite=cap),
        step(f"医疗救助 = {remaining} × {fmt_rate(ratio.rate)}", "assistance pays", amount),
    ]
    return payment(ASSISTANCE, amount, steps)


def _assistance_ratio(case: Case, claim: Claim, statuses: list[str]) -> Param:
    rare = "assistance.rare_disease_rate"
    if claim.kind == "rare_disease_drug" and rare in case.params.known_keys():
        return case.param(rare, claim.date)
    full = case.param("assistance.full_rate_groups", claim.date)
    if any(s in full.value for s in statuses):
        return case.param("assistance.rate.full", claim.date)
    return case.param("assistance.rate.other", claim.date)


def disease_limit(case: Case, claim: Claim, disease: str) -> Param | None:
    """The special-outpatient yearly limit for ``disease`` (``None`` when it has none);
    an organ transplant's depends on whether the first year after surgery is over."""
    if disease != "organ_transplant":
        return case.find_param(f"special.limit.{disease}", claim.date)
    months = fact(claim, "months_since_transplant")
    if months is None:
        raise NotPublished(
            key="claims[].months_since_transplant",
            on=claim.date,
            reason="the transplant limit depends on the year after surgery; "
            "give months_since_transplant",
        )
    which = "first_year" if months < 12 else "later"
    return case.param(f"special.limit.organ_transplant.{which}", claim.date)


def banded_pay(
    case: Case, claim: Claim, before: Decimal, amount: Decimal, bands: Param
) -> tuple[Decimal, list[Step]]:
    """Pay ``amount`` of a running total standing at ``before`` over ``bands``, each
    band's ratio after the remote-care rule; the total rounded once."""
    total = ZERO
    steps: list[Step] = []
    remote: Step | None = None
    for share in banded(before, amount, bands.bands):
        rate, remote = case.remote_care(claim, share.band.rate)
        total += share.portion * rate
        steps.append(
            step(
                "分段支付",
                "band",
                share.describe().replace(
                    f"× {fmt_rate(share.band.rate)} = {round_fen(share.payment)}",
                    f"× {fmt_rate(rate)} = {round_fen(share.portion * rate)}",
                ),
                cite=bands,
            )
        )
    if remote is not None:
        steps.append(remote)
    return round_fen(total), steps


def special_limit(case: Case, claim: Claim) -> tuple[str, Param] | None:
    """The per-disease yearly limit a special-outpatient claim counts against, as
    ``(disease, limit)``; ``None`` when none of its diseases has one.

    The limits are set per disease and a bill is not itemised by disease, so a claim
    naming several diseases, one of them limited, cannot be split between them: that
    raises :class:`NotPublished` asking for one claim per disease
    (docs/interpretations.md).
    """
    limited = []
    for disease in claim.diseases:
        cap = disease_limit(case, claim, disease)
        if cap is not None:
            limited.append((disease, cap))
    if not limited:
        return None
    if len(claim.diseases) > 1:
        raise NotPublished(
            key="claims[].diseases",
            on=claim.date,
            reason=f"{limited[0][0]} has its own yearly limit and a claim naming "
            f"{len(claim.diseases)} diseases cannot be split between them; "
            "give one claim per disease",
        )
    return limited[0]


def unlisted_disease_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """A chronic or special outpatient claim naming no disease, or one not on the
    scheme's list (``chronic.diseases`` / ``special.diseases``), is refused."""
    key = "chronic.diseases" if claim.kind == "chronic_outpatient" else "special.diseases"
    listed = case.param(key, claim.date)
    unlisted = [d for d in claim.diseases if d not in listed.value]
    if claim.diseases and not unlisted:
        return None
    return ClaimGate(
        status="refused",
        step=step(
            "病种不在待遇病种范围内",
            "disease not on the list",
            ", ".join(unlisted) or "none given",
            cite=listed,
        ),
    )
