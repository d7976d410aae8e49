"""Date arithmetic the rules share (months of waiting, days since an event)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day.

    2025-01-31 + 1 month = 2025-02-28; 2025-03-15 + 2 months = 2025-05-15.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_between(earlier: dt.date, later: dt.date) -> int:
    """Whole days from ``earlier`` to ``later`` (the day after is 1)."""
    return (later - earlier).days


ONE_DAY = dt.timedelta(days=1)
