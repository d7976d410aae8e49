"""Streaming aggregates of one population settled under a baseline and a reform.

For each region, a person (one scenario, one input line) is **compared** when both rule
sets answered and settled every claim; every aggregate adds up the compared people
only, so baseline and reform are totals over the same people and claims. Everybody
else is counted under the reason they were left out (a region error, claims the engine
could not settle and under which rule set), with a few line numbers to look at — never
as a zero outlay.

Everything is a sum, a count or a bounded histogram (:mod:`.distribution`): memory does
not grow with the population, and aggregates of any partition of the population merge
into the same totals (money is ``Decimal``; addition is exact).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import msgspec

from yibao.batch.records import ClaimLine, Record, add_layers
from yibao.impact.distribution import Histogram, from_fen, to_fen
from yibao.model import Scenario
from yibao.money import ZERO

DEFAULT_THRESHOLDS = (1_000_000, 2_000_000, 5_000_000)
"""Yearly burdens (fen) whose share of people above them is reported: 10,000, 20,000 and
50,000 yuan."""

CHANGE_EDGES = (0, 1_000, 10_000, 100_000, 1_000_000)
"""Bands of the size of a person's change in fen: (0, 10], (10, 100], (100, 1,000],
(1,000, 10,000] and over 10,000 yuan, keyed by their lower edge."""

DIMENSIONS = ("category", "scheme", "kind", "level", "care")
"""What outlays are broken down by: the person's category and scheme, the claim's kind,
hospital level and care route."""

MAX_REASONS = 40
"""Distinct reasons kept per region before the rest are counted together (bounded
memory: a plugin error's text may differ from case to case)."""
MAX_EXAMPLES = 5
OTHER = "other reasons"


class Money(msgspec.Struct, kw_only=True):
    """Claims' amounts added up: the bill, what each payer layer pays, the patient's
    share; and how many people and claims they are."""

    people: int = 0
    claims: int = 0
    bill: Decimal = ZERO
    layers: dict[str, Decimal] = {}
    patient: Decimal = ZERO

    def add(self, claim: ClaimLine) -> None:
        self.claims += 1
        self.bill += claim.bill
        self.patient += claim.patient  # type: ignore[operator]  # compared: always known
        layers = self.layers
        for layer, amount in claim.layers.items():
            layers[layer] = layers.get(layer, ZERO) + amount

    def merge(self, other: Money) -> None:
        self.people += other.people
        self.claims += other.claims
        self.bill += other.bill
        self.patient += other.patient
        add_layers(self.layers, other.layers.items())

    @property
    def funds(self) -> Decimal:
        """What every payer layer pays together."""
        return sum(self.layers.values(), ZERO)


SEP = "|"
"""Joins the dimensions of a :attr:`Side.cells` key: ``category|scheme|kind|level|care``."""


class Side(msgspec.Struct, kw_only=True):
    """One region's answers for the compared people under one rule set.

    Claims are added up once, in the cell of their person's category and scheme and
    their own kind, hospital level and care route; the totals and the breakdown by each
    dimension are sums of cells (:attr:`total`, :meth:`by`), so adding a claim costs one
    sum, not one per breakdown.
    """

    cells: dict[str, Money] = {}
    """Claims' amounts by ``category|scheme|kind|level|care``."""
    people: dict[str, int] = {}
    """People by ``category|scheme``."""
    eligible: int = 0
    premium: Decimal = ZERO
    """The yearly premiums the compared people pay themselves, where known."""
    premium_unknown: int = 0
    """Eligible people whose own premium is not known (not published)."""
    reached: dict[str, int] = {}
    """People a payer layer paid something to, by layer."""
    limits: dict[str, int] = {}
    """People who used up a yearly limit or cap, by the limit's key."""
    burden: Histogram = msgspec.field(default_factory=Histogram)
    """Yearly patient burden (the patient's share of the year's bills) per person."""
    above: dict[int, int] = {}
    """People whose yearly burden is above a threshold (fen), by threshold."""

    def add(
        self,
        record: Record,
        scheme: str,
        claims: Mapping[str, str],
        thresholds: Sequence[int],
    ) -> int:
        """Add one compared person; ``claims`` maps each claim id to its
        ``|kind|level|care``. Return the person's yearly burden in fen."""
        # The hottest code of a study (two sides per person): kept flat on purpose.
        person = f"{record.category or '—'}{SEP}{scheme}"
        people = self.people
        people[person] = people.get(person, 0) + 1
        cells = self.cells
        for line in record.claims:
            key = person + claims[line.id]
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = Money()
            cell.add(line)
        premium = record.premium
        if record.eligible:
            self.eligible += 1
            if premium is None:
                self.premium_unknown += 1
        if premium is not None:
            self.premium += premium
        totals = record.totals
        if totals is None:
            fen = 0
        else:
            reached = self.reached
            for layer, amount in totals.layers.items():
                if amount:
                    reached[layer] = reached.get(layer, 0) + 1
            fen = to_fen(totals.patient)
        for key in record.limits:
            self.limits[key] = self.limits.get(key, 0) + 1
        self.burden.add(fen)
        above = self.above
        for threshold in thresholds:  # ascending
            if fen <= threshold:
                break
            above[threshold] = above.get(threshold, 0) + 1
        return fen

    def merge(self, other: Side) -> None:
        for key, money in other.cells.items():
            found = self.cells.get(key)
            if found is None:
                found = self.cells[key] = Money()
            found.merge(money)
        _add_counts(self.people, other.people)
        self.eligible += other.eligible
        self.premium += other.premium
        self.premium_unknown += other.premium_unknown
        _add_counts(self.reached, other.reached)
        _add_counts(self.limits, other.limits)
        self.burden.merge(other.burden)
        _add_counts(self.above, other.above)

    @property
    def total(self) -> Money:
        """Every compared claim and person added up."""
        out = Money(people=sum(self.people.values()))
        for money in self.cells.values():
            out.merge(money)
        return out

    def by(self, dimension: str) -> dict[str, Money]:
        """Amounts by one of :data:`DIMENSIONS` (people counted for the person's own
        dimensions, category and scheme)."""
        i = DIMENSIONS.index(dimension)
        out: dict[str, Money] = {}
        for key, money in self.cells.items():
            value = key.split(SEP)[i]
            found = out.get(value)
            if found is None:
                found = out[value] = Money()
            found.merge(money)
        if i < 2:
            for key, n in self.people.items():
                value = key.split(SEP)[i]
                found = out.get(value)
                if found is None:
                    found = out[value] = Money()
                found.people += n
        return out


def _add_counts(into: dict, other: Mapping) -> None:  # type: ignore[type-arg]
    for key, n in other.items():
        into[key] = into.get(key, 0) + n


class Change(msgspec.Struct, kw_only=True):
    """Who pays less or more under the reform: the change in each compared person's
    yearly burden (reform − baseline)."""

    gain: int = 0
    """People whose burden falls."""
    lose: int = 0
    """People whose burden rises."""
    same: int = 0
    gained: Decimal = ZERO
    """The falls added up (positive yuan)."""
    lost: Decimal = ZERO
    """The rises added up."""
    gain_bands: dict[int, int] = {}
    """Gainers by the size of their fall (:data:`CHANGE_EDGES` lower edge, fen)."""
    lose_bands: dict[int, int] = {}
    premium_up: int = 0
    """People whose own premium rises under the reform (reported apart from burden)."""
    premium_down: int = 0

    def add(self, before: int, after: int, premiums: tuple[Decimal | None, Decimal | None]) -> None:
        delta = after - before
        if delta == 0:
            self.same += 1
        elif delta < 0:
            self.gain += 1
            self.gained += from_fen(-delta)
            _band(self.gain_bands, -delta)
        else:
            self.lose += 1
            self.lost += from_fen(delta)
            _band(self.lose_bands, delta)
        old, new = premiums
        if old is not None and new is not None and old != new:
            if new > old:
                self.premium_up += 1
            else:
                self.premium_down += 1

    def merge(self, other: Change) -> None:
        self.gain += other.gain
        self.lose += other.lose
        self.same += other.same
        self.gained += other.gained
        self.lost += other.lost
        _add_counts(self.gain_bands, other.gain_bands)
        _add_counts(self.lose_bands, other.lose_bands)
        self.premium_up += other.premium_up
        self.premium_down += other.premium_down


def _band(bands: dict[int, int], size: int) -> None:
    edge = CHANGE_EDGES[0]
    for lower in CHANGE_EDGES:
        if size > lower:
            edge = lower
    bands[edge] = bands.get(edge, 0) + 1


class Excluded(msgspec.Struct, kw_only=True):
    """People (or rows) left out for one reason: how many, and the first few places."""

    count: int = 0
    lines: list[int] = []
    """The smallest line (or row) numbers, at most :data:`MAX_EXAMPLES`."""

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < MAX_EXAMPLES:
            self.lines.append(line)
        elif line < self.lines[-1]:
            self.lines = sorted([*self.lines, line])[:MAX_EXAMPLES]

    def merge(self, other: Excluded) -> None:
        self.count += other.count
        self.lines = sorted({*self.lines, *other.lines})[:MAX_EXAMPLES]


def note(reasons: dict[str, Excluded], reason: str, line: int) -> None:
    """Count ``line`` under ``reason`` (under :data:`OTHER` once too many reasons are
    known)."""
    if reason not in reasons and len(reasons) >= MAX_REASONS:
        reason = OTHER
    found = reasons.get(reason)
    if found is None:
        found = reasons[reason] = Excluded()
    found.add(line)


def merge_reasons(into: dict[str, Excluded], other: Mapping[str, Excluded]) -> None:
    for reason, part in other.items():
        if reason not in into and len(into) >= MAX_REASONS:
            reason = OTHER
        if reason in into:
            into[reason].merge(part)
        else:
            into[reason] = Excluded(count=part.count, lines=list(part.lines))


class RegionImpact(msgspec.Struct, kw_only=True):
    """One region: the compared people under both rule sets, the change, and who was
    left out and why."""

    people: int = 0
    """People compared (answered, every claim settled, under both rule sets)."""
    baseline: Side = msgspec.field(default_factory=Side)
    reform: Side = msgspec.field(default_factory=Side)
    change: Change = msgspec.field(default_factory=Change)
    excluded: dict[str, Excluded] = {}
    """People left out, by reason."""
    excluded_bill: Decimal = ZERO
    """What the bills of the people left out add up to."""
    not_published: dict[str, int] = {}
    """Values the left-out people's answers name as not published: key → people."""
    schemes: dict[str, int] = {}
    """Everybody this region answered for (compared or not), by scheme."""

    def add(
        self,
        line: int,
        scenario: Scenario,
        before: Record,
        after: Record,
        thresholds: Sequence[int],
    ) -> None:
        """Add one person's baseline and reform records."""
        scheme = scenario.person.scheme
        self.schemes[scheme] = self.schemes.get(scheme, 0) + 1
        reason = why_left_out(before, after)
        if reason is not None:
            self._leave_out(line, scenario, reason, (before, after))
            return
        self.people += 1
        claims = {c.id: f"{SEP}{c.kind}{SEP}{c.level}{SEP}{c.care}" for c in scenario.claims}
        old = self.baseline.add(before, scheme, claims, thresholds)
        new = self.reform.add(after, scheme, claims, thresholds)
        self.change.add(old, new, (before.premium, after.premium))

    def _leave_out(
        self, line: int, scenario: Scenario, reason: str, records: tuple[Record, Record]
    ) -> None:
        note(self.excluded, reason, line)
        self.excluded_bill += sum((c.bill for c in scenario.claims), ZERO)
        named = {
            code[len("not_published:") :]
            for record in records
            for code in record.notices
            if code.startswith("not_published:")
        }
        for key in named:
            _count_named(self.not_published, key, 1)

    def merge(self, other: RegionImpact) -> None:
        self.people += other.people
        self.baseline.merge(other.baseline)
        self.reform.merge(other.reform)
        self.change.merge(other.change)
        merge_reasons(self.excluded, other.excluded)
        self.excluded_bill += other.excluded_bill
        _add_counts(self.schemes, other.schemes)
        for key, n in other.not_published.items():
            _count_named(self.not_published, key, n)


def _count_named(counts: dict[str, int], key: str, n: int) -> None:
    """Count ``n`` people under a not-published key (bounded: a notice without a key
    is named by its text)."""
    if key in counts or len(counts) < 4 * MAX_REASONS:
        counts[key] = counts.get(key, 0) + n


def why_left_out(before: Record, after: Record) -> str | None:
    """Why a person cannot be compared, or ``None`` when both answers are complete."""
    old, new = before.totals, after.totals
    if old is not None and new is not None and old.complete and new.complete:
        return None  # both answered (``ok``: only an answer has totals) and complete
    for record, side in ((before, ""), (after, "reform: ")):
        if record.status != "ok":
            return f"{side}{record.status}: {record.error or ''}".rstrip(": ")
    unsettled = [_unsettled(before), _unsettled(after)]
    if not any(unsettled):
        return None
    statuses = ", ".join(sorted(set(unsettled[0]) | set(unsettled[1])))
    if not unsettled[1]:
        return f"claims not settled under the baseline only ({statuses})"
    if not unsettled[0]:
        return f"claims not settled under the reform only ({statuses})"
    return f"claims not settled ({statuses})"


def _unsettled(record: Record) -> list[str]:
    totals = record.totals
    if totals is not None and totals.complete:
        return []
    return [c.status for c in record.claims if c.patient is None] or ["incomplete"]


class Impact(msgspec.Struct, kw_only=True):
    """A whole run: what was read, what could not be read, and each region's impact."""

    lines: int = 0
    """Population lines read (blank lines skipped and not counted)."""
    bad: dict[str, Excluded] = {}
    """Lines that are not valid scenarios, by error."""
    outside: dict[str, Excluded] = {}
    """Valid lines left out on purpose (``--scheme``), by reason."""
    regions: dict[str, RegionImpact] = {}
    seconds: float | None = None
    """Wall-clock time of the run (not money)."""

    @property
    def bad_lines(self) -> int:
        return sum(e.count for e in self.bad.values())

    def region(self, code: str) -> RegionImpact:
        found = self.regions.get(code)
        if found is None:
            found = self.regions[code] = RegionImpact()
        return found

    def merge(self, other: Impact) -> None:
        self.lines += other.lines
        merge_reasons(self.bad, other.bad)
        merge_reasons(self.outside, other.outside)
        for code, part in other.regions.items():
            self.region(code).merge(part)
