"""One region's answer (``yibao evaluate``) and a comparison (``compare``, ``demo``) for
people, in the terminal.

Only renders: every amount comes from a result Struct (a year's unsettled bills are
added up, and say so). The tables are :class:`yibao.layout.Grid` values, so no amount
is ever cut off at any width; claims are labelled by what they are (kind, date, where)
through :mod:`yibao.vocabulary`, regions by name, and a number resting on an overlay
marked as not policy says so beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.text import Text

from yibao.layout import Column, Grid, show
from yibao.model import Scenario
from yibao.money import fmt_money
from yibao.results import ClaimResult, Comparison, Notice, RegionResult, Step, claim_by_id
from yibao.textsafe import printable
from yibao.vocabulary import (
    WORDS,
    claim_labels,
    claim_marks,
    marked_note,
    marked_short,
    marks,
    notice_lines,
    notice_summary,
    overlay_lines,
    pick,
    result_claim_label,
    step_cite,
    unsettled,
    word,
)

STATUS = {code: (zh, en) for code, zh, en in WORDS["claim_status"]}


class _DataConsole(Console):
    """A console for results: every string is data. Markup is never parsed (a claim id
    ``[/]`` or a title ``[link=…]`` prints as written) and control characters are shown
    as escapes (:func:`yibao.textsafe.printable`); styles come only from ``Text``."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)

    def on_broken_pipe(self) -> None:
        """The reader went away: let the command end as every yibao command does then
        (:func:`yibao.cli_common.guard`: quietly, status 141), not with Rich's status 1."""
        raise BrokenPipeError


def console(**options: Any) -> Console:
    """A Rich console for results (no markup parsed; Rich's ``Console`` options)."""
    options = {"highlight": False, "soft_wrap": False, **options}
    return _DataConsole(markup=False, emoji=False, **options)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else fmt_money(value)


def _bold(label: str, rest: str) -> Text:
    """``label`` in bold, then ``: rest`` (data, never markup)."""
    return Text.assemble((printable(label), "bold"), ": ", printable(rest))


def _name(r: RegionResult, lang: str) -> str:
    return pick(lang, r.name_zh, r.name_en) or r.region


def _scheme(scheme: str, lang: str) -> str:
    return word("scheme", scheme, lang)


def _note(found: Sequence[str], lang: str) -> str:
    return "".join(marked_note(m, lang) for m in found)


def _labels(
    results: Sequence[RegionResult], scenario: Scenario | None, lang: str
) -> dict[str, str]:
    """Each claim's row label, by id: from the scenario when given, else kind and date."""
    if scenario is not None:
        return claim_labels(scenario.claims, lang)
    out: dict[str, str] = {}
    for r in results:
        for c in r.claims:
            out.setdefault(c.claim_id, result_claim_label(c, lang))
    return out


# -------------------------------------------------------------------------------------
# One region's answer
# -------------------------------------------------------------------------------------


def print_result(
    result: RegionResult,
    *,
    title: str | None,
    lang: str,
    explain: bool,
    scenario: Scenario | None = None,
    notices: bool = False,
    out: Console | None = None,
) -> None:
    """``yibao evaluate``: the answer with its steps (``explain``); the notices summed up
    in a few lines, or all of them (``notices``)."""

    out = out or console()
    out.rule(f"{_name(result, lang)} · {_scheme(result.scheme, lang)} · {result.year}")
    if title:
        out.print(Text(printable(title), style="bold"))
    for line in overlay_lines([result], lang):
        out.print(Text(printable(line), style="yellow"))
    if result.status == "error":
        out.print(Text(printable(_error(result, lang)), style="bold red"))
        return
    _print_people(out, result, lang, explain)
    labels = _labels([result], scenario, lang)
    if result.claims:
        show(out, _claims_grid(result.claims, labels, lang))
        if explain:
            for claim in result.claims:
                _print_claim_steps(out, claim, labels.get(claim.claim_id, claim.claim_id), lang)
    if result.totals is not None and result.claims:
        out.print(_bold(pick(lang, "年度合计", "Year totals"), _year_line(result, lang)))
    if result.limits:
        _print_limits(out, result, lang, explain)
    print_notices(out, result.notices, result.year, lang, full=notices)


