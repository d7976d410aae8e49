"""Synthetic populations of 常州 people for benchmarks and tests (``yibao synth``).

Offered through the ``yibao.profiles`` entry-point group (see :mod:`yibao.batch.synth`):

- ``inpatient-one`` — the benchmark workload: 常州 residents of 2025, one inpatient
  claim each; categories elderly 30% / non-working core districts 30% / non-working
  溧阳·金坛 10% / university students 10% / minors 20%; hospital levels 1/2/3 at
  25/35/40%; care local 85% / referral 10% / unreferred 5%; amounts log-normal with
  median 15,000 yuan and σ 1.3, clipped to 1,000–1,000,000, whole fen.
- ``general`` — a mixed population: residents (2025) and employees (2024) of 常州,
  one to eight claims each of every kind, hospital levels and facilities, care outside
  the city, blood use, non-compliant parts, assistance recipients, late payers.

The weights describe a plausible population for exercising the rules; they are not
policy numbers and no rule reads them.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from yibao.batch.synth import Picker, Profile, birth_date, day_in, fen_text, lognormal_fen

CORE = ("wujin", "jingkai", "xinbei", "tianning", "zhonglou")
OUTER = ("liyang", "jintan")
YEAR = 2025

#: (category, weight, districts) of the inpatient-one workload.
INPATIENT_ONE_CATEGORIES = (
    ("elderly", 30, CORE + OUTER),
    ("non_working_core", 30, CORE),
    ("non_working_outer", 10, OUTER),
    ("university", 10, CORE),
    ("minor", 20, CORE + OUTER),
)
LEVELS = ((1, 25), (2, 35), (3, 40))
CARE = (("local", 85), ("referral", 10), ("unreferred", 5))
MEDIAN = 15_000.0
SIGMA = 1.3
LOW_FEN, HIGH_FEN = 100_000, 100_000_000


# -------------------------------------------------------------------------------------
# inpatient-one
# -------------------------------------------------------------------------------------


def _resident_person(rng: random.Random, group: str, district: str) -> str:
    if group == "elderly":
        birth = birth_date(rng, YEAR, 60, 95)
        extra = '"category":"elderly",'
    elif group.startswith("non_working"):
        birth = birth_date(rng, YEAR, 18, 59)
        extra = '"category":"non_working",'
    elif group == "university":
        birth = birth_date(rng, YEAR, 18, 24)
        extra = '"student":"university","study_region":"changzhou",'
    else:
        birth = birth_date(rng, YEAR, 0, 17)
        extra = ""
    return f'{{"birth_date":"{birth}",{extra}"hukou":"changzhou","district":"{district}"}}'


def inpatient_one(rng: random.Random) -> Callable[[int], str]:
    """The issue's workload: one line per call, case number ``i``."""
    group = Picker(rng, tuple((g, w) for g, w, _ in INPATIENT_ONE_CATEGORIES))
    districts = {g: d for g, _, d in INPATIENT_ONE_CATEGORIES}
    level = Picker(rng, LEVELS)
    care = Picker(rng, CARE)
    enrolment = f'[{{"year":{YEAR},"region":"changzhou","paid_on":"{YEAR - 1}-11-20"}}]'

    def line(i: int) -> str:
        g = group()
        person = _resident_person(rng, g, rng.choice(districts[g]))
        amount = fen_text(lognormal_fen(rng, MEDIAN, SIGMA, LOW_FEN, HIGH_FEN))
        claim = (
            f'{{"id":"c{i}","date":"{day_in(rng, YEAR)}","kind":"inpatient",'
            f'"level":{level()},"care":"{care()}","compliant":"{amount}"}}'
        )
        return f'{{"year":{YEAR},"person":{person},"enrollment":{enrolment},"claims":[{claim}]}}'

    return line


# -------------------------------------------------------------------------------------
# general
# -------------------------------------------------------------------------------------

CHRONIC = ("hypertension", "diabetes", "stroke", "coronary_heart_disease", "parkinson")
SPECIAL = ("cancer", "renal_failure", "severe_mental_disorder", "tuberculosis")
ASSISTANCE = ("minimum_living", "extreme_poverty", "low_income_margin", "orphan")
#: kind: (weight, median yuan, sigma)
KINDS = {
    "inpatient": (22, 12_000.0, 1.2),
    "general_outpatient": (35, 300.0, 1.0),
    "chronic_outpatient": (15, 1_500.0, 0.8),
    "special_outpatient": (8, 20_000.0, 1.0),
    "dual_channel_drug": (8, 8_000.0, 1.0),
    "rare_disease_drug": (2, 50_000.0, 1.0),
    "maternity": (6, 6_000.0, 0.5),
    "pku": (4, 5_000.0, 0.6),
}
GENERAL_CARE = (
    ("local", 80),
    ("filed_residence", 5),
    ("emergency", 4),
    ("referral", 6),
    ("unreferred", 3),
    ("non_designated", 2),
)


