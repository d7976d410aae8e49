"""Facts a region declares: the person, enrolment and claim facts only its rules read.

Core's model (:mod:`yibao.model`) keeps the facts every region shares. A region that
needs another — 昌黎's out-of-area filing days, 常州's months since a transplant — declares
it in :attr:`yibao.results.RegionInfo.facts`, and may add words to a shared choice
(徐州's 农村计划生育家庭 among the assistance statuses) in
:attr:`~yibao.results.RegionInfo.words`. The scenario states such a fact where it
belongs, as any other field (``months_since_transplant = 13`` on a claim).

From the declarations of the regions that load, :func:`scenario_type` builds the
scenario type the files are decoded with: the core Structs extended with one typed,
optional field per fact (``msgspec.defstruct``), so a declared fact is checked like a
core one — its type, range and allowed values, with its field path in the error — a
fact no loaded region declares is an unknown field, the JSON Schema lists them, and
batch decoding stays a typed decode. The TUI's forms, the conformance kit's generators
and docs/scenario.md are built from the same declarations.

Rules read a declared fact with :func:`fact`, which gives ``None`` where a scenario was
built without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

import msgspec

from yibao.errors import YibaoError
from yibao.model import ASSISTANCE, Claim, Enrollment, LifeEvent, Person, Scenario

FactType = Literal["integer", "flag", "text", "date", "money", "choice"]
Where = Literal["person", "enrollment", "event", "claim"]


class _Declared(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=False):
    """Base of the declaration Structs (frozen values, like results)."""


class Word(_Declared, kw_only=True):
    """One allowed value of a choice, with its names."""

    code: str
    name_zh: str
    name_en: str


class Fact(_Declared, kw_only=True):
    """A fact a region's rules read, declared by the region (not known to core)."""

    name: str
    """The field name in the scenario (``months_since_transplant``)."""
    on: Where
    """Where it is stated: the person, an enrolment record, a life event or a claim."""
    type: FactType
    label_zh: str
    label_en: str
    help_zh: str = ""
    help_en: str = ""
    minimum: int | None = None
    """``integer``: the smallest value allowed."""
    maximum: int | None = None
    """``integer``: the largest value allowed."""
    values: tuple[Word, ...] = ()
    """``choice``: the allowed values, with their names."""


class Words(_Declared, kw_only=True):
    """Words a region adds to a choice every region shares (``person.assistance``)."""

    field: Literal["person.assistance"]
    values: tuple[Word, ...]


def part_type(kind: type[Scenario], part: Where) -> type:
    """The type of one part (person, enrolment record, life event, claim) of the scenario
    type ``kind``."""
    fields = {f.name: f.type for f in msgspec.structs.fields(kind)}
    if part == "person":
        return fields["person"]
    name = {"enrollment": "enrollment", "event": "events", "claim": "claims"}[part]
    listed = fields[name]
    if get_origin(listed) is Annotated:  # a list with its limit (yibao.model.MAX_CLAIMS)
        listed = get_args(listed)[0]
    return get_args(listed)[0]


def fact(item: object, name: str) -> Any:
    """The declared fact ``name`` of a person, record or claim (``None`` when absent)."""
    return getattr(item, name, None)


_CORE = {
    "person": Person,
    "enrollment": Enrollment,
    "event": LifeEvent,
    "claim": Claim,
}


def check_declarations(facts: Iterable[Fact], words: Iterable[Words] = ()) -> list[str]:
    """What is wrong with a region's declarations (empty when they are sound): names that
    are not identifiers or clash with a core field, missing labels, a choice without
    values, bounds that do not fit the type, words that are already core's."""
    problems = []
    for f in facts:
        core = {field.name for field in msgspec.structs.fields(_CORE[f.on])}
        if not f.name.isidentifier() or f.name.startswith("_"):
            problems.append(f"fact {f.name!r}: not a valid field name")
        if f.name in core:
            problems.append(f"fact {f.name!r}: {f.on} already has a core field of that name")
        if not (f.label_zh.strip() and f.label_en.strip()):
            problems.append(f"fact {f.name!r}: give label_zh and label_en")
        if f.type == "choice" and not f.values:
            problems.append(f"fact {f.name!r}: a choice needs its values")
        if f.type != "integer" and (f.minimum is not None or f.maximum is not None):
            problems.append(f"fact {f.name!r}: minimum/maximum are for integer facts")
        if f.type != "choice" and f.values:
            problems.append(f"fact {f.name!r}: values are for choice facts")
    for w in words:
        for v in w.values:
            if v.code in ASSISTANCE:
                problems.append(f"{w.field} {v.code!r}: already one of core's words")
    return problems


