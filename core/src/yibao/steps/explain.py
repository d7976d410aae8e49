"""The explained executor: a plan run in Decimal, every step said with its citation.

Used wherever a person reads the answer (single cases, compare, the TUI, reports,
``yibao batch --explain``) and from a region's Python hooks, which run their declared
rules through :func:`settle`. The integer executor (:mod:`yibao.steps.fen`) and the
compiled one give the same amounts (tests/steps/).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from yibao.calc import banded
from yibao.case import Ledger, step
from yibao.money import ZERO, fmt_rate, round_fen
from yibao.results import LayerPayment, Step
from yibao.steps import Rule
from yibao.steps.plan import (
    OutOfScope,
    PBands,
    PCap,
    PDeductible,
    Plan,
    PLimit,
    PRatio,
    PTopUp,
    compile_rule,
)

if TYPE_CHECKING:
    from yibao.case import Case
    from yibao.model import Claim


def settle(
    rule: Rule, case: Case, claim: Claim, ledger: Ledger, amount: Decimal
) -> LayerPayment | None:
    """``rule``'s payment on ``amount`` of ``claim`` (the compliant amount, or what the
    patient still bears), recorded on ``ledger``; ``None`` when the rule does not apply
    to the claim."""
    plan = compile_rule(rule, case, claim)
    if plan is None:
        return None
    if isinstance(plan, OutOfScope):
        return _payment(plan.rule, ZERO, [step(*plan.why, "—", cite=plan.cite)])
    paid, steps = run(plan, claim, ledger, amount)
    if paid > ZERO and plan.notice_if_paid is not None:
        case.notice(plan.notice_if_paid)
    return _payment(rule, paid, steps)


def _payment(rule: Rule, amount: Decimal, steps: list[Step]) -> LayerPayment:
    name, zh, en = rule.layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


def run(plan: Plan, claim: Claim, ledger: Ledger, amount: Decimal) -> tuple[Decimal, list[Step]]:
    """Run ``plan`` on ``amount``: the payment (rounded to the fen) and its steps.

    ``counted`` is the amount after the cost limits (what the claim brings to a running
    total, and what a top-up is a ratio of); ``base`` is ``counted`` less the deductible
    (what a ratio applies to)."""
    on_zh, on_en = ON[plan.rule.on]
    steps = [step(on_zh, on_en, amount)]
    counted = amount
    deducted = ZERO
    pay: Decimal | None = None
    last: list[PLimit | PCap] = []  # payment limits and caps cut the payment at the end
    for s in plan.steps:
        if isinstance(s, PLimit):
            if s.basis == "payment":
                last.append(s)
            else:
                counted = _cost_limit(s, plan, ledger, counted, steps)
        elif isinstance(s, PDeductible):
            deducted = min(_deductible(s, claim, ledger, steps), counted)
        elif isinstance(s, PRatio):
            pay = _ratio(s, counted - deducted, steps)
        elif isinstance(s, PBands):
            pay = _bands(s, ledger, counted, deducted, steps)
        elif isinstance(s, PCap):
            last.append(s)
        elif isinstance(s, PTopUp) and plan.pays and pay is not None:
            pay = _top_up(s, counted, pay, steps)
    pay = pay if pay is not None else ZERO
    for s in last:
        pay = _cap_payment(s, ledger, pay, steps)
    return pay, steps


ON = {
    "compliant": ("合规费用", "compliant amount"),
    "remaining": ("经前一层后个人负担的合规费用", "compliant cost the patient still bears"),
}


def _ratio(s: PRatio, base: Decimal, steps: list[Step]) -> Decimal:
    pay = round_fen(base * s.rate)
    shown = fmt_rate(s.ratio.rate)
    steps.append(step(f"{s.label[0]} {shown}", s.label[1], shown, cite=s.ratio))
    if s.remote is not None:
        steps.append(s.remote)
    steps.append(
        step(f"支付 = {base} × {fmt_rate(s.rate)}", f"pays {base} × {fmt_rate(s.rate)}", pay)
    )
    return pay


def _top_up(s: PTopUp, counted: Decimal, pay: Decimal, steps: list[Step]) -> Decimal:
    floor = round_fen(counted * s.floor.rate)
    if pay >= floor:
        return pay
    shown = fmt_rate(s.floor.rate)
    steps.append(step(f"{s.label[0]}{shown}", f"{s.label[1]} {shown}", floor, cite=s.floor))
    return floor


def _cost_limit(s: PLimit, plan: Plan, ledger: Ledger, base: Decimal, steps: list[Step]) -> Decimal:
    room = ledger.limit(
        s.ledger,
        s.cap.money,
        label_zh=s.label[0],
        label_en=s.label[1],
        basis="cost",
        cite=s.cap.source_label,
    )
    counted = min(base, room) if plan.pays else ZERO
    ledger.add(s.ledger, counted)
    if counted < base and plan.pays:
        steps.append(
            step(
                f"年度限额剩余 {room}，超出部分基金不予支付",
                "yearly limit: only the part within it counts",
                counted,
                cite=s.cap,
            )
        )
    return counted


def _deductible(s: PDeductible, claim: Claim, ledger: Ledger, steps: list[Step]) -> Decimal:
    """The deductible for this admission: the first or a later one by the admission
    number (the claim's own, else counted on the ledger)."""
    number = 1
    if s.counter is not None:
        number = int(ledger.used(s.counter)) + 1
        ledger.add(s.counter, Decimal(1))
        if claim.admission is not None:
            number = claim.admission
    chosen = s.later if (s.later is not None and number > 1) else s.first
    which = "" if s.later is None else ("（首次）" if number == 1 else "（二次及以上）")
    steps.append(step(f"{s.label[0]}{which}", s.label[1], chosen.money, cite=chosen))
    return chosen.money


def _bands(
    s: PBands, ledger: Ledger, counted: Decimal, deducted: Decimal, steps: list[Step]
) -> Decimal:
    """The part of the running total the claim occupies, above its deductible, paid
    band by band; rounded once."""
    before = ledger.used(s.running)
    ledger.add(s.running, counted)
    steps.append(step("年度内此前累计", "cumulative before this claim", before))
    total = ZERO
    bands = s.bands.bands
    for share in banded(before + deducted, counted - deducted, bands):
        rate = s.rates[bands.index(share.band)]
        paid = share.portion * rate
        total += paid
        upto = share.band.upto if share.band.upto is not None else "∞"
        steps.append(
            step(
                s.label[0],
                s.label[1],
                f"{share.portion} in {share.band.above}–{upto} × {fmt_rate(rate)} "
                f"= {round_fen(paid)}",
                cite=s.bands,
            )
        )
    if s.remote is not None:
        steps.append(s.remote)
    return round_fen(total)


def _cap_payment(s: PLimit | PCap, ledger: Ledger, pay: Decimal, steps: list[Step]) -> Decimal:
    if isinstance(s, PLimit):
        cap, cite, extra = s.cap.money, s.cap.source_label, ()
    else:
        if s.cap is None:
            steps += list(s.steps)
            ledger.add(s.ledger, pay)
            return pay
        cap, cite, extra = s.cap, s.cite, s.steps
    room = ledger.limit(
        s.ledger,
        cap,
        label_zh=s.label[0],
        label_en=s.label[1],
        basis="payment",
        cite=cite,
        steps=extra,
    )
    if pay > room:
        steps += list(extra)
        steps.append(step("达到年度限额", "yearly limit reached", room, cite=cite))
        pay = room
    ledger.add(s.ledger, pay)
    return pay
