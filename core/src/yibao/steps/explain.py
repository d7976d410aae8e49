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
from yibao.money import ZERO, apply_rate, fmt_money, fmt_rate, round_fen
from yibao.params import Param
from yibao.results import LayerPayment, Step
from yibao.steps import Label, Rule
from yibao.steps.plan import (
    OutOfScope,
    PBands,
    PCap,
    PDeductible,
    Plan,
    PlanStep,
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
    found = _prepared(rule, case, claim, any_kind)
    if found is None:
        return None
    if found.__class__ is LayerPayment:
        return found, None  # type: ignore[return-value]
    if isinstance(found, Unsettled):
        for gap in found.gaps[1:]:
            case.not_published(gap)
        raise found.gaps[0].with_steps(partial_steps(found, amount))
    plan = found.plan  # type: ignore[union-attr]
    trace: dict[str, object] | None = {} if plan.subsidy or rule.passes_on else None
    paid, steps = _run(found, claim, ledger, amount, trace)  # type: ignore[arg-type]
    if paid > ZERO and plan.notice_if_paid is not None:
        case.notice(plan.notice_if_paid)
    subsidy: tuple[Decimal, list[Step]] | None = None
    layer = plan.subsidy.layer if plan.subsidy is not None else None
    if plan.subsidy is not None:
        subsidy = _subsidy(plan.subsidy, found.subsidy, trace["interval"])  # type: ignore[arg-type, index, union-attr]
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


def _prepared(
    rule: Rule, case: Case, claim: Claim, any_kind: bool
) -> Prepared | LayerPayment | Unsettled | None:
    """``rule``'s plan for ``claim`` with its explanation prepared (:func:`prepare`), the
    zero payment of a claim outside its scope, or the values a ``partial`` rule misses:
    from the case's memo when this person-year and these circumstances were compiled
    before (:mod:`yibao.memo`), the notices compiling gave said again; else compiled,
    and kept when the case has a memo. ``any_kind``: cost another rule passed on."""
    memo = case.memo
    if memo is None:
        return prepare(compile_rule(rule, case, claim, any_kind=any_kind))
    key = (id(rule), any_kind, case.memo_token, circumstances(claim))
    known = memo.plans.get(key)
    if known is None or known[0] is not rule:
        kept, case.notices = case.notices, []  # what compiling says, in full
        try:
            found = prepare(compile_rule(rule, case, claim, any_kind=any_kind))
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


def _payment(layer: tuple[str, str, str], amount: Decimal, steps: list[Step]) -> LayerPayment:
    name, zh, en = layer
    return LayerPayment(layer=name, label_zh=zh, label_en=en, amount=amount, steps=tuple(steps))


def _money(label_zh: str, label_en: str, amount: Decimal) -> Step:
    """A step showing an amount, as :func:`yibao.case.step` shows it (here called on every
    run: the Struct is built directly)."""
    if not isinstance(amount, Decimal):
        return step(label_zh, label_en, amount)
    return Step(label_zh=label_zh, label_en=label_en, value=fmt_money(amount), amount=amount)


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
    subsidy: tuple[_Cite, dict[int, _Band]] | None
    """The subsidy's bands, prepared."""


class _Cite(NamedTuple):
    """A parameter's citation as a step shows it."""

    label: str
    carried: int | None

    @classmethod
    def of(cls, param: Param) -> _Cite:
        carried = param.source_year if param.carried_into is not None else None
        return cls(param.source_label, carried)


class _Ratio(NamedTuple):
    rate: Decimal
    """The ratio applied (after the remote-care rule)."""
    said: Step
    """The ratio, as the source gives it."""
    shown: str
    """The ratio applied (after the remote-care rule), as shown."""


class _Band(NamedTuple):
    rate: Decimal
    shown: str
    span: str
    """The band's stretch of the running total, ``200–1500``: named in the step's label,
    so the value reads alike in both languages."""


class _Window(NamedTuple):
    ratio: _Ratio
    said: tuple[Step, ...]
    """The deductible, the limit and the lower position (when there is one)."""


def prepare(
    plan: Plan | OutOfScope | Unsettled | None,
) -> Prepared | LayerPayment | Unsettled | None:
    """``plan`` with its explanation prepared; for a claim outside the rule's scope, the
    zero payment saying why (it depends on no amount); an :class:`Unsettled` as it is."""
    if plan is None or isinstance(plan, Unsettled):
        return plan
    if isinstance(plan, OutOfScope):
        return _payment(plan.rule.layer, ZERO, [step(*plan.why, "—", cite=plan.cite)])
    steps = tuple((s, _template(s)) for s in plan.steps)
    sub = plan.subsidy
    subsidy = (_Cite.of(sub.bands), _bands_template(sub.bands, sub.rates)) if sub else None
    return Prepared(plan, steps, ON[plan.rule.on], subsidy)


def _template(s: PlanStep) -> Any:
    if isinstance(s, PRatio):
        return _ratio_template(s.ratio, s.rate, s.label)
    if isinstance(s, PDeductible):
        which = ("", "") if s.later is None else ("（首次）", "（二次及以上）")
        first = step(f"{s.label[0]}{which[0]}", s.label[1], s.first.money, cite=s.first)
        if s.later is None:
            return first, first
        later = step(f"{s.label[0]}{which[1]}", s.label[1], s.later.money, cite=s.later)
        return first, later
    if isinstance(s, PBands):
        return _Cite.of(s.bands), _bands_template(s.bands, s.rates)
    if isinstance(s, PWindow):
        said = [
            step("年度起付标准", "yearly deductible", s.above.money, cite=s.above),
            step(*s.limit_label, s.limit.money, cite=s.limit),
        ]
        if s.within is not None:
            said.append(step(*s.within_label, s.within.money, cite=s.within))
        return _Window(_ratio_template(s.ratio, s.rate, s.label), tuple(said))
    return None


def _ratio_template(ratio: Param, rate: Decimal, label: Label) -> _Ratio:
    shown = fmt_rate(ratio.rate)
    return _Ratio(rate, step(f"{label[0]} {shown}", label[1], shown, cite=ratio), fmt_rate(rate))


def _bands_template(bands: Param, rates: tuple[Decimal, ...]) -> dict[int, _Band]:
    return {
        id(band): _Band(rate, fmt_rate(rate), f"{band.above}–{_upto(band.upto)}")
        for band, rate in zip(bands.bands, rates, strict=True)
    }


def _upto(upto: Decimal | None) -> Decimal | str:
    return upto if upto is not None else "∞"


# -------------------------------------------------------------------------------------
# Running a plan
# -------------------------------------------------------------------------------------


def run(
    plan: Plan,
    claim: Claim,
    ledger: Ledger,
    amount: Decimal,
    trace: dict[str, object] | None = None,
) -> tuple[Decimal, list[Step]]:
    """Run ``plan`` on ``amount``: the payment (rounded to the fen) and its steps."""
    return _run(prepare(plan), claim, ledger, amount, trace)  # type: ignore[arg-type]


def _run(
    prepared: Prepared,
    claim: Claim,
    ledger: Ledger,
    amount: Decimal,
    trace: dict[str, object] | None = None,
) -> tuple[Decimal, list[Step]]:
    """Run a prepared plan on ``amount``.

    ``counted`` is the amount after the cost limits (what the claim brings to a running
    total, and what a top-up is a ratio of); ``base`` is ``counted`` less the deductible
    (what a ratio applies to). ``trace``, when given, receives the part of the running
    total the claim occupies (``interval``, what a subsidy pays on) and what a limit
    with ``overflow`` leaves (``overflow``; ``None`` when nothing passes on)."""
    plan = prepared.plan
    steps = [_money(*prepared.on, amount)]
    counted = amount
    deducted = ZERO
    pay: Decimal | None = None
    overflow: Decimal | None = None
    interval = (ZERO, ZERO)
    last: list[PLimit | PCap] = []  # payment limits and caps cut the payment at the end
    for s, template in prepared.steps:
        if isinstance(s, PLimit):
            if s.basis == "payment":
                last.append(s)
            else:
                within = _cost_limit(s, plan, ledger, counted, steps)
                if s.overflow and within < counted:
                    overflow = (overflow or ZERO) + counted - within
                counted = within
        elif isinstance(s, PDeductible):
            deducted = min(_deductible(s, template, claim, ledger, steps), counted)
        elif isinstance(s, PRatio):
            pay = _ratio(s.remote, template, counted - deducted, steps)
        elif isinstance(s, PBands):
            interval = _interval(ledger, s.running, counted, deducted)
            pay = _bands(s, template, ledger, counted, deducted, steps)
        elif isinstance(s, PWindow):
            interval = _interval(ledger, s.running, counted, ZERO)
            pay = _window(s, template, ledger, counted, steps)
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


def _ratio(remote: Step | None, template: _Ratio, base: Decimal, steps: list[Step]) -> Decimal:
    pay = round_fen(base * template.rate)
    steps.append(template.said)
    if remote is not None:
        steps.append(remote)
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
    total = _banded(s.bands, template, s.label, before + deducted, before + counted, steps)
    if s.remote is not None:
        steps.append(s.remote)
    return round_fen(total)


def _banded(
    bands: Param,
    template: tuple[_Cite, dict[int, _Band]],
    label: Label,
    low: Decimal,
    high: Decimal,
    steps: list[Step],
) -> Decimal:
    """The part ``low``–``high`` of a running total paid band by band, each band a step;
    not rounded."""
    cite, prepared = template
    label_zh, label_en = label
    total = ZERO
    for share in banded(low, high - low, bands.bands):
        band = prepared[id(share.band)]
        paid = share.portion * band.rate
        total += paid
        steps.append(
            Step(
                label_zh=f"{label_zh}（{band.span}段）",
                label_en=f"{label_en} ({band.span})",
                value=f"{share.portion} × {band.shown} = {round_fen(paid)}",
                cite=cite.label,
                carried_from=cite.carried,
            )
        )
    return total


def _window(
    s: PWindow, template: _Window, ledger: Ledger, counted: Decimal, steps: list[Step]
) -> Decimal:
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
    steps.append(_money("年度内此前累计", "cumulative before this claim", before))
    steps += template.said
    steps.append(
        _money(
            "起付标准以上、限额以内的费用", "cost above the deductible, within the limit", portion
        )
    )
    return _ratio(s.remote, template.ratio, portion, steps)


def _subsidy(
    s: PSubsidy, template: tuple[_Cite, dict[int, _Band]], interval: tuple[Decimal, Decimal]
) -> tuple[Decimal, list[Step]]:
    """The subsidy's bands on the part of the running total the rule worked on."""
    low, high = interval
    steps: list[Step] = []
    total = _banded(s.bands, template, s.label, low, high, steps)
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
