"""Reading scenario files (TOML or JSON) with errors that name the file and field.

The scenario type depends on the regions installed: each may declare facts of its own
(:mod:`yibao.facts`), which become fields a scenario may state. Reading uses the type of
the given registry (default: the process-wide one).

Files are read through :mod:`yibao.inputs` (bounded, regular files or ``-``, UTF-8 with
an optional byte-order mark); JSON is refused with a repeated key, as TOML is; money is
written in ASCII digits (:data:`yibao.money.MONEY_TEXT`). ``yibao batch`` decodes each
line with :func:`decode_json` too, so a line and a file are held to the same rules.

Names are read as codes (:mod:`yibao.names`): ``kind = "住院"``, ``hukou = "常州"``,
``category = "老年居民"``; a district or category the region does not know, or a near
miss of an installed region, is an error naming the field. Every error here has its
Chinese text too (:mod:`yibao.problems`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from yibao.errors import InputError, MalformedInput
from yibao.facts import part_type
from yibao.inputs import BOM, duplicate_key, read_input, toml_document, utf8_problem, utf8_text
from yibao.model import Scenario
from yibao.names import places, resolve, translate
from yibao.problems import field_problem

if TYPE_CHECKING:
    from yibao.registry import Registry


def scenario_type(registry: Registry | None = None) -> type[Scenario]:
    """The scenario type of ``registry``'s regions (their declared facts included)."""
    from yibao.registry import default_registry

    return (registry or default_registry()).scenario_type()


@cache
def json_decoder(kind: type[Scenario]) -> msgspec.json.Decoder:
    """A JSON decoder for scenarios of type ``kind``, built once."""
    return msgspec.json.Decoder(kind)


_PARTS = (("person", "$.person"), ("enrollment", "$.enrollment"), ("events", "$.events"),
          ("claims", "$.claims"))  # fmt: skip
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
"""Decimal text the model's own money check judges (sign, places, size), with its own
message; anything else is not how an amount is written."""


class _Money(NamedTuple):
    """Where a scenario type holds money: the field names of each part, and a fast check
    over a JSON line for a money field whose value is not plainly written (the exact
    answer, with the field's path, comes from :func:`money_problem`)."""

    fields: dict[str, frozenset[str]]
    suspect: re.Pattern[bytes]


@cache
def _money(kind: type[Scenario]) -> _Money:
    """The money fields of ``kind`` — core's and those the regions declare
    (:mod:`yibao.facts`) — found once per scenario type."""
    fields = {}
    for part, _ in _PARTS:
        struct = part_type(kind, {"events": "event", "claims": "claim"}.get(part, part))  # type: ignore[arg-type]
        fields[part] = frozenset(
            f.name for f in msgspec.structs.fields(struct) if "Decimal" in str(f.type)
        )
    names = sorted(set().union(*fields.values()))
    suspect = re.compile(
        rb'"(?:' + b"|".join(re.escape(n.encode()) for n in names) + rb')"\s*:\s*'
        rb'(?!"-?[0-9]+(?:\.[0-9]+)?"|-?[0-9]+(?:\.[0-9]+)?\s*[,}]|null\s*[,}])'
    )
    return _Money(fields, suspect)


def parse_scenario(
    data: bytes | str, *, name: str, fmt: str | None = None, registry: Registry | None = None
) -> Scenario:
    """Decode a scenario from TOML or JSON text.

    ``fmt`` is ``"toml"`` or ``"json"``; when ``None`` it is guessed from ``name``'s
    suffix (JSON for ``.json``, TOML otherwise). Raises :class:`InputError` naming
    ``name``, the field path (``$.claims[0].compliant``) and what was expected;
    :class:`~yibao.errors.MalformedInput` (a kind of ``InputError``) when the text is
    not JSON, TOML or UTF-8 at all. The facts ``registry``'s regions declare are
    fields too (:mod:`yibao.facts`).
    """
    from yibao.registry import default_registry

    registry = registry or default_registry()
    kind = scenario_type(registry)
    if fmt is None:
        fmt = "json" if name.lower().endswith(".json") else "toml"
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if fmt == "json":
        return decode_json(raw.removeprefix(BOM), name, kind, registry=registry)
    obj = toml_document(utf8_text(raw, name), name)
    return convert(obj, name, kind, registry)


def convert(obj: Any, name: str, kind: type[Scenario], registry: Registry) -> Scenario:
    """A decoded scenario document (TOML's, or a mapping) as a scenario of type ``kind``:
    names read as codes, checked against ``registry``'s regions; an
    :class:`InputError` naming ``name`` and the field otherwise."""
    obj = translate(obj, places(registry).words) or obj
    found = money_problem(obj, kind)
    if found is not None:
        raise InputError(name, found, money_problem_zh(found))
    try:
        scenario = msgspec.convert(obj, type=kind)
    except msgspec.ValidationError as exc:
        raise InputError(name, *field_problem(exc, obj, kind)) from None
    return resolve(scenario, registry, name)


