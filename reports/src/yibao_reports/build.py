"""Running the engine for a report: comparisons, chart points, citations.

Everything here reads engine results (:mod:`yibao.results`) and copies their numbers
into :mod:`yibao_reports.model`; nothing computes policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import msgspec
from yibao.engine import compare
from yibao.errors import YibaoError
from yibao.model import Scenario
from yibao.params import ParameterFile
from yibao.registry import Registry
from yibao.results import ClaimResult, Notice, RegionResult, Step
from yibao.vocabulary import claim_labels, claim_marks, unsettled

from yibao_reports import samples
from yibao_reports.differences import differences
from yibao_reports.model import (
    Citation,
    ClaimRow,
    LayerAmount,
    PremiumBar,
    RegionColumn,
    Report,
    ScenarioSection,
    ShareChart,
    SharePoint,
    ShareSeries,
    Text2,
    YearTotals,
)

Tick = Callable[[], None]
SCHEME_ORDER = ("resident", "employee")


def _noop() -> None:
    return None


def work_units(n_scenarios: int, regions: Sequence[str], grid: Sequence[Decimal]) -> int:
    """How many engine runs a report takes (for the progress bar): an upper bound."""
    per_scheme = len(regions) * len(samples.LEVELS) * len(grid)
    charts = len(SCHEME_ORDER) * per_scheme + len(samples.SAMPLES) * len(regions)
    return n_scenarios + (charts if grid else 0)


def build_report(
    sources: Sequence[tuple[str, Scenario]],
    regions: Sequence[str],
    *,
    registry: Registry,
    overlays: Sequence[ParameterFile] = (),
    grid: Sequence[Decimal] = samples.DEFAULT_GRID,
    tick: Tick = _noop,
) -> Report:
    """Compare each ``(name, scenario)`` across ``regions``; sample the charts on ``grid``
    (no charts when ``grid`` is empty). ``tick`` is called after each engine run."""
    sections = []
    names = region_names(registry, regions)
    labels: dict[str, Text2] = {}
    for name, scenario in sources:
        comparison = compare(scenario, regions, overlays=overlays, registry=registry)
        results = [_named(r, names) for r in comparison.results]
        sections.append(section(name, scenario, results))
        for result in results:
            labels.update(layer_labels(result))
        tick()
    cites = sorted({c for s in sections for c in s.citations})
    titles = source_titles(registry)
    share: tuple[ShareChart, ...] = ()
    premiums: tuple[PremiumBar, ...] = ()
    if grid:
        wanted = {scenario.person.scheme for _, scenario in sources}
        years = {k: v for k, v in scheme_years(registry, regions).items() if k in wanted}
        share = share_charts(years, grid, registry, overlays, tick)
        premiums = premium_bars(years, registry, overlays, tick)
    return Report(
        regions=tuple(regions),
        overlays=tuple(str(o.path) for o in overlays),
        marked={str(o.path): o.marked for o in overlays if o.marked},
        region_names={c: Text2(zh=zh, en=en) for c, (zh, en) in names.items()},
        scenarios=tuple(sections),
        citations=tuple(Citation(cite=c, source_title=titles.get(doc_id(c))) for c in cites),
        layer_labels={k: labels[k] for k in sorted(labels)},
        share_charts=share,
        premiums=premiums,
    )


def layer_labels(result: RegionResult) -> dict[str, Text2]:
    """The names the result gives its payer layers."""
    return {
        p.layer: Text2(zh=p.label_zh or p.layer, en=p.label_en or p.layer)
        for claim in result.claims
        for p in claim.layers
    }


def region_names(registry: Registry, regions: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{code: (name_zh, name_en)}`` for the regions that load."""
    names = {}
    for code in regions:
        try:
            info = registry.region(code).info
        except YibaoError:
            continue
        names[code] = (info.name_zh, info.name_en)
    return names


def _named(result: RegionResult, names: dict[str, tuple[str, str]]) -> RegionResult:
    """``result`` with the region's names filled in (an error result has none)."""
    if result.name_zh or result.region not in names:
        return result
    zh, en = names[result.region]
    return msgspec.structs.replace(result, name_zh=zh, name_en=en)


# -- one scenario ----------------------------------------------------------------------


