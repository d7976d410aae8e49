"""The cost curve: what the patient pays for one claim as its compliant amount grows.

Each point is an engine answer: the case with its claims replaced by one claim of the
chosen kind and hospital level (the selected claim's other facts kept) at that amount,
compared across the regions. Nothing here applies a policy rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import msgspec
from yibao.engine import compare
from yibao.model import Scenario
from yibao.registry import Registry

TOP = Decimal("1000000")
POINTS = 41


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
