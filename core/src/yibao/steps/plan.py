"""Plans: a rule with every value resolved for one claim's circumstances.

:func:`compile_rule` reads the rule's parameters (keys filled by its ``select``) on the
claim's date, asks the hooks that return values — the remote-care adjustment of each
ratio, the critical-illness cap — and returns a :class:`Plan` of plain numbers with
their citations. Executors then run a plan on an amount and the year's ledger with no
hook call and no parameter lookup. A value no loaded source publishes raises
:class:`~yibao.errors.NotPublished`, as a hand-written rule does; a rule declared
``partial`` gives :class:`Unsettled` instead, naming every missing value with what is
published.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from yibao.errors import NotPublished
from yibao.params import Band, Param
from yibao.results import Notice, Step
from yibao.steps import (
    Bands,
    Cap,
    Deductible,
    Label,
    LayerName,
    Limit,
    Ratio,
    Rule,
    Subsidy,
    TopUp,
    Unpublished,
    Window,
)

if TYPE_CHECKING:
    from yibao.case import Case
    from yibao.model import Claim


@dataclass(frozen=True)
class PLimit:
    ledger: str
    cap: Param
    basis: Literal["cost", "payment"]
    label: Label
    counts_unpaid: bool = False
    overflow: bool = False


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


@dataclass(frozen=True)
class PWindow:
    running: str
    above: Param
    limit: Param
    within: Param | None
    ratio: Param
    rate: Decimal
    """After the remote-care rule."""
    remote: Step | None
    label: Label
    limit_label: Label
    within_label: Label

    @property
    def top(self) -> Decimal:
        """Where the paid part of the running total ends: the limit, or ``within`` below it."""
        cap = self.limit.money
        return min(cap, self.within.money) if self.within is not None else cap


@dataclass(frozen=True)
class PSubsidy:
    layer: LayerName
    bands: Param
    rates: tuple[Decimal, ...]
    """Each band's ratio after the remote-care rule."""
    remote: Step | None
    label: Label


PlanStep = PLimit | PDeductible | PRatio | PBands | PCap | PTopUp | PWindow


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
    subsidy: PSubsidy | None = None
    """The second payer on the rule's running total."""
    rate: Decimal | None = None
    """The ratio a :class:`Ratio` or :class:`Window` step pays at, after the remote-care
    rule: what a payment limit's remaining room covers (``overflow``)."""


@dataclass(frozen=True)
class Unsettled:
    """A ``partial`` rule whose values are not all published: every gap, in the order
    of the steps (the first is the claim's — or, when the remote-care rule met one, that
    gap; the others are notices), and the steps whose values were found (the published
    part of the answer)."""

    rule: Rule
    gaps: tuple[NotPublished, ...]
    found: tuple[PlanStep, ...]


def detached(exc: NotPublished) -> NotPublished:
    """``exc`` without its traceback and context, to be kept with a plan: their frames
    would keep the case, its claims and a batch's input block alive as long as a memo
    holds the plan."""
    exc.__traceback__ = exc.__context__ = None
    return exc


class _RemoteGap(Exception):
    """The remote-care rule met a value not published (in a ``partial`` rule that gap
    stops the answer; the missing values are still named)."""

    def __init__(self, exc: NotPublished) -> None:
        self.exc = exc


def _remote_care(case: Case, claim: Claim, rate: Decimal) -> tuple[Decimal, Step | None]:
    try:
        return case.remote_care(claim, rate)
    except NotPublished as exc:
        raise _RemoteGap(exc) from None


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


def compile_rule(
    rule: Rule, case: Case, claim: Claim, *, any_kind: bool = False
) -> Plan | OutOfScope | Unsettled | None:
    """``rule`` resolved for ``claim``; :class:`OutOfScope` for a claim the layer pays
    nothing on by its scope; ``None`` when the rule does not apply to the claim;
    :class:`Unsettled` for a ``partial`` rule missing values (another rule raises
    :class:`NotPublished`). ``any_kind``: the rule settles cost another rule passed on
    to it, whatever the claim's kind."""
    if not any_kind and not applies(rule, case, claim):
        if rule.out_of_scope is None:
            return None
        return OutOfScope(rule, rule.out_of_scope, _kinds_cite(rule, case, claim))
    try:
        selection = rule.select(case, claim)
    except NotPublished:
        if rule.notify is not None:  # the rule applies; a value it selects by is missing
            rule.notify(case, claim)  # (what it notes comes first, as the engine gives it)
        raise
    if selection is None:
        return None
    if claim.care in rule.excluded_care:
        if rule.excluded_label is None:
            return None
        return OutOfScope(rule, rule.excluded_label, _kinds_cite(rule, case, claim))

    if rule.notify is not None:
        rule.notify(case, claim)

    def param(key: str) -> Param:
        return case.param(key.format_map(selection), claim.date)

    def ledger(key: str) -> str:
        return key.format_map(selection)

    def label(text: Label) -> Label:
        return (text[0].format_map(selection), text[1].format_map(selection))

    steps: list[PlanStep] = []
    gaps: list[NotPublished] = []
    stop: NotPublished | None = None  # a gap the remote-care rule met
    rate: Decimal | None = None
    pays: Decimal | None = None
    for s in rule.steps:
        try:
            found = _step(s, case, claim, param, ledger, label, selection)
        except _RemoteGap as remote:
            if not rule.partial:
                raise remote.exc from None
            stop = stop or remote.exc
            continue
        except NotPublished as exc:
            if not rule.partial:
                raise
            gaps.append(exc)
            continue
        if found is None:
            continue
        steps.append(found)
        if isinstance(found, PRatio | PWindow):
            rate = pays = found.rate
        elif isinstance(found, PBands):
            pays = max(found.rates, default=Decimal(0))
    subsidy = None
    if rule.subsidy is not None:
        try:
            subsidy = _subsidy(rule.subsidy, case, claim, param, label)
        except _RemoteGap as remote:
            if not rule.partial:
                raise remote.exc from None
            stop = stop or remote.exc
        except NotPublished as exc:
            if not rule.partial:
                raise
            gaps.append(exc)
    if gaps:  # a remote-care gap is the claim's; the missing values are named besides
        kept = (stop or gaps[0], *gaps[1:])
        return Unsettled(rule, tuple(detached(gap) for gap in kept), tuple(steps))
    if stop is not None:
        raise stop
    notice = rule.notice_if_paid(case, claim) if rule.notice_if_paid is not None else None
    return Plan(
        rule,
        tuple(steps),
        pays=pays is None or pays > 0,
        notice_if_paid=notice,
        subsidy=subsidy,
        rate=rate,
    )


