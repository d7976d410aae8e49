"""One impact study from end to end: check the rule sets, read the population, settle
it under both, and keep everything a report needs in one value (:class:`ImpactRun`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import msgspec

from yibao.errors import InputError
from yibao.impact import table
from yibao.impact.aggregate import DEFAULT_THRESHOLDS, Excluded, Impact
from yibao.impact.changes import RuleSets, rule_sets
from yibao.impact.run import ImpactConfig, Progress, run, run_dask
from yibao.params import ParameterFile
from yibao.registry import Registry, load_overlays

FORMAT_VERSION = 1


class Population(msgspec.Struct, kw_only=True):
    """Where the people came from."""

    path: str
    format: Literal["jsonl", "csv", "parquet"]
    columns: str | None = None
    """The column mapping of a claims table."""
    rows: int | None = None
    """Rows of a claims table."""
    bad_rows: dict[str, Excluded] = {}
    """Rows of a claims table left out, by reason (row numbers as examples)."""


class ImpactRun(msgspec.Struct, kw_only=True):
    """An impact study: its inputs, each region's rule sets and the aggregates."""

    yibao_impact: int = FORMAT_VERSION
    population: Population
    regions: tuple[str, ...]
    scheme: str | None = None
    year: int | None = None
    baseline: tuple[str, ...] = ()
    """``--baseline`` overlay files."""
    reform: tuple[str, ...] = ()
    """``--reform`` overlay files."""
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    """Yearly burdens (fen) whose share of people above them is counted."""
    rules: tuple[RuleSets, ...] = ()
    """Each region's schemes under both rule sets (what the reform changes)."""
    rule_errors: dict[str, str] = {}
    """Regions whose rules could not be read (their answers say why, case by case)."""
    impact: Impact = msgspec.field(default_factory=Impact)
    places: dict[int, str] = {}
    """Where the example lines of a claims table are: line → ``person P1 (rows 3, 9)``."""


def check_rules(
    registry: Registry,
    regions: Sequence[str],
    baseline: Sequence[ParameterFile],
    reform: Sequence[ParameterFile],
) -> tuple[list[RuleSets], dict[str, str]]:
    """Every scheme of every region under both rule sets.

    An overlay a region cannot take (a key it does not know, another kind) is the
    user's error: :class:`InputError` naming the file, the region and the fix. A region
    whose stack cannot be built is that region's error, kept apart.
    """
    found: list[RuleSets] = []
    errors: dict[str, str] = {}
    for code in regions:
        try:
            schemes = list(registry.region(code).layers)
        except Exception as exc:
            errors[code] = str(exc)
            continue
        for scheme in schemes:
            try:
                found.append(rule_sets(registry, code, scheme, baseline, reform))
            except InputError as exc:
                raise InputError(
                    exc.where,
                    f"{exc.expected} (region {code}, scheme {scheme}); an overlay meant for "
                    'one region says so: region = "…", scheme = "…"',
                ) from None
            except Exception as exc:
                errors[code] = str(exc)
    return found, errors


def study(
    source: Path,
    *,
    regions: Sequence[str],
    registry: Registry,
    reform: Sequence[Path] = (),
    baseline: Sequence[Path] = (),
    columns: Path | None = None,
    scheme: str | None = None,
    year: int | None = None,
    thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
    jobs: int = 1,
    client: Any = None,
    progress: Callable[[int], Progress | None] | None = None,
    kernel: bool = True,
    relocate: bool = True,
) -> ImpactRun:
    """Settle the population in ``source`` under the baseline and the reform.

    ``source`` is scenario lines (``.jsonl``, e.g. from ``yibao synth``) or a claims
    table (``.csv``, ``.parquet``) read with the column mapping ``columns``. ``client``:
    a Dask client to run on (else ``jobs`` local processes). ``progress`` is called with
    the number of bytes to settle and returns the callback told of each block done.
    """
    base_files = load_overlays(baseline)
    reform_files = load_overlays(reform)
    rules, rule_errors = check_rules(registry, regions, base_files, reform_files)
    kind = table.table_format(source)
    config = ImpactConfig(
        regions=tuple(regions),
        baseline=tuple(str(p) for p in baseline),
        reform=tuple(str(p) for p in reform),
        scheme=scheme,
        year=year,
        kernel=kernel,
        relocate=relocate,
        thresholds=tuple(thresholds),
    )
    population = Population(path=str(source), format=kind or "jsonl")
    with ExitStack() as stack:
        lines = source
        index = None
        if kind is not None:
            if columns is None:
                raise InputError(
                    str(source), "a claims table needs its column mapping: --columns FILE.toml"
                )
            mapping = table.load_mapping(columns)
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="yibao-impact-")))
            lines, index = work / "people.jsonl", work / "places.jsonl"
            read = table.convert(source, mapping, lines, index, work)
            population.columns = str(columns)
            population.rows = read.rows
            population.bad_rows = read.bad
        tick = progress(lines.stat().st_size) if progress is not None else None
        if client is not None:
            impact = run_dask(lines, config, client=client, progress=tick)
        else:
            impact = run(lines, config, jobs=jobs, progress=tick)
        places = table.places(index, _example_lines(impact)) if index is not None else {}
    return ImpactRun(
        population=population,
        regions=tuple(regions),
        scheme=scheme,
        year=year,
        baseline=config.baseline,
        reform=config.reform,
        thresholds=config.thresholds,
        rules=tuple(r for r in rules if _shown(r, impact, scheme)),
        rule_errors=rule_errors,
        impact=impact,
        places=places,
    )


def _example_lines(impact: Impact) -> set[int]:
    lines = {n for e in impact.bad.values() for n in e.lines}
    for part in impact.regions.values():
        lines.update(n for e in part.excluded.values() for n in e.lines)
    return lines


def _shown(rules: RuleSets, impact: Impact, scheme: str | None) -> bool:
    """A region's scheme is described when the population has people in it (or, with
    nobody compared there, when ``--scheme`` does not rule it out)."""
    if scheme is not None:
        return rules.scheme == scheme
    part = impact.regions.get(rules.region)
    seen = part.schemes if part is not None else {}
    return rules.scheme in seen if seen else True
