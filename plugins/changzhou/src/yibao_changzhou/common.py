"""Rules the 常州 schemes share, with no policy numbers in them.

Both schemes' sources word the remote-care reductions (异地就医), the blood-use
self-payment (特殊人员用血), critical-illness bands (大病保险) and medical assistance
(医疗救助) the same way; each scheme's layer calls these helpers with its own
parameters and citations.
"""

from __future__ import annotations

from decimal import Decimal
from typing import get_args

import msgspec
from yibao.case import Case, ClaimGate, Ledger, RateAdjustment, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Claim, ClaimKind
from yibao.money import ZERO, apply_rate, fmt_rate
from yibao.results import LayerPayment, Notice, Step
from yibao.steps import Bands, Cap, Limit, Ratio, Rule, StepKind
from yibao.steps.explain import settle

ALL_KINDS: tuple[str, ...] = get_args(ClaimKind)
BASIC = ("basic_fund", "基本医保统筹基金", "basic medical insurance fund")
CRITICAL = ("critical_illness", "大病保险", "critical-illness insurance")
ASSISTANCE = ("medical_assistance", "医疗救助", "medical assistance")
TILTED = ("tilted_assistance", "倾斜救助", "tilted medical assistance")


def payment(layer: tuple[str, str, str], amount: Decimal, steps: list[Step]) -> LayerPayment:
    """One layer's payment: ``layer`` is ``(name, Chinese label, English label)``."""
    name, zh, en = layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


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


def catalogue_notice(case: Case, claim: Claim, cite: str) -> None:
    """§六(三)1 (职工 §七(三)1): care elsewhere in Jiangsu is judged by Jiangsu's unified
    catalogue, care across provinces by the catalogue of the place of care; the ratio
    rules (§六(三)2) speak of 市外 alone. ``compliant`` is given by the scenario, so the
    catalogue is said, not applied; with ``area`` absent the answer says its reading.
    Called from the claim gate (asked for every claim; the remote-care ratio is compiled
    into settlement plans once, so a notice there would reach only the first answer)."""
    if claim.care in ("local", "non_designated"):
        return
    if claim.area == "province":
        zh, en = "江苏省内", "elsewhere in Jiangsu"
        which_zh, which_en = "江苏省统一的医保目录及范围", "Jiangsu's unified catalogue"
    elif claim.area == "other_province":
        zh, en = "跨省", "in another province"
        which_zh, which_en = "就医地规定的医保目录及范围", "the place of care's catalogue"
    else:
        case.notice(
            Notice(
                kind="interpretation",
                text_zh="未说明市外就医在省内还是跨省（claim.area）：支付比例按“市外”规定，"
                "两者相同；合规费用按所填金额（省内按江苏省统一目录、跨省按就医地目录认定）",
                text_en="care outside the city, province not stated (claim.area): the ratio "
                "rules speak of care outside the city, in Jiangsu or not, so the answer is "
                "the same; the compliant amount is taken as given (Jiangsu's catalogue "
                "within the province, the place of care's across provinces)",
                key="claim.area",
                cite=cite,
            )
        )
        return
    case.notice(
        Notice(
            kind="stated",
            text_zh=f"{zh}异地就医：合规费用按{which_zh}认定（所填合规费用应据此计算）",
            text_en=f"care {en}: compliant costs follow {which_en} (the compliant amount "
            "given should be worked out by it)",
            key="claim.area",
            cite=cite,
        )
    )


def blood_share(case: Case, claim: Claim) -> Decimal | None:
    """The share of a claim's blood-use items the patient pays first (``blood.self_pay``)
    before the rest enters the fund's scope — only for the three blood diseases the
    sources name (``blood.diseases``); ``None`` for any other claim: they stay the
    patient's own. (``Settlement.blood_share``: batch reads it too.)"""
    diseases = case.param("blood.diseases", claim.date)
    if not any(d in diseases.value for d in claim.diseases):
        return None
    return case.param("blood.self_pay", claim.date).rate


