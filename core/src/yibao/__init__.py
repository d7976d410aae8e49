"""yibao: Chinese public medical-insurance policy as code people can trust.

The Python API (:mod:`yibao.api`), importable from here::

    from yibao import evaluate, compare, regions, parameters

:func:`evaluate` and :func:`compare` answer for a scenario, :func:`regions` lists what
is installed, :func:`parameters` looks up a region's dated, cited values; answers are
the result Structs of :mod:`yibao.results`, encoded by :func:`to_json` exactly as
``yibao … --json`` prints them. Region plugins use ``hookimpl`` (:mod:`yibao.hookspecs`).

The API is imported on first use, so ``import yibao`` (which every plugin does) stays
light: heavy imports (pluggy, Rich, Textual) never enter this package's import path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_API = (
    "FORMAT_VERSION",
    "compare",
    "evaluate",
    "load_scenario",
    "parameters",
    "parse_scenario",
    "regions",
    "schema",
    "to_json",
)

__all__ = [  # noqa: RUF022 - hookimpl first, then the API as listed in _API
    "hookimpl",
    "FORMAT_VERSION",
    "compare",
    "evaluate",
    "load_scenario",
    "parameters",
    "parse_scenario",
    "regions",
    "schema",
    "to_json",
]

if TYPE_CHECKING:  # pragma: no cover
    from yibao.api import (
        FORMAT_VERSION,
        compare,
        evaluate,
        load_scenario,
        parameters,
        parse_scenario,
        regions,
        schema,
        to_json,
    )
    from yibao.hookspecs import hookimpl


def __getattr__(name: str) -> Any:
    # ``hookimpl`` too is looked up on first use: pluggy costs ~40 ms of start-up, and
    # ``yibao --help`` must not pay it (docs/performance.md).
    if name == "hookimpl":
        from yibao.hookspecs import hookimpl

        return hookimpl
    if name in _API:
        from yibao import api

        return getattr(api, name)
    raise AttributeError(f"module 'yibao' has no attribute {name!r}")