def _general_claim(rng: random.Random, pick: dict[str, Picker], year: int, n: int) -> str:
    kind = str(pick["kind"]())
    _, median, sigma = KINDS[kind]
    fen = lognormal_fen(rng, median, sigma, 1_000, 100_000_000)
    parts = [
        f'"id":"c{n}"',
        f'"date":"{day_in(rng, year)}"',
        f'"kind":"{kind}"',
        f'"level":{pick["level"]()}',
        f'"care":"{pick["care"]()}"',
        f'"compliant":"{fen_text(fen)}"',
    ]
    blood = rng.randint(20_000, 300_000) if kind == "inpatient" and rng.random() < 0.05 else 0
    if blood:
        parts.append(f'"blood":"{fen_text(blood)}"')
    if rng.random() < 0.3:
        own = round(fen * rng.random() * 0.3)
        parts.append(f'"total":"{fen_text(fen + blood + own)}"')
    if kind in ("general_outpatient", "chronic_outpatient"):
        parts.append(f'"facility":"{"primary" if rng.random() < 0.5 else "hospital"}"')
    if kind == "chronic_outpatient":
        chosen = rng.sample(CHRONIC, rng.randint(1, 2))
        parts.append('"diseases":[' + ",".join(f'"{d}"' for d in chosen) + "]")
    elif kind == "special_outpatient":
        parts.append(f'"diseases":["{rng.choice(SPECIAL)}"]')
    if kind == "inpatient" and rng.random() < 0.02:
        parts.append('"injury":true')
    return "{" + ",".join(parts) + "}"


def general(rng: random.Random) -> Callable[[int], str]:
    """A mixed population of 常州 residents and employees with several claims each."""
    pick = {
        "kind": Picker(rng, tuple((k, w) for k, (w, _, _) in KINDS.items())),
        "level": Picker(rng, LEVELS),
        "care": Picker(rng, GENERAL_CARE),
        "claims": Picker(rng, ((1, 30), (2, 25), (3, 18), (4, 12), (5, 7), (6, 4), (8, 4))),
    }
    group = Picker(rng, tuple((g, w) for g, w, _ in INPATIENT_ONE_CATEGORIES))
    districts = {g: d for g, _, d in INPATIENT_ONE_CATEGORIES}

    def line(i: int) -> str:
        employee = rng.random() < 0.15
        year = 2024 if employee else YEAR
        if employee:
            person = _employee_person(rng)
            paid = f"{year}-01-15"
        else:
            g = str(group())
            person = _resident_person(rng, g, rng.choice(districts[g]))
            if rng.random() < 0.04:
                person = person[:-1] + f',"assistance":["{rng.choice(ASSISTANCE)}"]}}'
            late = f"{year}-03-{rng.randint(1, 28):02d}"
            paid = f"{year - 1}-11-20" if rng.random() < 0.97 else late
        scheme = "employee" if employee else "resident"
        enrolment = ",".join(
            f'{{"year":{y},"region":"changzhou","scheme":"{scheme}","paid_on":"{p}"}}'
            for y, p in ((year - 1, f"{year - 2}-11-20"), (year, paid))
        )
        count = int(pick["claims"]())  # type: ignore[call-overload]
        claims = ",".join(_general_claim(rng, pick, year, n) for n in range(count))
        return f'{{"year":{year},"person":{person},"enrollment":[{enrolment}],"claims":[{claims}]}}'

    return line


def _employee_person(rng: random.Random) -> str:
    head = '"scheme":"employee","hukou":"changzhou"'
    if rng.random() < 0.3:
        birth = birth_date(rng, 2024, 60, 90)
        years = rng.randint(15, 40)
        return (
            f'{{"birth_date":"{birth}",{head},"employment":"retired","contribution_years":{years}}}'
        )
    birth = birth_date(rng, 2024, 20, 59)
    base = fen_text(rng.randint(4_000, 30_000) * 100)
    return f'{{"birth_date":"{birth}",{head},"employment":"employee","contribution_base":"{base}"}}'


INPATIENT_ONE = Profile(
    summary="常州 residents 2025, one inpatient claim each (the benchmark workload)",
    make=inpatient_one,
)
GENERAL = Profile(
    summary="常州 residents (2025) and employees (2024), one to eight claims of every kind",
    make=general,
)
