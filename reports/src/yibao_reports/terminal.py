"""The terminal format: Rich tables (charts become small tables of their points)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from yibao.money import fmt_money
from yibao.textsafe import printable

from yibao_reports.cells import Table, citation_groups, t, title_of
from yibao_reports.model import Report, ScenarioSection

SHARE_AT = ("10000", "50000", "100000", "300000", "1000000")
"""Compliant amounts shown for the patient-share chart in the terminal, when sampled."""


def print_report(report: Report, console: Any, lang: str) -> None:
    """Print ``report`` on a Rich ``console``."""
    for section in report.scenarios:
        _section(report, section, console, lang)
    _premiums(report, console, lang)
    _shares(report, console, lang)
    _appendix(report, console, lang)


def _section(report: Report, section: ScenarioSection, console: Any, lang: str) -> None:
    from rich.table import Table as RichTable

    table = Table(report, section, lang)
    console.rule(f"{title_of(section)}")
    where = f"{section.source} · {section.year} · {section.scheme}"
    console.print(Text(printable(where), style="dim"))
    grid = RichTable(show_lines=True)
    grid.add_column("")
    for head in table.header():
        grid.add_column(head, justify="right")
    for row in table.rows():
        grid.add_row("\n".join(row.label), *["\n".join(c) for c in row.cells])
    console.print(grid)
    for d in section.differences:
        console.print(f"• {d.pick(lang)}", markup=False)
    console.print()


def _premiums(report: Report, console: Any, lang: str) -> None:
    if not report.premiums:
        return
    from rich.table import Table as RichTable

    regions = list(dict.fromkeys(b.region for b in report.premiums))
    table = RichTable(title=t(lang, "各类人员个人年缴费", "Premium per person category"))
    table.add_column(t(lang, "样例人员", "sample person"))
    for code in regions:
        table.add_column(code, justify="right")
    for person in dict.fromkeys(b.person for b in report.premiums):
        bars = {b.region: b for b in report.premiums if b.person == person}
        label = next(iter(bars.values())).person_label.pick(lang)
        cells = []
        for code in regions:
            bar = bars.get(code)
            if bar is None:
                cells.append("")
            elif bar.individual is None:
                cells.append(bar.status)
            else:
                cells.append(fmt_money(bar.individual))
        table.add_row(label, *cells)
    console.print(table)


def _shares(report: Report, console: Any, lang: str) -> None:
    from rich.table import Table as RichTable

    for chart in report.share_charts:
        amounts = [p.compliant for p in chart.series[0].points] if chart.series else []
        shown = [a for a in amounts if str(a) in SHARE_AT] or amounts[:5]
        table = RichTable(
            title=t(lang, "一次住院个人负担（元）", "Patient pays on one admission (yuan)")
            + f" · {chart.scheme} · {chart.person.pick(lang)}"
        )
        table.add_column(t(lang, "地区 · 级别", "region · level"))
        for amount in shown:
            table.add_column(fmt_money(amount), justify="right")
        for series in chart.series:
            points = {p.compliant: p for p in series.points}
            cells = [
                "—" if points[a].patient is None else fmt_money(points[a].patient)  # type: ignore[arg-type]
                for a in shown
            ]
            table.add_row(f"{series.region} · {series.level}", *cells)
        console.print(table)


def _appendix(report: Report, console: Any, lang: str) -> None:
    console.rule(t(lang, "附录：引用的政策条款", "Appendix: citations"))
    for doc, title, cites in citation_groups(report):
        console.print(Text.assemble((printable(doc), "bold"), printable(f" {title or ''}")))
        for c in cites:
            console.print(f"  {c}", markup=False)
