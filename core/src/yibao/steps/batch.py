"""The batch fast path: a region's declared settlement run in whole fen, no explanation.

``yibao batch`` (without ``--explain``) settles a case here when its region declares
its settlement (hook ``yibao_settlement``) and every claim is of a kind the declaration
covers. The case-level phases (category, eligibility, premium, cover) and the claims'
gates run as the engine runs them — once per *phase key*: the year, the person's facts
with the birth date reduced to the age on 1 January (kept exactly for the very young
and at the ages the region names), the enrolment history and events. Each claim's
rules are compiled into plans once per (phase key, claim circumstances, parameter
segment) and run by the integer executor (:mod:`yibao.steps.fen`). The record is the
engine's record for the case, byte for byte (tests/steps/test_fast_path.py); a case
the path cannot settle — a kind the declaration does not cover, a value not published,
a gate that stops a claim, a suspension of cover — goes to the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from yibao import engine
from yibao.batch.records import ClaimLine, Record, add_layers, notice_codes
from yibao.case import Case
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.invariants import ceiling_of, payments_problem, premium_violations
from yibao.model import Claim, Scenario
from yibao.money import ZERO
from yibao.results import Notice, Totals
from yibao.steps import Settlement
from yibao.steps.fen import FenPlan, to_fen
from yibao.steps.fen import run as run_fen
from yibao.steps.plan import OutOfScope, Plan, compile_rule

if TYPE_CHECKING:
    from yibao.registry import Stack

MEMO_SIZE = 65536
"""Phase keys and plans remembered before starting afresh (bounds memory)."""

#: Hooks that describe a layer rather than settle anything.
_DESCRIPTIVE = frozenset({"yibao_parameter_files", "yibao_example_scenarios", "yibao_settlement"})


def settlement_for(stack: Stack) -> Settlement | None:
    """The stack's declared settlement, or ``None`` when it has none or must not use
    it: the first answer to ``yibao_settlement`` wins, and is used only when no layer
    above the one that gave it implements a rule hook (an overlay changing a rule would
    otherwise be ignored)."""
    impls = stack.pm.hook.yibao_settlement.get_hookimpls()
    for impl in reversed(impls):  # pluggy calls the last registered first
        if impl.wrapper or impl.hookwrapper:
            continue
        found = impl.function()
        if found is not None:
            return found if _is_top_rule_layer(stack, impl.plugin) else None
    return None


def _is_top_rule_layer(stack: Stack, plugin: object) -> bool:
    plugins = [ref.plugin for ref in stack.layers]
    if plugin not in plugins:
        return False
    above = plugins[plugins.index(plugin) + 1 :]
    for name in dir(stack.pm.hook):
        if not name.startswith("yibao_") or name in _DESCRIPTIVE:
            continue
        if any(impl.plugin in above for impl in getattr(stack.pm.hook, name).get_hookimpls()):
            return False
    return True


class _Phased(msgspec.Struct, frozen=True):
    """What the phases decided for a phase key, and the record's fields from them."""

    phases: engine.Phases
    category: str | None
    coverage: object
    notices: tuple[Notice, ...]
    premium_ok: bool
    """A premium keeping the invariants (:mod:`yibao.invariants`), checked once per key."""


