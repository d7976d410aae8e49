"""The explained executor: a plan run in Decimal, every step said with its citation.

Used wherever a person reads the answer (single cases, compare, the TUI, reports,
``yibao batch --explain``) and from a region's Python hooks, which run their declared
rules through :func:`settle`. The integer executor (:mod:`yibao.steps.fen`) and the
compiled one give the same amounts (tests/steps/).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from yibao.calc import banded
from yibao.case import Ledger, step
from yibao.memo import circumstances
from yibao.money import ZERO, fmt_money, fmt_rate, round_fen
from yibao.params import Param
from yibao.results import LayerPayment, Step
from yibao.steps import Rule
from yibao.steps.plan import (
    OutOfScope,
    PBands,
    PCap,
    PDeductible,
    Plan,
    PlanStep,
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
    found = _prepared(rule, case, claim)
    if found is None or found.__class__ is LayerPayment:
        return found  # type: ignore[return-value]
    plan = found.plan  # type: ignore[union-attr]
    paid, steps = _run(found, claim, ledger, amount)  # type: ignore[arg-type]
    if paid > ZERO and plan.notice_if_paid is not None:
        case.notice(plan.notice_if_paid)
    name, zh, en = rule.layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=paid, steps=tuple(steps))


def _prepared(rule: Rule, case: Case, claim: Claim) -> Prepared | LayerPayment | None:
    """``rule``'s plan for ``claim`` with its explanation prepared (:func:`prepare`), or
    the zero payment of a claim outside its scope: from the case's memo when this
    person-year and these circumstances were compiled before (:mod:`yibao.memo`), the
    notices compiling gave said again; else compiled, and kept when the case has a memo."""
    memo = case.memo
    if memo is None:
        return prepare(compile_rule(rule, case, claim))
    key = (id(rule), case.memo_token, circumstances(claim))
    known = memo.plans.get(key)
    if known is None or known[0] is not rule:
        kept, case.notices = case.notices, []  # what compiling says, in full
        try:
            found = prepare(compile_rule(rule, case, claim))
        finally:
            said, case.notices = case.notices, kept
            for notice in said:
                case.notice(notice)
        # the rule is kept with its plan, so its id is not reused while the plan is kept
        memo.remember_plan(key, (rule, found, tuple(said)))
        return found
    for notice in known[2]:
        case.notice(notice)
    return known[1]


# -------------------------------------------------------------------------------------
# A plan's explanation, prepared once: what does not depend on the amount
# -------------------------------------------------------------------------------------


class Prepared(NamedTuple):
    """A plan with, step by step, the parts of its explanation that do not depend on
    the amount (labels, rates as shown, citations, whole steps), so that running it
    builds only the steps that carry amounts."""

    plan: Plan
    steps: tuple[tuple[PlanStep, Any], ...]
    """Each plan step with its template (see :func:`_template`)."""
    on: tuple[str, str]
    """The label of the amount the layer starts from."""


class _Cite(NamedTuple):
    """A parameter's citation as a step shows it."""

    label: str
    carried: int | None

    @classmethod
    def of(cls, param: Param) -> _Cite:
        carried = param.source_year if param.carried_into is not None else None
        return cls(param.source_label, carried)


class _Ratio(NamedTuple):
    said: Step
    """The ratio, as the source gives it."""
    shown: str
    """The ratio applied (after the remote-care rule), as shown."""


class _Band(NamedTuple):
    rate: Decimal
    shown: str
    above: Decimal
    upto: Decimal | str


def prepare(plan: Plan | OutOfScope | None) -> Prepared | LayerPayment | None:
    """``plan`` with its explanation prepared; for a claim outside the rule's scope, the
    zero payment saying why (it depends on no amount)."""
    if plan is None:
        return None
    if isinstance(plan, OutOfScope):
        return _payment(plan.rule, ZERO, [step(*plan.why, "—", cite=plan.cite)])
    steps = tuple((s, _template(s)) for s in plan.steps)
    return Prepared(plan, steps, ON[plan.rule.on])


def _template(s: PlanStep) -> Any:
    if isinstance(s, PRatio):
        shown = fmt_rate(s.ratio.rate)
        said = step(f"{s.label[0]} {shown}", s.label[1], shown, cite=s.ratio)
        return _Ratio(said, fmt_rate(s.rate))
    if isinstance(s, PDeductible):
        which = ("", "") if s.later is None else ("（首次）", "（二次及以上）")
        first = step(f"{s.label[0]}{which[0]}", s.label[1], s.first.money, cite=s.first)
        if s.later is None:
            return first, first
        later = step(f"{s.label[0]}{which[1]}", s.label[1], s.later.money, cite=s.later)
        return first, later
    if isinstance(s, PBands):
        return _Cite.of(s.bands), {
            id(band): _Band(rate, fmt_rate(rate), band.above, _upto(band.upto))
            for band, rate in zip(s.bands.bands, s.rates, strict=True)
        }
    return None


