"""HTML: one self-contained file — inline CSS, charts as inline SVG, no scripts, no
network at view time."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

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

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 72rem;
  padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem;
  border-bottom: 1px solid #ccc; padding-bottom: .2rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .88rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; vertical-align: top; }
th { background: #f1f3f5; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.label { background: #fafafa; min-width: 13rem; }
.source { color: #555; font-family: monospace; }
.note { color: #555; font-size: .9rem; }
details { margin: .4rem 0; font-size: .85rem; } summary { cursor: pointer; color: #333; }
figure { margin: 1rem 0; overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .85rem; }
nav ol { columns: 2; column-gap: 3rem; padding-left: 2.5rem; font-size: .9rem; }
nav li { break-inside: avoid; }
.overlay { color: #8a4b00; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-before: auto; break-after: avoid; } h3 { break-after: avoid; }
  table { width: 100%; font-size: 8pt; }
  thead { display: table-header-group; }  /* the header row again on every page */
  tr { break-inside: avoid; }
  td.label { min-width: 0; }
  figure { break-inside: avoid; overflow: visible; }  /* a chart is never split */
  figure svg { max-width: 100%; max-height: 230mm; }
  /* notices are folded on screen and printed in full */
  details > summary { list-style: none; font-weight: bold; }
  details > summary::-webkit-details-marker { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def _lines(lines: list[str]) -> str:
    return "<br>".join(escape(line) for line in lines)


def page_head(title: str, lang: str, css: str) -> list[str]:
    """A document's start up to its ``<h1>``: language, charset, title, inline style."""
    return [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{css}\n</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
    ]


def to_html(report: Report, lang: str, charts: Mapping[str, str]) -> str:
    """The report as one HTML document; ``charts`` maps chart names to SVG text."""
    title = t(lang, "yibao 医保地区比较报告", "yibao cross-region comparison report")
    parts = [
        *page_head(title, lang, CSS),
        *_preamble(report, lang),
        *_contents(report, charts, lang),
    ]
    for i, section in enumerate(report.scenarios, 1):
        parts += _section(report, section, i, lang)
    parts += _charts(charts, lang)
    parts += _appendix(report, lang)
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _preamble(report: Report, lang: str) -> list[str]:
    regions = escape(regions_text(report, lang))
    out = [
        f"<p>{t(lang, '地区', 'Regions')}: {regions}</p>",
        '<p class="note">'
        + escape(
            t(
                lang,
                "每个地区都按“此人居住在该地”测算（户籍与参保记录随之迁移）。所有金额均为引擎结果（元）；"
                "“未公布”表示已加载的政策来源没有给出该数字。",
                "Each region answers as if the person lived there (household registration and "
                "enrolment history moved). Every amount (yuan) is the engine's; “not published” "
                "means the loaded sources do not give that number.",
            )
        )
        + "</p>",
    ]
    overlays = overlays_text(report, lang)
    if overlays:
        out.append(f'<p class="overlay">{escape(overlays)}</p>')
    return out


def _contents(report: Report, charts: Mapping[str, str], lang: str) -> list[str]:
    items = [
        f'<li><a href="#s{i}">{escape(title_of(s))}</a></li>'
        for i, s in enumerate(report.scenarios, 1)
    ]
    if charts:
        items.append(f'<li><a href="#charts">{t(lang, "图表", "Charts")}</a></li>')
    items.append(
        f'<li><a href="#citations">{t(lang, "附录：引用", "Appendix: citations")}</a></li>'
    )
    return ["<nav><ol>", *items, "</ol></nav>"]


def _section(report: Report, section: ScenarioSection, index: int, lang: str) -> list[str]:
    table = Table(report, section, lang)
    out = [
        f'<section id="s{index}">',
        f"<h2>{index}. {escape(title_of(section))}</h2>",
        f'<p class="source">{escape(section.source)} · {section.year} · '
        f"{escape(section.scheme)}</p>",
        "<table>",
        "<thead><tr><th></th>" + "".join(f"<th>{escape(h)}</th>" for h in table.header()),
        "</tr></thead><tbody>",
    ]
    for row in table.rows():
        cells = "".join(f'<td class="num">{_lines(c)}</td>' for c in row.cells)
        out.append(f'<tr><td class="label">{_lines(row.label)}</td>{cells}</tr>')
    out += ["</tbody></table>", f"<h3>{t(lang, '差异', 'Differences')}</h3>", "<ul>"]
    out += [f"<li>{escape(d.pick(lang))}</li>" for d in section.differences] or [
        f"<li>{t(lang, '各地结果相同。', 'The regions answer alike.')}</li>"
    ]
    out.append("</ul>")
    found = notices(section, lang)
    if found:
        out.append(f"<details><summary>{t(lang, '提示', 'Notices')}</summary>")
        for name, lines in found:
            out.append(f"<p><strong>{escape(name)}</strong></p><ul>")
            out += [f"<li>{escape(line)}</li>" for line in lines]
            out.append("</ul>")
        out.append("</details>")
    out.append("</section>")
    return out


CAPTIONS = {
    "premiums": (
        "各类人员在各地的个人年缴费（引擎对样例人员的结果）。",
        "The yearly premium each sample person pays in each region (engine results).",
    ),
}
SHARE_CAPTION = (
    "一次本地住院中个人负担占合规费用的比例，按医院级别与地区（引擎对样例人员逐点测算）。",
    "The patient's share of one local inpatient bill by hospital level and region "
    "(the engine evaluated each point for a sample person).",
)


def _charts(charts: Mapping[str, str], lang: str) -> list[str]:
    if not charts:
        return []
    out = [f'<section id="charts"><h2>{t(lang, "图表", "Charts")}</h2>']
    for name, svg in charts.items():
        zh, en = CAPTIONS.get(name, SHARE_CAPTION)
        out += [f'<figure id="chart-{escape(name)}">', svg.strip(),
                f"<figcaption>{escape(t(lang, zh, en))}</figcaption></figure>"]  # fmt: skip
    out.append("</section>")
    return out


def _appendix(report: Report, lang: str) -> list[str]:
    out = [
        '<section id="citations">',
        f"<h2>{t(lang, '附录：引用的政策条款', 'Appendix: citations')}</h2>",
        "<ul>",
    ]
    for doc, title, cites in citation_groups(report):
        head = f"<strong>{escape(doc)}</strong>" + (f" — {escape(title)}" if title else "")
        items = "".join(f"<li>{escape(c)}</li>" for c in cites)
        out.append(f"<li>{head}<ul>{items}</ul></li>")
    out += ["</ul>", "</section>"]
    return out
