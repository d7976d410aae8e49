"""yibao's Python API: the same engine, answers and JSON as the ``yibao`` command line.

>>> import yibao
>>> result = yibao.evaluate("case.toml", "changzhou")       # doctest: +SKIP
>>> result.claims[0].paid_by("basic_fund")                  # doctest: +SKIP
Decimal('34300.00')

Every function here is what the CLI itself calls (``yibao evaluate``, ``compare``,
``regions --json``), so a notebook, the HTTP service (``yibao serve``) and the command
line give the same answers and, through :func:`to_json`, the same bytes. Answers are
frozen msgspec Structs (:mod:`yibao.results`); money is :class:`~decimal.Decimal`
yuan, and a value no loaded source publishes is absent with a notice, never guessed.

Errors a caller can cause raise :class:`yibao.errors.YibaoError` (its subclass
:class:`~yibao.errors.InputError` names the file or input, the field path such as
``$.claims[0].compliant`` and what was expected). A region that cannot answer does not
raise: its result has ``status == "error"`` and says why, and the other regions of a
comparison still answer.

The format of the JSON these answers encode to is versioned
(:data:`FORMAT_VERSION`, carried as ``format_version``) and described by JSON Schemas
(:func:`schema`); see docs/results.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from yibao.jsonformat import schema, to_json
from yibao.listing import (
    InstalledOverlay,
    InstalledRegion,
    Parameters,
    RegionListing,
    SchemeParameters,
)
from yibao.model import Scenario
from yibao.names import region_code
from yibao.params import ParameterFile
from yibao.registry import Registry, default_registry, load_overlays
from yibao.results import FORMAT_VERSION, Comparison, RegionResult
from yibao.scenario_io import convert, load_scenario, parse_scenario, scenario_type

__all__ = [
    "FORMAT_VERSION",
    "Comparison",
    "InstalledOverlay",
    "InstalledRegion",
    "Parameters",
    "RegionResult",
    "Scenario",
    "SchemeParameters",
    "compare",
    "evaluate",
    "load_scenario",
    "parameters",
    "parse_scenario",
    "regions",
    "scenario",
    "schema",
    "to_json",
]

ScenarioLike = Scenario | Mapping[str, Any] | str | os.PathLike[str]
"""A :class:`~yibao.model.Scenario`, a mapping in the scenario file's shape (as JSON
or TOML would decode), or the path of a scenario file (TOML or JSON)."""

OverlayLike = str | os.PathLike[str] | ParameterFile
"""A parameter overlay: the path of an overlay TOML file (``--params``) or one already
loaded with :func:`yibao.params.load_parameter_file`."""


# -------------------------------------------------------------------------------------
# Evaluating
# -------------------------------------------------------------------------------------


def scenario(value: ScenarioLike, *, registry: Registry | None = None) -> Scenario:
    """``value`` as a :class:`~yibao.model.Scenario`.

    A path is read as a scenario file; a mapping is checked like one (a wrong field
    raises :class:`~yibao.errors.InputError` with its path, e.g. ``$.person.birth_date``).
    Either may state the facts ``registry``'s regions declare (:mod:`yibao.facts`).
    """
    if isinstance(value, Scenario):
        return value
    if isinstance(value, Mapping):
        registry = registry or default_registry()
        return convert(dict(value), "scenario", scenario_type(registry), registry)
    return load_scenario(Path(value), registry=registry)


def evaluate(
    case: ScenarioLike,
    region: str,
    *,
    params: Sequence[OverlayLike] = (),
    registry: Registry | None = None,
) -> RegionResult:
    """Evaluate a scenario in one region, as ``yibao evaluate SCENARIO --region REGION``.

    :param case: The scenario (see :data:`ScenarioLike`); its ``person.scheme`` picks
        the scheme.
    :param region: A region code, e.g. ``"changzhou"`` (see :func:`regions`).
    :param params: Parameter overlays applied on top of the region's bundled values
        (``--params``); the result names the files it used.
    :param registry: The regions to use (default: the installed ones).
    :returns: The region's whole answer, with every step and citation. A region that
        cannot answer (a year it does not cover, a plugin bug) gives
        ``status == "error"`` and ``error``, without raising.
    :raises UnknownRegion: ``region`` is not installed.
    :raises YibaoError: the region is broken or disabled, or an input is malformed.
    """
    from yibao.engine import evaluate as run

    registry = registry or default_registry()
    found = scenario(case, registry=registry)
    region = region_code(region, registry)
    registry.region(region)  # unknown, broken or disabled: the caller's mistake, raised
    overlays = _overlays(params)
    registry.check_targets(overlays, [region])  # an overlay amending nothing: raised
    return run(found, region, overlays=overlays, registry=registry)


def compare(
    case: ScenarioLike,
    regions: Sequence[str] | None = None,
    *,
    params: Sequence[OverlayLike] = (),
    as_given: bool = False,
    registry: Registry | None = None,
) -> Comparison:
    """Evaluate a scenario in several regions, as ``yibao compare``.

    Each region answers as if the person lived there (household registration and
    enrolment history move; ``[elsewhere.<region>]`` in the scenario gives the district
    and category there), and its answer says so in a notice.

    :param case: The scenario (see :data:`ScenarioLike`).
    :param regions: Region codes in the order wanted (default: every installed region).
        A broken region still gets its own answer with ``status == "error"``.
    :param params: Parameter overlays, as for :func:`evaluate`.
    :param as_given: Evaluate the facts literally instead (``--as-given``).
    :param registry: The regions to use (default: the installed ones).
    :raises UnknownRegion: a code names no installed region.
    """
    from yibao.engine import compare as run

    registry = registry or default_registry()
    found = scenario(case, registry=registry)
    codes = region_codes(regions, registry)
    overlays = _overlays(params)
    registry.check_targets(overlays, codes)  # an overlay amending nothing: raised
    return run(found, codes, overlays=overlays, registry=registry, relocate=not as_given)


def region_codes(codes: Sequence[str] | None, registry: Registry | None = None) -> list[str]:
    """``codes`` checked against the installed regions (every loaded region when
    ``None`` or empty), each a code or a region's name (``常州``); raise
    :class:`~yibao.errors.UnknownRegion` with suggestions for one that no installed plugin
    provides (a broken one is kept: it answers with its error)."""
    registry = registry or default_registry()
    if not codes:
        return registry.codes()
    return [region_code(code, registry) for code in codes]


def _overlays(params: Sequence[OverlayLike]) -> list[ParameterFile]:
    loaded = [p for p in params if isinstance(p, ParameterFile)]
    paths = [Path(p) for p in params if not isinstance(p, ParameterFile)]
    return [*loaded, *load_overlays(paths)]


# -------------------------------------------------------------------------------------
# What is installed
# -------------------------------------------------------------------------------------


def regions(code: str | None = None, *, registry: Registry | None = None) -> RegionListing:
    """The installed regions and overlays, as ``yibao regions [CODE] --json``.

    Broken and disabled plugins are listed with the reason; nothing is raised for them.

    :param code: Only this region and the overlays on it.
    :raises UnknownRegion: ``code`` is not installed (and a clear error when it is
        broken or disabled).
    """
    registry = registry or default_registry()
    installed = registry.installed()
    overlays = registry.overlays()
    if code is not None:
        code = region_code(code, registry)
        registry.region(code)
        installed = {code: installed[code]}
        overlays = [o for o in overlays if o.overlay is not None and o.overlay.region == code]
    listing: RegionListing = [
        InstalledRegion(
            code=item.code,
            distribution=item.distribution,
            version=item.version,
            status=item.status,
            error=item.error or item.disabled,
            info=item.plugin.info if item.plugin else None,
        )
        for item in installed.values()
    ]
    listing.extend(
        InstalledOverlay(
            code=o.name,
            region=o.overlay.region if o.overlay else None,
            distribution=o.distribution,
            version=o.version,
            status=o.status,
            error=o.error or o.disabled,
        )
        for o in overlays
    )
    return listing


# -------------------------------------------------------------------------------------
# Parameter look-up
# -------------------------------------------------------------------------------------


def parameters(
    region: str,
    *,
    on: dt.date | None = None,
    scheme: str | None = None,
    prefix: str = "",
    params: Sequence[OverlayLike] = (),
    registry: Registry | None = None,
) -> Parameters:
    """Every parameter of ``region`` as it stands on ``on``: its value, validity,
    citation, layer and origin, whether it is carried from an earlier year's source,
    and the values not published on that date with the reason. ``yibao params`` and
    ``GET /parameters/{region}`` both show what this returns.

    :param region: A region code.
    :param on: The date (default: today, or ``YIBAO_TODAY``).
    :param scheme: Only this scheme (default: every scheme the region offers).
    :param prefix: Only keys starting with this text, e.g. ``"inpatient."``.
    :param params: Parameter overlays applied on top (``--params``): their values show
        with ``origin`` set to the file.
    :param registry: The regions to use (default: the installed ones).
    :raises UnknownRegion: ``region`` is not installed.
    :raises YibaoError: the region has no such scheme, or a plugin or overlay is broken.
    """
    from yibao.dates import today
    from yibao.params import view

    registry = registry or default_registry()
    region = region_code(region, registry)
    plugin = registry.region(region)
    day = on or today()
    overlays = _overlays(params)
    schemes = [scheme] if scheme else list(plugin.layers)
    out = []
    for name in schemes:
        stack = registry.with_overlays(registry.stack(region, name), overlays)
        out.append(
            SchemeParameters(
                scheme=name,
                layers=stack.layer_names,
                overlays=stack.overlays,
                parameters=tuple(view(stack.params, day, prefix)),
            )
        )
    return Parameters(region=region, on=day, prefix=prefix, schemes=tuple(out))