def _upto(upto: Decimal | None) -> Decimal | str:
    return upto if upto is not None else "∞"


def _payment(rule: Rule, amount: Decimal, steps: list[Step]) -> LayerPayment:
    name, zh, en = rule.layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


def _money(label_zh: str, label_en: str, amount: Decimal) -> Step:
    """A step showing an amount, as :func:`yibao.case.step` shows it (here called on every
    run: the Struct is built directly)."""
    if not isinstance(amount, Decimal):
        return step(label_zh, label_en, amount)
    return Step(label_zh=label_zh, label_en=label_en, value=fmt_money(amount), amount=amount)


# -------------------------------------------------------------------------------------
# Running a plan
# -------------------------------------------------------------------------------------


def run(plan: Plan, claim: Claim, ledger: Ledger, amount: Decimal) -> tuple[Decimal, list[Step]]:
    """Run ``plan`` on ``amount``: the payment (rounded to the fen) and its steps."""
    return _run(prepare(plan), claim, ledger, amount)  # type: ignore[arg-type]


def _run(
    prepared: Prepared, claim: Claim, ledger: Ledger, amount: Decimal
) -> tuple[Decimal, list[Step]]:
    """Run a prepared plan on ``amount``.

    ``counted`` is the amount after the cost limits (what the claim brings to a running
    total, and what a top-up is a ratio of); ``base`` is ``counted`` less the deductible
    (what a ratio applies to)."""
    plan = prepared.plan
    steps = [_money(*prepared.on, amount)]
    counted = amount
    deducted = ZERO
    pay: Decimal | None = None
    last: list[PLimit | PCap] = []  # payment limits and caps cut the payment at the end
    for s, template in prepared.steps:
        if isinstance(s, PLimit):
            if s.basis == "payment":
                last.append(s)
            else:
                counted = _cost_limit(s, plan, ledger, counted, steps)
        elif isinstance(s, PDeductible):
            deducted = min(_deductible(s, template, claim, ledger, steps), counted)
        elif isinstance(s, PRatio):
            pay = _ratio(s, template, counted - deducted, steps)
        elif isinstance(s, PBands):
            pay = _bands(s, template, ledger, counted, deducted, steps)
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


def _ratio(s: PRatio, template: _Ratio, base: Decimal, steps: list[Step]) -> Decimal:
    pay = round_fen(base * s.rate)
    steps.append(template.said)
    if s.remote is not None:
        steps.append(s.remote)
    shown = template.shown
    steps.append(_money(f"支付 = {base} × {shown}", f"pays {base} × {shown}", pay))
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


def _deductible(
    s: PDeductible, said: tuple[Step, Step], claim: Claim, ledger: Ledger, steps: list[Step]
) -> Decimal:
    """The deductible for this admission: the first or a later one by the admission
    number (the claim's own, else counted on the ledger)."""
    number = 1
    if s.counter is not None:
        number = int(ledger.used(s.counter)) + 1
        ledger.add(s.counter, Decimal(1))
        if claim.admission is not None:
            number = claim.admission
    if s.later is not None and number > 1:
        steps.append(said[1])
        return s.later.money
    steps.append(said[0])
    return s.first.money


def _bands(
    s: PBands,
    template: tuple[_Cite, dict[int, _Band]],
    ledger: Ledger,
    counted: Decimal,
    deducted: Decimal,
    steps: list[Step],
) -> Decimal:
    """The part of the running total the claim occupies, above its deductible, paid
    band by band; rounded once."""
    before = ledger.used(s.running)
    ledger.add(s.running, counted)
    steps.append(_money("年度内此前累计", "cumulative before this claim", before))
    cite, bands = template
    label_zh, label_en = s.label
    total = ZERO
    for share in banded(before + deducted, counted - deducted, s.bands.bands):
        band = bands[id(share.band)]
        paid = share.portion * band.rate
        total += paid
        steps.append(
            Step(
                label_zh=label_zh,
                label_en=label_en,
                value=f"{share.portion} in {band.above}–{band.upto} × {band.shown} "
                f"= {round_fen(paid)}",
                cite=cite.label,
                carried_from=cite.carried,
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
