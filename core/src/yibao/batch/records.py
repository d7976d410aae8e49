"""What ``yibao batch`` writes: one record per input line and region, and the summary.

A record is compact by default (amounts per layer, no explanation); ``--explain`` adds
the region's whole answer with its steps under ``result``. Money is a decimal string,
as everywhere in yibao.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, get_args

import msgspec

from yibao.money import ZERO
from yibao.results import (
    ClaimResult,
    ClaimStatus,
    Coverage,
    Eligibility,
    Notice,
    Premium,
    RegionResult,
    Totals,
)


class ClaimLine(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One claim of a record: its status and what each layer pays."""

    id: str
    status: str
    bill: Decimal
    compliant: Decimal
    layers: dict[str, Decimal] = {}
    patient: Decimal | None = None


class Record(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One input line's answer in one region.

    ``status``: ``ok`` (the region answered), ``error`` (the region could not answer,
    e.g. a year it does not cover; ``error`` says why) or ``bad_input`` (the line is not
    a valid scenario; ``error`` names the field).
    """

    line: int
    region: str
    status: Literal["ok", "error", "bad_input"]
    error: str | None = None
    eligible: bool | None = None
    category: str | None = None
    premium: Decimal | None = None
    cover_from: dt.date | None = None
    claims: tuple[ClaimLine, ...] = ()
    totals: Totals | None = None
    notices: tuple[str, ...] = ()
    """``kind:key`` of each notice (``kind:text`` when it has no key)."""
    limits: tuple[str, ...] = ()
    """Keys of the yearly limits and caps the year's claims used up (nothing remains)."""
    result: RegionResult | None = None
    """With ``--explain``: the whole answer, steps and citations included."""


def add_layers(
    into: dict[str, Decimal], payments: Iterable[tuple[str, Decimal]]
) -> dict[str, Decimal]:
    """Add ``(layer, amount)`` pairs into ``into`` by layer (first-seen order) and return it."""
    for layer, amount in payments:
        into[layer] = into.get(layer, ZERO) + amount
    return into


def claim_line(claim: ClaimResult) -> ClaimLine:
    return ClaimLine(
        id=claim.claim_id,
        status=claim.status,
        bill=claim.bill,
        compliant=claim.compliant,
        layers=add_layers({}, ((p.layer, p.amount) for p in claim.layers)),
        patient=claim.patient,
    )


def record(line: int, result: RegionResult, *, explain: bool = False) -> Record:
    """The record of ``result`` for input line ``line``."""
    if result.status == "error":
        return Record(
            line=line,
            region=result.region,
            status="error",
            error=result.error,
            result=result if explain else None,
        )
    return _answered(
        line,
        result.region,
        result.eligibility,
        result.premium,
        result.coverage,
        claims=tuple(claim_line(c) for c in result.claims),
        totals=result.totals,
        notices=notice_codes(result.notices),
        limits=tuple(s.key for s in result.limits if s.remaining <= ZERO),
        result=result if explain else None,
    )


def notice_codes(notices: tuple[Notice, ...] | list[Notice]) -> tuple[str, ...]:
    """``kind:key`` of each notice (``kind:text`` when it has no key)."""
    return tuple(f"{n.kind}:{n.key or n.text_en}" for n in notices)


def _answered(
    line: int,
    region: str,
    eligibility: Eligibility | None,
    premium: Premium | None,
    coverage: Coverage | None,
    claims: tuple[ClaimLine, ...],
    totals: Totals | None,
    *,
    notices: tuple[str, ...],
    limits: tuple[str, ...] = (),
    result: RegionResult | None = None,
) -> Record:
    """An ``ok`` record: what the phases decided and the claims' lines."""
    return Record(
        line=line,
        region=region,
        status="ok",
        eligible=eligibility.eligible if eligibility else None,
        category=eligibility.category if eligibility else None,
        premium=premium.individual if premium else None,
        cover_from=coverage.start if coverage else None,
        claims=claims,
        totals=totals,
        notices=notices,
        limits=limits,
        result=result,
    )


def bad_line(line: int, region: str, message: str) -> Record:
    return Record(line=line, region=region, status="bad_input", error=message)


# -------------------------------------------------------------------------------------
# Summary
# -------------------------------------------------------------------------------------


_ORDER = {status: i for i, status in enumerate(get_args(ClaimStatus))}


class RegionSummary(msgspec.Struct, kw_only=True):
    """Totals over every answer of one region.

    ``bill``, ``layers`` and ``patient`` add up the claims whose patient share is known
    (as :class:`~yibao.results.Totals` does for one case), not-eligible cases included
    (the patient bears the whole bill).
    """

    cases: int = 0
    """Lines the region answered (``ok``)."""
    errors: int = 0
    """Lines the region could not answer (``error``)."""
    eligible: int = 0
    claims: dict[str, int] = {}
    """Claims by status."""
    bill: Decimal = ZERO
    layers: dict[str, Decimal] = {}
    """Fund outlays by payer layer (basic fund, critical illness, assistance, …)."""
    patient: Decimal = ZERO

    def add(self, record: Record) -> None:
        """Count one record of this region (``bad_input`` records are counted by the
        run's :class:`Summary`, not here)."""
        if record.status != "ok":
            self.errors += 1
            return
        self.cases += 1
        if record.eligible:
            self.eligible += 1
        for claim in record.claims:
            self.count(claim.status)
            if claim.patient is None:
                continue
            self.bill += claim.bill
            self.patient += claim.patient
            add_layers(self.layers, claim.layers.items())

    def merge(self, other: RegionSummary) -> None:
        self.cases += other.cases
        self.errors += other.errors
        self.eligible += other.eligible
        self.bill += other.bill
        self.patient += other.patient
        for status, count in other.claims.items():
            self.count(status, count)
        add_layers(self.layers, other.layers.items())

    def count(self, status: str, claims: int = 1) -> None:
        """Count ``claims`` claims of ``status``, the statuses always in one order (that
        of :data:`~yibao.results.ClaimStatus`), however the run met them."""
        if status in self.claims:
            self.claims[status] += claims
            return
        self.claims[status] = claims
        self.claims = dict(sorted(self.claims.items(), key=lambda item: _ORDER.get(item[0], 99)))


class Summary(msgspec.Struct, kw_only=True):
    """The whole run: lines read, bad lines, and each region's totals."""

    lines: int = 0
    """Scenario lines read (blank lines are skipped and not counted)."""
    bad_lines: int = 0
    regions: dict[str, RegionSummary] = {}
    seconds: float | None = None
    """Wall-clock time of the run (not money)."""

    def region(self, code: str) -> RegionSummary:
        found = self.regions.get(code)
        if found is None:
            found = self.regions[code] = RegionSummary()
        return found

    def merge(self, other: Summary) -> None:
        self.lines += other.lines
        self.bad_lines += other.bad_lines
        for code, part in other.regions.items():
            self.region(code).merge(part)

    def text(self) -> str:
        """The summary as plain lines for a terminal."""
        out = [f"lines {self.lines}, bad lines {self.bad_lines}"]
        if self.seconds is not None:
            rate = self.lines / self.seconds if self.seconds else 0.0
            out[0] += f", {self.seconds:.2f} s ({rate:,.0f} lines/s)"
        for code, part in self.regions.items():
            claims = ", ".join(f"{k} {v}" for k, v in sorted(part.claims.items()))
            out.append(
                f"{code}: cases {part.cases} (eligible {part.eligible}), errors {part.errors}; "
                f"claims {claims or 'none'}"
            )
            layers = ", ".join(f"{k} {v:.2f}" for k, v in part.layers.items())
            out.append(
                f"  bill {part.bill:.2f}; funds: {layers or 'none'}; patient {part.patient:.2f}"
            )
        return "\n".join(out)
