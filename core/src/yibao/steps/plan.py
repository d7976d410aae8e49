"""Plans: a rule with every value resolved for one claim's circumstances.

:func:`compile_rule` reads the rule's parameters (keys filled by its ``select``) on the
claim's date, asks the hooks that return values — the remote-care adjustment of each
ratio, the critical-illness cap — and returns a :class:`Plan` of plain numbers with
their citations. Executors then run a plan on an amount and the year's ledger with no
hook call and no parameter lookup. A value no loaded source publishes raises
:class:`~yibao.errors.NotPublished`, as a hand-written rule does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from yibao.errors import NotPublished
from yibao.params import Band, Param
from yibao.results import Notice, Step
from yibao.steps import Bands, Cap, Deductible, Label, Limit, Ratio, Rule, TopUp

if TYPE_CHECKING:
    from yibao.case import Case
    from yibao.model import Claim


@dataclass(frozen=True)
class PLimit:
    ledger: str
    cap: Param
    basis: Literal["cost", "payment"]
    label: Label


@dataclass(frozen=True)
class PDeductible:
    first: Param
    later: Param | None
    counter: str | None
    label: Label


@dataclass(frozen=True)
class PRatio:
    ratio: Param
    rate: Decimal
    """After the remote-care rule."""
    remote: Step | None
    label: Label


@dataclass(frozen=True)
class PBands:
    bands: Param
    running: str
    rates: tuple[Decimal, ...]
    """Each band's ratio after the remote-care rule."""
    remote: Step | None
    label: Label


@dataclass(frozen=True)
class PCap:
    ledger: str
    cap: Decimal | None
    """``None``: no cap applies (the hook says so)."""
    cite: str
    steps: tuple[Step, ...]
    """How the cap was worked out (the hook's steps)."""
    label: Label


@dataclass(frozen=True)
class PTopUp:
    floor: Param
    label: Label


PlanStep = PLimit | PDeductible | PRatio | PBands | PCap | PTopUp


@dataclass(frozen=True)
class Plan:
    """A rule resolved for one claim's circumstances."""

    rule: Rule
    steps: tuple[PlanStep, ...]
    pays: bool
    """Whether the layer pays at all (a ratio above zero): a layer paying nothing
    counts nothing against a cost limit."""
    notice_if_paid: Notice | None = None
    """The notice the answer carries when the layer pays anything."""


@dataclass(frozen=True)
class OutOfScope:
    """The claim is outside the rule's scope: a zero payment, saying why."""

    rule: Rule
    why: Label
    cite: str


def applies(rule: Rule, case: Case, claim: Claim) -> bool:
    """Whether ``rule`` settles ``claim`` (its kind, or a ``list`` parameter of kinds)."""
    kinds = rule.kinds
    if isinstance(kinds, str):
        return claim.kind in case.param(kinds, claim.date).value  # type: ignore[operator]
    return claim.kind in kinds


def compile_rule(rule: Rule, case: Case, claim: Claim) -> Plan | OutOfScope | None:
    """``rule`` resolved for ``claim``; :class:`OutOfScope` for a claim the layer pays
    nothing on by its scope; ``None`` when the rule does not apply to the claim."""
    if not applies(rule, case, claim):
        if rule.out_of_scope is None:
            return None
        return OutOfScope(rule, rule.out_of_scope, _kinds_cite(rule, case, claim))
    selection = rule.select(case, claim)
    if selection is None:
        return None
    if claim.care in rule.excluded_care:
        if rule.excluded_label is None:
            return None
        return OutOfScope(rule, rule.excluded_label, _kinds_cite(rule, case, claim))

    def param(key: str) -> Param:
        return case.param(key.format_map(selection), claim.date)

    def ledger(key: str) -> str:
        return key.format_map(selection)

    def label(text: Label) -> Label:
        return (text[0].format_map(selection), text[1].format_map(selection))

    steps: list[PlanStep] = []
    rate: Decimal | None = None
    for s in rule.steps:
        if isinstance(s, Limit):
            if s.basis_key is not None:
                _require_basis(param(s.basis_key), s.basis, claim)
            steps.append(PLimit(ledger(s.ledger), param(s.cap), s.basis, label(s.label)))
        elif isinstance(s, Deductible):
            first = param(s.key or s.first or "")
            later = param(s.later) if s.later else None
            counter = ledger(s.counter) if s.counter else None
            steps.append(PDeductible(first, later, counter, label(s.label)))
        elif isinstance(s, Ratio):
            ratio = param(s.key)
            adjusted, remote = (
                case.remote_care(claim, ratio.rate) if s.remote else (ratio.rate, None)
            )
            rate = adjusted
            steps.append(PRatio(ratio, adjusted, remote, label(s.label)))
        elif isinstance(s, Bands):
            bands = param(s.key)
            rates, remote = _band_rates(case, claim, bands.bands, s.remote)
            rate = max(rates, default=Decimal(0))
            steps.append(PBands(bands, ledger(s.running), rates, remote, label(s.label)))
        elif isinstance(s, Cap):
            steps.append(_cap(s, case, claim, param, ledger(s.ledger)))
        elif isinstance(s, TopUp) and claim.kind in s.kinds:
            steps.append(PTopUp(param(s.key), label(s.label)))
    notice = rule.notice_if_paid(case, claim) if rule.notice_if_paid is not None else None
    return Plan(rule, tuple(steps), pays=rate is None or rate > 0, notice_if_paid=notice)


def _kinds_cite(rule: Rule, case: Case, claim: Claim) -> str:
    if isinstance(rule.kinds, str):
        return case.param(rule.kinds, claim.date).source_label
    return rule.cite


def _require_basis(stated: Param, basis: str, claim: Claim) -> None:
    """The reading a limit's basis parameter states must be the one the rule applies."""
    if stated.value != basis:
        raise NotPublished(
            key=stated.key,
            on=claim.date,
            reason=f"basis {stated.value!r} is not supported; expected {basis!r}",
            cite=stated.source_label,
        )


def _band_rates(
    case: Case, claim: Claim, bands: tuple[Band, ...], remote: bool
) -> tuple[tuple[Decimal, ...], Step | None]:
    rates = []
    step = None
    for band in bands:
        if remote:
            adjusted, found = case.remote_care(claim, band.rate)
            step = found or step
        else:
            adjusted = band.rate
        rates.append(adjusted)
    return tuple(rates), step


def _cap(s: Cap, case: Case, claim: Claim, param, ledger: str) -> PCap:  # type: ignore[no-untyped-def]
    if s.hook == "critical_illness_cap":
        found = case.hook.yibao_critical_illness_cap(case=case, on=claim.date)
        if found is None or found.cap is None:
            steps = found.steps if found is not None else ()
            return PCap(ledger, None, "", steps, s.label)
        cite = found.steps[-1].cite if found.steps else ""
        return PCap(ledger, found.cap, cite, found.steps, s.label)
    cap = param(s.key or "")
    return PCap(ledger, cap.money, cap.source_label, (), s.label)
