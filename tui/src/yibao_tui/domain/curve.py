"""The cost curve: what the patient pays for one claim as its compliant amount grows.

Each point is an engine answer: the case with its claims replaced by one claim of the
chosen kind and hospital level (the selected claim's other facts kept) at that amount,
compared across the regions. Nothing here applies a policy rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import msgspec
from yibao.engine import compare
from yibao.model import Scenario
from yibao.registry import Registry

TOP = Decimal("1000000")
POINTS = 41

STYLES: tuple[tuple[str, str, tuple[int, int, int]], ...] = (
    ("braille", "⠤⠤", (0, 114, 178)),  # blue
    ("x", "xx", (230, 159, 0)),  # orange
    ("+", "++", (0, 158, 115)),  # bluish green
    ("o", "oo", (204, 121, 167)),  # reddish purple
)
"""Each series' plotext marker, how the legend shows it, and its colour: series differ
by marker, not by colour alone, and the colours are Okabe and Ito's, told apart with
the common colour-vision deficiencies."""

UNITS: dict[str, tuple[Decimal, str]] = {
    "zh": (Decimal(10000), "万元"),
    "en": (Decimal(1000), "thousand yuan"),
}
"""The axes count in 万元 (zh) or thousands of yuan (en): short round tick labels."""


def amounts(top: Decimal = TOP, points: int = POINTS) -> list[Decimal]:
    """``points`` evenly spaced compliant amounts from 0 to ``top``, in whole yuan."""
    return [(top * i / (points - 1)).quantize(Decimal("1.00")) for i in range(points)]


@dataclass(frozen=True)
class Curve:
    region: str
    name: str
    xs: tuple[Decimal, ...]
    ys: tuple[Decimal | None, ...]
    """What the patient pays at each amount; ``None`` where the engine could not settle."""

    def drawn(self) -> tuple[list[float], list[float]]:
        """The points that can be drawn (settled ones), as floats for plotting."""
        pairs = [
            (float(x), float(y)) for x, y in zip(self.xs, self.ys, strict=True) if y is not None
        ]
        return [x for x, _ in pairs], [y for _, y in pairs]


def one_claim(scenario: Scenario, index: int, amount: Decimal) -> Scenario:
    """``scenario`` with only claim ``index``, its compliant amount (and bill) ``amount``."""
    claim = msgspec.structs.replace(
        scenario.claims[index], compliant=amount, total=None, blood=None, admission=None
    )
    return msgspec.structs.replace(scenario, claims=(claim,))


def curves(
    scenario: Scenario,
    index: int,
    regions: Sequence[str],
    registry: Registry | None = None,
    xs: Sequence[Decimal] | None = None,
) -> list[Curve]:
    """One curve per region for claim ``index`` of ``scenario``."""
    xs = list(xs if xs is not None else amounts())
    ys: dict[str, list[Decimal | None]] = {code: [] for code in regions}
    names: dict[str, str] = {code: code for code in regions}
    for x in xs:
        result = compare(one_claim(scenario, index, x), regions, registry=registry)
        for r in result.results:
            names[r.region] = r.name_en or r.region
            ys[r.region].append(r.claims[0].patient if r.status == "ok" and r.claims else None)
    return [Curve(code, names[code], tuple(xs), tuple(ys[code])) for code in regions]


def ticks(top: Decimal, lang: str, most: int = 6) -> tuple[list[float], list[str]]:
    """Round ticks from 0 to at least ``top`` yuan, at most ``most`` of them, labelled
    in the language's unit (:data:`UNITS`): ``0 25 50 75 100`` (万元), never
    ``833333.3``. The positions are in yuan (floats: they only place marks)."""
    unit, _ = UNITS.get(lang, UNITS["en"])
    span = max(top / unit, Decimal("0.1"))
    rough = span / (most - 1)
    power = Decimal(10) ** rough.adjusted()
    step = next(
        m * power
        for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
        if m * power >= rough
    )
    count = int((span / step).to_integral_value(ROUND_CEILING))
    values = [step * i for i in range(count + 1)]
    return [float(v * unit) for v in values], [f"{v.normalize():,f}" for v in values]
