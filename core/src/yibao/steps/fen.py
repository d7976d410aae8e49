"""The integer executor: a plan run in whole fen, without explanations (batch).

Money is ``int`` fen; each ratio is an exact fraction ``(numerator, denominator)`` of
its Decimal value, and every rounding is half up to the fen, at the same points as the
explained executor (:mod:`yibao.steps.explain`), which it must match to the fen
(tests/steps/). A :class:`FenPlan` is built once per :class:`~yibao.steps.plan.Plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from math import lcm

from yibao.steps.plan import (
    PBands,
    PCap,
    PDeductible,
    Plan,
    PLimit,
    PRatio,
    PSubsidy,
    PTopUp,
    PWindow,
)

Fraction = tuple[int, int]
"""A ratio as ``(numerator, denominator)``, exact."""


def fen(amount: Decimal) -> int:
    """Yuan as whole fen (the amount is already whole fen)."""
    return int(amount * 100)


def fraction(rate: Decimal) -> Fraction:
    """An exact ratio (``0.7`` → ``(7, 10)``)."""
    return rate.as_integer_ratio()


def times(amount: int, rate: Fraction) -> int:
    """``amount`` fen × ``rate``, rounded half up to the fen (amounts are ≥ 0)."""
    num, den = rate
    return (2 * amount * num + den) // (2 * den)


@dataclass(frozen=True)
class FLimit:
    ledger: str
    cap: int
    payment: bool
    counts_unpaid: bool = False
    overflow: bool = False


@dataclass(frozen=True)
class FDeductible:
    first: int
    later: int | None
    counter: str | None


@dataclass(frozen=True)
class FRatio:
    rate: Fraction


@dataclass(frozen=True)
class FBands:
    running: str
    bands: tuple[tuple[int, int | None, int], ...]
    """``(above, upto, numerator over the common denominator)`` per band."""
    den: int


@dataclass(frozen=True)
class FCap:
    ledger: str
    cap: int | None


@dataclass(frozen=True)
class FTopUp:
    floor: Fraction


@dataclass(frozen=True)
class FWindow:
    running: str
    above: int
    top: int
    """Where the paid part ends: the limit, or a lower position."""
    cap: int
    """The yearly limit on cost, kept under ``running``."""
    rate: Fraction


@dataclass(frozen=True)
class FSubsidy:
    layer: str
    bands: tuple[tuple[int, int | None, int], ...]
    den: int


FenStep = FLimit | FDeductible | FRatio | FBands | FCap | FTopUp | FWindow


@dataclass(frozen=True)
class FenPlan:
    """A plan in integers."""

    layer: str
    steps: tuple[FenStep, ...]
    pays: bool
    subsidy: FSubsidy | None = None
    """A second payer on the running total (run with a ``trace``)."""
    rate: Fraction | None = None
    """The ratio a payment limit's remaining room covers (``overflow``)."""


def to_fen(plan: Plan) -> FenPlan:
    """The integer form of ``plan``."""
    steps: list[FenStep] = []
    for s in plan.steps:
        if isinstance(s, PLimit):
            steps.append(
                FLimit(
                    s.ledger,
                    fen(s.cap.money),
                    s.basis == "payment",
                    counts_unpaid=s.counts_unpaid,
                    overflow=s.overflow,
                )
            )
        elif isinstance(s, PDeductible):
            later = fen(s.later.money) if s.later is not None else None
            steps.append(FDeductible(fen(s.first.money), later, s.counter))
        elif isinstance(s, PRatio):
            steps.append(FRatio(fraction(s.rate)))
        elif isinstance(s, PBands):
            bands, den = _bands(s.bands.bands, s.rates)
            steps.append(FBands(s.running, bands, den))
        elif isinstance(s, PWindow):
            above, top, cap = fen(s.above.money), fen(s.top), fen(s.limit.money)
            steps.append(FWindow(s.running, above, top, cap, fraction(s.rate)))
        elif isinstance(s, PCap):
            steps.append(FCap(s.ledger, fen(s.cap) if s.cap is not None else None))
        elif isinstance(s, PTopUp):
            steps.append(FTopUp(fraction(s.floor.rate)))
    subsidy = _subsidy(plan.subsidy) if plan.subsidy is not None else None
    rate = fraction(plan.rate) if plan.rate is not None else None
    return FenPlan(plan.rule.layer[0], tuple(steps), plan.pays, subsidy, rate)