def merged(declared: Iterable[tuple[str, Fact]]) -> tuple[Fact, ...]:
    """The facts of several regions as one set: a fact two regions declare must be
    declared alike; raise :class:`YibaoError` naming both otherwise."""
    found: dict[tuple[str, str], tuple[str, Fact]] = {}
    for region, f in declared:
        key = (f.on, f.name)
        if key in found and _shape(found[key][1]) != _shape(f):
            other = found[key][0]
            raise YibaoError(
                f"fact {f.on}.{f.name} is declared differently by {other} and {region}; "
                "a fact two regions read must have one type and one set of values"
            )
        found.setdefault(key, (region, f))
    return tuple(f for _, f in found.values())


def _shape(f: Fact) -> tuple[object, ...]:
    return (f.type, f.minimum, f.maximum, tuple(v.code for v in f.values))


def _annotation(f: Fact) -> Any:
    """The msgspec type of a declared fact (optional: ``None`` when not stated)."""
    if f.type == "integer":
        meta = msgspec.Meta(
            **{k: v for k, v in (("ge", f.minimum), ("le", f.maximum)) if v is not None}
        )
        return Annotated[int, meta] | None
    if f.type == "flag":
        return bool | None
    if f.type == "date":
        return dt.date | None
    if f.type == "money":
        return Decimal | None
    if f.type == "choice":
        return Literal[tuple(v.code for v in f.values)] | None  # type: ignore[misc]
    return Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None


@cache
def scenario_type(facts: tuple[Fact, ...] = (), words: tuple[Word, ...] = ()) -> type[Scenario]:
    """The scenario type for these declared facts and added assistance words: core's
    :class:`~yibao.model.Scenario` when there are none, else a subclass whose person,
    records, events and claims carry the declared fields (built once per set)."""
    if not facts and not words:
        return Scenario
    options: dict[str, Any] = {"kw_only": True, "frozen": True, "forbid_unknown_fields": True}

    def extend(where: Where, base: type, extra: list[tuple[str, Any, Any]]) -> type:
        fields = extra + [(f.name, _annotation(f), None) for f in facts if f.on == where]
        if not fields:
            return base
        return msgspec.defstruct(base.__name__, fields, bases=(base,), **options)

    assistance: list[tuple[str, Any, Any]] = []
    if words:
        codes = tuple(dict.fromkeys((*ASSISTANCE, *(w.code for w in words))))
        assistance = [("assistance", tuple[Literal[codes], ...], ())]  # type: ignore[valid-type]
    person = extend("person", Person, assistance)
    enrollment = extend("enrollment", Enrollment, [])
    event = extend("event", LifeEvent, [])
    claim = extend("claim", Claim, [])
    return msgspec.defstruct(
        "Scenario",
        [
            ("person", person),
            ("enrollment", _listed("enrollment", enrollment), ()),
            ("events", _listed("events", event), ()),
            ("claims", _listed("claims", claim), ()),
        ],
        bases=(Scenario,),
        **options,
    )


def _listed(name: str, item: type) -> Any:
    """``tuple[item, ...]`` with the limits core's scenario puts on the list ``name``
    (how many claims, records, events: docs/reliability.md)."""
    core = next(f.type for f in msgspec.structs.fields(Scenario) if f.name == name)
    if get_origin(core) is Annotated:
        return Annotated[(tuple[item, ...], *core.__metadata__)]  # type: ignore[valid-type]
    return tuple[item, ...]  # type: ignore[valid-type]


def markdown(declared: Iterable[tuple[str, Fact]], words: Iterable[tuple[str, Words]] = ()) -> str:
    """A Markdown table of the facts and words regions declare (docs/scenario.md's
    generated part)."""
    rows = [
        "| region | where | field | type | allowed | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for region, f in declared:
        if f.type == "choice":
            allowed = ", ".join(f"`{v.code}` {v.name_zh}" for v in f.values)
        elif f.type == "integer":
            low = "" if f.minimum is None else f.minimum
            high = "" if f.maximum is None else f.maximum
            allowed = f"{low}–{high}"
        else:
            allowed = {"flag": "true / false", "date": "YYYY-MM-DD", "money": '"0.00"'}.get(
                f.type, "text"
            )
        meaning = f"{f.label_zh} · {f.label_en}" + (f" — {f.help_zh}" if f.help_zh else "")
        rows.append(f"| `{region}` | {f.on} | `{f.name}` | {f.type} | {allowed} | {meaning} |")
    for region, w in words:
        where, name = w.field.split(".")
        for v in w.values:
            rows.append(
                f"| `{region}` | {where} | `{name}` | a word | `{v.code}` | "
                f"{v.name_zh} · {v.name_en} |"
            )
    return "\n".join(rows) + "\n"