def blood_in_scope(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """The compliant amount with the blood-use items that enter the fund's scope
    (:func:`blood_share`), and the steps saying so."""
    if not claim.blood:
        return None
    share = blood_share(case, claim)
    if share is None:
        diseases = case.param("blood.diseases", claim.date)
        if not claim.diseases:
            case.notice(
                Notice(
                    kind="warning",
                    key="blood.diseases",
                    text_zh="用血项目纳入医保限血液系统恶性肿瘤、血友病和再生障碍性贫血：请注明病种",
                    text_en="blood-use items enter the fund's scope only for a blood "
                    "malignancy, haemophilia or aplastic anaemia: name the disease",
                    cite=diseases.source_label,
                )
            )
        return claim.compliant, [
            step(
                "用血项目：非血液系统恶性肿瘤、血友病或再生障碍性贫血，不纳入医保范围",
                "blood-use items: not one of the three blood diseases, outside the fund's scope",
                claim.blood,
                cite=diseases,
            )
        ]
    self_pay = case.param("blood.self_pay", claim.date)
    own = apply_rate(claim.blood, share)
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


def critical_illness_rule(*, cap: bool) -> Rule:
    """Critical illness (大病保险) on what the patient still bears of the compliant cost
    in its scope (``critical_illness.kinds``), cumulative over the year, by the standard
    or the hardship (城乡困难群众) band table; within the province's yearly cap when
    ``cap`` (the region's ``yibao_critical_illness_cap`` hook)."""
    steps: tuple[StepKind, ...] = (
        Bands(
            "critical_illness.bands.{table}",
            running="critical_illness.cost",
            remote=False,
            label=("分段补偿", "band"),
        ),
    )
    if cap:
        steps += (
            Cap(
                "critical_illness.paid",
                hook="critical_illness_cap",
                label=("大病保险年度封顶线", "critical-illness yearly cap"),
            ),
        )
    return Rule(
        layer=CRITICAL,
        kinds="critical_illness.kinds",
        on="remaining",
        select=_critical_illness_table,
        out_of_scope=("不属大病保险范围", "outside critical-illness scope"),
        excluded_care=("non_designated",),
        excluded_label=("非定点机构", "outside critical-illness scope"),
        notice_if_paid=scope_warning,
        steps=steps,
    )


def _critical_illness_table(case: Case, claim: Claim) -> dict[str, str]:
    hardship = bool(recipient_statuses(case, claim.date))
    return {"table": "hardship" if hardship else "standard"}


def critical_illness(rule: Rule, case: Case, claim: Claim, ledger: Ledger, remaining: Decimal):
    """The critical-illness payment: the claim's scope cut first (materials and bed
    fees it states, :func:`critical_illness_scope`), then ``rule`` on what is counted."""
    shown = [
        step(
            "经基本医保后个人负担的合规费用", "compliant cost left after the basic tier", remaining
        )
    ]
    if outside_critical_illness(case, claim) is None:
        counted, scope = critical_illness_scope(case, claim, remaining, shown)
    else:
        counted, scope = remaining, []
    paid = settle(rule, case, claim, ledger, counted)
    if not scope or paid is None:
        return paid
    return msgspec.structs.replace(paid, steps=(*scope, *paid.steps))


def outside_critical_illness(case: Case, claim: Claim) -> LayerPayment | None:
    """A zero critical-illness payment, saying why, for a claim outside its scope
    (``critical_illness.kinds``, or a non-designated institution); ``None`` otherwise."""
    kinds = case.param("critical_illness.kinds", claim.date)
    if claim.kind in kinds.value and claim.care != "non_designated":
        return None
    why = "非定点机构" if claim.care == "non_designated" else "不属大病保险范围"
    return payment(CRITICAL, ZERO, [step(why, "outside critical-illness scope", "—", cite=kinds)])


SCOPE_FACTS = ("special_material_unit_price", "bed_fee_per_day")
"""The claim facts that state what lies outside critical illness's scope."""


def critical_illness_scope(
    case: Case, claim: Claim, remaining: Decimal, shown: list[Step]
) -> tuple[Decimal, list[Step]]:
    """What of ``remaining`` critical illness counts: its scope takes special medical
    materials up to ``critical_illness.material_unit_limit`` a unit and bed fees up to
    the price cap (``critical_illness.bed_fee_cap``, not published), so the parts above
    them that a claim states are left out. ``shown`` (the steps so far) travel with a
    not-published bed-fee cap, so that answer shows what is known."""
    steps: list[Step] = []
    excluded = ZERO
    price = fact(claim, "special_material_unit_price")
    if price is not None:
        cap = case.param("critical_illness.material_unit_limit", claim.date)
        units = fact(claim, "special_material_units") or 1
        over = max(price - cap.money, ZERO) * units
        excluded += over
        steps.append(
            step(
                f"特殊医用材料单价{price}，超过{cap.money}的部分 × {units}不计入",
                f"special material at {price} a unit: the part above {cap.money} × {units} "
                "is left out",
                over,
                cite=cap,
            )
        )
    per_day = fact(claim, "bed_fee_per_day")
    if per_day is not None:
        try:
            cap = case.param("critical_illness.bed_fee_cap", claim.date)
        except NotPublished as exc:
            raise exc.with_steps(
                [
                    *shown,
                    *steps,
                    step(
                        f"床位费{per_day}元/日：大病保险只计最高限价以内，限价未公布",
                        f"bed fee {per_day} a day: critical illness counts it up to a price "
                        "cap the sources do not publish",
                        "未公布 not published",
                        cite=exc.cite,
                    ),
                ]
            ) from None
        days = fact(claim, "bed_days") or 1
        over = max(per_day - cap.money, ZERO) * days
        excluded += over
        steps.append(
            step(
                f"床位费超过最高限价{cap.money}元/日的部分 × {days}日不计入",
                f"bed fee above the cap of {cap.money} a day × {days} days is left out",
                over,
                cite=cap,
            )
        )
    if not steps:
        return remaining, steps
    counted = max(remaining - excluded, ZERO)
    steps.append(step("计入大病保险的个人负担", "counted for critical illness", counted))
    return counted, steps


def scope_warning(case: Case, claim: Claim) -> Notice | None:
    """The warning an answer carries when critical illness paid on a claim that states
    no special materials or bed fees: it assumed every unit and every day in scope."""
    if any(fact(claim, name) is not None for name in SCOPE_FACTS):
        return None
    key = "critical_illness.material_unit_limit"
    cap = case.param(key, claim.date)
    return Notice(
        kind="warning",
        key="critical_illness.scope",
        text_zh=f"大病保险按费用均在保障范围内计算（特殊医用材料单价{cap.money}元以内、"
        "床位费最高限价以内）；如有超出，请在费用中注明材料单价或床位费",
        text_en=f"critical illness assumes every special material is at most {cap.money} "
        "a unit and every bed fee within the price cap; state the unit price or the bed "
        "fee on the claim if not",
        cite=cap.source_label,
    )


def drugs_rule(cite: str) -> Rule:
    """双通道药品 and 罕见病药品 at their own ratios (``drug.rate.dual_channel``,
    ``drug.rate.rare_disease``): the same rule in both schemes, with each scheme's
    ratios and clause."""
    return Rule(
        layer=BASIC,
        kinds=("dual_channel_drug", "rare_disease_drug"),
        select=_drug_selection,
        cite=cite,
        steps=(Ratio("drug.rate.{drug}"),),
    )


def _drug_selection(case: Case, claim: Claim) -> dict[str, str]:
    return {"drug": "dual_channel" if claim.kind == "dual_channel_drug" else "rare_disease"}


def assistance_rule(cite: str) -> Rule:
    """Medical assistance on what the insurance layers left: ``assistance.rate.full``
    for the groups in ``assistance.full_rate_groups``, ``assistance.rate.other`` for
    other recipients, ``assistance.rare_disease_rate`` on rare-disease drugs where a
    scheme publishes one; within the yearly limits (on payment) for general outpatient
    and for everything else. No layer at all for a person who is no recipient; nothing
    at a non-designated institution."""
    return Rule(
        layer=ASSISTANCE,
        kinds=ALL_KINDS,
        on="remaining",
        select=_assistance_selection,
        cite=cite,
        excluded_care=("non_designated",),
        excluded_label=("非定点机构", "non-designated institution"),
        steps=(
            Ratio("assistance.{ratio}", remote=False, label=("救助比例", "assistance ratio")),
            Limit(
                "assistance.{bucket}",
                cap="assistance.limit.{bucket}",
                basis="payment",
                label=("医疗救助年度限额", "medical assistance yearly limit"),
            ),
        ),
    )


def _assistance_selection(case: Case, claim: Claim) -> dict[str, str] | None:
    statuses = recipient_statuses(case, claim.date)
    if not statuses:
        return None
    bucket = "general_outpatient" if claim.kind == "general_outpatient" else "other"
    rare = "assistance.rare_disease_rate"
    if claim.kind == "rare_disease_drug" and rare in case.params.known_keys():
        ratio = "rare_disease_rate"
    elif any(s in case.param("assistance.full_rate_groups", claim.date).value for s in statuses):
        ratio = "rate.full"
    else:
        ratio = "rate.other"
    return {"ratio": ratio, "bucket": bucket}


def disease_limit(case: Case, claim: Claim, disease: str) -> str | None:
    """The key of the special-outpatient yearly limit for ``disease`` (``None`` when it has
    none); an organ transplant's depends on whether the first year after surgery is over."""
    if disease == "child_ghd" and fact(claim, "ghd_maintenance_dose"):
        return "special.limit.child_ghd.maintenance"
    if disease != "organ_transplant":
        key = f"special.limit.{disease}"
        return key if case.find_param(key, claim.date) is not None else None
    months = fact(claim, "months_since_transplant")
    if months is None:
        raise NotPublished(
            key="claims[].months_since_transplant",
            on=claim.date,
            reason="the transplant limit depends on the year after surgery; "
            "give months_since_transplant",
        )
    first_year = case.param("special.organ_transplant.first_year_months", claim.date)
    which = "first_year" if months < first_year.integer else "later"
    return f"special.limit.organ_transplant.{which}"


def special_limit(case: Case, claim: Claim) -> tuple[str, str] | None:
    """The per-disease yearly limit a special-outpatient claim counts against, as
    ``(disease, parameter key)``; ``None`` when none of its diseases has one.

    The limits are set per disease and a bill is not itemised by disease, so a claim
    naming several diseases, one of them limited, cannot be split between them: that
    raises :class:`NotPublished` asking for one claim per disease
    (docs/interpretations.md).
    """
    limited = []
    for disease in claim.diseases:
        key = disease_limit(case, claim, disease)
        if key is not None:
            limited.append((disease, key))
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


def special_limit_selection(case: Case, claim: Claim) -> dict[str, str]:
    """The ``disease`` and its limit's key (``limit``) for a rule's selection: both empty
    when the claim's disease has no limit of its own (the limit step is then skipped)."""
    found = special_limit(case, claim)
    disease, key = found if found is not None else ("", "")
    return {"disease": disease, "limit": key}


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


# 零星报销 (resident §六(四)2, employee §七(四)2): what a person brings when care outside
# the city was not settled directly. Both sources print the same list.
REIMBURSEMENT_DOCUMENTS = (
    "1.医保电子凭证或有效身份证件或社保卡；2.医疗收费票据；3.费用明细清单；4.处方病历资料或诊断证明或出院小结；"
    "5.本人银行借记卡；6.代办人身份证；7.其它：意外伤害就医的应提供交通事故责任认定书、法院判决书、调解协议书等"
    "公检法部门出具的相关证明材料，无法提供的应先填写个人承诺书，急诊需提供急诊诊断证明",
    "1. medical insurance e-voucher, valid ID or social security card; 2. medical receipts; "
    "3. itemised bill; 4. prescriptions and records, or a diagnosis certificate, or the "
    "discharge summary; 5. the patient's own debit card; 6. the agent's ID card; 7. "
    "otherwise: for an accident, the traffic-accident liability finding, a court judgment "
    "or a mediation agreement (or first a personal undertaking), for an emergency the "
    "emergency diagnosis certificate",
)

CHECKLIST_CLASSES = {
    "filed_residence": ("办理异地就医的三类人员在异地未联网刷卡", "filed for care elsewhere"),
    "emergency": ("办理异地就医的人员异地急诊未联网刷卡", "emergency elsewhere"),
    "referral": ("办理市外转院转诊手续人员在异地未联网刷卡", "referred out of the city"),
    "unreferred": ("未按规定办理转诊手续直接到市外就医", "out of the city without referral"),
}


def reimbursement_checklist(case: Case, claim: Claim, cite: str) -> None:
    """The documents for 零星报销 when care outside the city could not be settled
    directly (yibao cannot tell whether it was, so every such claim carries the list):
    outpatient and inpatient care of filed, emergency and referred patients;
    unreferred care only for the kinds ``remote.unreferred_kinds`` names (特定病、双通道
    药品和住院费用)."""
    which = CHECKLIST_CLASSES.get(claim.care)
    if which is None:
        return
    if claim.care == "unreferred":
        kinds = case.param("remote.unreferred_kinds", claim.date)
        if claim.kind not in kinds.value:
            return
    zh, en = which
    case.notice(
        Notice(
            kind="checklist",
            key="reimbursement.documents",
            text_zh=f"市外就医未能直接结算、回参保地零星报销时需携带的材料（{zh}）：{REIMBURSEMENT_DOCUMENTS[0]}",
            text_en=f"documents to bring for reimbursement when care outside the city was not "
            f"settled directly ({en}): {REIMBURSEMENT_DOCUMENTS[1]}",
            cite=cite,
        )
    )
