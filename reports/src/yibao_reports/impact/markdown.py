"""The impact report as Markdown, its charts as SVG files beside it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from yibao_reports.impact import cells
from yibao_reports.impact.charts import CAPTIONS
from yibao_reports.impact.view import Section, View, pick


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(_esc(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_esc(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def to_markdown(view: View, lang: str, charts: Mapping[str, str] | None) -> str:
    """The report; ``charts`` maps chart names to the SVG files to link, or ``None``."""
    out = [f"# {pick(lang, cells.TITLE)}", ""]
    if view.fictional:
        out += [f"> **{cells.fictional_warning(lang)}**", ""]
    for note in cells.overlay_notes(view, lang):
        out += [f"> {note}", ""]
    for line in cells.preamble(view, lang):
        out += [line, ""]
    out += _rules(view, lang)
    for section in view.sections:
        out += _section(view, section, lang)
    out += [f"## {cells.word(lang, 'left_out')}", ""]
    found = cells.left_out(view.run, lang)
    if not found:
        out += [cells.word(lang, "nobody"), ""]
    for heading, lines in found:
        out += [f"### {_esc(heading)}", ""] + [f"- {_esc(line)}" for line in lines] + [""]
    if charts:
        out += [f"## {cells.word(lang, 'charts')}", ""]
        for name, path in charts.items():
            out += [f"![{name}]({path})", "", pick(lang, CAPTIONS[name]), ""]
    return "\n".join(out).rstrip() + "\n"


def _rules(view: View, lang: str) -> list[str]:
    out = [f"## {cells.word(lang, 'rules')}", ""]
    for code, error in view.run.rule_errors.items():
        out += [f"{code}: {error}", ""]
    for rules in view.run.rules:
        out += [f"### {pick(lang, view.names[rules.region])} ({rules.region}, {rules.scheme})", ""]
        changes = cells.change_rows(rules, lang)
        if changes:
            out += _table(cells.change_head(lang), changes)
        else:
            out += [cells.word(lang, "no_change"), ""]
        if rules.baseline_values:
            rows = [(k, cells.value_text(v, lang)) for k, v in rules.baseline_values]
            out += [cells.word(lang, "from_overlays"), ""]
            out += _table([cells.word(lang, "parameter"), cells.word(lang, "value")], rows)
        gaps = cells.unpublished_rows(rules, lang)
        if gaps:
            out += [cells.gaps_title(lang, len(gaps)) + ":", ""]
            out += _table(cells.gap_head(lang), gaps)
    return out


def _section(view: View, section: Section, lang: str) -> list[str]:
    out = [f"## {pick(lang, section.title)}", ""]
    if section.note:
        out += [pick(lang, section.note), ""]
    sub = cells.sub_header(lang)
    head = [""] + [f"{name} · {s}" for name in cells.header(view, lang) for s in sub]
    rows = []
    for row in section.rows:
        values: list[str] = [pick(lang, row.label)]
        for code in view.run.regions:
            values += cells.texts(row.cells.get(code))
        rows.append(tuple(values))
    return out + _table(head, rows)


def write_markdown(view: View, output: Path, lang: str, svgs: Mapping[str, str]) -> list[Path]:
    """Write the report to ``output`` with each chart beside it (``<stem>-<chart>.svg``);
    return the files written, the Markdown first. Raises ``OSError``."""
    links: dict[str, str] = {}
    written: list[Path] = []
    for name, svg in svgs.items():
        chart = output.with_name(f"{output.stem}-{name}.svg")
        chart.write_text(svg, encoding="utf-8", newline="\n")
        written.append(chart)
        links[name] = chart.name
    output.write_text(to_markdown(view, lang, links or None), encoding="utf-8", newline="\n")
    return [output, *written]
