"""The impact report as one self-contained HTML file (inline CSS and SVG, no scripts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from yibao_reports.html import CSS, page_head
from yibao_reports.impact import cells
from yibao_reports.impact.charts import CAPTIONS
from yibao_reports.impact.view import Section, View, pick

EXTRA_CSS = """
body { max-width: 90rem; }
.warn { background: #fff4e5; border: 1px solid #f0a020; padding: .5rem .8rem; }
td.single { text-align: center; }
th.region { text-align: center; }
.table-wrap { overflow-x: auto; }
""".strip()


def to_html(view: View, lang: str, charts: Mapping[str, str]) -> str:
    title = pick(lang, cells.TITLE)
    parts = page_head(title, lang, f"{CSS}\n{EXTRA_CSS}")
    if view.fictional:
        parts.append(f'<p class="warn">{escape(cells.fictional_warning(lang))}</p>')
    notes = cells.overlay_notes(view, lang)
    if notes:
        parts.append('<p class="warn">' + "<br>".join(escape(n) for n in notes) + "</p>")
    parts += [f'<p class="note">{escape(line)}</p>' for line in cells.preamble(view, lang)]
    parts += _contents(view, charts, lang)
    parts += _rules(view, lang)
    for section in view.sections:
        parts += _section(view, section, lang)
    parts += _left_out(view, lang)
    parts += _charts(charts, lang)
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _contents(view: View, charts: Mapping[str, str], lang: str) -> list[str]:
    items = [f'<li><a href="#rules">{cells.word(lang, "rules")}</a></li>']
    items += [
        f'<li><a href="#{s.key}">{escape(pick(lang, s.title))}</a></li>' for s in view.sections
    ]
    items.append(f'<li><a href="#left-out">{cells.word(lang, "left_out_short")}</a></li>')
    if charts:
        items.append(f'<li><a href="#charts">{cells.word(lang, "charts")}</a></li>')
    return ["<nav><ol>", *items, "</ol></nav>"]


def _rules(view: View, lang: str) -> list[str]:
    out = [
        '<section id="rules">',
        f"<h2>{cells.word(lang, 'rules')}</h2>",
    ]
    for code, error in view.run.rule_errors.items():
        out.append(f"<p>{escape(code)}: {escape(error)}</p>")
    for rules in view.run.rules:
        out.append(
            f"<h3>{escape(pick(lang, view.names[rules.region]))} "
            f"({escape(rules.region)}, {escape(rules.scheme)})</h3>"
        )
        changes = cells.change_rows(rules, lang)
        if changes:
            out += _table(cells.change_head(lang), changes)
        else:
            out.append(f"<p>{cells.word(lang, 'no_change')}</p>")
        if rules.baseline_values:
            rows = [(k, cells.value_text(v, lang)) for k, v in rules.baseline_values]
            out.append(f"<p>{cells.word(lang, 'from_overlays')}</p>")
            out += _table([cells.word(lang, "parameter"), cells.word(lang, "value")], rows)
        gaps = cells.unpublished_rows(rules, lang)
        if gaps:
            out.append(f"<details><summary>{escape(cells.gaps_title(lang, len(gaps)))}</summary>")
            out += _table(cells.gap_head(lang), gaps)
            out.append("</details>")
    out.append("</section>")
    return out


def _table(head: list[str], rows: Sequence[tuple[str, ...]]) -> list[str]:
    out = ['<div class="table-wrap"><table><thead><tr>']
    out += [f"<th>{escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return out


def _section(view: View, section: Section, lang: str) -> list[str]:
    regions = view.run.regions
    out = [f'<section id="{section.key}">', f"<h2>{escape(pick(lang, section.title))}</h2>"]
    if section.note:
        out.append(f'<p class="note">{escape(pick(lang, section.note))}</p>')
    out.append('<div class="table-wrap"><table><thead><tr><th rowspan="2"></th>')
    out += [f'<th class="region" colspan="3">{escape(h)}</th>' for h in cells.header(view, lang)]
    out.append("</tr><tr>")
    out += ["".join(f"<th>{escape(h)}</th>" for h in cells.sub_header(lang))] * len(regions)
    out.append("</tr></thead><tbody>")
    for row in section.rows:
        tds = []
        for code in regions:
            cell = row.cells.get(code)
            if cell is not None and cell.single:
                text = escape(cells.texts(cell)[0])
                tds.append(f'<td class="num single" colspan="3">{text}</td>')
                continue
            tds += [f'<td class="num">{escape(t)}</td>' for t in cells.texts(cell)]
        out.append(f'<tr><td class="label">{escape(pick(lang, row.label))}</td>{"".join(tds)}</tr>')
    out += ["</tbody></table></div>", "</section>"]
    return out


def _left_out(view: View, lang: str) -> list[str]:
    out = [
        '<section id="left-out">',
        f"<h2>{cells.word(lang, 'left_out')}</h2>",
    ]
    found = cells.left_out(view.run, lang)
    if not found:
        out.append(f"<p>{cells.word(lang, 'nobody')}</p>")
    for heading, lines in found:
        out.append(f"<h3>{escape(heading)}</h3><ul>")
        out += [f"<li>{escape(line)}</li>" for line in lines]
        out.append("</ul>")
    out.append("</section>")
    return out


def _charts(charts: Mapping[str, str], lang: str) -> list[str]:
    if not charts:
        return []
    out = [f'<section id="charts"><h2>{cells.word(lang, "charts")}</h2>']
    for name, svg in charts.items():
        caption = pick(lang, CAPTIONS[name])
        out += [
            f'<figure id="chart-{escape(name)}">',
            svg.strip(),
            f"<figcaption>{escape(caption)}</figcaption></figure>",
        ]
    out.append("</section>")
    return out
