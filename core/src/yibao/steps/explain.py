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
from yibao.money import ZERO, apply_rate, fmt_rate, round_fen
from yibao.params import Param
from yibao.results import LayerPayment, Step
from yibao.steps import Label, Rule
from yibao.steps.plan import (
    OutOfScope,
    PBands,
    PCap,
    PDeductible,
    Plan,
    PLimit,
    PRatio,
    PSubsidy,
    PTopUp,
    PWindow,
    Unsettled,
    applies,
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
    to the claim. A rule with a subsidy pays it too: :func:`settle_layers` gives both."""
    found = _settle(rule, case, claim, ledger, amount)
    return None if found is None else found[0]


def settle_layers(
    rule: Rule, case: Case, claim: Claim, ledger: Ledger, amount: Decimal
) -> list[LayerPayment]:
    """Every payment ``rule`` makes on ``amount``: its own, then its subsidy's — when it
    declares one, or when a rule it passed cost on to paid one; empty when the rule does
    not apply to the claim."""
    found = _settle(rule, case, claim, ledger, amount)
    if found is None:
        return []
    own, subsidy = found
    return [own] if subsidy is None else [own, subsidy]


def _settle(
    rule: Rule,
    case: Case,
    claim: Claim,
    ledger: Ledger,
    amount: Decimal,
    *,
    any_kind: bool = False,
) -> tuple[LayerPayment, LayerPayment | None] | None:
    """The rule's own payment and its subsidy's (``None``: none), or ``None`` when the
    rule does not apply; ``any_kind``: cost another rule passed on."""
    if rule.nothing_left is not None and amount <= ZERO and applies(rule, case, claim):
        return _payment(rule.layer, ZERO, [step(*rule.nothing_left, "—", cite=rule.cite)]), None
    plan = compile_rule(rule, case, claim, any_kind=any_kind)
    if plan is None:
        return None
    if isinstance(plan, OutOfScope):
        return _payment(rule.layer, ZERO, [step(*plan.why, "—", cite=plan.cite)]), None
    if isinstance(plan, Unsettled):
        for gap in plan.gaps[1:]:
            case.not_published(gap)
        raise plan.gaps[0].with_steps(partial_steps(plan, amount))
    trace: dict[str, object] | None = {} if plan.subsidy or rule.passes_on else None
    paid, steps = run(plan, claim, ledger, amount, trace)
    if paid > ZERO and plan.notice_if_paid is not None:
        case.notice(plan.notice_if_paid)
    subsidy: tuple[Decimal, list[Step]] | None = None
    layer = plan.subsidy.layer if plan.subsidy is not None else None
    if plan.subsidy is not None:
        subsidy = _subsidy(plan.subsidy, trace["interval"])  # type: ignore[index]
    overflow = trace.get("overflow") if trace is not None else None
    if overflow is not None and rule.passes_on:
        steps.append(
            step(
                "超出限额的费用按下一项规定支付",
                "the cost beyond the limit: settled under the next rule",
                overflow,
                cite=rule.cite,
            )
        )
        found = pass_on(rule.passes_on, case, claim, ledger, overflow)  # type: ignore[arg-type]
        if found is not None:
            own, more = found
            paid += own.amount
            steps += own.steps
            if more is not None:
                shown = subsidy[1] if subsidy is not None else []
                total = subsidy[0] if subsidy is not None else ZERO
                subsidy = (total + more.amount, [*more.steps, *shown])
                layer = (more.layer, more.label_zh, more.label_en)
    own_payment = _payment(rule.layer, paid, steps)
    if subsidy is None or layer is None:
        return own_payment, None
    return own_payment, _payment(layer, subsidy[0], subsidy[1])


def pass_on(
    rules: tuple[Rule, ...], case: Case, claim: Claim, ledger: Ledger, amount: Decimal
) -> tuple[LayerPayment, LayerPayment | None] | None:
    """Cost passed on (``Rule.passes_on``, or a whole claim a region's hook passes on):
    the first of ``rules`` whose selection applies settles ``amount``, whatever the
    claim's kind — its own payment and its subsidy's (``None``: none); ``None`` when no
    rule applies."""
    for then in rules:
        found = _settle(then, case, claim, ledger, amount, any_kind=True)
        if found is not None:
            return found
    return None


def _payment(layer: tuple[str, str, str], amount: Decimal, steps: list[Step]) -> LayerPayment:
    name, zh, en = layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


def run(
    plan: Plan,
    claim: Claim,
    ledger: Ledger,
    amount: Decimal,
    trace: dict[str, object] | None = None,
) -> tuple[Decimal, list[Step]]:
    """Run ``plan`` on ``amount``: the payment (rounded to the fen) and its steps.

    ``counted`` is the amount after the cost limits (what the claim brings to a running
    total, and what a top-up is a ratio of); ``base`` is ``counted`` less the deductible
    (what a ratio applies to). ``trace``, when given, receives the part of the running
    total the claim occupies (``interval``, what a subsidy pays on) and what a limit
    with ``overflow`` leaves (``overflow``; ``None`` when nothing passes on)."""
    on_zh, on_en = ON[plan.rule.on]
    steps = [step(on_zh, on_en, amount)]
    counted = amount
    deducted = ZERO
    pay: Decimal | None = None
    overflow: Decimal | None = None
    interval = (ZERO, ZERO)
    last: list[PLimit | PCap] = []  # payment limits and caps cut the payment at the end
    for s in plan.steps:
        if isinstance(s, PLimit):
            if s.basis == "payment":
                last.append(s)
            else:
                within = _cost_limit(s, plan, ledger, counted, steps)
                if s.overflow and within < counted:
                    overflow = (overflow or ZERO) + counted - within
                counted = within
        elif isinstance(s, PDeductible):
            deducted = min(_deductible(s, claim, ledger, steps), counted)
        elif isinstance(s, PRatio):
            pay = _ratio(s, counted - deducted, steps)
        elif isinstance(s, PBands):
            interval = _interval(ledger, s.running, counted, deducted)
            pay = _bands(s, ledger, counted, deducted, steps)
        elif isinstance(s, PWindow):
            interval = _interval(ledger, s.running, counted, ZERO)
            pay = _window(s, ledger, counted, steps)
        elif isinstance(s, PCap):
            last.append(s)
        elif isinstance(s, PTopUp) and plan.pays and pay is not None:
            pay = _top_up(s, counted, pay, steps)
    pay = pay if pay is not None else ZERO
    for s in last:
        uncut = pay
        pay = _cap_payment(s, ledger, pay, steps)
        if isinstance(s, PLimit) and s.overflow and pay < uncut and plan.rate:
            base = counted - deducted
            overflow = (overflow or ZERO) + base - min(round_fen(pay / plan.rate), base)
    if trace is not None:
        trace["interval"] = interval
        trace["overflow"] = overflow
    return pay, steps


def _interval(ledger: Ledger, running: str, counted: Decimal, deducted: Decimal):  # type: ignore[no-untyped-def]
    """The part of the running total under ``running`` the claim occupies above its
    deductible (before the claim is added)."""
    before = ledger.used(running)
    return before + deducted, before + counted


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
    counts = plan.pays or s.counts_unpaid
    counted = min(base, room) if counts else ZERO
    ledger.add(s.ledger, counted)
    if counted < base and counts:
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


def _window(s: PWindow, ledger: Ledger, counted: Decimal, steps: list[Step]) -> Decimal:
    """The part of the running total the claim occupies between the yearly deductible
    and the limit (or the lower position), paid at the ratio."""
    before = ledger.used(s.running)
    ledger.limit(
        s.running,
        s.limit.money,
        label_zh=s.limit_label[0],
        label_en=s.limit_label[1],
        basis="cost",
        cite=s.limit.source_label,
    )
    ledger.add(s.running, counted)
    portion = max(min(before + counted, s.top) - max(before, s.above.money), ZERO)
    steps += [
        step("年度内此前累计", "cumulative before this claim", before),
        step("年度起付标准", "yearly deductible", s.above.money, cite=s.above),
        step(*s.limit_label, s.limit.money, cite=s.limit),
    ]
    if s.within is not None:
        steps.append(step(*s.within_label, s.within.money, cite=s.within))
    steps.append(
        step("起付标准以上、限额以内的费用", "cost above the deductible, within the limit", portion)
    )
    return _ratio(PRatio(s.ratio, s.rate, s.remote, s.label), portion, steps)


def _subsidy(s: PSubsidy, interval: tuple[Decimal, Decimal]) -> tuple[Decimal, list[Step]]:
    """The subsidy's bands on the part of the running total the rule worked on."""
    low, high = interval
    steps: list[Step] = []
    total = ZERO
    bands = s.bands.bands
    for share in banded(low, high - low, bands):
        rate = s.rates[bands.index(share.band)]
        total += share.portion * rate
        upto = share.band.upto if share.band.upto is not None else "∞"
        steps.append(
            step(
                s.label[0],
                s.label[1],
                f"{share.portion} in {share.band.above}–{upto} × {fmt_rate(rate)} "
                f"= {round_fen(share.portion * rate)}",
                cite=s.bands,
            )
        )
    if s.remote is not None:
        steps.append(s.remote)
    paid = round_fen(total)
    _, zh, en = s.layer
    steps.append(step(f"{zh}支付", f"{en} pays", paid, cite=s.bands))
    return paid, steps


def partial_steps(plan: Unsettled, amount: Decimal) -> list[Step]:
    """What a ``partial`` rule shows when values are missing: the amount, each value
    found (a ratio with its remote-care step and the bound it sets before the
    deductible), then each missing key."""
    on_zh, on_en = ON[plan.rule.on]
    steps = [step(on_zh, on_en, amount)]
    rate: Decimal | None = None
    for s in plan.found:
        if isinstance(s, PRatio | PWindow):
            shown = fmt_rate(s.ratio.rate)
            steps.append(step(f"{s.label[0]} {shown}", s.label[1], shown, cite=s.ratio))
            if s.remote is not None:
                steps.append(s.remote)
            rate = s.rate
        else:
            steps += [step(*label, value.money, cite=value) for label, value in _values(s)]
    if rate is not None:
        _, zh, en = plan.rule.layer
        steps.append(
            step(
                f"{zh}支付不超过 {amount} × {fmt_rate(rate)}（未扣起付标准）",
                f"the {en} pays at most {amount} × {fmt_rate(rate)} (before the deductible)",
                apply_rate(amount, rate),
            )
        )
    steps += [
        step(f"{g.key}：未公布", f"{g.key}: not published", "未公布 not published", cite=g.cite)
        for g in plan.gaps
    ]
    return steps


def _values(s) -> list[tuple[Label, Param]]:  # type: ignore[no-untyped-def]
    """The money values a step found, with their labels (for a partial answer)."""
    if isinstance(s, PDeductible):
        return [(s.label, s.first)]
    if isinstance(s, PLimit):
        return [(s.label, s.cap)]
    return []


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
