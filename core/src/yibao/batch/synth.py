"""Synthetic scenarios for benchmarks and tests: deterministic by seed, no private data.

A *profile* writes JSON Lines, one scenario per line, in the scenario format
(:mod:`yibao.model`). Profiles describe a region's people, so the distributions that
own the regions offer them through the ``yibao.profiles`` entry-point group (a
:class:`Profile`); ``yibao synth --list`` shows what is installed. This module keeps the
mechanics every profile shares: weighted picks, log-normal amounts in whole fen, dates.

The same ``(profile, n, seed)`` always gives the same bytes (Python's ``random``
with a fixed seed; amounts are drawn as floats and turned into whole fen once, so money
in the output is exact decimal text).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from itertools import accumulate
from pathlib import Path
from typing import IO

PROFILE_GROUP = "yibao.profiles"
"""Entry-point group through which distributions offer synthetic populations."""


@dataclass(frozen=True)
class Profile:
    """A synthetic population (``yibao.profiles`` entry point).

    :param summary: One line for ``yibao synth --list``.
    :param make: Given the seeded ``random.Random``, returns the function that writes
        line ``i`` (a JSON scenario, no newline).
    """

    summary: str
    make: Callable[[random.Random], Callable[[int], str]]


def profiles() -> dict[str, Profile]:
    """The installed profiles by name; one that fails to load is left out (and named
    in the error of a run that asks for it)."""
    found: dict[str, Profile] = {}
    for ep in sorted(entry_points(group=PROFILE_GROUP), key=lambda e: e.name):
        try:
            profile = ep.load()
        except Exception:  # a broken distribution never hides the others' profiles
            continue
        if isinstance(profile, Profile):
            found[ep.name] = profile
    return found


class Picker:
    """Draw from weighted choices with one uniform draw (fast and reproducible)."""

    def __init__(self, rng: random.Random, choices: tuple[tuple[object, float], ...]) -> None:
        self._rng = rng
        self._values = [value for value, _ in choices]
        self._cum = list(accumulate(weight for _, weight in choices))

    def __call__(self) -> object:
        x = self._rng.random() * self._cum[-1]
        for value, edge in zip(self._values, self._cum, strict=True):
            if x < edge:
                return value
        return self._values[-1]


def fen_text(fen: int) -> str:
    """Whole fen as a decimal yuan string: 1500012 → ``"15000.12"``."""
    return f"{fen // 100}.{fen % 100:02d}"


def lognormal_fen(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    """A log-normal amount in whole fen, clipped to ``[low, high]`` fen.

    Floats only draw the random number; the amount leaves here as exact whole fen and
    every later sum is Decimal."""
    yuan = rng.lognormvariate(math.log(median), sigma)
    return min(max(round(yuan * 100), low), high)


def day_in(rng: random.Random, year: int) -> dt.date:
    """A day of ``year``, uniformly."""
    first = dt.date(year, 1, 1)
    return first + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - first).days))


def birth_date(rng: random.Random, year: int, low_age: int, high_age: int) -> dt.date:
    """A birth date giving an age in ``[low_age, high_age]`` on 1 January of ``year``."""
    start = dt.date(year - high_age - 1, 1, 2)
    end = dt.date(year - low_age, 1, 1)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def generate(profile: str, n: int, seed: int) -> Iterator[str]:
    """Yield ``n`` scenario lines (without newlines) of ``profile``, deterministic by seed.

    Raises :class:`~yibao.errors.InputError` naming the installed profiles for an unknown
    one."""
    installed = profiles()
    if profile not in installed:
        from yibao.errors import InputError

        raise InputError(
            "--profile", f"unknown profile {profile!r}; installed: {', '.join(installed) or 'none'}"
        )
    line = installed[profile].make(random.Random(seed))
    for i in range(n):
        yield line(i)


def write(out: IO[str], profile: str, n: int, seed: int) -> int:
    """Write ``n`` lines to ``out``; return the number written."""
    buffer: list[str] = []
    for text in generate(profile, n, seed):
        buffer.append(text)
        if len(buffer) >= 4096:
            out.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
    return n


def write_file(path: Path, profile: str, n: int, seed: int) -> int:
    """Write ``n`` lines of ``profile`` to ``path`` (atomically: temp file, then rename)."""
    from yibao.batch.atomic import atomic_text

    with atomic_text(path) as out:
        return write(out, profile, n, seed)
