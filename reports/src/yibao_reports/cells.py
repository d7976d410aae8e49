"""The comparison table as plain text cells, shared by every human-readable format.

Each cell is a list of lines; Markdown joins them with ``<br>``, HTML with ``<br>``,
Rich with newlines. Only engine numbers are shown, formatted with ``fmt_money``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from yibao.money import fmt_money
from yibao.vocabulary import WORDS, marked_short, notice_lines, word

from yibao_reports.model import ClaimRow, RegionColumn, Report, ScenarioSection, claim_row

STATUS = {code: (zh, en) for code, zh, en in WORDS["claim_status"]}
PAYER = {code: (zh, en) for code, zh, en in WORDS["payer"]}


def t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def money(value: Decimal | None, lang: str) -> str:
    return t(lang, "未公布", "not published") if value is None else fmt_money(value)


@dataclass(frozen=True)
class Row:
    label: list[str]
    cells: list[list[str]]


class Table:
    """The rows of one scenario's comparison table in one language."""

    def __init__(self, report: Report, section: ScenarioSection, lang: str) -> None:
        self.report = report
        self.section = section
        self.lang = lang

    def header(self) -> list[str]:
        return [f"{c.name(self.lang)} ({word('scheme', c.scheme, self.lang)})"
                for c in self.section.columns]  # fmt: skip

    def rows(self) -> list[Row]:
        lang = self.lang
        rows = [
            self._row(t(lang, "参保资格与类别", "eligibility · category"), self._eligibility),
            self._row(t(lang, "个人缴费", "premium (the person pays)"), self._premium),
            self._row(t(lang, "缴费方", "who pays"), self._payers),
            self._row(t(lang, "待遇起始日", "benefits from"), self._start),
        ]
        for claim in _claims(self.section):
            label = [
                claim_name(claim, lang),
                f"{t(lang, '费用', 'bill')} {fmt_money(claim.bill)} · "
                f"{t(lang, '合规', 'compliant')} {fmt_money(claim.compliant)}",
            ]
            rows.append(
                Row(
                    label=label,
                    cells=[
                        self._cell(c, self._claim(claim.claim_id)) for c in self.section.columns
                    ],
                )
            )
        rows.append(self._row(t(lang, "年度合计", "year totals"), self._totals))
        return rows

    def _row(self, label: str, show: Callable[[RegionColumn], list[str]]) -> Row:
        return Row(label=[label], cells=[self._cell(c, show) for c in self.section.columns])

    def _cell(self, col: RegionColumn, show: Callable[[RegionColumn], list[str]]) -> list[str]:
        if col.status == "error":
            return ["—"]
        return show(col)

    def _eligibility(self, col: RegionColumn) -> list[str]:
        lang = self.lang
        if col.eligible is None:
            return ["—"]
        verdict = (
            t(lang, "可参保", "eligible") if col.eligible else t(lang, "不可参保", "not eligible")
        )
        if col.category_label is not None:
            return [verdict, col.category_label.pick(lang)]
        return [verdict]

    def _premium(self, col: RegionColumn) -> list[str]:
        if not col.eligible:
            return ["—"]
        return [money(col.premium, self.lang)]

    def _payers(self, col: RegionColumn) -> list[str]:
        if not col.eligible or not col.premium_parts:
            return ["—"]
        lang = self.lang
        lines = []
        for p in col.premium_parts:
            label = t(lang, p.label_zh, p.label_en) or t(lang, *PAYER[p.payer])
            said = p.amount is None and ("未公布" in label or "not published" in label)
            lines.append(label if said else f"{label} {money(p.amount, lang)}")
        return lines

    def _start(self, col: RegionColumn) -> list[str]:
        lang = self.lang
        if not col.eligible:
            return ["—"]
        if col.benefit_start is not None:
            return [str(col.benefit_start)]
        if col.start_earliest is not None:
            latest = col.start_latest or "?"
            return [t(lang, "未定", "undetermined"), f"{col.start_earliest} – {latest}"]
        return [t(lang, "未知", "not known")]

    def _claim(self, claim_id: str) -> Callable[[RegionColumn], list[str]]:
        def show(col: RegionColumn) -> list[str]:
            row = claim_row(col, claim_id)
            return ["—"] if row is None else self.claim_lines(row)

        return show

    def claim_lines(self, row: ClaimRow) -> list[str]:
        lang = self.lang
        lines = [f"{self.layer(p.layer)} {fmt_money(p.amount)}" for p in row.layers if p.amount]
        if row.status == "not_published" and row.reason is not None:
            lines.insert(0, row.reason.pick(lang))
        elif row.status != "settled":
            lines.insert(0, t(lang, *STATUS.get(row.status, (row.status, row.status))))
            if row.reason is not None:
                lines.insert(1, row.reason.pick(lang))
        if row.patient is not None:
            lines.append(f"{t(lang, '个人负担', 'patient')} {fmt_money(row.patient)}")
        lines += [f"({marked_short(m, lang)})" for m in row.marked]
        return lines

    def layer(self, key: str) -> str:
        label = self.report.layer_labels.get(key)
        return key if label is None else label.pick(self.lang)

    def _totals(self, col: RegionColumn) -> list[str]:
        """The year's bill, what each layer paid and the patient's share; unsettled
        claims are counted with their bills, never left looking like nothing."""
        lang = self.lang
        totals = col.totals
        if totals is None:
            return ["—"]
        lines = [f"{t(lang, '总费用', 'bill')} {fmt_money(totals.bill + totals.unsettled_bill)}"]
        if not totals.complete:
            lines.append(
                t(lang, f"其中未结算 {totals.unsettled} 笔 {fmt_money(totals.unsettled_bill)}",
                  f"unsettled: {totals.unsettled} claim(s), {fmt_money(totals.unsettled_bill)}")
            )  # fmt: skip
            if not totals.bill:  # every claim unsettled: no settled part to show as 0.00
                return [*lines, t(lang, "无已结算费用", "nothing settled")]
            lines.append(t(lang, "已结算部分：", "settled part:"))
        lines += [f"{self.layer(p.layer)} {fmt_money(p.amount)}" for p in totals.layers if p.amount]
        lines.append(f"{t(lang, '个人负担', 'patient')} {fmt_money(totals.patient)}")
        marks = dict.fromkeys(m for c in col.claims for m in c.marked)
        lines += [f"({marked_short(m, lang)})" for m in marks]
        return lines


