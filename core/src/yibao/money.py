"""Exact money: every amount is a ``Decimal`` in yuan, rounded to the fen in one place.

Policy amounts arrive as decimal strings ("34300.00"); rates as percentages ("90%").
Rounding happens only through :func:`round_fen` (half up, to 0.01 yuan), which the
rules call at the points they name in their steps: each payment a layer computes is
rounded once, when it is computed.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

#: The largest amount a scenario may carry (one billion yuan): beyond that an input is
#: a typo, not a medical bill.
MAX_AMOUNT = Decimal("1000000000.00")

#: How an amount is written in files: ASCII digits, at most two decimal places. Python's
#: ``Decimal`` would also take ``"１２.００"``, ``"٣"``, ``"1_000"``, ``" 12"``, ``"+5"``,
#: ``"-0"`` and ``"1e2"``; none of those is how a bill is written, so none is accepted.
MONEY_TEXT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
RATE_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?%")


def round_fen(amount: Decimal) -> Decimal:
    """Round to the fen (0.01 yuan), half up: the project's single rounding rule."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def apply_rate(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount × rate`` rounded to the fen: what a fund pays on ``amount`` at ``rate``."""
    return round_fen(amount * rate)


def parse_money(text: str | int) -> Decimal:
    """Parse a decimal string such as ``"730.00"`` (or a whole number) into yuan.

    Raises ``ValueError`` with the expectation spelled out when the text is not an
    exact non-negative amount with at most two decimal places.
    """
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(f'expected a decimal string such as "730.00", got {text!r}')
    if isinstance(text, str) and not MONEY_TEXT.fullmatch(text):
        raise ValueError(
            f'expected a decimal string of ASCII digits such as "730.00", got {text!r}'
        )
    value = Decimal(text)
    check_amount(value)
    return value


def check_amount(value: Decimal) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite amount, ≥ 0, whole fen, bounded."""
    finite = value.is_finite()
    places = -value.as_tuple().exponent if finite else 99  # type: ignore[operator]
    if finite and 0 <= places <= 2 and ZERO <= value <= MAX_AMOUNT and not value.is_signed():
        return  # the common case: at most two decimal places
    if not value.is_finite():
        raise ValueError(f"expected a finite amount, got {value}")
    if value < 0 or value.is_signed():  # "-0" too: a sign has no place on an amount
        raise ValueError(f"expected an amount ≥ 0, got {value}")
    if places < 0:  # "1E+2": an exponent is how no bill is written
        raise ValueError(f"expected a plain amount such as 100.00, got {value}")
    if value > MAX_AMOUNT:
        raise ValueError(f"expected an amount ≤ {MAX_AMOUNT}, got {value}")
    if value != value.quantize(FEN, rounding=ROUND_HALF_UP) and value.as_tuple().exponent < -2:
        raise ValueError(f"expected at most two decimal places (whole fen), got {value}")


def parse_rate(text: str) -> Decimal:
    """Parse a percentage such as ``"90%"`` or ``"62.5%"`` into a fraction (0.90)."""
    if not isinstance(text, str) or not RATE_TEXT.fullmatch(text):
        raise ValueError(f'expected a percentage of ASCII digits such as "90%", got {text!r}')
    value = Decimal(text[:-1]) / HUNDRED
    if value > 1:
        raise ValueError(f"expected a percentage between 0% and 100%, got {text!r}")
    return value


def fmt_money(amount: Decimal) -> str:
    """The decimal-string form used in files and JSON: two decimals, no grouping."""
    return str(round_fen(amount))


def fmt_rate(rate: Decimal) -> str:
    """``Decimal("0.9")`` → ``"90%"``; keeps fractional percents (``"62.5%"``)."""
    pct = (rate * HUNDRED).normalize()
    return f"{pct:f}%"
