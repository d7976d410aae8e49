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
    carry = false                              # with valid_to: does the value hold on?
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

Time. ``valid_to`` is the end of the period the source itself states (a yearly notice's
year). What happens after it, when no later entry is loaded, is the entry's ``carry``:

- ``carry = true``: the value keeps applying, the way a dated parameter holds until a
  later one supersedes it, and every answer that rests on it says so (a *carried* value:
  "2025 value; no later notice is bundled");
- ``carry = false`` (the default): the source ties the value to its own period (a year's
  premium, a year's central enrolment period), so after ``valid_to`` it is not published
  until a later source or an overlay gives it.

An entry in force on the date by its own dates always wins over a carried one, whatever
the layer: a province's standing rule beats a city's value presumed to hold on.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import msgspec

from yibao.errors import InputError, NotPublished, UnknownParameter
from yibao.inputs import read_input, toml_document, utf8_text
from yibao.money import fmt_money, fmt_rate, parse_money, parse_rate

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
    carry: bool | None = None
    """After ``valid_to``: keep applying (flagged as carried) or lapse; see the module."""
    cite: str
    note: str | None = None


class _Unpublished(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    key: str
    kind: Kind
    cite: str
    reason: str
    reason_zh: str = ""


Marked = Literal["fictional", "illustrative"]
"""An overlay's own word that its values are not policy: ``fictional`` (made up, e.g. for
tests) or ``illustrative`` (a hypothetical reform, an example). Every number resting on
such a value is labelled so where it is shown."""


class _File(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    layer: str
    region: str | None = None
    scheme: str | None = None
    marked: Marked | None = None
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
    carry: bool = False
    """Whether the value holds on after ``valid_to`` until a later one supersedes it."""
    marked: Marked | None = None
    """From an overlay marked ``fictional`` or ``illustrative`` (:data:`Marked`)."""
    carried_into: int | None = None
    """Set on a value looked up after its ``valid_to`` (``carry``): the year it is carried
    into. Every answer resting on such a value says so."""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def source_year(self) -> int:
        """The year of the source period the value belongs to (its last year)."""
        return (self.valid_to or self.valid_from).year

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
    reason_zh: str = ""
    """The reason in Chinese (what to state instead, where the scenario can say it)."""


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
    marked: Marked | None = None
    """The file says its values are not policy (:data:`Marked`)."""


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
        if entry.carry is not None and entry.valid_to is None:
            raise InputError(where, "`carry` needs `valid_to`: an open-ended value never ends")
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
                carry=bool(entry.carry),
                marked=decoded.marked,
            )
        )
    _reject_overlaps(params, name)
    gaps = tuple(
        Gap(
            key=g.key,
            kind=g.kind,
            cite=g.cite,
            reason=g.reason,
            reason_zh=g.reason_zh,
            layer=decoded.layer,
        )
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
        marked=decoded.marked,
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
        self._bounds: list[dt.date] | None = None

    def find(self, key: str, on: dt.date) -> Param | None:
        """The value of ``key`` in force on ``on``, or ``None`` when none is loaded.

        An entry covering ``on`` answers (topmost layer first); failing that, the latest
        entry that ended before ``on`` answers if it carries on (``carry``), marked with
        the year it is carried into.
        """
        try:
            return self._found[key, on]
        except KeyError:
            pass
        entries = self._by_key.get(key, ())
        found = None
        for p in entries:
            if p.covers(on):
                found = p
                break
        else:
            ended = _latest_ended(entries, on)
            if ended is not None and ended.carry:
                found = msgspec.structs.replace(ended, carried_into=on.year)
        if len(self._found) >= _FOUND_SIZE:
            self._found.clear()
        self._found[key, on] = found
        return found

    def get(self, key: str, on: dt.date) -> Param:
        """Like :meth:`find` but raise :class:`NotPublished` (with the reason) if absent."""
        p = self._found.get((key, on)) or self.find(key, on)
        if p is None:
            raise self.not_published(key, on)
        return p

    def not_published(self, key: str, on: dt.date) -> NotPublished:
        """Why ``key`` has no value on ``on``: a gap a source declares, a value tied to an
        earlier period that lapsed, or no loaded source at all."""
        gap = self._gaps.get(key)
        lapsed = _latest_ended(self._by_key.get(key, ()), on)
        if lapsed is None:
            if gap is not None:
                return NotPublished(
                    key=key, on=on, reason=gap.reason, reason_zh=gap.reason_zh, cite=gap.cite
                )
            if key not in self._kinds:
                raise UnknownParameter(key, difflib.get_close_matches(key, self._kinds, n=3))
            return NotPublished(key=key, on=on, reason="no loaded source publishes it")
        period = _period(lapsed)
        ended = f"the source ties its value to {period} and no later notice is bundled"
        ended_zh = f"来源仅规定{period}的数值，未附此后的政策通知"
        if gap is not None:
            return NotPublished(
                key=key, on=on, reason=f"{ended}: {gap.reason}", reason_zh=ended_zh, cite=gap.cite
            )
        return NotPublished(
            key=key,
            on=on,
            reason=f"{ended}; give the value for this date with --params",
            reason_zh=f"{ended_zh}；可用 --params 提供该日期的数值",
            cite=lapsed.source_label,
        )

    def known_keys(self) -> set[str]:
        """Every key the region knows: with a value, or declared as unpublished."""
        return set(self._kinds)

    def segment(self, day: dt.date) -> int:
        """Which stretch of time ``day`` falls in, between the dates any value starts or
        ends (and each 1 January, where carried values change their year): every key
        has one value throughout a stretch, so a plan compiled for one day of it holds
        for all."""
        index = bisect.bisect_right(self.segment_bounds(), day)
        return index * 10_000 + day.year

    def segment_bounds(self) -> list[dt.date]:
        """The days a stretch of :meth:`segment` begins on, in order."""
        if self._bounds is None:
            days = {p.valid_from for entries in self._by_key.values() for p in entries}
            days |= {
                p.valid_to + dt.timedelta(days=1)
                for entries in self._by_key.values()
                for p in entries
                if p.valid_to is not None
            }
            self._bounds = sorted(days)
        return self._bounds

    def entries(self, key: str) -> tuple[Param, ...]:
        """Every loaded entry for ``key``, topmost layer first."""
        return tuple(self._by_key.get(key, ()))

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


def _latest_ended(entries: Iterable[Param], on: dt.date) -> Param | None:
    """The entry that ended most recently before ``on`` (topmost layer on a tie)."""
    latest = None
    for p in entries:  # topmost layer first, so a tie keeps the higher layer
        ended = p.valid_to is not None and p.valid_to < on
        if ended and (latest is None or p.valid_to > latest.valid_to):  # type: ignore[operator]
            latest = p
    return latest


def _period(p: Param) -> str:
    """``2025`` for a calendar year's value, else ``2023-06-21…2028-06-20``."""
    assert p.valid_to is not None
    whole_year = (p.valid_from.month, p.valid_from.day, p.valid_to.month, p.valid_to.day) == (
        1,
        1,
        12,
        31,
    )
    if whole_year and p.valid_from.year == p.valid_to.year:
        return str(p.valid_to.year)
    return f"{p.valid_from}…{p.valid_to}"


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


# -------------------------------------------------------------------------------------
# Looking values up for people: what is in force on a date, carried, or not published
# -------------------------------------------------------------------------------------

ValueStatus = Literal["in_force", "carried", "not_published"]


class ParamView(msgspec.Struct, frozen=True, kw_only=True):
    """One parameter as it stands on one date (``yibao params``).

    ``status``: ``in_force`` (a source or overlay gives it for the date), ``carried``
    (the latest source's value, carried past its period: ``carried_from`` is that
    source's year) or ``not_published`` (``reason`` says why: a declared gap, or a value
    its source ties to an earlier period).
    """

    key: str
    kind: Kind
    status: ValueStatus
    value: object | None
    shown: str
    """The value as people read it: ``730.00``, ``70%``, ``200–1500 50%; …``."""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    carry: bool = False
    carried_from: int | None = None
    cite: str = ""
    layer: str | None = None
    origin: str | None = None
    """``bundled``, or the overlay file that gave the value."""
    reason: str | None = None


def show_value(kind: Kind, value: object) -> str:
    """A parameter value as people read it."""
    if kind == "money":
        return fmt_money(value)  # type: ignore[arg-type]
    if kind == "rate":
        return fmt_rate(value)  # type: ignore[arg-type]
    if kind == "bands":
        return "; ".join(
            f"{fmt_money(b.above)}–{fmt_money(b.upto) if b.upto is not None else '∞'} "
            f"{fmt_rate(b.rate)}"
            for b in value  # type: ignore[attr-defined]
        )
    if kind == "list":
        return ", ".join(value)  # type: ignore[arg-type]
    if kind == "flag":
        return "true" if value else "false"
    return str(value)


def view(params: ParameterSet, on: dt.date, prefix: str = "") -> list[ParamView]:
    """Every key ``params`` knows that starts with ``prefix``, as it stands on ``on``."""
    out = []
    for key in sorted(params.known_keys()):
        if not key.startswith(prefix):
            continue
        p = params.find(key, on)
        if p is None:
            why = params.not_published(key, on)
            out.append(
                ParamView(
                    key=key,
                    kind=params.kind_of(key) or "text",
                    status="not_published",
                    value=None,
                    shown="—",
                    cite=why.cite,
                    reason=why.reason,
                )
            )
            continue
        out.append(
            ParamView(
                key=key,
                kind=p.kind,
                status="carried" if p.carried_into is not None else "in_force",
                value=p.value,
                shown=show_value(p.kind, p.value),
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                carry=p.carry,
                carried_from=p.source_year if p.carried_into is not None else None,
                cite=p.cite,
                layer=p.layer,
                origin=p.origin,
            )
        )
    return out


def year_outlook(params: ParameterSet, year: int) -> tuple[list[str], list[str]]:
    """The keys whose value in ``year`` is carried from an earlier source, and the keys
    an earlier source gave that are not published in ``year`` (checked on its first and
    last day)."""
    carried: set[str] = set()
    lapsed: set[str] = set()
    for day in (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        for v in view(params, day):
            if v.status == "carried":
                carried.add(v.key)
            elif v.status == "not_published" and params.entries(v.key):
                lapsed.add(v.key)
    return sorted(carried), sorted(lapsed - carried)