class FastPath:
    """One stack's declared settlement, ready to settle batch cases."""

    def __init__(self, stack: Stack, settlement: Settlement, relay: object) -> None:
        self.stack = stack
        self.settlement = settlement
        self.relay = relay
        self._phases: dict[Hashable, _Phased | None] = {}
        self._plans: dict[Hashable, tuple[tuple[Plan | None, FenPlan | None, tuple], ...]] = {}
        self._facts = {f.name for f in stack.info.facts if f.on == "claim"}
        self.settled = 0
        """Cases this path settled (the rest went to the engine)."""

    def phase_key(self, scenario: Scenario) -> Hashable:
        """Every fact the phases read, the birth date reduced to the age on 1 January
        except for the very young (newborn rules read the date) and at the ages the
        region names (``Settlement.birthday_ages``: a birthday in the year changes an
        answer)."""
        person = scenario.person
        age = person.age_on(dt.date(scenario.year, 1, 1))
        facts = msgspec.structs.astuple(person)
        if age >= 3 and age not in self.settlement.birthday_ages:
            facts = facts[1:]  # the birth date: the first field of Person
        return (
            scenario.year,
            age,
            facts,
            scenario.enrollment,
            scenario.events,
            tuple(scenario.elsewhere.items()) if scenario.elsewhere else (),
        )

    def record(self, scenario: Scenario, line: int, lead: tuple[Notice, ...]) -> Record | None:
        """The case's record, or ``None`` when the engine must answer it."""
        kinds = self.settlement.kinds
        for claim in scenario.claims:
            if (
                claim.kind not in kinds
                or claim.blood
                or claim.excluded is not None
                or claim.injury
                or any(fact(claim, name) is not None for name in self._facts)
            ):
                return None
        key = self.phase_key(scenario)
        case = Case(scenario, self.stack.info, self.stack.params, self.relay)
        phased = self._phased(key, case)
        if phased is None:
            return None
        eligibility, _, coverage = phased.phases
        if eligibility is None or not eligibility.eligible or not phased.premium_ok:
            return None  # the engine answers: explained, or the region's error
        if coverage is not None and coverage.suspended:  # type: ignore[attr-defined]
            return None
        case.category, case.coverage = phased.category, coverage  # type: ignore[assignment]
        case.notices = list(phased.notices)
        claims = engine.settlement_order(scenario.claims)
        ledger: dict[str, int] = {}
        caps: dict[str, int] = {}  # each yearly limit's cap, in the order declared
        lines = []
        for claim in claims:
            if engine.cover_status(coverage, claim) is not None:  # type: ignore[arg-type]
                return None
            paid = self._settle(key, case, claim, ledger, caps)
            if paid is None or _breaks_invariants(claim, paid):
                return None  # the engine answers: explained, or the region's error
            lines.append(paid)
        self.settled += 1
        return _record(line, self.stack.info.code, phased, lead, case.notices, claims, lines,
                       ledger, caps)  # fmt: skip

    def _phased(self, key: Hashable, case: Case) -> _Phased | None:
        known = self._phases.get(key, False)
        if known is not False:
            return known  # type: ignore[return-value]
        scenario = case.scenario
        try:
            engine.check_scope(self.stack, scenario)
            case.scenario = msgspec.structs.replace(scenario, claims=())
            phases = engine.run_phases(case)
            premium = phases[1]
            ok = premium is not None and next(premium_violations(premium), None) is None
            found: _Phased | None = _Phased(
                phases, case.category, case.coverage, tuple(case.notices), ok
            )
        except Exception:
            found = None  # the engine's answer says why
        finally:
            case.scenario = scenario
        if len(self._phases) >= MEMO_SIZE:
            self._phases.clear()
        self._phases[key] = found
        return found

    def _settle(
        self, key: Hashable, case: Case, claim: Claim, ledger: dict[str, int], caps: dict[str, int]
    ) -> list[tuple[str, int]] | None:
        """One claim's payments in fen by layer, in the engine's order; ``None`` when the
        engine must settle the case."""
        hook = case.hook
        kept, case.notices = case.notices, []  # what the gate says, in full (not deduplicated)
        try:
            if hook.yibao_claim_gate(case=case, claim=claim) is not None:
                return None
            if hook.yibao_compliant_amount(case=case, claim=claim) is not None:
                return None
            gate_notices = case.notices
        finally:
            case.notices = kept
        plans = self._plans_for(key, case, claim)
        if plans is None:
            return None
        for notice in gate_notices:
            case.notice(notice)
        compliant = int(claim.compliant * 100)
        remaining = compliant
        paid: list[tuple[str, int]] = []
        admission = claim.admission
        for plan, fenplan, notices in plans:
            for notice in notices:
                case.notice(notice)
            if fenplan is None:
                if plan is not None:  # out of scope: a zero payment
                    paid.append((plan.rule.layer[0], 0))  # type: ignore[attr-defined]
                continue
            amount = compliant if plan.rule.on == "compliant" else remaining  # type: ignore[union-attr]
            pay = run_fen(fenplan, ledger, amount, admission, caps)
            if pay and plan.notice_if_paid is not None:  # type: ignore[union-attr]
                case.notice(plan.notice_if_paid)  # type: ignore[union-attr]
            paid.append((fenplan.layer, pay))
            remaining -= pay
        return paid

    def _plans_for(self, key: Hashable, case: Case, claim: Claim):  # type: ignore[no-untyped-def]
        """The claim's plans, rule by rule, each with the notices compiling it gave:
        compiled once per (phase key, claim circumstances, parameter segment)."""
        plan_key = (key, claim.kind, claim.level, claim.care, claim.facility, claim.diseases,
                    self.stack.params.segment(claim.date))  # fmt: skip
        found = self._plans.get(plan_key)
        if found is not None:
            return found
        out = []
        kept = case.notices
        try:
            for rule in self.settlement.rules:
                case.notices = []  # what compiling says, in full: replayed per case
                plan = compile_rule(rule, case, claim)
                notices = tuple(case.notices)
                if plan is None:
                    continue
                if isinstance(plan, OutOfScope):
                    out.append((plan, None, notices))
                else:
                    out.append((plan, to_fen(plan), notices))
        except NotPublished:
            return None
        finally:
            case.notices = kept
        if len(self._plans) >= MEMO_SIZE:
            self._plans.clear()
        found = self._plans[plan_key] = tuple(out)
        return found


