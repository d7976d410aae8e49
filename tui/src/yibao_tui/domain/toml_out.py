"""Writing a Scenario as the TOML scenario file the CLI reads (docs/scenario.md).

Only the fields that differ from their defaults are written, in the order of the model,
so a saved file reads like a hand-written one. Strings are written as TOML basic strings
with every character TOML requires escaped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import msgspec
from yibao.model import Scenario

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    bare = name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    return name if bare else _string(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _string(str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, msgspec.Struct):  # e.g. an enrolment's contribution breaks
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in _fields(value)) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _fields(struct: msgspec.Struct) -> list[tuple[str, Any]]:
    """Fields of ``struct`` that differ from their defaults, in declaration order."""
    info = msgspec.structs.fields(struct)
    out = []
    for f in info:
        value = getattr(struct, f.name)
        if f.default is not msgspec.NODEFAULT and value == f.default:
            continue
        if f.default_factory is not msgspec.NODEFAULT and value == f.default_factory():
            continue
        out.append((f.name, value))
    return out


def _table(header: str, struct: msgspec.Struct) -> list[str]:
    lines = [header]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in _fields(struct)]
    return lines


def to_toml(scenario: Scenario) -> str:
    """``scenario`` as scenario-file TOML; ``yibao.scenario_io.parse_scenario`` reads it
    back equal."""
    lines: list[str] = []
    top = dict(_fields(scenario))
    if "title" in top:
        lines.append(f"title = {_value(top['title'])}")
    lines.append(f"year = {scenario.year}")
    lines += ["", *_table("[person]", scenario.person)]
    for name, header in (("enrollment", "enrollment"), ("events", "events"), ("claims", "claims")):
        for item in getattr(scenario, name):
            lines += ["", *_table(f"[[{header}]]", item)]
    for code, there in scenario.elsewhere.items():
        lines += ["", *_table(f"[elsewhere.{_key(code)}]", there)]
    return "\n".join(lines) + "\n"
