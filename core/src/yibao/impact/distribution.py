"""How yearly burdens are spread over people, kept in bounded memory.

A million people's burdens cannot be held to sort them (memory must stay flat), so each
burden, in whole fen, is counted in a bucket of a fixed grid: exact below 10 yuan, then
90 buckets per decade (1,000–1,010, 1,010–1,020, … yuan), so a bucket is at most 1% of
its lower edge wide. A decile is reported as the bucket that holds it — ``[low, high)``
in fen — never as a guessed point inside it. Counts are integers and merge by addition,
so any partition of the population gives the same histogram.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

from yibao.money import FEN

EXACT_BELOW = 1_000
"""Fen below which every amount has its own bucket (10 yuan)."""


def to_fen(amount: Decimal) -> int:
    """A whole-fen amount in yuan as integer fen (``Decimal("12.34")`` → 1234)."""
    scaled = amount * 100
    fen = int(scaled)
    if fen != scaled:
        raise ValueError(f"{amount} is not a whole number of fen")
    return fen


def from_fen(fen: int) -> Decimal:
    """Integer fen as yuan with two places (1234 → ``Decimal("12.34")``)."""
    return (Decimal(fen) / 100).quantize(FEN)


def bucket_width(fen: int) -> int:
    """The width in fen of the bucket holding ``fen`` (≥ 0): 1 below
    :data:`EXACT_BELOW`, then a hundredth of the decade's lower end."""
    return 1 if fen < EXACT_BELOW else 10 ** (len(str(fen)) - 3)


def bucket_of(fen: int) -> int:
    """The lower edge in fen of the bucket holding ``fen`` (≥ 0)."""
    return fen if fen < EXACT_BELOW else fen - fen % 10 ** (len(str(fen)) - 3)


def is_edge(fen: int) -> bool:
    """Whether ``fen`` is a bucket's lower edge (bands drawn from the histogram must
    start on edges to be counted exactly)."""
    return bucket_of(fen) == fen


class Histogram(msgspec.Struct, kw_only=True):
    """People counted by the bucket of their amount (lower edge in fen → people)."""

    counts: dict[int, int] = {}

    def add(self, fen: int) -> None:
        edge = bucket_of(fen)
        self.counts[edge] = self.counts.get(edge, 0) + 1

    def merge(self, other: Histogram) -> None:
        for edge, n in other.counts.items():
            self.counts[edge] = self.counts.get(edge, 0) + n

    @property
    def people(self) -> int:
        return sum(self.counts.values())

    def quantile(self, numerator: int, denominator: int) -> tuple[int, int] | None:
        """The bucket ``[low, high)`` in fen holding the ``numerator/denominator``
        quantile by the nearest-rank rule (the value of rank ⌈n·q⌉, at least 1); ``None``
        for an empty histogram."""
        n = self.people
        if n == 0:
            return None
        rank = max(-(-n * numerator // denominator), 1)
        seen = 0
        for edge in sorted(self.counts):
            seen += self.counts[edge]
            if seen >= rank:
                return edge, edge + bucket_width(edge)
        raise AssertionError("unreachable: rank ≤ people")

    def deciles(self) -> list[tuple[int, int]]:
        """The buckets of deciles 1–9 (decile 5 is the median); empty when no people."""
        found = [self.quantile(i, 10) for i in range(1, 10)]
        return [q for q in found if q is not None]

    def between(self, low: int, high: int | None) -> int:
        """People whose amount is in ``[low, high)`` fen (``high`` ``None``: no upper
        bound). Both bounds must be bucket edges, so the count is exact."""
        for bound in (low, high):
            if bound is not None and not is_edge(bound):
                raise ValueError(f"{bound} fen is not a bucket edge; counts would be inexact")
        return sum(
            n for edge, n in self.counts.items() if edge >= low and (high is None or edge < high)
        )


def bucket_text(bucket: tuple[int, int]) -> str:
    """``"4320.00–4330.00"``, or one amount when the bucket is one fen wide."""
    low, high = bucket
    if high - low == 1:
        return f"{from_fen(low)}"
    return f"{from_fen(low)}–{from_fen(high)}"
