"""The engine: runs a region's stack over a scenario, phase by phase.

eligibility → premium → cover → each claim in date order (gate → basic tier →
critical illness → medical assistance → further layers), the claims sharing one
:class:`~yibao.case.Ledger`. One region's failure (a plugin bug, a year it does not
cover) is that region's error and never another's.
"""

from __future__ import annotations

import datetime as dt
import traceback
import weakref
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import msgspec

from yibao import whatif
from yibao.case import Case, Ledger, step
from yibao.deadline import within
from yibao.dispatch import relay
from yibao.errors import NotPublished, YibaoError
from yibao.invariants import check_answer
from yibao.memo import memo_for, person_year
from yibao.model import Claim, Scenario
from yibao.money import ZERO
from yibao.params import ParameterFile, ParameterSet
from yibao.registry import Registry, Stack, default_registry
from yibao.results import (
    ClaimResult,
    Comparison,
    Coverage,
    Eligibility,
    LayerPayment,
    Notice,
    Premium,
    RegionResult,
    Step,
    Suspension,
    Totals,
)


def evaluate(
    scenario: Scenario,
    region: str,
    *,
    overlays: Sequence[ParameterFile] = (),
    registry: Registry | None = None,
) -> RegionResult:
    """Evaluate ``scenario`` in ``region`` (its scheme comes from the scenario).

    Never raises for a region's own failure: the result then has ``status="error"``
    and the message, so a comparison goes on for the other regions.
    """
    registry = registry or default_registry()
    scheme = scenario.person.scheme
    try:  # within the time limit: a hanging plugin is this region's error only
        return within(region, _evaluate_in, registry, region, scheme, scenario, overlays)
    except Exception as exc:
        return error_result(region, scheme, scenario.year, exc, registry=registry)


def _evaluate_in(
    registry: Registry,
    region: str,
    scheme: str,
    scenario: Scenario,
    overlays: Sequence[ParameterFile],
) -> RegionResult:
    stack = registry.with_overlays(registry.stack(region, scheme), overlays)
    return _evaluate(stack, scenario)


def error_result(
    region: str, scheme: str, year: int, exc: Exception, *, registry: Registry | None = None
) -> RegionResult:
    """The answer of a region that failed: yibao's own message (in both languages where
    it has them), or where a plugin broke; with the region's names when it is installed
    (``registry``, default: the process-wide one), so readers see which one failed."""
    zh = None
    if isinstance(exc, YibaoError):
        message = str(exc)
        zh = exc.zh or None
    else:  # a plugin bug: this region's error only
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = (
            f"plugin error: {type(exc).__name__}: {exc} "
            f"(in {where.filename}:{where.lineno}, {where.name})"
        )
    item = (registry or default_registry()).installed().get(region)
    info = item.plugin.info if item is not None and item.plugin is not None else None
    return RegionResult(
        region=region,
        scheme=scheme,
        year=year,
        name_zh=info.name_zh if info else "",
        name_en=info.name_en if info else "",
        status="error",
        error=message,
        error_zh=zh,
    )


def compare(
    scenario: Scenario,
    regions: Sequence[str],
    *,
    overlays: Sequence[ParameterFile] = (),
    registry: Registry | None = None,
    relocate: bool = True,
) -> Comparison:
    """Evaluate ``scenario`` in each of ``regions``, each answer independent.

    With ``relocate`` (the default) each region answers for the person as if they lived
    there (:func:`yibao.whatif.relocate`), which is the question a comparison asks; the
    answer then carries a notice saying so. ``relocate=False`` evaluates the facts as
    given, so a region where the person does not live says so.
    """
    registry = registry or default_registry()
    home = _home(scenario, registry) if relocate else None
    results = []
    for code in regions:
        moved = whatif.relocate(scenario, code, home)
        result = evaluate(moved, code, overlays=overlays, registry=registry)
        if moved is not scenario and home is not None:
            notice = whatif.relocation_notice(home, code, moved.person.district)
            result = msgspec.structs.replace(result, notices=(notice, *result.notices))
        results.append(result)
    return Comparison(scenario_title=scenario.title, results=tuple(results))


def _home(scenario: Scenario, registry: Registry) -> str | None:
    plugins = [
        (code, item.plugin.info.districts)
        for code, item in registry.installed().items()
        if item.plugin is not None
    ]
    return whatif.home_region(scenario, whatif.district_owners(plugins))