def _print_people(out: Console, result: RegionResult, lang: str, explain: bool) -> None:
    elig = result.eligibility
    if elig is not None:
        verdict = (
            pick(lang, "可参保", "eligible")
            if elig.eligible
            else pick(lang, "不可参保", "not eligible")
        )
        category = pick(lang, elig.category_zh or "—", elig.category_en or "—")
        out.print(_bold(pick(lang, "参保资格", "Eligibility"), f"{verdict} · {category}"))
        if explain:
            show(out, steps_grid(elig.steps, lang))
    label = pick(lang, "个人缴费", "Premium")
    if result.premium is not None:
        parts = ", ".join(
            f"{pick(lang, p.label_zh, p.label_en)} {_money(p.amount)}" for p in result.premium.parts
        )
        note = _note(marks(result.premium.steps), lang)
        out.print(_bold(label, f"{_money(result.premium.individual)}{note}  ({parts})"))
        if explain:
            show(out, steps_grid(result.premium.steps, lang))
    elif elig is not None and elig.eligible:
        why = [pick(lang, n.text_zh, n.text_en) for n in result.notices if n.key == "premium"]
        missing = (
            why[0]
            if why
            else pick(lang, "未公布（见下方说明）", "not published (see the notices below)")
        )
        out.print(Text.assemble((label, "bold"), ": ", (printable(missing), "yellow")))
    cover = result.coverage
    if cover is not None:
        out.print(_bold(pick(lang, "待遇起始日", "Benefits from"), _start_text(cover, lang)))
        if explain:
            show(out, steps_grid(cover.steps, lang))


def _start_text(cover: object, lang: str) -> str:
    start = getattr(cover, "start", None)
    if start:
        return str(start)
    earliest = getattr(cover, "earliest", None)
    if earliest:
        latest = getattr(cover, "latest", None)
        return f"{pick(lang, '未定', 'undetermined')} ({earliest} – {latest})"
    return "—"


def steps_grid(steps: Sequence[Step], lang: str) -> Grid:
    """An explanation: each step's label, value and citation; a value from an overlay
    marked as not policy says so before its citation."""
    grid = Grid(
        [
            Column("", kind="label", justify="left", style="dim"),
            Column(pick(lang, "数值", "value"), kind="words"),
            Column(pick(lang, "出处", "source"), kind="words", justify="left", style="cyan"),
        ],
        show_header=False,
        plain=True,
    )
    for s in steps:
        note = marked_note(s.marked, lang).strip() + " " if s.marked else ""
        grid.add_row(pick(lang, s.label_zh, s.label_en), s.value, note + step_cite(s, lang))
    return grid


def layer_label(name: str, lang: str) -> str:
    """A payer layer's name in ``lang`` (its code when the vocabulary has none)."""
    return word("layer", name, lang)


def _used_layers(claims: Sequence[ClaimResult]) -> list[str]:
    return [
        key
        for key, _, _ in WORDS["layer"]
        if any(c.paid_by(key) or any(p.layer == key for p in c.layers) for c in claims)
    ]


def _claims_grid(claims: Sequence[ClaimResult], labels: dict[str, str], lang: str) -> Grid:
    used = _used_layers(claims)
    grid = Grid(
        [
            Column(pick(lang, "费用", "claim"), kind="label", justify="left"),
            Column(pick(lang, "状态", "status"), kind="label", justify="left"),
            Column(pick(lang, "总费用", "bill")),
            Column(pick(lang, "合规", "compliant")),
            *(Column(layer_label(k, lang)) for k in used),
            Column(pick(lang, "个人负担", "patient")),
        ],
        title=pick(lang, "费用结算", "Claims"),
    )
    for c in claims:
        status = pick(lang, *STATUS[c.status]) + _note(claim_marks(c), lang)
        style = "" if c.status == "settled" else "yellow"
        grid.add_row(
            labels.get(c.claim_id, c.claim_id),
            Text(status, style=style),
            fmt_money(c.bill),
            fmt_money(c.compliant),
            # a claim a missing value stops still shows the layers paid before the gap
            *[fmt_money(c.paid_by(k)) if _paid(c, k) else "—" for k in used],
            _money(c.patient),
        )
    return grid


def _paid(claim: ClaimResult, layer: str) -> bool:
    """Whether ``claim``'s amount for ``layer`` is known: settled, or worked out before a
    missing value stopped the claim (a partial answer)."""
    return claim.status == "settled" or any(p.layer == layer for p in claim.layers)


