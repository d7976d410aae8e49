"""Text for the impact report's cells and notes, shared by HTML and Markdown."""

from __future__ import annotations

from decimal import Decimal

from yibao.impact.changes import RuleSets, Value
from yibao.impact.study import ImpactRun

from yibao_reports.impact.view import Cell, Text2, View, pick, reasons, rows_where, where


def number(value: Decimal | int | None, unit: str, *, sign: bool = False) -> str:
    """``446,420.00`` for yuan, ``1,234`` for counts; ``—`` when there is none."""
    if value is None:
        return "—"
    plus = "+" if sign else ""
    if unit == "yuan":
        return f"{value:{plus},.2f}"
    return f"{value:{plus},}"


def texts(cell: Cell | None) -> tuple[str, str, str]:
    """A cell as (baseline, reform, change) text; a single value is the first."""
    if cell is None:
        return ("", "", "")
    if cell.unit == "text":
        assert cell.text is not None
        return (cell.text[0], cell.text[1], "")
    if cell.single:
        return (number(cell.reform, cell.unit), "", "")
    change = cell.change
    text = number(change, cell.unit, sign=True) if change is not None else "—"
    if cell.percent is not None and change:
        text += f" ({cell.percent:+}%)"
    elif change == 0:
        text = "0"
    return (number(cell.baseline, cell.unit), number(cell.reform, cell.unit), text)


def header(view: View, lang: str) -> list[str]:
    """One heading per region: ``常州 (changzhou)``."""
    return [f"{pick(lang, view.names[code])} ({code})" for code in view.run.regions]


def sub_header(lang: str) -> tuple[str, str, str]:
    return (
        pick(lang, ("基准", "baseline")),
        pick(lang, ("改革", "reform")),
        pick(lang, ("变化（%）", "change (%)")),
    )


TITLE: Text2 = ("yibao 医保政策影响测算", "yibao policy impact report")
WORDS: dict[str, Text2] = {
    "rules": ("改革改变了什么", "What the reform changes"),
    "no_change": ("改革没有改变此处的参数。", "The reform changes no value here."),
    "from_overlays": ("基准中取自覆盖文件的数值：", "Baseline values taken from overlays:"),
    "parameter": ("参数", "parameter"),
    "value": ("数值", "value"),
    "left_out": ("未能读入或比较的人", "Who could not be read or compared"),
    "left_out_short": ("未能比较的人", "Left out"),
    "nobody": ("无。", "Nobody."),
    "charts": ("图表", "Charts"),
    "bad_rows": ("表格中的无效行（其人员未计入）", "Bad table rows (their people left out)"),
    "named": ("这些答复提到未公布的参数：", "values their answers name as not published: "),
}


def word(lang: str, key: str) -> str:
    return pick(lang, WORDS[key])


def change_head(lang: str) -> list[str]:
    return [
        word(lang, "parameter"),
        pick(lang, ("基准（出处）", "baseline (source)")),
        pick(lang, ("改革（出处）", "reform (source)")),
    ]


def gap_head(lang: str) -> list[str]:
    return [
        word(lang, "parameter"),
        pick(lang, ("缺于", "missing under")),
        pick(lang, ("原因（出处）", "reason (source)")),
    ]


def gaps_title(lang: str, count: int) -> str:
    return pick(
        lang, (f"未公布的数值（{count} 个）", f"Values no loaded source publishes ({count})")
    )


def fictional_warning(lang: str) -> str:
    return pick(
        lang,
        (
            "注意：本改革的取值在其参数文件中标为虚构/假设（见下方引用）——这是示例，不是已发布的政策。",
            "Note: this reform's values are marked fictional or hypothetical where they are "
            "cited (below): it is an example, not a published policy.",
        ),
    )


def preamble(view: View, lang: str) -> list[str]:
    """The lines under the title: population, regions, rule sets, method."""
    run = view.run
    pop = run.population
    impact = run.impact
    lines = []
    read = pick(lang, ("人群", "Population")) + f": {pop.path} ({pop.format}"
    if pop.rows is not None:
        read += pick(lang, ("，", ", ")) + pick(lang, ("表格行", "rows")) + f" {pop.rows:,}"
        read += pick(lang, ("，字段对照 ", ", column mapping ")) + f"{pop.columns}"
    read += ")"
    read += pick(lang, ("；读入人数 ", "; people read ")) + f"{impact.lines:,}"
    lines.append(read)
    lines.append(
        pick(lang, ("地区", "Regions"))
        + ": "
        + ", ".join(header(view, lang))
        + (pick(lang, ("；险种 ", "; scheme ")) + run.scheme if run.scheme else "")
        + (
            pick(lang, ("；按年度 ", "; as if in year ")) + str(run.year)
            if run.year is not None
            else ""
        )
    )
    lines.append(
        pick(lang, ("基准", "Baseline"))
        + ": "
        + (
            pick(lang, ("内置参数 + ", "bundled parameters + ")) + ", ".join(run.baseline)
            if run.baseline
            else pick(lang, ("内置参数", "bundled parameters"))
        )
    )
    lines.append(
        pick(lang, ("改革", "Reform"))
        + ": "
        + (", ".join(run.reform) or pick(lang, ("无（与基准相同）", "none (same as the baseline)")))
    )
    lines.append(
        pick(
            lang,
            (
                "方法：同一人群在两套规则下由同一引擎逐人逐笔精确结算（分）；静态测算，不含行为反应"
                "（就医行为不随政策改变）；每个地区都按“此人居住在该地”测算。详见 docs/impact.md。",
                "Method: the same people settled claim by claim under both rule sets by the same "
                "engine, exact to the fen; static — no behavioural response (people do not change "
                "how they use care); each region answers as if the person lived there. See "
                "docs/impact.md.",
            ),
        )
    )
    return lines