def _breaks_invariants(claim: Claim, paid: list[tuple[str, int]]) -> bool:
    """Whether a claim's payments break a settlement invariant (:mod:`yibao.invariants`):
    the engine then answers, and its answer names the layer and the plugin."""
    amounts = [(layer, Decimal(fen).scaleb(-2)) for layer, fen in paid]
    return payments_problem(claim.bill, ceiling_of(claim, claim.compliant), amounts) is not None


def _record(
    line: int,
    region: str,
    phased: _Phased,
    lead: tuple[Notice, ...],
    notices: Sequence[Notice],
    claims: Sequence[Claim],
    paid: Sequence[list[tuple[str, int]]],
    ledger: dict[str, int],
    caps: dict[str, int],
) -> Record:
    """The engine's record for a case every claim of which was settled here."""
    eligibility, premium, coverage = phased.phases
    lines = []
    bill_total = patient_total = ZERO
    layer_totals: dict[str, Decimal] = {}
    for claim, payments in zip(claims, paid, strict=True):
        amounts = [(layer, Decimal(fen).scaleb(-2)) for layer, fen in payments]
        add_layers(layer_totals, amounts)
        bill = claim.bill
        patient = bill - sum((a for _, a in amounts), ZERO)
        bill_total += bill
        patient_total += patient
        lines.append(
            ClaimLine(
                id=claim.id,
                status="settled",
                bill=bill,
                compliant=claim.compliant,
                layers=add_layers({}, amounts),
                patient=patient,
            )
        )
    used_up = tuple(k for k, cap in caps.items() if cap - ledger.get(k, 0) <= 0)
    return Record(
        line=line,
        region=region,
        status="ok",
        eligible=eligibility.eligible if eligibility else None,
        category=eligibility.category if eligibility else None,
        premium=premium.individual if premium else None,
        cover_from=coverage.start if coverage else None,  # type: ignore[attr-defined]
        claims=tuple(lines),
        totals=Totals(bill=bill_total, layers=layer_totals, patient=patient_total, complete=True),
        notices=notice_codes((*lead, *notices)),
        limits=used_up,
    )
