"""JSON and CSV for programs: money as decimal strings, dates as ISO strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec
from yibao.money import fmt_money

from yibao_reports.model import RegionColumn, Report

FORMAT_VERSION = 1
CSV_COLUMNS = ("scenario", "region", "scheme", "section", "item", "field", "value")


def to_json(report: Report) -> str:
    """The report as indented JSON (keys in a fixed order, no timestamps)."""
    doc = {"yibao_report": FORMAT_VERSION, **msgspec.to_builtins(report)}
    return msgspec.json.format(msgspec.json.encode(doc), indent=2).decode() + "\n"


def to_csv(report: Report) -> str:
    """One row per fact, long format: ``scenario, region, scheme, section, item, field,
    value``. Charts come after the scenarios with ``scenario`` set to ``chart:<name>``."""
    buf = io.StringIO()
    writer = _SafeWriter(csv.writer(buf, lineterminator="\n"))
    writer.writerow(CSV_COLUMNS)
    for section in report.scenarios:
        for col in section.columns:
            for section_name, item, field, value in _column_rows(col):
                writer.writerow(
                    (section.source, col.region, col.scheme, section_name, item, field, value)
                )
    for chart in report.share_charts:
        for series in chart.series:
            for p in series.points:
                value = "" if p.patient is None else fmt_money(p.patient)
                writer.writerow(
                    (f"chart:patient-share-{chart.scheme}", series.region, chart.scheme,
                     f"level{series.level}", fmt_money(p.compliant), p.status, value)
                )  # fmt: skip
    for bar in report.premiums:
        value = "" if bar.individual is None else fmt_money(bar.individual)
        writer.writerow(
            ("chart:premiums", bar.region, bar.scheme, bar.person, bar.category or "",
             bar.status, value)
        )  # fmt: skip
    return buf.getvalue()


_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""How a cell a spreadsheet would run as a formula begins (``=HYPERLINK(…)``)."""


def neutral(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading formula character is
    preceded by ``'`` (amounts and dates never begin with one)."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


class _SafeWriter:
    """A ``csv.writer`` whose every cell is :func:`neutral`."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutral(str(cell)) for cell in row])


def _column_rows(col: RegionColumn) -> Iterator[tuple[str, str, str, str]]:
    if col.status == "error":
        yield "status", "", "error", col.error or ""
        return
    yield "eligibility", "", "eligible", _text(col.eligible)
    yield "eligibility", "", "category", col.category or ""
    yield "premium", "", "individual", _money(col.premium)
    for part in col.premium_parts:
        yield "premium", part.payer, part.label_en, _money(part.amount)
    yield "coverage", "", "start", _text(col.benefit_start)
    yield "coverage", "", "earliest", _text(col.start_earliest)
    yield "coverage", "", "latest", _text(col.start_latest)
    for claim in col.claims:
        yield "claim", claim.claim_id, "status", claim.status
        yield "claim", claim.claim_id, "bill", fmt_money(claim.bill)
        yield "claim", claim.claim_id, "compliant", fmt_money(claim.compliant)
        for layer in claim.layers:
            yield "claim", claim.claim_id, layer.layer, fmt_money(layer.amount)
        yield "claim", claim.claim_id, "patient", _money(claim.patient)
    if col.totals is not None:
        yield "totals", "", "bill", fmt_money(col.totals.bill)
        for layer in col.totals.layers:
            yield "totals", "", layer.layer, fmt_money(layer.amount)
        yield "totals", "", "patient", fmt_money(col.totals.patient)
        yield "totals", "", "complete", _text(col.totals.complete)


def _money(value: object) -> str:
    return "" if value is None else fmt_money(value)  # type: ignore[arg-type]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