def _evaluate(
    stack: Stack,
    scenario: Scenario,
    *,
    hook: Any = None,
    phases: Callable[[Case], Phases] | None = None,
) -> RegionResult:
    """:func:`_answer`, checked: an answer that breaks a settlement invariant raises
    :class:`~yibao.invariants.ImpossibleAnswer` (the region's error) instead."""
    return check_answer(_answer(stack, scenario, hook=hook, phases=phases), scenario, stack)


def _answer(
    stack: Stack,
    scenario: Scenario,
    *,
    hook: Any = None,
    phases: Callable[[Case], Phases] | None = None,
) -> RegionResult:
    """Evaluate ``scenario`` in ``stack``.

    The case's ``hook`` is the stack's hooks resolved once (:func:`yibao.dispatch.relay`,
    pluggy's semantics without its per-call overhead) unless ``hook`` is given;
    ``phases`` replaces :func:`run_phases` (a settlement plan passes one that reuses
    answers per person-year, see :mod:`yibao.batch.plan`).
    """
    check_scope(stack, scenario)
    info = stack.info
    case = Case(scenario, info, stack.params, hook if hook is not None else relay(stack.pm))
    eligibility, premium, coverage = _decide(case, phases, remember=hook is None)
    base = dict(
        region=info.code,
        scheme=stack.scheme,
        year=scenario.year,
        name_zh=info.name_zh,
        name_en=info.name_en,
        overlays=stack.overlays,
        marked=stack.marked,
    )
    if eligibility is None or not eligibility.eligible:
        return RegionResult(
            **base,
            eligibility=eligibility,
            claims=tuple(_not_eligible(c) for c in scenario.claims),
            notices=tuple(case.notices),
        )
    ledger = Ledger()
    settled = [_settle(case, claim, ledger) for claim in settlement_order(scenario.claims)]
    return RegionResult(
        **base,
        eligibility=eligibility,
        premium=premium,
        coverage=coverage,
        claims=tuple(settled),
        totals=_totals(settled),
        limits=ledger.limits(),
        notices=tuple(case.notices),
    )


Phases = tuple[Eligibility | None, Premium | None, Coverage | None]
"""What the case-level phases decided: eligibility, premium and cover."""


def _decide(case: Case, phases: Callable[[Case], Phases] | None, *, remember: bool) -> Phases:
    """The case's phases: by ``phases`` when given; else from the stack's memo of
    person-years when ``remember`` (single cases and ``compare``: :mod:`yibao.memo`),
    which also lets the declared rules reuse their plans; else decided afresh."""
    if phases is not None:
        return phases(case)
    memo = memo_for(case.params, case.hook) if remember else None
    if memo is None:
        return run_phases(case)
    known = memo.remember_phases(person_year(case.scenario), case, run_phases)
    if known is None:  # a person-year seen for the first time
        return run_phases(case)
    case.memo, case.memo_token = memo, known[4]
    return known[0]


def check_scope(stack: Stack, scenario: Scenario) -> None:
    """Raise :class:`YibaoError` for a year the stack does not cover or an unknown district."""
    info = stack.info
    scheme_info = next(s for s in info.schemes if s.scheme == stack.scheme)
    years = scheme_info.years
    if scenario.year not in years:
        first, last = (min(years), max(years)) if years else (None, None)
        if first is not None and scenario.year < first:
            why = f"its sources begin with {first}: it answers {first}–{last}"
        elif first is not None:
            why = f"it answers {first}–{last} (through next year)"
        else:
            why = "it declares no years"
        zh = f"无法计算{scenario.year}年度：可计算{first}–{last}年度"
        raise YibaoError(  # the English text keeps its Chinese half (batch summaries key on it)
            f"{info.code} ({stack.scheme}) cannot answer {scenario.year}: {why}; "
            f"{info.code}（{stack.scheme}）{zh}",
            zh=f"{info.name_zh}（{stack.scheme}）{zh}",
        )
    district = scenario.person.district
    if district is not None and info.districts and district not in info.districts:
        raise YibaoError(
            f"person.district {district!r} is not a district of {info.code}; "
            f"expected one of: {', '.join(info.districts)}",
            zh=f"person.district {district!r} 不是{info.name_zh}的区县；"
            f"应为以下之一：{'、'.join(info.districts)}",
        )


_gap_notices: weakref.WeakKeyDictionary[ParameterSet, tuple[Notice, ...]] = (
    weakref.WeakKeyDictionary()
)