def section(name: str, scenario: Scenario, results: Sequence[RegionResult]) -> ScenarioSection:
    zh, en = claim_labels(scenario.claims, "zh"), claim_labels(scenario.claims, "en")
    labels = {cid: Text2(zh=zh[cid], en=en[cid]) for cid in zh}
    columns = tuple(column(r, labels) for r in results)
    return ScenarioSection(
        source=name,
        title=scenario.title,
        year=scenario.year,
        scheme=scenario.person.scheme,
        columns=columns,
        differences=tuple(differences(columns)),
        citations=tuple(sorted({c for r in results for c in citations(r)})),
    )


def column(result: RegionResult, labels: dict[str, Text2] | None = None) -> RegionColumn:
    """The table's view of one region's result (``labels``: each claim's, by id)."""
    base = dict(
        region=result.region,
        scheme=result.scheme,
        name_zh=result.name_zh,
        name_en=result.name_en,
        status=result.status,
        error=result.error,
        notices=result.notices,
        overlays=result.overlays,
        marked=dict(result.marked),
    )
    if result.status == "error":
        return RegionColumn(**base)  # type: ignore[arg-type]
    elig, premium, cover = result.eligibility, result.premium, result.coverage
    label = None
    if elig is not None and (elig.category_zh or elig.category_en):
        label = Text2(zh=elig.category_zh or elig.category_en or "", en=elig.category_en or "")
    return RegionColumn(
        **base,  # type: ignore[arg-type]
        eligible=None if elig is None else elig.eligible,
        category=None if elig is None else elig.category,
        category_label=label,
        premium=None if premium is None else premium.individual,
        premium_known=premium is not None and premium.individual is not None,
        premium_parts=() if premium is None else premium.parts,
        benefit_start=None if cover is None else cover.start,
        start_earliest=None if cover is None else cover.earliest,
        start_latest=None if cover is None else cover.latest,
        claims=tuple(claim_row(c, (labels or {}).get(c.claim_id)) for c in result.claims),
        totals=None if result.totals is None else _totals(result),
    )


def _totals(result: RegionResult) -> YearTotals:
    assert result.totals is not None
    count, bill = unsettled(result.claims)
    return YearTotals(
        bill=result.totals.bill,
        layers=tuple(LayerAmount(layer=k, amount=v) for k, v in result.totals.layers.items()),
        patient=result.totals.patient,
        complete=result.totals.complete,
        unsettled=count,
        unsettled_bill=bill,
    )


def claim_row(claim: ClaimResult, label: Text2 | None = None) -> ClaimRow:
    reason = None
    if claim.status == "not_published" and claim.steps:
        key = claim.steps[0].value
        reason = Text2(zh=f"未公布：{key}", en=f"not published: {key}")
    elif claim.status != "settled" and claim.steps:
        first = claim.steps[0]
        reason = Text2(zh=first.label_zh, en=first.label_en)
    return ClaimRow(
        claim_id=claim.claim_id,
        label=label,
        date=claim.date,
        kind=claim.kind,
        status=claim.status,
        bill=claim.bill,
        compliant=claim.compliant,
        layers=tuple(LayerAmount(layer=p.layer, amount=p.amount) for p in claim.layers),
        patient=claim.patient,
        reason=reason,
        marked=tuple(claim_marks(claim)),
    )


# -- citations -------------------------------------------------------------------------


def citations(result: RegionResult) -> set[str]:
    """Every ``Step.cite``, ``Notice.cite`` and limit citation in ``result``."""
    steps: list[Step] = []
    notices: list[Notice] = list(result.notices)
    for part in (result.eligibility, result.premium, result.coverage):
        if part is not None:
            steps.extend(part.steps)
    for claim in result.claims:
        steps.extend(claim.steps)
        notices.extend(claim.notices)
        for layer in claim.layers:
            steps.extend(layer.steps)
    found = (
        {s.cite for s in steps} | {n.cite for n in notices} | {lim.cite for lim in result.limits}
    )
    return {c for c in found if c}


def doc_id(cite: str) -> str:
    """The source document a citation names: its first word."""
    return cite.split(" ", 1)[0]


