"""Sample people for the charts: generated scenarios the engine evaluates point by point.

These are not personas and carry no policy: each is a plain set of facts (an age, a
scheme, an employment) enrolled on time, built for whichever year a region's newest
rules cover. The person's home is a placeholder region, so every region answers "as if
the person lived there" on equal terms: in the region's first district, with the
category the region asks to be stated for that kind of person
(:attr:`yibao.results.SchemeInfo.stated_for`), if any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from yibao.model import Claim, Elsewhere, Enrollment, Person, Scenario
from yibao.results import RegionInfo

from yibao_reports.model import Text2

HOME = "sample-home"
"""The placeholder home region of every sample person (no region has this code)."""

DEFAULT_GRID: tuple[Decimal, ...] = tuple(
    Decimal(n)
    for n in (
        500, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 50000, 75000,
        100000, 150000, 200000, 300000, 400000, 500000, 600000, 800000, 1000000,
    )
)  # fmt: skip
"""Compliant amounts (yuan) at which the patient-share chart is sampled."""

LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class Sample:
    """A sample person: an id, a label, a scheme and how to build them for a year."""

    id: str
    label: Text2
    scheme: str
    person: Callable[[int], Person]


def _born(year: int, age: int) -> dt.date:
    return dt.date(year - age - 1, 7, 1)


def _resident(age: int, **facts: object) -> Callable[[int], Person]:
    return lambda year: Person(birth_date=_born(year, age), hukou=HOME, **facts)  # type: ignore[arg-type]


def _employee(age: int, **facts: object) -> Callable[[int], Person]:
    return lambda year: Person(
        birth_date=_born(year, age),
        hukou=HOME,
        scheme="employee",
        sex="male",
        **facts,  # type: ignore[arg-type]
    )


SAMPLES: tuple[Sample, ...] = (
    Sample(
        id="adult",
        label=Text2(zh="45岁无业居民", en="non-working adult, 45"),
        scheme="resident",
        person=_resident(45),
    ),
    Sample(
        id="elderly",
        label=Text2(zh="72岁老人", en="elderly, 72"),
        scheme="resident",
        person=_resident(72),
    ),
    Sample(
        id="university",
        label=Text2(zh="大学生", en="university student"),
        scheme="resident",
        person=_resident(20, student="university", study_region=HOME),
    ),
    Sample(
        id="minor",
        label=Text2(zh="10岁小学生", en="pupil, 10"),
        scheme="resident",
        person=_resident(10, student="school", study_region=HOME),
    ),
    Sample(
        id="employee",
        label=Text2(zh="在职职工（月基数8000）", en="employee, base 8000/month"),
        scheme="employee",
        person=_employee(40, employment="employee", contribution_base=Decimal("8000.00")),
    ),
    Sample(
        id="flexible",
        label=Text2(zh="灵活就业人员", en="flexible worker"),
        scheme="employee",
        person=_employee(40, employment="flexible"),
    ),
)
"""The sample people of the premium chart; the first of each scheme is the one whose
inpatient bills make the patient-share chart."""


def share_sample(scheme: str) -> Sample | None:
    """The sample person whose bills make ``scheme``'s patient-share chart."""
    return next((s for s in SAMPLES if s.scheme == scheme), None)


def scenario(
    sample: Sample, year: int, region: RegionInfo, claims: Sequence[Claim] = ()
) -> Scenario:
    """``sample`` enrolled on time for ``year`` and the year before, with ``claims``, as
    ``region`` would see them."""
    scheme = sample.scheme
    paid_before = dt.date(year - 1, 12, 20) if scheme == "employee" else dt.date(year - 1, 11, 20)
    enrollment = (
        Enrollment(year=year - 1, region=HOME, scheme=scheme, paid_on=dt.date(year - 2, 11, 20)),
        Enrollment(year=year, region=HOME, scheme=scheme, paid_on=paid_before),
    )
    return Scenario(
        year=year,
        person=sample.person(year),
        enrollment=enrollment,
        claims=tuple(claims),
        title=sample.label.en,
        elsewhere={region.code: _there(sample, region)},
    )


def _there(sample: Sample, region: RegionInfo) -> Elsewhere:
    """Where in ``region`` the sample person lives, and what category it asks to state."""
    stated = next((s.stated_for for s in region.schemes if s.scheme == sample.scheme), {})
    return Elsewhere(
        district=region.districts[0] if region.districts else None,
        category=stated.get(sample.id),
    )


def inpatient(year: int, level: int, amount: Decimal) -> Claim:
    """One local inpatient bill of ``amount`` (all compliant) at a hospital ``level``."""
    return Claim(
        id=f"inpatient-l{level}-{amount}",
        date=dt.date(year, 6, 1),
        kind="inpatient",
        level=level,
        compliant=amount,
    )