def gap_notices(case: Case) -> None:
    """Record a notice for every value the stack's sources declare unpublished."""
    notices = _gap_notices.get(case.params)
    if notices is None:
        notices = _gap_notices[case.params] = tuple(
            Notice(
                kind="not_published",
                text_en=f"not published in the loaded sources: {gap.key} ({gap.reason})",
                text_zh=f"已加载的政策来源未公布：{gap.key}"
                + (f"（{gap.reason_zh}）" if gap.reason_zh else ""),
                key=gap.key,
                cite=gap.cite,
            )
            for gap in case.params.gaps()
        )
    for notice in notices:
        case.notice(notice)


def run_phases(case: Case) -> Phases:
    """Category, eligibility, premium and cover, in that order, recorded on ``case``.

    Premium and cover are asked only for an eligible person.
    """
    gap_notices(case)
    eligibility = _phase(case, lambda: _category_then_eligibility(case))
    if eligibility is None or not eligibility.eligible:
        return eligibility, None, None
    premium = _phase(case, lambda: case.hook.yibao_premium(case=case))
    coverage = _phase(case, lambda: case.hook.yibao_coverage(case=case))
    case.coverage = coverage
    return eligibility, premium, coverage


def _phase(case: Case, run):
    """Run one phase; a value no source publishes becomes a notice and ``None``."""
    try:
        return run()
    except NotPublished as exc:
        case.not_published(exc)
        return None


def _category_then_eligibility(case: Case) -> Eligibility | None:
    try:
        found = case.hook.yibao_category(case=case)
    except NotPublished as exc:
        case.not_published(exc)
        found = None
    case.category = found[0] if found else None
    return case.hook.yibao_eligibility(case=case)


def _not_eligible(claim: Claim) -> ClaimResult:
    return ClaimResult(
        claim_id=claim.id,
        date=claim.date,
        kind=claim.kind,
        status="not_covered",
        bill=claim.bill,
        compliant=claim.compliant,
        patient=claim.bill,
        steps=(step("不符合参保条件", "not eligible to enrol", "—"),),
    )


def settlement_order(claims: Sequence[Claim]) -> Sequence[Claim]:
    """The claims in the order they are settled and reported: by date, ties as given."""
    if len(claims) < 2:
        return claims
    return [claims[i] for i in sorted(range(len(claims)), key=lambda i: (claims[i].date, i))]


def cover_status(coverage: Coverage | None, claim: Claim) -> tuple[str, Step] | None:
    """Whether cover on the claim's date is certain; ``None`` when it is."""
    if coverage is None:
        return "undetermined", step("待遇起始日未知", "benefit start not known", "—")
    first = coverage.start or coverage.earliest
    if first is None or claim.date < first:
        return "not_covered", step(
            "就诊日在待遇享受期之前", "care before cover starts", str(first or "—")
        )
    if coverage.end is not None and claim.date > coverage.end:
        return "not_covered", step(
            "就诊日在待遇享受期之后", "care after cover ends", str(coverage.end)
        )
    if coverage.start is None and (coverage.latest is None or claim.date < coverage.latest):
        return "undetermined", step(
            "就诊日可能处于待遇等待期内（等待期长度未公布）",
            "care may fall in a waiting period whose length is not published",
            f"{coverage.earliest} – {coverage.latest or '?'}",
        )
    suspension = suspended_on(coverage, claim.date)
    if suspension is not None and suspension.liable is None:
        return "not_covered", step(
            "就诊日在待遇暂停期间", "care while benefits are suspended", _span(suspension)
        )
    return None


def suspended_on(coverage: Coverage | None, day: dt.date) -> Suspension | None:
    """The suspension of benefits in force on ``day``, if any."""
    if coverage is None:
        return None
    for suspension in coverage.suspended:
        if suspension.holds(day):
            return suspension
    return None


def _span(suspension: Suspension) -> str:
    return f"{suspension.start} – {suspension.end or ''}"


def _liable_instead(suspension: Suspension, layers: list[LayerPayment]) -> list[LayerPayment]:
    """The payments of the layers a liable party takes over during a suspension, made
    by that party instead (a claim while an employer is in arrears, say)."""
    out = []
    for p in layers:
        if p.layer in suspension.layers:
            p = LayerPayment(
                layer=suspension.liable or p.layer,
                label_zh=f"{suspension.liable_zh}承担（代{p.label_zh}）",
                label_en=f"{suspension.liable_en} pays (instead of {p.label_en})",
                amount=p.amount,
                steps=p.steps,
            )
        out.append(p)
    return out