def source_titles(registry: Registry) -> dict[str, str]:
    """``{source id: title}`` from every loaded region's declared sources."""
    titles: dict[str, str] = {}
    for item in registry.installed().values():
        if item.plugin is not None:
            for doc in item.plugin.info.sources:
                titles.setdefault(doc.id, doc.title)
    return titles


# -- charts ----------------------------------------------------------------------------


def scheme_years(registry: Registry, regions: Iterable[str]) -> dict[str, dict[str, int]]:
    """``{scheme: {region: newest source year}}`` for the regions that load: the charts
    show the latest year the region's own sources publish, not a year of carried values."""
    out: dict[str, dict[str, int]] = {}
    for code in regions:
        try:
            info = registry.region(code).info
        except YibaoError:
            continue
        for scheme in info.schemes:
            years = scheme.source_years or scheme.years
            if years:
                out.setdefault(scheme.scheme, {})[code] = max(years)
    return {s: out[s] for s in sorted(out, key=_scheme_rank)}


def _scheme_rank(scheme: str) -> tuple[int, str]:
    rank = SCHEME_ORDER.index(scheme) if scheme in SCHEME_ORDER else len(SCHEME_ORDER)
    return rank, scheme


def _run(
    scenario: Scenario, code: str, registry: Registry, overlays: Sequence[ParameterFile]
) -> RegionResult:
    return compare(scenario, [code], overlays=overlays, registry=registry).results[0]


def share_charts(
    years: dict[str, dict[str, int]],
    grid: Sequence[Decimal],
    registry: Registry,
    overlays: Sequence[ParameterFile],
    tick: Tick,
) -> tuple[ShareChart, ...]:
    """Per scheme: the sample person's patient amount for one inpatient bill of each
    ``grid`` amount, at each hospital level, in each region."""
    charts = []
    for scheme, by_region in years.items():
        sample = samples.share_sample(scheme)
        if sample is None:
            continue
        series = []
        for code, year in by_region.items():
            for level in samples.LEVELS:
                points = []
                for amount in grid:
                    claim = samples.inpatient(year, level, amount)
                    scenario = samples.scenario(sample, year, registry.region(code).info, [claim])
                    result = _run(scenario, code, registry, overlays)
                    points.append(_point(result, amount))
                    tick()
                series.append(
                    ShareSeries(
                        region=code,
                        name_en=result.name_en or code,
                        name_zh=result.name_zh or code,
                        level=level,
                        year=year,
                        points=tuple(points),
                    )
                )
        charts.append(ShareChart(scheme=scheme, person=sample.label, series=tuple(series)))
    return tuple(charts)


def _point(result: RegionResult, amount: Decimal) -> SharePoint:
    if result.status == "error" or not result.claims:
        return SharePoint(compliant=amount, patient=None, status="error")
    claim = result.claims[0]
    return SharePoint(compliant=amount, patient=claim.patient, status=claim.status)


def premium_bars(
    years: dict[str, dict[str, int]],
    registry: Registry,
    overlays: Sequence[ParameterFile],
    tick: Tick,
) -> tuple[PremiumBar, ...]:
    """What each sample person pays themselves in each region offering their scheme."""
    bars = []
    for sample in samples.SAMPLES:
        for code, year in years.get(sample.scheme, {}).items():
            result = _run(
                samples.scenario(sample, year, registry.region(code).info), code, registry, overlays
            )
            bars.append(_bar(sample, code, year, result))
            tick()
    return tuple(bars)


def _bar(sample: samples.Sample, code: str, year: int, result: RegionResult) -> PremiumBar:
    head = dict(
        person=sample.id,
        person_label=sample.label,
        scheme=sample.scheme,
        region=code,
        name_en=result.name_en or code,
        name_zh=result.name_zh or code,
        year=year,
    )
    if result.status == "error":
        return PremiumBar(**head, status="error")  # type: ignore[arg-type]
    elig = result.eligibility
    category = None if elig is None else elig.category
    if elig is None or not elig.eligible:
        return PremiumBar(**head, status="not_eligible", category=category)  # type: ignore[arg-type]
    if result.premium is None or result.premium.individual is None:
        return PremiumBar(**head, status="not_published", category=category)  # type: ignore[arg-type]
    return PremiumBar(
        **head,  # type: ignore[arg-type]
        status="ok",
        category=category,
        individual=result.premium.individual,
    )
