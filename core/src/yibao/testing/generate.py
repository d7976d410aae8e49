"""Scenarios generated for the conformance kit from a seeded ``random.Random``.

The generator needs no third-party library, so ``yibao plugin check`` runs anywhere
yibao is installed; with Hypothesis installed, the pytest kit feeds it Hypothesis'
own ``Random`` (``st.randoms()``) for more varied runs.

Every generated person is enrolled in the region (household registration, district,
a contribution paid in the autumn before the year), so most claims reach the payer
layers; claims are either the region's own example claims with new amounts and
dates, or random ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import get_args

import msgspec

from yibao.facts import Fact, part_type
from yibao.model import Claim, ClaimKind, Scenario
from yibao.results import RegionInfo

FEN = Decimal("0.01")
MAGNITUDES = (Decimal(50), Decimal(800), Decimal(5000), Decimal(30000), Decimal(150000),
              Decimal(600000))  # fmt: skip
KINDS: tuple[str, ...] = get_args(ClaimKind)
CARE = ("local",) * 6 + ("filed_residence", "emergency", "referral", "unreferred")


def money(rng: random.Random, top: Decimal) -> Decimal:
    """A random amount from 0.00 up to ``top``, in whole fen."""
    fen = rng.randint(0, int(top * 100))
    return (Decimal(fen) * FEN).quantize(FEN)


def synthetic_base(
    info: RegionInfo, scheme: str, year: int, kind: type[Scenario] = Scenario
) -> Scenario:
    """A plain adult enrolled in ``info``'s region for ``year`` (paid the autumn before),
    as a scenario of type ``kind`` (the registry's, with the regions' declared facts)."""
    employee = scheme == "employee"
    person = {
        "birth_date": dt.date(year - 45, 6, 15),
        "scheme": scheme,
        "hukou": info.code,
        "district": info.districts[0] if info.districts else None,
        "employment": "employee" if employee else "none",
        "contribution_base": "6000.00" if employee else None,
        "contribution_years": 20 if employee else None,
    }
    enrollment = [
        {"year": y, "region": info.code, "scheme": scheme, "paid_on": dt.date(y - 1, 11, 15)}
        for y in (year - 1, year)
    ]
    raw = {
        "title": f"generated: {info.code} {scheme} {year}",
        "year": year,
        "person": {k: v for k, v in person.items() if v is not None},
        "enrollment": enrollment,
    }
    return msgspec.convert(raw, type=kind)


def fact_value(rng: random.Random, fact: Fact, year: int) -> object:
    """A random value of a declared fact, of its type and within its bounds."""
    if fact.type == "integer":
        low = fact.minimum if fact.minimum is not None else 0
        high = fact.maximum if fact.maximum is not None else low + 1000
        return rng.randint(low, high)
    if fact.type == "flag":
        return rng.random() < 0.5
    if fact.type == "date":
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    if fact.type == "money":
        return money(rng, Decimal(10000))
    if fact.type == "choice":
        return rng.choice(fact.values).code
    return "generated"


def random_claim(
    rng: random.Random,
    year: int,
    ident: str,
    templates: Sequence[Claim],
    born: dt.date,
    facts: Sequence[Fact] = (),
    kind: type[Scenario] = Scenario,
) -> Claim:
    """One claim in ``year``: an example claim re-priced, or a random one of ``kind``'s
    claim type with random values of the declared claim ``facts``."""
    first = max(dt.date(year, 1, 1), born)
    day = first + dt.timedelta(days=rng.randint(0, (dt.date(year, 12, 31) - first).days))
    compliant = money(rng, rng.choice(MAGNITUDES))
    extra = money(rng, compliant / 5 + 10) if rng.random() < 0.6 else None
    if templates and rng.random() < 0.6:
        template = rng.choice(templates)
        total = None if extra is None else compliant + (template.blood or 0) + extra
        return msgspec.structs.replace(
            template, id=ident, date=day, compliant=compliant, total=total, admission=None
        )
    claim_kind = rng.choice(KINDS)
    blood = money(rng, Decimal(3000)) if claim_kind == "inpatient" and rng.random() < 0.2 else None
    stated = {f.name: fact_value(rng, f, year) for f in facts if f.on == "claim"}
    return part_type(kind, "claim")(
        id=ident,
        date=day,
        kind=claim_kind,
        compliant=compliant,
        # the whole bill holds the compliant part, the blood-use items and the rest
        total=None if extra is None else compliant + (blood or 0) + extra,
        level=rng.randint(1, 3),
        facility=rng.choice(("primary", "hospital", "hospital", "pharmacy")),
        care=rng.choice(CARE),
        blood=blood,
        **stated,
    )


def with_claims(base: Scenario, claims: Sequence[Claim], title: str) -> Scenario:
    """``base`` with its claims replaced (dates in order, ids unique)."""
    return msgspec.structs.replace(base, claims=tuple(claims), title=title)


def scenario(
    rng: random.Random,
    base: Scenario,
    templates: Sequence[Claim],
    count: int,
    label: str,
    facts: Sequence[Fact] = (),
) -> Scenario:
    """``base`` with ``count`` random claims (with random values of the declared claim
    ``facts``)."""
    claims = [
        random_claim(rng, base.year, f"g{i}", templates, base.person.birth_date, facts, type(base))
        for i in range(count)
    ]
    return with_claims(base, claims, f"{base.title or 'scenario'} · {label}")


def grown(claim: Claim, delta: Decimal, *, compliant: bool) -> Claim:
    """``claim`` with a bill larger by ``delta``: in the compliant part, or outside it."""
    total = claim.total
    if compliant:
        return msgspec.structs.replace(
            claim, compliant=claim.compliant + delta, total=None if total is None else total + delta
        )
    base = total if total is not None else claim.compliant + (claim.blood or Decimal("0.00"))
    return msgspec.structs.replace(claim, total=base + delta)


AGES = range(101)
"""Every age on 1 January a birthday sweep tries: whichever age a region's rules turn
on, one of these is a year short of it."""
BIRTHDAYS = ((1, 2), (12, 30))
"""Born early and late in the year: one has the birthday before a mid-year payment and
a mid-year claim, the other after them."""


def birthday_sweep(base: Scenario, claim: Claim) -> list[Scenario]:
    """``base``'s person at every age on 1 January of its year (:data:`AGES`), born early
    and late in the year (:data:`BIRTHDAYS`), paying the year's contribution before the
    year (20 November) and mid-year (15 June), with ``claim`` on 1 July — between the
    two birthdays. The enrolment keeps ``base``'s shape; only the birth date and the
    year's payment day vary, so any answer that turns on a birthday in the year shows
    as two people of one age on 1 January answered differently."""
    year = base.year
    return [
        _swept(base, claim, dt.date(year - age - 1, month, day), paid, f"aged {age} on 1 January, ")
        for age in AGES
        for month, day in BIRTHDAYS
        for paid in (dt.date(year - 1, 11, 20), dt.date(year, 6, 15))
    ]


def newborn_sweep(base: Scenario, claim: Claim) -> list[Scenario]:
    """``base``'s person born on the 1st of every other month from two years before its
    year to May of it, each paying the year's contribution on the 10th of every other
    month from February of the year before to December of the year, with ``claim`` on
    1 July. Children of one age on 1 January paying on one day, one within a newborn
    window after birth and the other not, must be answered apart: a window the
    settlement does not declare (``Settlement.newborn_window``) shows."""
    year = base.year
    births = [dt.date(y, m, 1) for y in (year - 2, year - 1, year) for m in range(1, 13, 2)]
    payments = [dt.date(y, m, 10) for y in (year - 1, year) for m in range(2, 13, 2)]
    return [
        _swept(base, claim, born, paid, "")
        for born in births
        if born < dt.date(year, 6, 1)
        for paid in payments
    ]


def _swept(base: Scenario, claim: Claim, born: dt.date, paid: dt.date, age: str) -> Scenario:
    """``base`` with the person born on ``born``, the year's contribution paid on
    ``paid`` (the enrolment's shape kept) and ``claim`` alone, on 1 July."""
    year = base.year
    enrollment = tuple(
        msgspec.structs.replace(e, paid_on=paid) if e.year == year else e for e in base.enrollment
    )
    return msgspec.structs.replace(
        base,
        person=msgspec.structs.replace(base.person, birth_date=born),
        enrollment=enrollment,
        claims=(msgspec.structs.replace(claim, date=dt.date(year, 7, 1), admission=None),),
        title=f"{base.title} · {age}born {born}, paid {paid}",
    )
