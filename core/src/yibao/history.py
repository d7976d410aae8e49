"""Enrolment history read year by year: continuity, gap years and the incentives that
accumulate over them.

Since 2025, resident schemes reward continuous enrolment and years without fund
reimbursement by raising the critical-illness cap, and lower it for each gap year (the
national guidance 国办发〔2024〕38号, which Jiangsu 二.3 and 昌黎 八.1 put into force with
their own amounts). The mechanics are the same everywhere; the amounts, the first year
and which records count come from the region. Every year that changes the cap is one
step of the explanation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from yibao.case import step
from yibao.model import Enrollment
from yibao.money import ZERO
from yibao.params import Param
from yibao.results import Step


@dataclass(frozen=True)
class HistoryYear:
    """One year of a person's history, from the first year counted."""

    year: int
    record: Enrollment | None
    """The enrolment record of the year (``None`` in a gap, and in the scenario year when
    it has no record yet: that year counts as enrolled, since cover is being asked for)."""
    enrolled: bool
    """Enrolled in a resident scheme (the scenario year always counts)."""
    run: int
    """Consecutive resident-scheme years ending with this one (0 otherwise)."""
    gap: bool
    """Insured in no scheme at all (断保), after having been insured at some earlier
    time — before the first year counted too."""


def resident_years(records: Iterable[Enrollment], first: int, year: int) -> list[HistoryYear]:
    """The years ``first`` … ``year`` of the history ``records`` (every scheme's records
    that count, already filtered by the region), the scenario ``year`` counting as
    enrolled in the resident scheme.

    A year in the employee scheme is no gap (the person was insured) but not a resident
    year either, so the continuous resident count restarts after it
    (docs/interpretations.md, "Years")."""
    by_year = {e.year: e for e in records}
    insured_before = any(y < first for y in by_year)
    out = []
    run = 0
    for y in range(first, year + 1):
        record = by_year.get(y)
        resident = y == year or (record is not None and record.scheme == "resident")
        insured = resident or record is not None
        run = run + 1 if resident else 0
        out.append(
            HistoryYear(
                y,
                record if record is not None and record.scheme == "resident" else None,
                enrolled=resident,
                run=run,
                gap=not insured and insured_before,
            )
        )
        insured_before = insured_before or insured
    return out


@dataclass(frozen=True)
class IncentiveRules:
    """A region's cap incentives: after ``continuity_years`` continuous years each further
    one adds ``continuity_step``; each year with no fund reimbursement adds ``zero_step``
    from the next year on (cleared the year after the incentive is used); each gap year
    takes ``gap_step`` off."""

    continuity_years: Param
    continuity_step: Param
    zero_step: Param
    gap_step: Param


@dataclass
class Incentives:
    """What a history earns: continuity and zero-reimbursement raises, and gap years."""

    continuity: Decimal = ZERO
    credit: Decimal = ZERO
    """The zero-reimbursement credit still standing."""
    gap_years: int = 0
    steps: list[Step] = field(default_factory=list)

    @property
    def raised(self) -> Decimal:
        """Both raises, before any limit on their total."""
        return self.continuity + self.credit


def cap_incentives(history: list[HistoryYear], rules: IncentiveRules) -> Incentives:
    """Walk ``history`` year by year and accumulate the cap's changes, one step per year.

    Readings (docs/interpretations.md): raises already earned are kept after a gap (the
    continuous count restarts); the zero-reimbursement credit counts from the year after
    a year with no reimbursement and is cleared after a year in which the incentive was
    used; the scenario year's own reimbursement is not known yet and changes nothing.
    """
    out = Incentives()
    after = rules.continuity_years.integer
    last = history[-1].year if history else None
    for h in history:
        if h.gap:
            out.gap_years += 1
            out.steps.append(
                _year(
                    h.year,
                    "断保：连续参保年数重新计算，封顶线降低",
                    "gap: continuity restarts, the cap is lowered",
                    -rules.gap_step.money,
                    rules.gap_step,
                )
            )
            continue
        if not h.enrolled:
            continue
        where = "（外省）" if h.record is not None and h.record.other_province else ""
        where_en = " (another province)" if where else ""
        if h.run > after:
            out.continuity += rules.continuity_step.money
            out.steps.append(
                _year(
                    h.year,
                    f"连续参保第{h.run}年{where}：提高封顶线",
                    f"continuous year {h.run}{where_en}: the cap is raised",
                    rules.continuity_step.money,
                    rules.continuity_step,
                )
            )
        else:
            out.steps.append(
                _year(
                    h.year,
                    f"连续参保第{h.run}年{where}",
                    f"continuous year {h.run}{where_en}",
                    ZERO,
                    rules.continuity_years,
                )
            )
        if h.year == last or h.record is None:
            continue
        if h.record.incentive_used and out.credit:
            out.steps.append(
                _year(
                    h.year,
                    "使用激励额度：前期零报销激励额度次年清零",
                    "incentive used: the zero-reimbursement credit is cleared next year",
                    -out.credit,
                    rules.zero_step,
                )
            )
            out.credit = ZERO
        if not h.record.reimbursed:
            out.credit += rules.zero_step.money
            out.steps.append(
                _year(
                    h.year,
                    "当年基金零报销：次年起提高封顶线",
                    "no fund reimbursement: the cap is raised from next year",
                    rules.zero_step.money,
                    rules.zero_step,
                )
            )
    return out


def _year(year: int, zh: str, en: str, change: Decimal, cite: Param) -> Step:
    """One year of the history and how it changes the cap (signed, in yuan)."""
    shown = f"{change:+.2f}" if change else "±0.00"
    return step(f"{year}年：{zh}", f"{year}: {en}", shown, cite=cite, amount=change)