def _bands(bands, rates) -> tuple[tuple[tuple[int, int | None, int], ...], int]:  # type: ignore[no-untyped-def]
    """Bands in fen with each ratio's numerator over their common denominator."""
    fractions = [fraction(r) for r in rates]
    den = lcm(*(d for _, d in fractions)) if fractions else 1
    return tuple(
        (fen(b.above), fen(b.upto) if b.upto is not None else None, n * (den // d))
        for b, (n, d) in zip(bands, fractions, strict=True)
    ), den


def _subsidy(s: PSubsidy) -> FSubsidy:
    bands, den = _bands(s.bands.bands, s.rates)
    return FSubsidy(s.layer[0], bands, den)


def banded(low: int, high: int, bands: tuple[tuple[int, int | None, int], ...], den: int) -> int:
    """The banded payment on the part ``low``–``high`` of a running total, rounded once."""
    total = 0
    for above, upto, num in bands:
        top = high if upto is None else min(high, upto)
        bottom = max(low, above)
        if top > bottom:
            total += (top - bottom) * num
    return (2 * total + den) // (2 * den)


def run(
    plan: FenPlan,
    ledger: dict[str, int],
    amount: int,
    admission: int | None = None,
    caps: dict[str, int] | None = None,
    trace: dict[str, int | None] | None = None,
) -> int:
    """Run ``plan`` on ``amount`` fen with the year's ``ledger`` (running totals in fen,
    and admission counts); return the payment in fen. ``caps`` collects each yearly
    limit's cap in the order the limits are declared (what the engine's ledger reports).
    ``trace``, when given, receives the subsidy's payment (``subsidy``) and what a limit
    with ``overflow`` leaves (``overflow``, ``None`` when nothing passes on).
    Mirrors :func:`yibao.steps.explain.run` step for step."""
    caps = {} if caps is None else caps
    counted = amount
    deducted = 0
    pay: int | None = None
    overflow: int | None = None
    low = high = 0
    last: list[FLimit | FCap] = []
    for s in plan.steps:
        if isinstance(s, FLimit):
            if s.payment:
                last.append(s)
                continue
            caps[s.ledger] = s.cap
            room = max(s.cap - ledger.get(s.ledger, 0), 0)
            within = min(counted, room) if plan.pays or s.counts_unpaid else 0
            ledger[s.ledger] = ledger.get(s.ledger, 0) + within
            if s.overflow and within < counted:
                overflow = (overflow or 0) + counted - within
            counted = within
        elif isinstance(s, FDeductible):
            d = s.first
            if s.counter is not None:
                number = ledger.get(s.counter, 0) + 1
                ledger[s.counter] = number
                if admission is not None:
                    number = admission
                if s.later is not None and number > 1:
                    d = s.later
            deducted = min(d, counted)
        elif isinstance(s, FRatio):
            pay = times(counted - deducted, s.rate)
        elif isinstance(s, FBands):
            before = ledger.get(s.running, 0)
            ledger[s.running] = before + counted
            low, high = before + deducted, before + counted
            pay = banded(low, high, s.bands, s.den)
        elif isinstance(s, FWindow):
            before = ledger.get(s.running, 0)
            caps[s.running] = s.cap
            ledger[s.running] = before + counted
            low, high = before, before + counted
            pay = times(max(min(high, s.top) - max(before, s.above), 0), s.rate)
        elif isinstance(s, FCap):
            last.append(s)
        elif isinstance(s, FTopUp) and plan.pays and pay is not None:
            pay = max(pay, times(counted, s.floor))
    pay = pay if pay is not None else 0
    for s in last:
        if s.cap is not None:
            caps[s.ledger] = s.cap
            room = max(s.cap - ledger.get(s.ledger, 0), 0)
            if pay > room:
                if isinstance(s, FLimit) and s.overflow and plan.rate and plan.rate[0]:
                    num, den = plan.rate  # the cost the room covers: room ÷ ratio, to the fen
                    covered = min((2 * room * den + num) // (2 * num), counted - deducted)
                    overflow = (overflow or 0) + counted - deducted - covered
                pay = room
        ledger[s.ledger] = ledger.get(s.ledger, 0) + pay
    if trace is not None:
        trace["overflow"] = overflow
        if plan.subsidy is not None:
            sub = plan.subsidy
            trace["subsidy"] = banded(low, high, sub.bands, sub.den)
    return pay