def _print_claim_steps(out: Console, claim: ClaimResult, label: str, lang: str) -> None:
    tag = f"{pick(lang, '费用编号', 'claim id')} {claim.claim_id}"
    out.print(Text.assemble((printable(label), "bold"), "  ", (printable(tag), "dim")))
    if claim.steps:
        show(out, steps_grid(claim.steps, lang))
    for layer in claim.layers:
        out.print(f"  {pick(lang, layer.label_zh, layer.label_en)}: {fmt_money(layer.amount)}")
        show(out, steps_grid(layer.steps, lang))


def _year_line(result: RegionResult, lang: str) -> str:
    """The year's totals; with unsettled claims, the whole bill and the part left out."""
    t = result.totals
    assert t is not None
    layers = ", ".join(f"{layer_label(k, lang)} {fmt_money(v)}" for k, v in t.layers.items())
    note = _note([m for c in result.claims for m in claim_marks(c)], lang)
    patient = f"{pick(lang, '个人负担', 'patient')} {fmt_money(t.patient)}{note}"
    paid = f"{layers}; {patient}" if layers else patient  # no layer paid: no empty part
    if t.complete:
        return paid
    count, bill = unsettled(result.claims)
    if not t.bill:  # every claim unsettled: no settled part to show as 0.00
        return pick(
            lang,
            f"总费用 {fmt_money(bill)}，{count} 笔未能结算，无已结算费用",
            f"bill {fmt_money(bill)}: none of its {count} claim(s) settled",
        )
    return pick(
        lang,
        f"总费用 {fmt_money(t.bill + bill)}，其中 {count} 笔未能结算（{fmt_money(bill)}），"
        f"不计入以下合计；已结算部分：{paid}",
        f"bill {fmt_money(t.bill + bill)}, of which {count} claim(s) not settled "
        f"({fmt_money(bill)}) and left out of these totals; settled part: {paid}",
    )


def _print_limits(out: Console, result: RegionResult, lang: str, explain: bool) -> None:
    grid = Grid(
        [
            Column(pick(lang, "限额", "limit"), kind="label", justify="left"),
            Column(pick(lang, "上限", "cap")),
            Column(pick(lang, "已用", "used")),
            Column(pick(lang, "剩余", "remaining")),
        ],
        title=pick(lang, "年度限额", "Yearly limits"),
    )
    for lim in result.limits:
        grid.add_row(
            pick(lang, lim.label_zh, lim.label_en),
            fmt_money(lim.cap),
            fmt_money(lim.used),
            fmt_money(lim.remaining),
        )
    show(out, grid)
    if explain:
        for lim in result.limits:
            if lim.steps:
                out.print(Text(printable(pick(lang, lim.label_zh, lim.label_en)), style="bold"))
                show(out, steps_grid(lim.steps, lang))


def print_notices(
    out: Console, notices: Sequence[Notice], year: int, lang: str, *, full: bool
) -> None:
    """The notices of one answer: all of them (``full``, ``--notices``) or summed up in a
    few lines (:func:`yibao.vocabulary.notice_summary`)."""
    lines = notice_lines(notices, year, lang) if full else notice_summary(notices, year, lang)
    for kind, line in lines:
        style = "yellow" if kind in ("not_published", "carried", "warning") else "dim"
        out.print(Text(printable(f"! {line}"), style=style))


# -------------------------------------------------------------------------------------
# A comparison
# -------------------------------------------------------------------------------------


def print_comparison(
    comparison: Comparison,
    *,
    lang: str,
    scenario: Scenario | None = None,
    source: str | None = None,
    notices: bool = False,
    out: Console | None = None,
) -> None:
    """``yibao compare`` and each scenario of ``demo``: one column per region (one block
    per region when the columns do not fit the terminal), then each region's notices."""

    out = out or console()
    out.rule(source or "")
    if comparison.scenario_title:
        out.print(Text(printable(comparison.scenario_title), style="bold"))
    results = comparison.results
    for line in overlay_lines(results, lang):
        out.print(Text(printable(line), style="yellow"))
    show(out, comparison_grid(results, _labels(results, scenario, lang), lang))
    for r in results:
        if r.notices:
            out.print(Text(printable(f"{_name(r, lang)}:"), style="dim"))
            print_notices(out, r.notices, r.year, lang, full=notices)


