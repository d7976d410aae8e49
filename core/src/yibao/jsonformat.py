"""The JSON yibao writes for programs, and the JSON Schemas that describe it.

One encoding serves every surface: ``yibao … --json``, the Python API's
:func:`yibao.api.to_json` and the HTTP service, so their bytes are the same. Money is a
decimal string (``"34300.00"``), dates are ISO strings, the document is indented by two
spaces and ends with a newline. docs/results.md describes the format and its versions.
"""

from __future__ import annotations

from typing import Any

import msgspec

_encoder = msgspec.json.Encoder()


def to_json(value: Any) -> bytes:
    """``value`` (a result Struct, or lists and dicts of them) as yibao's JSON document."""
    return msgspec.json.format(_encoder.encode(value), indent=2) + b"\n"


def schema_types() -> dict[str, Any]:
    """The documents yibao writes, by the name their schema file carries. (The scenario
    format yibao reads depends on the regions installed: ``yibao schema`` prints it.)"""
    from yibao.listing import Parameters, RegionListing
    from yibao.results import Comparison, RegionResult

    return {
        "result": RegionResult,
        "comparison": Comparison,
        "parameters": Parameters,
        "regions": RegionListing,
    }


def schema_hook(kind: Any) -> dict[str, Any]:
    """The schema of a field typed ``object`` (a parameter's value: money, a rate, a
    date, a number, a flag, a text, bands or a list): any JSON value."""
    if kind is object:
        return {"description": "a parameter value: money or a rate as a decimal string, a "
                "date, a number, a flag, a text, bands or a list"}  # fmt: skip
    raise NotImplementedError(kind)


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of document ``name`` (see :func:`schema_types`),
    generated from the msgspec model."""
    types = schema_types()
    if name not in types:
        raise KeyError(f"no schema named {name!r}; schemas: {', '.join(types)}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **msgspec.json.schema(types[name], schema_hook=schema_hook),
    }


def write_schemas(folder: str) -> list[str]:
    """Write every schema to ``folder/<name>.schema.json`` (docs/schema/ in the
    repository: ``python -m yibao.jsonformat docs/schema``); return the file names."""
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_types():
        path = out / f"{name}.schema.json"
        path.write_bytes(to_json(schema(name)))
        written.append(path.name)
    return written


if __name__ == "__main__":  # pragma: no cover
    import sys

    print("\n".join(write_schemas(sys.argv[1] if len(sys.argv) > 1 else "docs/schema")))
