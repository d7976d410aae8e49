"""The terminal format: Rich tables (charts become small tables of their points)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from yibao.layout import Column, Grid, show
from yibao.money import fmt_money
from yibao.textsafe import printable

from yibao_reports.cells import Table, citation_groups, overlays_text, t, title_of
from yibao_reports.charts import STATUS_NOTE
from yibao_reports.model import Report, ScenarioSection

SHARE_AT = ("10000", "50000", "100000", "300000", "1000000")
"""Compliant amounts shown for the patient-share chart in the terminal, when sampled."""


def print_report(report: Report, console: Any, lang: str) -> None:
    """Print ``report`` on a Rich ``console``: every table laid out by
    :mod:`yibao.layout`, so no amount is cut at any width."""
    overlays = overlays_text(report, lang)
    if overlays:
        console.print(Text(printable(overlays), style="yellow"))
    for section in report.scenarios:
        _section(report, section, console, lang)
    _premiums(report, console, lang)
    _shares(report, console, lang)
    _appendix(report, console, lang)


def _section(report: Report, section: ScenarioSection, console: Any, lang: str) -> None:
    table = Table(report, section, lang)
    console.rule()
    console.print(Text(printable(title_of(section)), style="bold"))
    where = f"{section.source} · {section.year} · {section.scheme}"
    console.print(Text(printable(where), style="dim"))
    grid = Grid(
        [Column("", kind="label", justify="left"), *(Column(h) for h in table.header())],
        stack="column",
        show_lines=True,
    )
    for row in table.rows():
        grid.add_row("\n".join(row.label), *["\n".join(c) for c in row.cells])
    show(console, grid)
    for d in section.differences:
        console.print(f"• {d.pick(lang)}", markup=False)
    console.print()


def _name(report: Report, code: str, lang: str) -> str:
    found = report.region_names.get(code)
    return found.pick(lang) if found is not None else code


def _premiums(report: Report, console: Any, lang: str) -> None:
    if not report.premiums:
        return
    regions = list(dict.fromkeys(b.region for b in report.premiums))
    grid = Grid(
        [
            Column(t(lang, "样例人员", "sample person"), kind="label", justify="left"),
            *(Column(_name(report, code, lang)) for code in regions),
        ],
        title=t(lang, "各类人员个人年缴费", "Premium per person category"),
    )
    for person in dict.fromkeys(b.person for b in report.premiums):
        bars = {b.region: b for b in report.premiums if b.person == person}
        label = next(iter(bars.values())).person_label.pick(lang)
        cells = []
        for code in regions:
            bar = bars.get(code)
            if bar is None:
                cells.append("")
            elif bar.individual is None:
                note = STATUS_NOTE.get(bar.status)
                cells.append(note.pick(lang) if note else bar.status)
            else:
                cells.append(fmt_money(bar.individual))
        grid.add_row(label, *cells)
    show(console, grid)


def _shares(report: Report, console: Any, lang: str) -> None:
    for chart in report.share_charts:
        amounts = [p.compliant for p in chart.series[0].points] if chart.series else []
        shown = [a for a in amounts if str(a) in SHARE_AT] or amounts[:5]
        grid = Grid(
            [
                Column(t(lang, "地区 · 级别", "region · level"), kind="label", justify="left"),
                *(Column(fmt_money(a)) for a in shown),
            ],
            title=t(lang, "一次住院个人负担（元）", "Patient pays on one admission (yuan)")
            + f" · {chart.scheme} · {chart.person.pick(lang)}",
        )
        for series in chart.series:
            points = {p.compliant: p for p in series.points}
            cells = [
                "—" if points[a].patient is None else fmt_money(points[a].patient)  # type: ignore[arg-type]
                for a in shown
            ]
            level = t(lang, f"{series.level}级", f"level {series.level}")
            grid.add_row(f"{_name(report, series.region, lang)} · {level}", *cells)
        show(console, grid)


def _appendix(report: Report, console: Any, lang: str) -> None:
    console.rule(t(lang, "附录：引用的政策条款", "Appendix: citations"))
    for doc, title, cites in citation_groups(report):
        console.print(Text.assemble((printable(doc), "bold"), printable(f" {title or ''}")))
        for c in cites:
            console.print(f"  {c}", markup=False)