def decode_json(
    raw: bytes,
    name: str,
    kind: type[Scenario] | None = None,
    *,
    registry: Registry | None = None,
) -> Scenario:
    """Decode one JSON scenario of type ``kind`` (default: ``registry``'s, else the
    process-wide registry's) from a file's bytes or one batch line; raise
    :class:`InputError` naming ``name`` and the field. Names are read as codes
    (:mod:`yibao.names`)."""
    from yibao.registry import default_registry

    registry = registry or default_registry()
    kind = kind or scenario_type(registry)
    if _money(kind).suspect.search(raw) is not None:  # before the model's coarser check
        try:
            problem = money_problem(msgspec.json.decode(raw), kind)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            problem = None  # not JSON: the decoder below says why
        if problem is not None:
            raise InputError(name, problem, money_problem_zh(problem))
    try:
        scenario = json_decoder(kind).decode(raw)
    except msgspec.ValidationError as exc:
        # The fast typed decode failed: perhaps names instead of codes (kind = "住院").
        try:
            doc = msgspec.json.decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            doc = None  # malformed further on: the field the typed decoder met is the answer
        named = translate(doc, places(registry).words)
        if named is None:
            raise InputError(name, *field_problem(exc, doc, kind)) from None
        return convert(named, name, kind, registry)
    except UnicodeDecodeError:
        raise MalformedInput(
            name, utf8_problem(raw) or "not UTF-8 text", "不是 UTF-8 文本"
        ) from None
    except RecursionError:
        raise MalformedInput(
            name, "not valid JSON here: nested too deeply", "不是有效的 JSON：嵌套过深"
        ) from None
    except msgspec.DecodeError as exc:
        if raw.startswith(BOM):
            problem = "not valid JSON: it starts with a byte-order mark"
            raise MalformedInput(name, problem, "不是有效的 JSON：文件以字节顺序标记开头") from None
        raise MalformedInput(name, f"not valid JSON: {exc}", f"不是有效的 JSON：{exc}") from None
    key = duplicate_key(raw)
    if key is not None:  # as TOML: a document that says two things is not one document
        problem = f"not valid JSON here: the key {key!r} appears twice in one object"
        raise MalformedInput(name, problem, f"不是有效的 JSON：同一对象中键 {key!r} 出现两次")
    return resolve(scenario, registry, name)


def money_problem(obj: Any, kind: type[Scenario]) -> str | None:
    """The first money field of a decoded scenario document (of type ``kind``) written
    otherwise than in ASCII digits with at most two decimals (``"１２.００"``, ``"1_000"``,
    ``" 12"``), as ``$.path: expectation``; ``None`` when there is none. (Numbers are
    left to the model's own check.)"""
    if not isinstance(obj, dict):
        return None
    fields = _money(kind).fields
    places: list[tuple[str, Any, frozenset[str]]] = []
    for part, path in _PARTS:
        found = obj.get(part)
        if isinstance(found, list):
            places += [(f"{path}[{i}]", x, fields[part]) for i, x in enumerate(found)]
        else:
            places.append((path, found, fields[part]))
    for path, item, fields_here in places:
        if not isinstance(item, dict):
            continue
        for field in sorted(fields_here & item.keys()):
            value = item[field]
            if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
                return (
                    f"{path}.{field}: expected an amount in ASCII digits with at most two "
                    f'decimals, such as "730.00", got {value!r}'
                )
    return None


def load_scenario(path: Path | str, *, registry: Registry | None = None) -> Scenario:
    """Read and decode a scenario file (``-``: standard input, as TOML unless the data
    starts with ``{``); see :func:`parse_scenario`."""
    data = read_input(path, "the scenario file")
    name = str(path)
    fmt = None
    if name == "-":
        fmt = "json" if data.removeprefix(BOM).lstrip().startswith(b"{") else "toml"
    return parse_scenario(data, name=name, fmt=fmt, registry=registry)


def field_message(exc: msgspec.ValidationError) -> str:
    """Put msgspec's ``… - at `$.path``` into ``$.path: …`` order, path first (English;
    :func:`yibao.problems.field_problem` gives both languages)."""
    return field_problem(exc)[0]


def money_problem_zh(problem: str) -> str:
    """The Chinese of a :func:`money_problem` message."""
    path = problem.split(":", 1)[0]
    got = problem.rsplit("got ", 1)[-1]
    return f'{path}：金额应为 ASCII 数字、至多两位小数，如 "730.00"，实为 {got}'
