"""Date arithmetic the rules share (months of waiting, days since an event)."""

from __future__ import annotations

import calendar
import datetime as dt
import os

TODAY_ENV = "YIBAO_TODAY"
"""Set to an ISO date to run as if it were that day (reproducible reports and tests)."""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day.

    2025-01-31 + 1 month = 2025-02-28; 2025-03-15 + 2 months = 2025-05-15.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return on_day(dt.date(year, month, 1), day.day)


def on_day(month: dt.date, day: int) -> dt.date:
    """Day ``day`` of ``month``'s month, clamped to its last day: a rule's "the 31st"
    in a 30-day month is the 30th (and an overlay's day of the month never crashes it)."""
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def days_between(earlier: dt.date, later: dt.date) -> int:
    """Whole days from ``earlier`` to ``later`` (the day after is 1)."""
    return (later - earlier).days


ONE_DAY = dt.timedelta(days=1)


def today() -> dt.date:
    """Today's date, or the date ``YIBAO_TODAY`` names (an ISO date such as 2026-11-27)."""
    stated = os.environ.get(TODAY_ENV)
    if stated:
        try:
            return dt.date.fromisoformat(stated.strip())
        except ValueError:
            raise ValueError(
                f"{TODAY_ENV}={stated!r}: expected an ISO date such as 2026-11-27"
            ) from None
    return dt.date.today()


def answer_years(source_years: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """The scheme years a region answers: from the first year its sources cover through
    next year (a counter takes next year's enrolments in this year's fourth quarter), or
    through the last source year when that is later."""
    if not source_years:
        return ()
    last = max(today().year + 1, max(source_years))
    return tuple(range(min(source_years), last + 1))