def _suspension_steps(suspension: Suspension) -> tuple[Step, ...]:
    """Why a claim's insurance layers are paid by someone else."""
    return (
        *suspension.steps,
        step(
            f"待遇暂停期间：由{suspension.liable_zh}承担",
            f"benefits suspended: paid by the {suspension.liable_en} instead",
            _span(suspension),
        ),
    )


def _settle(case: Case, claim: Claim, ledger: Ledger) -> ClaimResult:
    bill = claim.bill
    head = dict(
        claim_id=claim.id, date=claim.date, kind=claim.kind, bill=bill, compliant=claim.compliant
    )
    blocked = cover_status(case.coverage, claim)
    if blocked is not None:
        status, why = blocked
        patient = bill if status == "not_covered" else None
        return ClaimResult(**head, status=status, patient=patient, steps=(why,))
    hook = case.hook
    gate = hook.yibao_claim_gate(case=case, claim=claim)
    if gate is not None:
        patient = None if gate.status in ("pending_review", "not_published") else bill
        return ClaimResult(**head, status=gate.status, patient=patient, steps=(gate.step,))

    snapshot = ledger.snapshot()
    layers: list[LayerPayment] = []
    steps: list[Step] = []
    try:
        if claim.excluded is not None:
            # No layer's gate said how this region treats such costs (a gate that does
            # refuses them first): settling them as ordinary care would be a guess.
            raise NotPublished(
                key=f"exclusion.{claim.excluded}",
                on=claim.date,
                reason=f"no loaded layer says how {claim.excluded} costs are treated",
            )
        found = hook.yibao_compliant_amount(case=case, claim=claim)
        compliant, steps = found if found is not None else (claim.compliant, [])
        basic = hook.yibao_basic_fund(case=case, claim=claim, ledger=ledger, compliant=compliant)
        if basic is None:
            raise NotPublished(
                key=f"{claim.kind}.basic_fund",
                on=claim.date,
                reason=f"no loaded layer settles {claim.kind} claims",
            )
        layers.extend(basic)
        remaining = compliant - _sum(layers)
        for call in (hook.yibao_critical_illness, hook.yibao_medical_assistance):
            payment = call(case=case, claim=claim, ledger=ledger, remaining=remaining)
            if payment is not None:
                layers.append(payment)
                remaining -= payment.amount
        for further in hook.yibao_further_layers(
            case=case, claim=claim, ledger=ledger, remaining=remaining
        ):
            for payment in further or ():
                layers.append(payment)
                remaining -= payment.amount
    except NotPublished as exc:
        ledger.restore(snapshot)  # an unsettled claim must not use up the year's limits
        return _partial(case, head, layers, steps, exc)
    suspension = suspended_on(case.coverage, claim.date)
    if suspension is not None:
        layers = _liable_instead(suspension, layers)
        steps = [*steps, *_suspension_steps(suspension)]
    return ClaimResult(
        **head,
        status="settled",
        layers=tuple(layers),
        patient=bill - _sum(layers),
        steps=tuple(steps),
    )


def _partial(
    case: Case, head: dict, layers: list[LayerPayment], steps: list[Step], exc: NotPublished
) -> ClaimResult:
    """A claim a missing value stops: not settled (no patient share), but with everything
    published that was worked out before the gap — the layers already paid, the claim's
    steps, the steps the failing rule attached (its rates, bounds, the cap's changes) —
    and the missing key last, so the answer marks exactly what is missing and why."""
    notice = case.not_published(exc)
    missing = step(
        "无法结算：所需参数未公布",
        "cannot settle: a value is not published",
        exc.key,
        cite=exc.cite,
    )
    return ClaimResult(
        **head,
        status="not_published",
        layers=tuple(layers),
        steps=(*steps, *exc.steps, missing),
        notices=(notice,),
    )


def _sum(layers: Sequence[LayerPayment]) -> Decimal:
    return sum((p.amount for p in layers), ZERO)


def _totals(claims: Sequence[ClaimResult]) -> Totals:
    layers: dict[str, Decimal] = {}
    bill = patient = ZERO
    complete = True
    for result in claims:
        if result.patient is None:
            complete = False
            continue
        bill += result.bill
        patient += result.patient
        for payment in result.layers:
            layers[payment.layer] = layers.get(payment.layer, ZERO) + payment.amount
    return Totals(bill=bill, layers=layers, patient=patient, complete=complete)
