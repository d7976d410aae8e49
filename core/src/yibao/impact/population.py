"""What a population line becomes before it is settled: ``--scheme`` and ``--year``.

``--year Y`` settles each case as if it happened in year ``Y``: every date of the
scenario moves by whole years — birth dates too, so every person keeps their age —
and amounts stay as they are (no uprating of costs). 29 February becomes 28 February
in a year without it. The same population then meets year ``Y``'s rules, which is the
question "what would this year's cases cost under next year's policy".
"""

from __future__ import annotations

import datetime as dt

import msgspec

from yibao.errors import InputError
from yibao.model import Scenario


def _moved(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def shift_year(scenario: Scenario, year: int, line: int) -> Scenario:
    """``scenario`` moved to ``year`` (unchanged when it is of that year already).

    Raises :class:`InputError` naming ``line`` when the moved scenario is not valid
    (a year outside the range scenarios may have)."""
    years = year - scenario.year
    if years == 0:
        return scenario
    replace = msgspec.structs.replace
    person = replace(scenario.person, birth_date=_moved(scenario.person.birth_date, years))
    try:
        return msgspec.convert(
            {
                **msgspec.structs.asdict(scenario),
                "year": year,
                "person": person,
                "enrollment": tuple(
                    replace(
                        e,
                        year=e.year + years,
                        paid_on=_moved(e.paid_on, years) if e.paid_on else None,
                    )
                    for e in scenario.enrollment
                ),
                "events": tuple(replace(e, date=_moved(e.date, years)) for e in scenario.events),
                "claims": tuple(replace(c, date=_moved(c.date, years)) for c in scenario.claims),
            },
            Scenario,
            from_attributes=True,
        )
    except (msgspec.ValidationError, ValueError) as exc:
        raise InputError(f"line {line}", f"moved to {year}: {exc}") from None
