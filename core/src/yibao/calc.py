"""Arithmetic shapes that recur across regions' rules, with no policy numbers in them.

Banded payments (分段累计), deductible-then-ratio, and limits on a running total are the
same mechanics in every scheme; the bands, ratios and limits come from parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from yibao.money import ZERO, fmt_money, fmt_rate, round_fen
from yibao.params import Band


class BandShare(tuple):
    """``(band, portion, payment)``: how much of one claim fell in one band."""

    __slots__ = ()

    @property
    def band(self) -> Band:
        return self[0]

    @property
    def portion(self) -> Decimal:
        return self[1]

    @property
    def payment(self) -> Decimal:
        return self[2]

    def describe(self) -> str:
        upto = fmt_money(self.band.upto) if self.band.upto is not None else "∞"
        return (
            f"{fmt_money(self.portion)} in {fmt_money(self.band.above)}–{upto} "
            f"× {fmt_rate(self.band.rate)} = {fmt_money(round_fen(self.payment))}"
        )


def banded(before: Decimal, amount: Decimal, bands: Sequence[Band]) -> list[BandShare]:
    """Split ``amount`` of a running total that already stood at ``before`` over ``bands``.

    The claim occupies ``[before, before + amount]`` of the year's cumulative axis; each
    band pays its rate on the overlap. Payments here are exact (unrounded); the caller
    rounds the claim's total once.
    """
    after = before + amount
    shares = []
    for band in bands:
        low = max(before, band.above)
        high = after if band.upto is None else min(after, band.upto)
        if high > low:
            portion = high - low
            shares.append(BandShare((band, portion, portion * band.rate)))
    return shares


def within_limit(amount: Decimal, remaining: Decimal) -> Decimal:
    """The part of ``amount`` that fits in what remains of a limit."""
    return max(min(amount, remaining), ZERO)
