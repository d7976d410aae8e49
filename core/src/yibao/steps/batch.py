"""The batch fast path: a region's declared settlement run in whole fen, no explanation.

``yibao batch`` (without ``--explain``) settles a case here when its region declares
its settlement (hook ``yibao_settlement``) and every claim is of a kind the declaration
covers. The case-level phases (category, eligibility, premium, cover) and the claims'
gates run as the engine runs them — once per *phase key*: the year, the person's facts
with the birth date reduced to the age on 1 January (kept exactly for the very young
and at the ages the region names), the enrolment history and events. Each claim's
rules are compiled into plans once per (phase key, claim circumstances, parameter
segment) and run by the integer executor (:mod:`yibao.steps.fen`). The record is the
engine's record for the case, byte for byte (tests/steps/test_fast_path.py): a claim
a gate stops or cover does not reach gets the engine's status, and a value not
published makes the claim ``not_published`` with the layers paid before the gap and the
year's amounts as they were, as the engine answers. A case the path cannot settle — a
kind the declaration does not cover, a claim fact, excluded costs, a suspension of
cover — goes to the engine. Plans are shared by every person-year giving the same
``Settlement.plan_facts``, and the kinds in ``Settlement.gated_per_plan`` ask their
gate once per plan; batch's compiled core (:mod:`yibao.steps.compiled`) runs the same
plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple, TypeVar, get_args

import msgspec

from yibao import engine
from yibao.batch.records import ClaimLine, Record, add_layers, notice_codes
from yibao.case import Case
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.invariants import ceiling_of, payments_problem, premium_violations
from yibao.model import Claim, Scenario
from yibao.money import ZERO
from yibao.results import Coverage, Eligibility, Notice, Premium, Totals
from yibao.steps import Circumstance, Rule, Settlement
from yibao.steps.fen import FenPlan, Fraction, fraction, times, to_fen
from yibao.steps.fen import run as run_fen
from yibao.steps.plan import OutOfScope, Plan, Unsettled, applies, compile_rule, detached

if TYPE_CHECKING:
    from yibao.params import ParameterSet
    from yibao.registry import Stack

MEMO_SIZE = 65536
"""Plans (and, in the compiled core, lines' person-years) remembered before starting
afresh (bounds memory)."""
PHASE_MEMO_SIZE = 16384
"""Phase keys remembered before starting afresh. Every entry keeps only what batch's
record reads of the phases (their explanations dropped, the notices shared): with it,
a run of any size stays within about 200 MiB (docs/performance.md)."""

_Explained = TypeVar("_Explained", Eligibility, Premium, Coverage, None)
_T = TypeVar("_T")

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

    @property
    def settles(self) -> bool:
        """Whether the path may settle cases of this person-year: an eligible person
        with a sound premium and no suspension of cover (else the engine answers,
        explained, or with the region's error)."""
        eligibility, _, coverage = self.phases
        if eligibility is None or not eligibility.eligible or not self.premium_ok:
            return False
        return coverage is None or not coverage.suspended  # type: ignore[attr-defined]


ALL_CIRCUMSTANCES = frozenset(get_args(Circumstance))
"""What a kind's plans read of the claim when ``Settlement.circumstances`` does not say."""


def birthday_ages(settlement: Settlement, params: ParameterSet) -> frozenset[int]:
    """The ages on 1 January at which a birthday during the year changes a person-year
    answer: those the settlement names, and one less than every value its
    ``birthday_params`` hold in ``params`` (a 69-year-old turns 70 during the year)."""
    reached = {p.integer for key in settlement.birthday_params for p in params.entries(key)}
    return settlement.birthday_ages | {age - 1 for age in reached}


def newborn_days(settlement: Settlement, params: ParameterSet) -> int | None:
    """The longest newborn window of ``settlement.newborn_window`` in ``params``, in days
    (a month counted as 31: keeping the birth date a little longer is always exact), or
    ``None`` when the settlement does not declare one."""
    window = settlement.newborn_window
    if window is None:
        return None
    days = [
        p.integer * (31 if unit == "months" else 1)
        for key, unit in window.items()
        for p in params.entries(key)
    ]
    return max(days, default=0)


def reads_birth_date(
    scenario: Scenario, age: int, ages: frozenset[int], window: int | None
) -> bool:
    """Whether a person-year's answers may read the exact birth date, not only the age on
    1 January (``age``): at a birthday age (``ages``), and for a newborn — born in the
    year or later, or with a payment within ``window`` days after birth (``None``: anyone
    under 3)."""
    if age in ages:
        return True
    if window is None:
        return age < 3
    born = scenario.person.birth_date
    if born.year >= scenario.year:
        return True
    return any(
        record.paid_on is not None and 0 <= (record.paid_on - born).days <= window
        for record in scenario.enrollment
    )


class FastPath:
    """One stack's declared settlement, ready to settle batch cases."""

    def __init__(self, stack: Stack, settlement: Settlement, relay: object) -> None:
        self.stack = stack
        self.settlement = settlement
        self.relay = relay
        self._phases: dict[Hashable, _Phased | None] = {}
        self._plans: dict[Hashable, ClaimPlans] = {}
        self._notices: dict[Notice, Notice] = {}
        self._facts = {f.name for f in stack.info.facts if f.on == "claim"}
        self.birthday_ages = birthday_ages(settlement, stack.params)
        """Ages on 1 January at which the phase key keeps the birth date."""
        self.newborn_days = newborn_days(settlement, stack.params)
        """How many days after birth a payment keeps the birth date in the phase key
        (``None``: the very young always keep it)."""
        self.settled = 0
        """Cases this path settled (the rest went to the engine)."""

    def phase_key(self, scenario: Scenario) -> Hashable:
        """Every fact the phases read, the birth date reduced to the age on 1 January
        except for newborns (``Settlement.newborn_window``) and at the ages the region
        names (``Settlement.birthday_ages`` and ``birthday_params``: a birthday in the
        year changes an answer): :func:`reads_birth_date`."""
        person = scenario.person
        age = person.age_on(dt.date(scenario.year, 1, 1))
        facts = msgspec.structs.astuple(person)
        if not reads_birth_date(scenario, age, self.birthday_ages, self.newborn_days):
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
                or claim.excluded is not None
                or any(fact(claim, name) is not None for name in self._facts)
            ):
                return None
        case = self.case(scenario)
        phased = self.phased(case)
        if phased is None or not phased.settles:
            return None
        self.enter(case, phased)
        facts = self.plan_facts(case)
        coverage = phased.coverage
        claims = engine.settlement_order(scenario.claims)
        ledger: dict[str, int] = {}
        caps: dict[str, int] = {}  # each yearly limit's cap, in the order declared
        lines = []
        for claim in claims:
            blocked = engine.cover_status(coverage, claim)  # type: ignore[arg-type]
            if blocked is not None:
                lines.append(_Line(blocked[0], ()))
                continue
            found = self._settle(facts, case, claim, ledger, caps)
            if found is None:
                return None  # the engine answers: explained, or the region's error
            if found.status == "settled" and _breaks_invariants(claim, found.paid):
                return None
            lines.append(found)
        self.settled += 1
        return _record(line, self.stack.info.code, phased, lead, case.notices, claims, lines,
                       ledger, caps)  # fmt: skip

    def case(self, scenario: Scenario) -> Case:
        """A case of ``scenario`` in this stack (its phases not yet entered)."""
        return Case(scenario, self.stack.info, self.stack.params, self.relay)

    @staticmethod
    def enter(case: Case, phased: _Phased) -> None:
        """Set what the phases decided on ``case``, as the engine does before the claims."""
        case.category, case.coverage = phased.category, phased.coverage  # type: ignore[assignment]
        case.notices = list(phased.notices)

    def plan_facts(self, case: Case) -> Hashable:
        """What the case's plans depend on of its person-year (``Settlement.plan_facts``;
        without it, the whole phase key)."""
        declared = self.settlement.plan_facts
        if declared is None:
            return self.phase_key(case.scenario)
        return (case.year, declared(case))

    def phased(self, case: Case, *, remember: bool = True) -> _Phased | None:
        """What the phases decide for ``case``'s person-year (on the scenario without
        its claims), once per phase key; ``None`` when deciding them fails (the engine's
        answer says why). ``remember=False`` decides without keeping the answer (the
        compiled core and the Python fast path share what is kept)."""
        key = self.phase_key(case.scenario)
        known = self._phases.get(key, False)
        if known is not False:
            return known  # type: ignore[return-value]
        scenario = case.scenario
        try:
            engine.check_scope(self.stack, scenario)
            case.scenario = msgspec.structs.replace(scenario, claims=())
            eligibility, premium, coverage = engine.run_phases(case)
            ok = premium is not None and next(premium_violations(premium), None) is None
            cover = _unexplained(coverage)
            found: _Phased | None = _Phased(
                (_unexplained(eligibility), _unexplained(premium), cover),
                case.category,
                cover if case.coverage is coverage else case.coverage,
                tuple(self._shared(n) for n in case.notices),
                ok,
            )
        except Exception:
            found = None  # the engine's answer says why
        finally:
            case.scenario = scenario
            case.notices = []
        if remember:
            if len(self._phases) >= PHASE_MEMO_SIZE:
                self._phases.clear()
                self._notices.clear()
            self._phases[key] = found
        return found

    def _shared(self, notice: Notice) -> Notice:
        """One object for equal notices (most person-years say the same ones)."""
        return self._notices.setdefault(notice, notice)

    def _settle(
        self, facts: Hashable, case: Case, claim: Claim, ledger: dict[str, int],
        caps: dict[str, int],
    ) -> _Line | None:  # fmt: skip
        """One claim's line: its payments in fen by layer, in the engine's order, or the
        status a gate or a gap gives it; ``None`` when the engine must settle the case."""
        gated = None if self.gated_per_plan(claim) else _gate(case, claim)
        if gated is not None and gated.status is not None:
            for notice in gated.notices:
                case.notice(notice)
            return _Line(gated.status, ())
        plans = self.plans(facts, case, claim)
        if plans is None:
            return None
        if gated is None:
            gated = plans.gate if plans.gate is not None else _gate(case, claim)
        for notice in gated.notices:
            case.notice(notice)
        if gated.status is not None:
            return _Line(gated.status, ())
        found = gated.compliant
        compliant = int((found if found is not None else claim.compliant) * 100)
        if claim.blood and gated is plans.gate:  # the declared share, per claim
            compliant += _in_scope(int(claim.blood * 100), plans.blood)
        snapshot = dict(ledger)
        paid: list[tuple[str, int]] = []
        try:
            remaining = compliant
            for entry in plans.rules:
                amount = compliant if entry.rule.on == "compliant" else remaining
                layers = self._run(entry, case, claim, ledger, caps, amount)
                paid += layers
                remaining -= sum(pay for _, pay in layers)
        except _Gap as gap:
            ledger.clear()  # an unsettled claim must not use up the year's limits
            ledger.update(snapshot)
            case.not_published(dated_gap(gap.exc, claim.date))
            return _Line("not_published", tuple(paid))
        return _Line("settled", tuple(paid))

    def _run(
        self,
        entry: _Compiled,
        case: Case,
        claim: Claim,
        ledger: dict[str, int],
        caps: dict[str, int],
        amount: int,
    ) -> list[tuple[str, int]]:
        """The payments of one compiled rule on ``amount`` fen: its own (none when it
        does not apply) and its subsidy's; raises :class:`_Gap` where the engine meets a
        value not published."""
        rule = entry.rule
        if rule.nothing_left is not None and amount <= 0 and applies(rule, case, claim):
            return [(rule.layer[0], 0)]
        for notice in entry.notices:
            case.notice(notice)
        if entry.gaps:
            for gap in entry.gaps[1:]:
                case.not_published(dated_gap(gap, claim.date))
            raise _Gap(entry.gaps[0])
        if entry.fen is None:
            return [(rule.layer[0], 0)] if entry.plan is not None else []  # out of scope
        plan, fenplan = entry.plan, entry.fen
        trace: dict[str, int | None] | None = {} if fenplan.subsidy or entry.then else None
        pay = run_fen(fenplan, ledger, amount, claim.admission, caps, trace)
        if pay and plan.notice_if_paid is not None:  # type: ignore[union-attr]
            case.notice(plan.notice_if_paid)  # type: ignore[union-attr]
        if trace is None:
            return [(fenplan.layer, pay)]
        subsidy = trace.get("subsidy")
        sub_layer = fenplan.subsidy.layer if fenplan.subsidy is not None else None
        overflow = trace["overflow"]
        if overflow is not None:
            for then in entry.then:
                passed = self._run(then, case, claim, ledger, caps, overflow)
                if not passed:
                    continue  # the rule does not apply: the next one takes it
                pay += passed[0][1]
                if len(passed) > 1:
                    sub_layer = passed[1][0]
                    subsidy = (subsidy or 0) + passed[1][1]
                break
        own = [(fenplan.layer, pay)]
        return own if subsidy is None else [*own, (sub_layer, subsidy)]  # type: ignore[list-item]

    def gated_per_plan(self, claim: Claim) -> bool:
        """Whether ``claim``'s gate is asked once per plan (``Settlement.gated_per_plan``):
        a kind so declared, without blood-use items unless the region declares how they
        enter the fund's scope (``Settlement.blood_share``; else the compliant amount is
        asked claim by claim). An injury is a circumstance plans are keyed by."""
        if claim.kind not in self.settlement.gated_per_plan:
            return False
        return not claim.blood or self.settlement.blood_share is not None

    def claim_facts(self, case: Case, claim: Claim) -> tuple[int | None, bool | None]:
        """What plans read of a claim beyond its circumstances: the age on its date
        (``Settlement.age_at_claim``) and whether its waiting period is over
        (``Settlement.waiting_periods``); ``None`` where the kind reads neither."""
        age = case.person.age_on(claim.date) if claim.kind in self.settlement.age_at_claim else None
        waiting = self.settlement.waiting_periods.get(claim.kind)
        if waiting is None:
            return age, None
        # the gate notes what the waiting period reads, in the engine's order
        return age, claim.date >= _unnoted(case, lambda: waiting(case, claim.date))

    def _blood_share(self, case: Case, claim: Claim) -> Fraction | None:
        """``Settlement.blood_share`` as a fraction; what it notes is dropped (the gate's
        compliant-amount hook, asked before, recorded the same in the engine's order)."""
        share = _unnoted(case, lambda: self.settlement.blood_share(case, claim))  # type: ignore[misc]
        return fraction(share) if share is not None else None

    def plans(self, facts: Hashable, case: Case, claim: Claim) -> ClaimPlans | None:
        """The claim's rules compiled, each with the notices compiling it gave, and for a
        claim gated per plan what its gate decided: compiled once per (plan facts, claim
        circumstances, parameter segment, :meth:`claim_facts`). ``None``: the
        engine settles the claim. ``case`` has its phases entered."""
        read = self.settlement.circumstances.get(claim.kind, ALL_CIRCUMSTANCES)
        if claim.blood:  # what the blood rule reads (the diseases) is read too
            read = ALL_CIRCUMSTANCES
        plan_key = (facts, claim.kind, claim.care, claim.area, claim.injury, bool(claim.blood),
                    claim.level if "level" in read else None,
                    claim.facility if "facility" in read else None,
                    claim.diseases if "diseases" in read else None,
                    self.stack.params.segment(claim.date),
                    self.claim_facts(case, claim), self.gated_per_plan(claim))  # fmt: skip
        found = self._plans.get(plan_key)
        if found is not None:
            return found
        gate = None
        blood: Fraction | None = None
        if self.gated_per_plan(claim):
            gate = _gate(case, claim)
            if claim.blood:  # the amount is worked out per claim from the declared share
                blood = self._blood_share(case, claim)
                gate = gate._replace(compliant=None)
            if gate.compliant is not None:
                gate = None  # an amount of the claim's own: asked claim by claim
            elif gate.status is not None:
                found = ClaimPlans(gate, ())
        if found is None:
            rules = self._compile(case, claim)
            if rules is None:
                return None
            found = ClaimPlans(gate, rules, blood)
            if any(has_gap(e) for e in rules) and claim.date == case.year_start:
                return found  # a gap dated 1 January may be the year's, not the claim's
        if len(self._plans) >= MEMO_SIZE:
            self._plans.clear()
        self._plans[plan_key] = found
        return found

    def _compile(self, case: Case, claim: Claim) -> tuple[_Compiled, ...] | None:
        kept = case.notices
        try:
            out = []
            for rule in self.settlement.rules:
                entry = _compile(rule, case, claim)
                if entry is not None:
                    out.append(entry)
                    if entry.gaps and rule.nothing_left is None:
                        break  # the engine stops at the gap: later rules never run
        except _Decline:
            return None
        finally:
            case.notices = kept
        return tuple(out)


class _Gated(NamedTuple):
    """What a claim's gate and compliant-amount hooks decided, and the notices they
    recorded in full (not deduplicated)."""

    status: str | None
    """The status a gate gives a claim it stops; ``None``: the claim is settled."""
    compliant: Decimal | None
    """The compliant amount the region gives, when not the claim's own."""
    notices: tuple[Notice, ...]


def _unnoted(case: Case, ask: Callable[[], _T]) -> _T:
    """``ask()`` with what it notes on ``case`` dropped (the claim's gate notes the
    same, in the engine's order)."""
    kept, case.notices = case.notices, []
    try:
        return ask()
    finally:
        case.notices = kept


def _gate(case: Case, claim: Claim) -> _Gated:
    """Ask ``claim``'s gate and compliant amount, as the engine does."""
    hook = case.hook
    kept, case.notices = case.notices, []
    try:
        gate = hook.yibao_claim_gate(case=case, claim=claim)
        found = None if gate is not None else hook.yibao_compliant_amount(case=case, claim=claim)
        return _Gated(
            gate.status if gate is not None else None,
            found[0] if found is not None else None,
            tuple(case.notices),
        )
    finally:
        case.notices = kept


class ClaimPlans(NamedTuple):
    """Everything that settles a claim of some circumstances, in the order the layers
    pay; for a claim gated per plan, what its gate decided (else ``None``: asked claim
    by claim)."""

    gate: _Gated | None
    rules: tuple[_Compiled, ...]
    blood: Fraction | None = None
    """For a claim with blood-use items gated per plan, the share of them the patient
    pays first (``Settlement.blood_share``); ``None``: they stay outside the scope."""


class _Line(NamedTuple):
    """One claim's outcome on the fast path."""

    status: str
    paid: tuple[tuple[str, int], ...]
    """Each layer's payment in fen (for ``not_published``: the layers paid before the gap)."""


class _Compiled(NamedTuple):
    """One rule compiled for a claim's circumstances."""

    rule: Rule
    plan: Plan | OutOfScope | None
    fen: FenPlan | None
    notices: tuple[Notice, ...]
    """What compiling said, in full: replayed per case."""
    gaps: tuple[NotPublished, ...]
    """Values not published: the first is the claim's gap, the others notices."""
    then: tuple[_Compiled, ...]
    """The rules it passes cost on to (``Rule.passes_on``), compiled."""


class _Gap(Exception):
    """The engine would meet a value not published here."""

    def __init__(self, exc: NotPublished) -> None:
        self.exc = exc


class _Decline(Exception):
    """The engine must settle the case."""


def _compile(rule: Rule, case: Case, claim: Claim, *, any_kind: bool = False) -> _Compiled | None:
    """``rule`` compiled for ``claim`` with the notices compiling gave (``None``: the
    rule does not apply). A value not published is kept as a gap, dated as the engine
    dates it (the claim's date; any other date sends the case to the engine).
    ``any_kind``: the rule settles cost another rule passes on."""
    case.notices = []  # what compiling says, in full: replayed per case
    gaps: tuple[NotPublished, ...] = ()
    plan: Plan | OutOfScope | Unsettled | None
    try:
        plan = compile_rule(rule, case, claim, any_kind=any_kind)
    except NotPublished as exc:
        plan, gaps = None, (exc,)
    except Exception as exc:
        raise _Decline from exc
    if isinstance(plan, Unsettled):
        plan, gaps = None, plan.gaps
    if any(gap.on != claim.date for gap in gaps):
        raise _Decline
    gaps = tuple(detached(gap) for gap in gaps)  # kept with the plan
    notices = tuple(case.notices)
    if plan is None and not gaps:  # the rule does not apply; what it said still counts
        if not notices and rule.nothing_left is None:
            return None
        return _Compiled(rule, None, None, notices, (), ())
    if not isinstance(plan, Plan):
        return _Compiled(rule, plan, None, notices, gaps, ())
    then = []
    for passed in rule.passes_on:  # compiled now, run only when a limit passes cost on
        entry = _compile(passed, case, claim, any_kind=True)
        if entry is not None:
            then.append(entry)
    return _Compiled(rule, plan, to_fen(plan), notices, (), tuple(then))


def _in_scope(blood: int, share: Fraction | None) -> int:
    """What of ``blood`` fen of blood-use items enters the fund's scope: all but the
    ``share`` the patient pays first (rounded half up, as ``apply_rate``); nothing when
    they stay outside it."""
    return blood - times(blood, share) if share is not None else 0


def has_gap(entry: _Compiled) -> bool:
    """Whether a compiled rule, or one it passes cost on to, meets a value not published."""
    return bool(entry.gaps) or any(has_gap(e) for e in entry.then)


def dated_gap(exc: NotPublished, on: dt.date) -> NotPublished:
    """The gap ``exc`` (met compiling a plan for another claim) dated ``on``, the date
    of the claim that meets it."""
    if exc.on == on:
        return exc
    return NotPublished(
        key=exc.key,
        on=on,
        reason=exc.reason,
        cite=exc.cite,
        reason_zh=exc.reason_zh,
        steps=exc.steps,
    )


def _unexplained(found: _Explained) -> _Explained:
    """A phase's answer without its explanation (batch's record reads none of it: each
    remembered person-year then holds a few hundred bytes, not kilobytes)."""
    if found is None:
        return None
    if isinstance(found, Premium):
        return msgspec.structs.replace(found, steps=(), parts=())
    return msgspec.structs.replace(found, steps=())  # type: ignore[return-value]


def _breaks_invariants(claim: Claim, paid: Sequence[tuple[str, int]]) -> bool:
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
    lines: Sequence[_Line],
    ledger: dict[str, int],
    caps: dict[str, int],
) -> Record:
    """The engine's record for a case every claim of which was answered here."""
    eligibility, premium, coverage = phased.phases
    out = []
    bill_total = patient_total = ZERO
    layer_totals: dict[str, Decimal] = {}
    complete = True
    for claim, found in zip(claims, lines, strict=True):
        amounts = [(layer, Decimal(fen).scaleb(-2)) for layer, fen in found.paid]
        bill = claim.bill
        patient = _patient(found.status, bill, amounts)
        if patient is None:
            complete = False
        else:
            add_layers(layer_totals, amounts)
            bill_total += bill
            patient_total += patient
        out.append(
            ClaimLine(
                id=claim.id,
                status=found.status,
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
        claims=tuple(out),
        totals=Totals(
            bill=bill_total, layers=layer_totals, patient=patient_total, complete=complete
        ),
        notices=notice_codes((*lead, *notices)),
        limits=used_up,
    )


def _patient(status: str, bill: Decimal, amounts: list[tuple[str, Decimal]]) -> Decimal | None:
    """The patient's share as the engine gives it for a claim of ``status``: the bill less
    the layers when settled, the whole bill when refused or not covered, unknown else."""
    if status == "settled":
        return bill - sum((a for _, a in amounts), ZERO)
    if status in ("refused", "not_covered"):
        return bill
    return None