def comparison_grid(results: Sequence[RegionResult], labels: dict[str, str], lang: str) -> Grid:
    """The comparison table: a row per question and claim, a column per region."""
    grid = Grid(
        [
            Column("", kind="label", justify="left"),
            *(Column(f"{_name(r, lang)} ({_scheme(r.scheme, lang)})") for r in results),
        ],
        stack="column",
        show_lines=True,
    )

    def row(label: str, cell: object) -> None:
        first = not grid.rows  # a region's error is said once, in its first row
        grid.add_row(
            label,
            *[
                cell(r)  # type: ignore[operator]
                if r.status == "ok"
                else Text(printable(_error(r, lang)), style="red", no_wrap=False)
                if first
                else "—"
                for r in results
            ],
        )

    row(pick(lang, "参保资格", "eligibility"), lambda r: _eligibility(r, lang))
    row(pick(lang, "个人缴费", "premium"), lambda r: _premium(r, lang))
    row(pick(lang, "待遇起始日", "benefits from"), lambda r: _start(r, lang))
    ids = list(dict.fromkeys(c.claim_id for r in results for c in r.claims))
    for cid in ids:
        row(labels.get(cid, cid), lambda r, cid=cid: _claim_cell(claim_by_id(r, cid), lang))
    row(pick(lang, "年度合计", "year totals"), lambda r: _year_cell(r, lang))
    return grid


def _error(r: RegionResult, lang: str) -> str:
    return pick(lang, f"错误：{r.error_zh or r.error}", f"error: {r.error}")


def _eligibility(r: RegionResult, lang: str) -> str:
    e = r.eligibility
    if e is None:
        return "—"
    if not e.eligible:
        return pick(lang, "不可参保", "not eligible")
    return pick(lang, e.category_zh or "可参保", e.category_en or "eligible")


def _premium(r: RegionResult, lang: str) -> str:
    if r.eligibility is not None and not r.eligibility.eligible:
        return "—"
    if r.premium is None or r.premium.individual is None:
        return pick(lang, "未公布", "not published")
    found = marks(r.premium.steps)
    return _money(r.premium.individual) + "".join(f"\n({marked_short(m, lang)})" for m in found)


def _year_cell(r: RegionResult, lang: str) -> str:
    """The year's bill and patient share; unsettled claims are counted, never hidden."""
    t = r.totals
    if t is None:
        return "—"
    found = list(dict.fromkeys(m for c in r.claims for m in claim_marks(c)))
    note = "".join(f"\n({marked_short(m, lang)})" for m in found)
    patient = f"{pick(lang, '个人负担', 'patient')} {fmt_money(t.patient)}{note}"
    if t.complete:
        return f"{pick(lang, '总费用', 'bill')} {fmt_money(t.bill)}\n{patient}"
    count, bill = unsettled(r.claims)
    return "\n".join(
        [
            f"{pick(lang, '总费用', 'bill')} {fmt_money(t.bill + bill)}",
            pick(
                lang,
                f"未结算 {count} 笔 {fmt_money(bill)}",
                f"unsettled {count}: {fmt_money(bill)}",
            ),
            pick(lang, "已结算部分", "settled part,") + " " + patient
            if t.bill
            else pick(lang, "无已结算费用", "nothing settled"),
        ]
    )


def _start(r: RegionResult, lang: str) -> str:
    c = r.coverage
    if c is None:
        return "—"
    if c.start:
        return str(c.start)
    if c.earliest:
        return f"{pick(lang, '未定', 'undetermined')}\n{c.earliest}–\n{c.latest}"
    return pick(lang, "未参保", "not enrolled")


def _claim_cell(claim: ClaimResult | None, lang: str) -> str:
    if claim is None:
        return "—"
    note = [f"({marked_short(m, lang)})" for m in claim_marks(claim)]
    if claim.status != "settled":
        return "\n".join([pick(lang, *STATUS[claim.status]), *note])
    parts = [
        f"{layer_label(p.layer, lang)} {fmt_money(p.amount)}" for p in claim.layers if p.amount
    ]
    parts.append(f"{pick(lang, '个人', 'patient')} {_money(claim.patient)}")
    return "\n".join([*parts, *note])
