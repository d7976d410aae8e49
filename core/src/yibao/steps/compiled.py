"""Batch's compiled core: the declared settlement run in machine code, line by line.

The third way a declared rule runs (after :mod:`yibao.steps.explain` and
:mod:`yibao.steps.fen`). The optional distribution ``yibao-fastcore`` holds a Cython
module that scans a JSON line, finds its person-year and plans in memos keyed by the
line's own bytes, settles the claims in int64 fen and writes the record from
pre-encoded fragments. It knows no rule: this module hands it, through callbacks,
everything Python decides —

- once per person-year (the line's year, person with the birth date reduced as
  :meth:`~yibao.steps.batch.FastPath.phase_key` reduces it, enrolment, events,
  ``elsewhere``), per region: the record's fields from the phases (encoded by msgspec,
  the answer's own encoder), the window of dates the cover leaves certain, the notices,
  the relocation notice when the region answers as if the person lived there, and the
  plan class (``Settlement.plan_facts``); or that the region's answer is Python's;
- once per plan (plan class, claim kind, care, area, injury, parameter segment, and the
  level, facility and diseases where the kind's plans read them, the age at the claim
  and the side of a waiting period where declared): the gate's notices or the status it
  gives, and each layer's steps as a small integer program (:func:`program`) with its
  subsidy and the rules it passes cost on to, from
  :meth:`~yibao.steps.batch.FastPath.plans` — the same plans, compiled by the same
  code, the Python fast path runs;

and takes back, in its place in the output, what Python writes for a line or a region
the core does not settle (``fallback``): a line of another shape, a claim kind whose
gate must see each claim (``Settlement.gated_per_plan``), a plan that does not compile,
a broken invariant. Without the extension, or with ``YIBAO_NO_FASTCORE=1``, batch runs
the Python fast path, which writes the same bytes (tests/steps/test_compiled.py).

The per-line time limit (:mod:`yibao.deadline`) applies to what Python decides here,
not to the microseconds a compiled line takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, get_args

import msgspec

from yibao.batch.records import Record, Summary, add_layers
from yibao.case import not_published_notice
from yibao.deadline import RegionTimeout, within
from yibao.errors import InputError, NotPublished
from yibao.model import Care, Claim, ClaimKind, Facility, Scenario
from yibao.results import Notice
from yibao.steps.batch import MEMO_SIZE, ClaimPlans, FastPath, dated_gap, has_gap
from yibao.steps.fen import FBands, FCap, FDeductible, FenPlan, FLimit, FRatio, FTopUp, FWindow
from yibao.steps.plan import OutOfScope

if TYPE_CHECKING:
    from yibao.batch.plan import Planner
    from yibao.steps import Settlement

Write = Callable[[memoryview], object]
"""Where a block's records go when not returned: given a view of the core's buffer,
valid only during the call (a file's ``write``)."""

try:
    from yibao_fastcore import core as extension
except ImportError:  # the distribution is optional
    extension = None

KINDS: tuple[str, ...] = get_args(ClaimKind)
CARES: tuple[str, ...] = get_args(Care)
FACILITIES: tuple[str, ...] = get_args(Facility)

_NEVER = 0
_FOREVER = dt.date.max.toordinal() + 1
_HEAD = b'{"line":0'
_WIDE = 1 << 62
"""Every number a program holds stays below this (the core's int64 arithmetic)."""

_encoder = msgspec.json.Encoder(decimal_format="string")

_COUNTED = ("settled", "not_published", "refused", "pending_review", "not_covered")
"""The claim statuses the core's sums count, in their order."""

Decode = Callable[[bytes, int], Scenario]
Emit = Callable[[bytes, int, Sequence[str] | None, Scenario | None, Summary, bytearray], None]
"""Python's records for a line in the given regions (all of them: ``None``), added to the
summary and appended to the output; the line's scenario when it is decoded already."""


def available() -> bool:
    """Whether the compiled core is installed and importable."""
    return extension is not None


class Compiled:
    """The compiled core for one batch run's regions, over ``planner``'s stacks."""

    def __init__(
        self, planner: Planner, regions: Sequence[str], decode: Decode, emit: Emit
    ) -> None:
        assert extension is not None
        self.planner = planner
        self.regions = tuple(regions)
        self._decode_line = decode
        self._emit = emit
        self._summary = Summary()
        self.unpublished = 0
        """Claims the core answered ``not_published`` (a value the sources do not give)."""
        self._last: tuple[bytes, Scenario] | None = None
        self._stacks: dict[tuple[str, str], int] = {}
        self._classes: dict[int, dict[Hashable, int]] = {}
        self._notice_ids: dict[Notice, int] = {}
        self._layer_ids: dict[str, int] = {}
        self._ledger_ids: dict[str, int] = {}
        self._gap_ids: dict[tuple[str, str, str, str], int] = {}
        self._gaps: list[NotPublished] = []
        self.layers: list[bytes] = []
        self.notices: list[bytes] = []
        self.ledgers: list[bytes] = []
        self.layer_names: list[str] = []
        self._segments: list[list[int]] = []
        self._shapes: list[tuple[int, int, tuple]] = []
        """Per stack, what its declaration tells the core (:func:`_shape`)."""
        defaults = {f.name: f.default for f in msgspec.structs.fields(Claim)}
        self.core = extension.Core(
            regions=len(self.regions),
            kinds=list(KINDS),
            cares=list(CARES),
            facilities=list(FACILITIES),
            defaults=(
                defaults["level"],
                CARES.index(defaults["care"]),
                FACILITIES.index(defaults["facility"]),
            ),
            segments=self._segments,
            birthday_ages=(),
            layers=self.layers,
            notices=self.notices,
            ledgers=self.ledgers,
            phase=self._phase,
            plan=self._plan,
            fallback=self._fallback,
            flush=self._flush,
            dated=self._dated,
            memo_size=MEMO_SIZE,
        )

    def process(
        self, data: bytes, first_line: int, summary: Summary, write: Write | None = None
    ) -> bytes:
        """The records of the block ``data`` (whole lines, the first numbered
        ``first_line``), its counts and sums added to ``summary``; with ``write``, handed
        to it (a view of the core's buffer, valid only during the call) instead."""
        self._summary = summary
        try:
            return self.core.process(data, first_line, write) or b""
        finally:
            self._last = None

    # ---------------------------------------------------------------------------------
    # What the core asks
    # ---------------------------------------------------------------------------------

    def _decode(self, raw: bytes, number: int) -> Scenario | None:
        """The line's scenario (decoded once per line: the core asks again for the
        same bytes object); ``None`` when it is not a valid scenario."""
        last = self._last
        if last is not None and last[0] is raw:
            return last[1]
        try:
            scenario = self._decode_line(raw, number)
        except InputError:
            return None
        self._last = (raw, scenario)
        return scenario

    def _phase(self, raw: bytes, number: int) -> tuple[list[tuple | None], bool] | None:
        scenario = self._decode(raw, number)
        if scenario is None:
            return None
        out: list[tuple | None] = []
        remember = True
        for code, moved, lead in self.planner.relocated(scenario, self.regions):
            scheme = moved.person.scheme
            fast = self.planner.fast_path(code, scheme)
            if fast is None or not fast.settlement.gated_per_plan:
                out.append(None)
                continue
            if (code, scheme) not in self._stacks:
                # the birth date stays in the key at the ages any stack needs it: one
                # met for the first time may need more (this line's key then is stale)
                self._stack(code, scheme, fast)
                if self.core.keep_birth_date(fast.birthday_ages):
                    remember = False
                if self.core.keep_newborn_birth_date(fast.newborn_days):
                    remember = False
            try:
                out.append(within(code, self._region_phase, code, scheme, fast, moved, lead))
            except (Exception, RegionTimeout):
                out.append(None)  # the Python path answers, with the region's error
                remember = False
        return out, remember

    def _region_phase(
        self, code: str, scheme: str, fast: FastPath, moved: Scenario, lead: tuple[Notice, ...]
    ) -> tuple | None:
        case = fast.case(moved)
        phased = fast.phased(case)
        if phased is None or not phased.settles:
            return None
        fast.enter(case, phased)
        eligibility, premium, coverage = phased.phases
        head = Record(
            line=0,
            region=code,
            status="ok",
            eligible=eligibility.eligible if eligibility else None,
            category=eligibility.category if eligibility else None,
            premium=premium.individual if premium else None,
            cover_from=coverage.start if coverage else None,  # type: ignore[attr-defined]
        )
        encoded = _encoder.encode(head)
        assert encoded.startswith(_HEAD) and encoded.endswith(b"}")
        stack = self._stack(code, scheme, fast)
        lo, hi = cover_window(coverage)
        kinds, aged, reads = self._shapes[stack]
        waits = tuple(
            (KINDS.index(kind), _day(ends(case, case.year_start)))
            for kind, ends in fast.settlement.waiting_periods.items()
        )
        return (
            encoded[len(_HEAD) : -1],
            lo,
            hi,
            self._notices(lead),
            self._notices(phased.notices),
            self._plan_class(stack, fast.plan_facts(case)),
            stack,
            kinds,
            aged,
            waits,
            reads,
        )

    def _plan(self, region: int, raw: bytes, number: int, index: int) -> tuple | bool | None:
        """The plans for claim ``index`` of the line in ``region``, as the core holds
        them; ``None`` when Python settles such claims; ``False``: this line only."""
        code = self.regions[region]
        try:
            return within(code, self._compile, code, raw, number, index)
        except (Exception, RegionTimeout):
            return False

    def _compile(self, code: str, raw: bytes, number: int, index: int) -> tuple | bool | None:
        scenario = self._decode(raw, number)
        if scenario is None:
            return False
        ((_, moved, _),) = self.planner.relocated(scenario, (code,))
        fast = self.planner.fast_path(code, moved.person.scheme)
        if fast is None:
            return False
        case = fast.case(moved)
        phased = fast.phased(case)
        if phased is None:
            return False
        fast.enter(case, phased)
        claim = moved.claims[index]
        ends = fast.settlement.waiting_periods.get(claim.kind)
        if ends is not None and ends(case, claim.date) != ends(case, case.year_start):
            return False  # the core keys the claim by the waiting period of 1 January
        plans = fast.plans(fast.plan_facts(case), case, claim)
        if plans is None:
            return None
        if claim.date == case.year_start and any(has_gap(e) for e in plans.rules):
            return False  # a gap dated 1 January may be the year's: FastPath keeps no plan
        return self._entry(plans)

    def _fallback(self, raw: bytes, number: int, region: int) -> bytes:
        out = bytearray()
        if region < 0:
            self._emit(raw, number, None, None, self._summary, out)
            return bytes(out)
        scenario = self._decode(raw, number)
        if scenario is None:  # the core vouched for the line: a bug, never a silent loss
            raise AssertionError(f"line {number}: settled in part, then not a scenario")
        self._emit(raw, number, (self.regions[region],), scenario, self._summary, out)
        return bytes(out)

    def _flush(self, lines: int, sums: list[tuple | None]) -> None:
        """Add what the core settled since the last flush to the summary, as
        :meth:`~yibao.batch.records.RegionSummary.add` would have record by record."""
        summary = self._summary
        summary.lines += lines
        for code, found in zip(self.regions, sums, strict=True):
            if found is None:
                continue
            cases, eligible, settled, unpublished, bill, patient, layers, *stopped = found
            self.unpublished += unpublished
            part = summary.regions[code]
            part.cases += cases
            part.eligible += eligible
            counts = (settled, unpublished, *stopped)
            for status, count in zip(_COUNTED, counts, strict=True):
                if count:
                    part.count(status, count)
            part.bill += yuan(bill)
            part.patient += yuan(patient)
            add_layers(part.layers, ((self.layer_names[i], yuan(fen)) for i, fen in layers))

    # ---------------------------------------------------------------------------------
    # Interning: what the core refers to by number
    # ---------------------------------------------------------------------------------

    def _stack(self, code: str, scheme: str, fast: FastPath) -> int:
        found = self._stacks.get((code, scheme))
        if found is None:
            bounds = fast.stack.params.segment_bounds()
            self._segments.append([day.toordinal() for day in bounds])
            found = self._stacks[(code, scheme)] = len(self._segments) - 1
            self._shapes.append(_shape(fast.settlement))
        return found

    def _plan_class(self, stack: int, facts: Hashable) -> int:
        classes = self._classes.setdefault(stack, {})
        found = classes.get(facts)
        if found is None:
            if len(classes) >= MEMO_SIZE:  # start afresh: the core's memos name classes
                self._forget()
                classes = self._classes.setdefault(stack, {})
            found = classes[facts] = len(classes)
        return found

    def _forget(self) -> None:
        self._classes.clear()
        self.core.phases.clear()
        self.core.plans.clear()

    def _notices(self, notices: Sequence[Notice]) -> tuple[int, ...]:
        ids = self._notice_ids
        out = []
        for notice in notices:
            found = ids.get(notice)
            if found is None:
                found = ids[notice] = len(self.notices)
                code = f"{notice.kind}:{notice.key or notice.text_en}"
                self.notices.append(msgspec.json.encode(code))
            out.append(found)
        return tuple(out)

    def _layer(self, name: str) -> int:
        found = self._layer_ids.get(name)
        if found is None:
            found = self._layer_ids[name] = len(self.layers)
            self.layers.append(msgspec.json.encode(name))
            self.layer_names.append(name)
            if name == "institution":
                self.core.institution = found
        return found

    def _gap(self, gap: NotPublished) -> int:
        """The gap's number, the same for gaps that differ only in their date."""
        found = self._gap_ids.get((gap.key, gap.reason, gap.reason_zh, gap.cite))
        if found is None:
            found = len(self._gaps)
            self._gap_ids[(gap.key, gap.reason, gap.reason_zh, gap.cite)] = found
            self._gaps.append(gap)
        return found

    def _dated(self, gap: int, day: int) -> int:
        """The notice of gap number ``gap`` met by a claim of day ordinal ``day``, as
        :meth:`~yibao.case.Case.not_published` records it (the core remembers it)."""
        dated = dated_gap(self._gaps[gap], dt.date.fromordinal(day))
        return self._notices((not_published_notice(dated),))[0]

    def _ledger(self, key: str) -> int:
        found = self._ledger_ids.get(key)
        if found is None:
            found = self._ledger_ids[key] = len(self.ledgers)
            self.ledgers.append(msgspec.json.encode(key))
        return found

    def _entry(self, plans: ClaimPlans) -> tuple | None:
        """The plans as the core holds them: ``(gate notices, rules, status, blood
        share)``, each rule as :meth:`_rule` gives it, the share of blood-use items the
        patient pays first as ``(num, den)`` (``(-1, 1)``: they stay outside the scope);
        a gate that stops the claim gives no rules and its status's number
        (``STATUSES``). ``None`` when one of them does not fit the core —
        a gate that gives its own compliant amount, a rule that pays nothing when nothing
        is left (Python settles those claims)."""
        gate = plans.gate
        if gate is None or gate.compliant is not None:
            return None
        if gate.status is not None:
            return self._notices(gate.notices), (), extension.STATUSES.index(gate.status)
        if any(entry.gaps for entry in plans.rules[:-1]):
            return None  # the claim stops at a gap (FastPath._settle): the last rule
        rules = tuple(self._rule(entry) for entry in plans.rules)
        if None in rules or 2 * len(rules) > extension.LIMITS["payments"]:
            return None  # (each pays its own and its subsidy's)
        blood = plans.blood if plans.blood is not None else (-1, 1)
        return self._notices(gate.notices), rules, 0, blood

    def _rule(self, entry: Any) -> tuple | None:
        """One compiled rule of :class:`ClaimPlans` as the core runs it (as
        ``FastPath._run``): ``(layer, flags, notice when it pays, notices, program,
        subsidy layer, then-rules)`` — flags 1: on what remains, 2: out of scope (a
        zero payment), 4: pays, 8: a value not published, 16: does not apply (its
        notices only); the subsidy's layer -1 when it has none; the rules it passes
        cost on to in the same shape. A value not published (the claim is
        ``not_published`` when the core meets it) has for its program its gaps' numbers,
        in the order their notices are given. ``None``: Python runs it."""
        rule, plan, fenplan = entry.rule, entry.plan, entry.fen
        if rule.nothing_left is not None:
            return None
        notices = self._notices(entry.notices)
        if entry.gaps:
            gaps = (*entry.gaps[1:], entry.gaps[0])
            return (-1, 8, -1, notices, tuple(self._gap(gap) for gap in gaps), -1, ())
        if plan is None:
            return (-1, 16, -1, notices, (), -1, ())
        layer = self._fitting_layer(rule.layer[0])
        if layer is None:
            return None
        if fenplan is None or isinstance(plan, OutOfScope):
            return (layer, 2, -1, notices, (), -1, ())
        code = program(fenplan, self._ledger)
        if code is None:
            return None
        sub = -1
        if fenplan.subsidy is not None:
            sub = self._fitting_layer(fenplan.subsidy.layer)
            if sub is None:
                return None
        then = tuple(self._rule(passed) for passed in entry.then)
        if None in then:
            return None
        flags = (1 if rule.on == "remaining" else 0) | (4 if fenplan.pays else 0)
        paid = plan.notice_if_paid
        nip = self._notices((paid,))[0] if paid is not None else -1
        return (layer, flags, nip, notices, code, sub, then)

    def _fitting_layer(self, name: str) -> int | None:
        """The layer's number, or ``None`` when the core's table of layers is full."""
        if name not in self._layer_ids and len(self.layers) >= extension.LIMITS["layers"]:
            return None
        return self._layer(name)


def program(plan: FenPlan, ledger: Callable[[str], int]) -> tuple[int, ...] | None:
    """``plan``'s steps as the core's program (its opcodes; ledger keys by the numbers
    ``ledger`` gives), or ``None`` when a number does not fit the core (amounts and
    ratios within int64, ledger keys within its table)."""
    assert extension is not None
    op = extension.OPCODES
    keys: list[int] = []

    def key(name: str) -> int:
        keys.append(ledger(name))
        return keys[-1]

    out: list[int] = []
    for s in plan.steps:
        if isinstance(s, FLimit) and s.overflow:  # what it leaves passes on to other rules
            if s.payment:  # the cost the room does not cover, at the rule's ratio
                num, den = plan.rate if plan.rate is not None and plan.rate[0] else (0, 1)
                out += (op["limit_payment_overflow"], key(s.ledger), s.cap, num, den)
            else:
                out += (op["limit_cost_overflow"], key(s.ledger), s.cap, int(s.counts_unpaid))
        elif isinstance(s, FLimit):
            kind = "limit_cost_unpaid" if s.counts_unpaid else "limit_cost"
            out += (op["limit_payment" if s.payment else kind], key(s.ledger), s.cap)
        elif isinstance(s, FDeductible):
            counter = key(s.counter) if s.counter is not None else -1
            later = s.later if s.later is not None else 0
            out += (op["deductible"], s.first, int(s.later is not None), later, counter)
        elif isinstance(s, FRatio):
            out += (op["ratio"], *s.rate)
        elif isinstance(s, FBands):
            out += (op["bands"], key(s.running), s.den, len(s.bands), *_bands(s.bands))
        elif isinstance(s, FCap):
            out += (op["cap"], key(s.ledger), int(s.cap is not None), s.cap or 0)
        elif isinstance(s, FWindow):
            out += (op["window"], key(s.running), s.above, s.top, s.cap, *s.rate)
        elif isinstance(s, FTopUp):
            out += (op["top_up"], *s.floor)
        else:  # a step kind the core does not know
            return None
    if plan.subsidy is not None:  # on the part the last bands or window worked on
        out += (op["subsidy"], plan.subsidy.den, len(plan.subsidy.bands))
        out += _bands(plan.subsidy.bands)
    if any(not -_WIDE < x < _WIDE for x in out):
        return None
    if any(k >= extension.LIMITS["ledger_keys"] for k in keys):
        return None
    return tuple(out)


def _bands(bands: tuple[tuple[int, int | None, int], ...]) -> tuple[int, ...]:
    """Bands as the core reads them: ``(above, has upto, upto, numerator)`` each."""
    return tuple(
        x for above, upto, num in bands for x in (above, int(upto is not None), upto or 0, num)
    )


def _shape(settlement: Settlement) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """What a stack's declaration tells the core: the kinds it settles and the kinds
    keyed by the age at the claim (bit masks of kind ids), and per kind the
    circumstances its plans read."""
    settled_here = settlement.gated_per_plan & settlement.kinds
    kinds = sum(1 << KINDS.index(kind) for kind in settled_here)
    aged = sum(1 << KINDS.index(kind) for kind in settlement.age_at_claim)
    reads = tuple(
        (KINDS.index(kind), sum(extension.READS[c] for c in read))  # type: ignore[union-attr]
        for kind, read in settlement.circumstances.items()
    )
    return kinds, aged, reads


def _day(day: dt.date) -> int:
    """A day's ordinal for the core (``dt.date.max``: a day no claim reaches)."""
    return _FOREVER if day == dt.date.max else day.toordinal()


def cover_window(coverage: Any) -> tuple[int, int]:
    """The day ordinals ``(first, last)`` between which a claim's cover is certain
    (:func:`yibao.engine.cover_status` gives ``None``), for cover without suspensions."""
    if coverage is None:
        return _FOREVER, _NEVER
    first = coverage.start or coverage.earliest
    if first is None:
        return _FOREVER, _NEVER
    lo = first.toordinal()
    if coverage.start is None:
        if coverage.latest is None:
            return _FOREVER, _NEVER
        lo = max(lo, coverage.latest.toordinal())
    hi = coverage.end.toordinal() if coverage.end is not None else _FOREVER
    return lo, hi


def yuan(fen: int) -> Decimal:
    """Whole fen as the Decimal yuan the records sum (two places)."""
    return Decimal(fen).scaleb(-2)
