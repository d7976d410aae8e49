"""Policy parameters: dated, cited values loaded from TOML, one file per layer.

A parameter file looks like::

    layer = "changzhou"                       # who publishes these values
    region = "changzhou"                      # overlays: the region amended (optional)
    scheme = "resident"                       # overlays: the scheme amended (optional)

    [[parameter]]
    key = "premium.elderly"
    kind = "money"                  # money | rate | integer | flag | text | date | bands | list
    value = "730.00"
    valid_from = 2025-01-01
    valid_to = 2025-12-31                      # optional: open-ended when absent
    cite = "changzhou-resident-2025 §一(三)"
    note = "含长期护理险 30 元"                  # optional

    [[unpublished]]                            # a value the region needs but no loaded source gives
    key = "resident.waiting_period.months"
    kind = "integer"
    cite = "changzhou-resident-2025 §二(二)2"
    reason = "the source requires a waiting period but does not state its length"

Layers stack: a region's parameters are its provincial layer's, then its city's, then
any overlays (installed or given with ``--params``). For a key on a date, the topmost
layer with an entry covering that date answers. Within one file, two entries for the
same key may not overlap in time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import msgspec

from yibao.errors import InputError, NotPublished
from yibao.inputs import read_input, toml_document, utf8_text
from yibao.money import parse_money, parse_rate

Kind = Literal["money", "rate", "integer", "flag", "text", "date", "bands", "list"]


class Band(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One band of a banded table (分段): the part above ``above`` up to ``upto``."""

    above: Decimal
    upto: Decimal | None = None
    rate: Decimal


class _Entry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    key: str
    kind: Kind
    value: Any  # checked against `kind` by _typed_value
    valid_from: dt.date
    valid_to: dt.date | None = None
    cite: str
    note: str | None = None


