"""Markdown: tables, differences, notices, chart links, the citation appendix."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from yibao.textsafe import printable

from yibao_reports.cells import (
    Table,
    citation_groups,
    notices,
    overlays_text,
    regions_text,
    t,
    title_of,
)
from yibao_reports.model import Report, ScenarioSection

_MARKUP = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "[": "\\[", "]": "\\]",
     "`": "\\`", "\\": "\\\\", "\n": " "}
)  # fmt: skip
"""Text is data: no HTML (``<script>``, ``<img onerror>``), no link or code syntax, no
table cell break; control characters are shown as escapes."""


def _esc(text: str) -> str:
    return printable(text).translate(_MARKUP)


def _cell(lines: list[str]) -> str:
    return "<br>".join(_esc(line) for line in lines)


def to_markdown(report: Report, lang: str, charts: Mapping[str, str] | None) -> str:
    """The report as Markdown; ``charts`` maps chart names to the SVG files to link
    (relative to the Markdown file), or ``None`` when no chart files are written."""
    out = [f"# {t(lang, 'yibao 医保地区比较报告', 'yibao cross-region comparison report')}", ""]
    out += _preamble(report, lang)
    for i, section in enumerate(report.scenarios, 1):
        out += _section(report, section, i, lang)
    out += _charts(report, charts, lang)
    out += _appendix(report, lang)
    return "\n".join(out).rstrip() + "\n"


def write_markdown(report: Report, output: Path, lang: str, svgs: Mapping[str, str]) -> list[Path]:
    """Write the report to ``output`` with each chart's SVG beside it
    (``<stem>-<chart>.svg``, linked relatively); return the files written, the Markdown
    first. Raises ``OSError`` when a file cannot be written."""
    links: dict[str, str] = {}
    charts: list[Path] = []
    for name, svg in svgs.items():
        chart = output.with_name(f"{output.stem}-{name}.svg")
        _write(chart, svg)
        charts.append(chart)
        links[name] = chart.name
    _write(output, to_markdown(report, lang, links or None))
    return [output, *charts]


def _write(target: Path, text: str) -> None:
    with target.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _preamble(report: Report, lang: str) -> list[str]:
    lines = [
        t(lang, "地区：", "Regions: ") + _esc(regions_text(report, lang)),
        "",
        t(
            lang,
            "每个地区都按“此人居住在该地”测算（户籍与参保记录随之迁移，见 docs/scenario.md）。"
            "所有金额均为引擎结果（元）；“未公布”表示已加载的政策来源没有给出该数字。",
            "Each region answers as if the person lived there (household registration and "
            "enrolment history moved; see docs/scenario.md). Every amount (yuan) is the "
            "engine's; “not published” means the loaded sources do not give that number.",
        ),
        "",
    ]
    overlays = overlays_text(report, lang)
    if overlays:
        lines += [_esc(overlays), ""]
    return lines


def _section(report: Report, section: ScenarioSection, index: int, lang: str) -> list[str]:
    table = Table(report, section, lang)
    out = [
        f"## {index}. {_esc(title_of(section))}",
        "",
        f"{_esc(section.source)} · {section.year} · {section.scheme}",
        "",
        "| | " + " | ".join(_esc(h) for h in table.header()) + " |",
        "|---|" + "---|" * len(section.columns),
    ]
    for row in table.rows():
        out.append(f"| {_cell(row.label)} | " + " | ".join(_cell(c) for c in row.cells) + " |")
    out += ["", f"### {t(lang, '差异', 'Differences')}", ""]
    out += [f"- {_esc(d.pick(lang))}" for d in section.differences] or [
        t(lang, "- 各地结果相同。", "- The regions answer alike.")
    ]
    found = notices(section, lang)
    if found:
        out += ["", f"<details><summary>{t(lang, '提示', 'Notices')}</summary>", ""]
        for name, lines in found:
            out.append(f"**{_esc(name)}**")
            out.append("")
            out += [f"- {_esc(line)}" for line in lines]
            out.append("")
        out.append("</details>")
    out.append("")
    return out


def _charts(report: Report, charts: Mapping[str, str] | None, lang: str) -> list[str]:
    if not report.share_charts and not report.premiums:
        return []
    out = [f"## {t(lang, '图表', 'Charts')}", ""]
    if charts is None:
        note = t(
            lang,
            "（输出到文件时（-o FILE.md）图表写在其旁。）",
            "(Charts are written beside the file when the report goes to one: -o FILE.md.)",
        )
        return [*out, note, ""]
    for name, path in charts.items():
        out += [f"![{name}]({path})", ""]
    return out


def _appendix(report: Report, lang: str) -> list[str]:
    out = [f"## {t(lang, '附录：引用的政策条款', 'Appendix: citations')}", ""]
    for doc, title, cites in citation_groups(report):
        head = f"**{_esc(doc)}**" + (f" — {_esc(title)}" if title else "")
        out.append(f"- {head}")
        out += [f"  - {_esc(c)}" for c in cites]
    return [*out, ""]