def claim_name(claim: ClaimRow, lang: str) -> str:
    """A claim as a reader knows it: kind, date, hospital (its id when not labelled)."""
    if claim.label is not None:
        return claim.label.pick(lang)
    return f"{word('claim_kind', claim.kind, lang)} · {claim.date} ({claim.claim_id})"


def _claims(section: ScenarioSection) -> list[ClaimRow]:
    """Each claim once, in the order the first answering region settled them."""
    seen: dict[str, ClaimRow] = {}
    for col in section.columns:
        for claim in col.claims:
            seen.setdefault(claim.claim_id, claim)
    return list(seen.values())


def notices(section: ScenarioSection, lang: str) -> list[tuple[str, list[str]]]:
    """Per region, its notices (deduplicated, in the engine's order) and its error."""
    out = []
    for col in section.columns:
        lines: list[str] = []
        if col.error:
            lines.append(t(lang, "错误：", "error: ") + col.error)
        for _, text in notice_lines(col.notices, section.year, lang):
            if text not in lines:
                lines.append(text)

        if lines:
            out.append((col.name(lang), lines))
    return out


def regions_text(report: Report, lang: str) -> str:
    """The regions compared, by name."""
    names = [report.region_names[c].pick(lang) if c in report.region_names else c
             for c in report.regions]  # fmt: skip
    return t(lang, "、", ", ").join(names)


def overlays_text(report: Report, lang: str) -> str | None:
    """The overlays used, once, with their marks (``虚构数值，非政策``); ``None``: none."""
    if not report.overlays:
        return None
    shown = [
        f"{o}（{word('marked', report.marked[o], lang)}）" if lang == "zh" and o in report.marked
        else f"{o} ({word('marked', report.marked[o], lang)})" if o in report.marked
        else o
        for o in report.overlays
    ]  # fmt: skip
    return t(lang, "参数覆盖文件：", "Parameter overlays: ") + ", ".join(shown)


def citation_groups(report: Report) -> list[tuple[str, str | None, list[str]]]:
    """The appendix: ``(document id, title, [citations])``, sorted."""
    groups: dict[str, tuple[str | None, list[str]]] = {}
    for c in report.citations:
        doc = c.cite.split(" ", 1)[0]
        _title, cites = groups.setdefault(doc, (c.source_title, []))
        cites.append(c.cite)
    return [(doc, title, cites) for doc, (title, cites) in sorted(groups.items())]


def title_of(section: ScenarioSection) -> str:
    return section.title or section.source