class _Unpublished(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    key: str
    kind: Kind
    cite: str
    reason: str


class _File(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    layer: str
    region: str | None = None
    scheme: str | None = None
    parameter: list[_Entry] = []
    unpublished: list[_Unpublished] = []


class Param(msgspec.Struct, frozen=True, kw_only=True):
    """One dated, cited value as the rules see it."""

    key: str
    kind: Kind
    value: object
    valid_from: dt.date
    valid_to: dt.date | None
    cite: str
    layer: str
    origin: str
    """``"bundled"`` for values shipped with a plugin, else the overlay file's path."""
    note: str | None = None

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def money(self) -> Decimal:
        assert self.kind == "money", self.key
        return self.value  # type: ignore[return-value]

    @property
    def rate(self) -> Decimal:
        assert self.kind == "rate", self.key
        return self.value  # type: ignore[return-value]

    @property
    def integer(self) -> int:
        assert self.kind == "integer", self.key
        return self.value  # type: ignore[return-value]

    @property
    def bands(self) -> tuple[Band, ...]:
        assert self.kind == "bands", self.key
        return self.value  # type: ignore[return-value]

    @property
    def source_label(self) -> str:
        """The citation, plus the overlay file when the value did not ship with a plugin."""
        if self.origin == "bundled":
            return self.cite
        return f"{self.cite} (overlay {self.origin})"


class Gap(msgspec.Struct, frozen=True, kw_only=True):
    """A value a region needs that no loaded source publishes."""

    key: str
    kind: Kind
    cite: str
    reason: str
    layer: str


def _typed_value(kind: Kind, raw: object, where: str) -> object:
    """Check ``raw`` against ``kind`` and convert it; raise ``InputError`` naming ``where``."""
    try:
        if kind == "money":
            if not isinstance(raw, str):
                raise ValueError(f'expected a decimal string such as "730.00", got {raw!r}')
            return parse_money(raw)
        if kind == "rate":
            return parse_rate(raw)  # type: ignore[arg-type]
        if kind == "integer":
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"expected a whole number, got {raw!r}")
            return raw
        if kind == "flag":
            if not isinstance(raw, bool):
                raise ValueError(f"expected true or false, got {raw!r}")
            return raw
        if kind == "text":
            if not isinstance(raw, str):
                raise ValueError(f"expected a string, got {raw!r}")
            return raw
        if kind == "date":
            if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
                raise ValueError(f"expected a date such as 2025-01-01, got {raw!r}")
            return raw
        if kind == "list":
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise ValueError(f"expected a list of strings, got {raw!r}")
            return tuple(raw)
        return _bands(raw)
    except ValueError as exc:
        raise InputError(where, str(exc)) from None


INTEGER_DOMAINS = (
    (re.compile(r"(?:first|last|start|end)_day(?:_\w+)?|day"), 1, 31, "a day of the month"),
    (re.compile(r"(?:first|last|start|end)_month|month"), 1, 12, "a month number"),
    (re.compile(r"(?:first|last|start|end)_year|year"), 1949, 2100, "a year"),
    (re.compile(r".*"), 0, 10_000, "a count"),
)
"""What an integer parameter may hold, by the last part of its key (first match): a day
of the month (``enrolment.window.last_day``, ``….last_day_final_month``), a calendar
month (``enrolment.central_period.first_month``), a year (``….first_year``), else a count
of months, days, years or people (``waiting_period.months``, ``newborn.days``: 0–10,000).
Bundled files and overlays are held to the same domains, so an overlay cannot give a
month 13 that a rule would turn into a crash."""


def _check_domain(key: str, kind: Kind, value: object, where: str) -> None:
    """Raise :class:`InputError` for an integer outside its key's domain."""
    if kind != "integer":
        return
    last = key.rsplit(".", 1)[-1]
    for pattern, low, high, what in INTEGER_DOMAINS:
        if pattern.fullmatch(last):
            if not low <= value <= high:  # type: ignore[operator]
                raise InputError(where, f"expected {what} from {low} to {high}, got {value}")
            return


def _bands(raw: object) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValueError('expected a list of bands such as [{above = "0", rate = "90%"}]')
    bands = []
    for i, item in enumerate(raw):
        if (
            not isinstance(item, dict)
            or set(item) - {"above", "upto", "rate"}
            or not ({"above", "rate"} <= set(item))
        ):
            raise ValueError(f"band {i}: expected keys above, rate and optional upto")
        upto = parse_money(item["upto"]) if "upto" in item else None
        band = Band(above=parse_money(item["above"]), upto=upto, rate=parse_rate(item["rate"]))
        if upto is not None and upto <= band.above:
            raise ValueError(f"band {i}: upto must be greater than above")
        if bands and bands[-1].upto is None:
            raise ValueError(f"band {i - 1}: only the last band may be open-ended (no upto)")
        if bands and band.above < (bands[-1].upto or bands[-1].above):
            raise ValueError(f"band {i}: bands must be in order and must not overlap")
        bands.append(band)
    return tuple(bands)


class ParameterFile(msgspec.Struct, frozen=True, kw_only=True):
    """One decoded parameter file: the values and the declared gaps of one layer."""

    layer: str
    origin: str
    path: str
    region: str | None
    """For an overlay: the region it amends (``None``: any region that knows its keys)."""
    scheme: str | None
    params: tuple[Param, ...]
    gaps: tuple[Gap, ...]


def load_parameter_file(path: Path | str, *, origin: str = "bundled") -> ParameterFile:
    """Decode and check one parameter file.

    Raises :class:`InputError` naming the file, the field path and the expectation
    when the file is not valid TOML, has an unknown or missing field, a value of the
    wrong kind, a date range that ends before it starts, or overlapping entries.
    """
    name = str(path)
    text = utf8_text(read_input(path, "the parameter file"), name)
    return parse_parameter_text(text, name=name, origin=origin)


def parse_parameter_text(text: str, *, name: str, origin: str = "bundled") -> ParameterFile:
    """Like :func:`load_parameter_file` for text already read; ``name`` labels errors."""
    raw = toml_document(text, name)
    try:
        decoded = msgspec.convert(raw, type=_File)
    except msgspec.ValidationError as exc:
        raise InputError(name, str(exc)) from None
    params = []
    for i, entry in enumerate(decoded.parameter):
        where = f"{name}: $.parameter[{i}] ({entry.key})"
        if not entry.cite.strip():
            raise InputError(where, "`cite` must name the source document and section")
        if entry.valid_to is not None and entry.valid_to < entry.valid_from:
            raise InputError(where, "`valid_to` is before `valid_from`")
        value = _typed_value(entry.kind, entry.value, f"{where}.value")
        _check_domain(entry.key, entry.kind, value, f"{where}.value")
        params.append(
            Param(
                key=entry.key,
                kind=entry.kind,
                value=value,
                valid_from=entry.valid_from,
                valid_to=entry.valid_to,
                cite=entry.cite,
                layer=decoded.layer,
                origin=origin,
                note=entry.note,
            )
        )
    _reject_overlaps(params, name)
    gaps = tuple(
        Gap(key=g.key, kind=g.kind, cite=g.cite, reason=g.reason, layer=decoded.layer)
        for g in decoded.unpublished
    )
    return ParameterFile(
        layer=decoded.layer,
        origin=origin,
        path=name,
        region=decoded.region,
        scheme=decoded.scheme,
        params=tuple(params),
        gaps=gaps,
    )


def _reject_overlaps(params: list[Param], name: str) -> None:
    by_key: dict[str, list[Param]] = {}
    for p in params:
        by_key.setdefault(p.key, []).append(p)
    for key, entries in by_key.items():
        entries.sort(key=lambda p: p.valid_from)
        for earlier, later in pairwise(entries):
            if earlier.valid_to is None or later.valid_from <= earlier.valid_to:
                raise InputError(
                    f"{name}: parameter {key}",
                    f"two entries overlap in time ({earlier.valid_from}…"
                    f"{earlier.valid_to or 'open'} and {later.valid_from}…); "
                    "give each entry its own date range",
                )


_FOUND_SIZE = 200_000
"""Lookups a parameter set remembers before starting afresh (bounds memory)."""


class ParameterSet:
    """The stacked parameters of one region: lookups by key and date.

    Later files in the stack take precedence over earlier ones for the dates they
    cover, so a city overrides its province and an overlay overrides both.
    """

    def __init__(self, files: Iterable[ParameterFile]) -> None:
        self.files: tuple[ParameterFile, ...] = tuple(files)
        self._by_key: dict[str, list[Param]] = {}
        self._gaps: dict[str, Gap] = {}
        for f in self.files:
            for gap in f.gaps:
                self._gaps[gap.key] = gap
            for p in f.params:
                # Newest layer first, so the first covering entry is the one that answers.
                self._by_key.setdefault(p.key, []).insert(0, p)
        self._kinds = {key: entries[0].kind for key, entries in self._by_key.items()}
        self._kinds.update({g.key: g.kind for g in self._gaps.values()})
        self._found: dict[tuple[str, dt.date], Param | None] = {}
        """Answers already looked up: the set never changes once built."""

    def find(self, key: str, on: dt.date) -> Param | None:
        """The value of ``key`` in force on ``on``, or ``None`` when none is loaded."""
        try:
            return self._found[key, on]
        except KeyError:
            pass
        found = None
        for p in self._by_key.get(key, ()):
            if p.covers(on):
                found = p
                break
        if len(self._found) >= _FOUND_SIZE:
            self._found.clear()
        self._found[key, on] = found
        return found

    def get(self, key: str, on: dt.date) -> Param:
        """Like :meth:`find` but raise :class:`NotPublished` (with the reason) if absent."""
        p = self._found.get((key, on)) or self.find(key, on)
        if p is None:
            gap = self._gaps.get(key)
            reason = gap.reason if gap else "no loaded source publishes it"
            cite = gap.cite if gap else ""
            raise NotPublished(key=key, on=on, reason=reason, cite=cite)
        return p

    def known_keys(self) -> set[str]:
        """Every key the region knows: with a value, or declared as unpublished."""
        return set(self._kinds)

    def kind_of(self, key: str) -> Kind | None:
        return self._kinds.get(key)

    def gap(self, key: str) -> Gap | None:
        """The declared gap for ``key`` (why no source gives it), if one is declared."""
        return self._gaps.get(key)

    def gaps(self) -> tuple[Gap, ...]:
        """Declared gaps that no loaded layer fills for any date."""
        return tuple(g for g in self._gaps.values() if g.key not in self._by_key)

    def overlay_params(self) -> tuple[Param, ...]:
        return tuple(p for f in self.files if f.origin != "bundled" for p in f.params)


def check_overlay(overlay: ParameterFile, base: ParameterSet) -> None:
    """Reject an overlay that names a key the region does not know, or changes its kind.

    A key is known when a bundled layer gives it a value or declares it unpublished,
    so a typo in an overlay is an error rather than a value nobody reads.
    """
    for p in overlay.params:
        kind = base.kind_of(p.key)
        if kind is None:
            known = ", ".join(
                sorted(k for k in base.known_keys() if k.split(".")[0] == p.key.split(".")[0])
            )
            raise InputError(
                f"{overlay.path}: parameter {p.key}",
                "unknown key for this region"
                + (f"; keys of this family: {known}" if known else ""),
            )
        if kind != p.kind:
            raise InputError(
                f"{overlay.path}: parameter {p.key}",
                f"kind is {p.kind!r} but the region reads it as {kind!r}",
            )