def _step(s, case: Case, claim: Claim, param, ledger, label, selection) -> PlanStep | None:  # type: ignore[no-untyped-def]
    """One step resolved (``None``: nothing to do for this claim)."""
    if isinstance(s, Limit):
        cap_key = s.cap.format_map(selection)
        if not cap_key:
            return None  # the selection gives this claim no such limit
        if s.basis_key is not None:
            _require_basis(param(s.basis_key), s.basis, claim)
        return PLimit(
            ledger(s.ledger),
            case.param(cap_key, claim.date),
            s.basis,
            label(s.label),
            counts_unpaid=s.counts_unpaid,
            overflow=s.overflow,
        )
    if isinstance(s, Deductible):
        first = param(s.key or s.first or "")
        later = param(s.later) if s.later else None
        counter = ledger(s.counter) if s.counter else None
        return PDeductible(first, later, counter, label(s.label))
    if isinstance(s, Ratio):
        ratio = param(s.key)
        adjusted, remote = _remote_care(case, claim, ratio.rate) if s.remote else (ratio.rate, None)
        return PRatio(ratio, adjusted, remote, label(s.label))
    if isinstance(s, Bands):
        bands = param(s.key)
        rates, remote = _band_rates(case, claim, bands.bands, s.remote)
        return PBands(bands, ledger(s.running), rates, remote, label(s.label))
    if isinstance(s, Cap):
        return _cap(s, case, claim, param, ledger(s.ledger))
    if isinstance(s, TopUp):
        return PTopUp(param(s.key), label(s.label)) if claim.kind in s.kinds else None
    if isinstance(s, Window):
        return _window(s, case, claim, param, ledger, label, selection)
    if isinstance(s, Unpublished):
        raise NotPublished(
            key=s.key.format_map({**selection, "kind": claim.kind}),
            on=claim.date,
            reason=s.reason,
            cite=s.cite,
            reason_zh=s.reason_zh,
        )
    raise TypeError(f"not a step kind: {s!r}")


def _window(s: Window, case: Case, claim: Claim, param, ledger, label, selection) -> PWindow:  # type: ignore[no-untyped-def]
    above = param(s.above)
    cap = param(s.limit)
    if not s.ratio.format_map(selection) and s.missing is not None:
        _step(s.missing, case, claim, param, ledger, label, selection)  # raises
    ratio = param(s.ratio)
    adjusted, remote = _remote_care(case, claim, ratio.rate) if s.remote else (ratio.rate, None)
    within_key = s.within.format_map(selection)
    within = case.param(within_key, claim.date) if within_key else None
    return PWindow(
        running=ledger(s.running),
        above=above,
        limit=cap,
        within=within,
        ratio=ratio,
        rate=adjusted,
        remote=remote,
        label=label(s.label),
        limit_label=label(s.limit_label),
        within_label=label(s.within_label),
    )


def _subsidy(s: Subsidy, case: Case, claim: Claim, param, label) -> PSubsidy:  # type: ignore[no-untyped-def]
    bands = param(s.key)
    rates, remote = _band_rates(case, claim, bands.bands, s.remote)
    return PSubsidy(s.layer, bands, rates, remote, label(s.label))


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
            adjusted, found = _remote_care(case, claim, band.rate)
            step = found or step
        else:
            adjusted = band.rate
        rates.append(adjusted)
    return tuple(rates), step


def _cap(s: Cap, case: Case, claim: Claim, param, ledger: str) -> PCap:  # type: ignore[no-untyped-def]
    if s.hook == "critical_illness_cap":
        found = case.hook.yibao_critical_illness_cap(case=case, on=claim.date)
        if (found is None or found.cap is None) and s.required:
            param(s.key or "")  # raises: the cap is not published (else none applies)
        if found is None or found.cap is None:
            steps = found.steps if found is not None else ()
            return PCap(ledger, None, "", steps, s.label)
        cite = found.steps[-1].cite if found.steps else ""
        return PCap(ledger, found.cap, cite, found.steps, s.label)
    cap = param(s.key or "")
    return PCap(ledger, cap.money, cap.source_label, (), s.label)