def overlay_notes(view: View, lang: str) -> list[str]:
    """Regions whose numbers come from an overlay, said first."""
    out = []
    for rules in view.run.rules:
        sources = [*rules.installed_overlays, *rules.baseline_overlays]
        if sources:
            out.append(
                f"{pick(lang, view.names[rules.region])} ({rules.region}, {rules.scheme}): "
                + pick(lang, ("基准中的部分数值来自覆盖文件 ", "some baseline numbers come from "))
                + ", ".join(sources)
            )
        if not rules.reform_overlays and view.run.reform:
            out.append(
                f"{pick(lang, view.names[rules.region])} ({rules.region}, {rules.scheme}): "
                + pick(
                    lang,
                    (
                        "改革文件不适用于此地区/险种，两套规则相同",
                        "the reform's files do not apply here; both rule sets are the same",
                    ),
                )
            )
    return out


def value_text(value: Value, lang: str) -> str:
    dates = f"{value.valid_from}…{value.valid_to or ''}"
    origin = "" if value.origin == "bundled" else f"; {value.origin}"
    note = f"; {value.note}" if value.note else ""
    return f"{value.value} ({dates}; {value.cite}{origin}{note})"


def change_rows(rules: RuleSets, lang: str) -> list[tuple[str, str, str]]:
    """``(key, baseline, reform)`` text for each parameter the reform sets."""
    out = []
    for change in rules.changes:
        if change.old:
            old = "; ".join(value_text(v, lang) for v in change.old)
        else:
            old = pick(lang, ("未公布：", "not published: ")) + (change.gap or "")
        new = value_text(change.new, lang)
        if change.same:
            new += pick(lang, ("（与基准相同）", " (the same as the baseline)"))
        out.append((change.key, old, new))
    return out


def unpublished_rows(rules: RuleSets, lang: str) -> list[tuple[str, str, str]]:
    """``(key, where missing, reason and cite)`` for each value not published."""
    out = []
    for gap in rules.unpublished:
        sides = [
            pick(lang, ("基准", "baseline")) if gap.baseline else "",
            pick(lang, ("改革", "reform")) if gap.reform else "",
        ]
        out.append((gap.key, " + ".join(s for s in sides if s), f"{gap.reason} ({gap.cite})"))
    return out


def left_out(run: ImpactRun, lang: str) -> list[tuple[str, list[str]]]:
    """``(heading, lines)``: who could not be read or compared, and why."""
    out = []
    impact = run.impact
    pop = run.population
    if pop.bad_rows:
        lines = [
            f"{e.count:,} × {reason} — {rows_where(e.lines)}"
            for reason, e in sorted(pop.bad_rows.items(), key=lambda kv: -kv[1].count)
        ]
        out.append((word(lang, "bad_rows"), lines))
    if impact.bad:
        lines = [
            f"{e.count:,} × {reason} — {where(run, e.lines)}"
            for reason, e in sorted(impact.bad.items(), key=lambda kv: -kv[1].count)
        ]
        out.append((pick(lang, ("无效的人群行", "Lines that are not valid scenarios")), lines))
    if impact.outside:
        lines = [f"{e.count:,} × {reason}" for reason, e in impact.outside.items()]
        out.append((pick(lang, ("不在所选险种的人", "People outside --scheme")), lines))
    for code, part in impact.regions.items():
        found = reasons(part)
        if not found:
            continue
        lines = [f"{e.count:,} × {reason} — {where(run, e.lines)}" for reason, e in found]
        lines.append(
            pick(lang, ("未计入者的费用合计 ", "their bills add up to "))
            + number(part.excluded_bill, "yuan")
            + pick(lang, (" 元（不计入上表）", " yuan (not in the tables above)"))
        )
        if part.not_published:
            keys = sorted(part.not_published.items(), key=lambda kv: (-kv[1], kv[0]))
            lines.append(
                word(lang, "named")
                + ", ".join(f"{k} ({n:,})" for k, n in keys[:12])
                + (" …" if len(keys) > 12 else "")
            )
        heading = (
            pick(lang, view_name(run, code))
            + f" ({code}): "
            + pick(lang, ("未能比较的人", "people left out"))
        )
        out.append((heading, lines))
    return out


def view_name(run: ImpactRun, code: str) -> Text2:
    for rules in run.rules:
        if rules.region == code:
            return (rules.name_zh or code, rules.name_en or code)
    return (code, code)
