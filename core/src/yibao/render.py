"""Rich rendering of engine results for people, and JSON for programs.

Only renders: every number shown comes from a result Struct.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from yibao.money import fmt_money
from yibao.results import ClaimResult, Comparison, Notice, RegionResult, Step, claim_by_id
from yibao.textsafe import printable
from yibao.vocabulary import WORDS, notice_lines, step_cite

LAYERS = WORDS["layer"]
STATUS = {code: (zh, en) for code, zh, en in WORDS["claim_status"]}


class _DataConsole(Console):
    """A console for results: every string is data. Markup is never parsed (a claim id
    ``[/]`` or a title ``[link=…]`` prints as written) and control characters are shown
    as escapes (:func:`yibao.textsafe.printable`); styles come only from ``Text``."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text), **kwargs)


def console(**options: Any) -> Console:
    """A Rich console for results (no markup parsed; Rich's ``Console`` options)."""
    options = {"highlight": False, "soft_wrap": False, **options}
    return _DataConsole(markup=False, emoji=False, **options)


def _bold(label: str, rest: str) -> Text:
    """``label`` in bold, then ``: rest`` (data, never markup)."""
    return Text.assemble((printable(label), "bold"), ": ", printable(rest))


def print_json(value: Any) -> None:
    """Write ``value`` as yibao's JSON document (:func:`yibao.jsonformat.to_json`)."""
    from yibao.jsonformat import to_json

    sys.stdout.write(to_json(value).decode())


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _money(value: Decimal | None) -> str:
    return "—" if value is None else fmt_money(value)


def print_regions(items: Sequence[Any], overlays: Sequence[Any] = ()) -> None:
    table = Table(title="已安装地区 installed regions", title_justify="left")
    for col in ("code", "名称 name", "schemes · years · layers", "sources", "distribution"):
        table.add_column(col)
    for item in items:
        if item.plugin is None:
            status = getattr(item, "status", "broken")
            why = item.error or getattr(item, "disabled", None) or ""
            style = "dim" if status == "disabled" else "red"  # broken, or a conflict
            table.add_row(
                item.code,
                Text(status, style=style),
                Text(printable(why), style=style),
                "",
                f"{item.distribution} {item.version}",
            )
            continue
        info = item.plugin.info
        schemes = "\n".join(
            f"{s.scheme} {','.join(map(str, s.years))} · {' → '.join(s.layers)}"
            for s in info.schemes
        )
        sources = "\n".join(s.id for s in info.sources)
        table.add_row(
            info.code,
            f"{info.name_zh} {info.name_en}",
            schemes,
            sources,
            f"{item.distribution} {item.version}",
        )
    console().print(table)
    if overlays:
        print_overlays(overlays)


def print_years(code: str, outlooks: Sequence[Any]) -> None:
    """For each scheme of region ``code``: the years it answers and, for each year after
    its sources, which values are carried into it and which are not published."""
    out = console()
    for scheme, years, sources, by_year in outlooks:
        out.print(
            Text.assemble(
                (f"{code} · {scheme}", "bold"),
                f": answers 可计算 {years[0]}–{years[-1]}; "
                f"sources cover 来源年度 {', '.join(map(str, sources))}",
            )
        )
        for year, carried, lapsed in by_year:
            out.print(f"  {year}: {len(carried)} carried 沿用 · {len(lapsed)} not published 未公布")
            if carried:
                out.print(Text("    carried 沿用: " + ", ".join(carried), style="yellow"))
            if lapsed:
                out.print(Text("    not published 未公布: " + ", ".join(lapsed), style="magenta"))


def print_params(region: str, on: Any, schemes: Sequence[Any], *, lang: str) -> None:
    """Parameter values in force on ``on`` (:func:`yibao.params.view`), per scheme."""
    out = console()
    for scheme, views in schemes:
        table = Table(title=f"{region} · {scheme} · {on}", title_justify="left", show_lines=False)
        table.add_column(_t(lang, "参数", "key"), overflow="fold")
        table.add_column(_t(lang, "数值", "value"), overflow="fold")
        table.add_column(_t(lang, "状态", "status"))
        table.add_column(_t(lang, "出处 · 有效期", "source · validity"), overflow="fold")
        for v in views:
            table.add_row(v.key, v.shown, _param_status(v, lang), _param_source(v, lang))
        out.print(table)


def _param_status(v: Any, lang: str) -> Text:
    if v.status == "carried":
        return Text(_t(lang, f"沿用{v.carried_from}年度", f"carried from {v.carried_from}"),
                    style="yellow")  # fmt: skip
    if v.status == "not_published":
        return Text(_t(lang, "未公布", "not published"), style="magenta")
    if v.origin and v.origin != "bundled":
        return Text(_t(lang, "覆盖文件", "overlay"), style="cyan")
    return Text(_t(lang, "有效", "in force"), style="green")


def _param_source(v: Any, lang: str) -> str:
    if v.status == "not_published":
        return f"{v.cite}\n{v.reason}" if v.cite else (v.reason or "")
    span = f"{v.valid_from}…{v.valid_to or ''}"
    carry = ""
    if v.valid_to is not None:
        carry = (
            _t(lang, "（期满后沿用）", " (carried on)")
            if v.carry
            else _t(lang, "（期满失效）", " (lapses)")
        )
    origin = "" if v.origin in (None, "bundled") else f"\n{v.origin}"
    return f"{v.cite}\n{span}{carry}{origin}"


def print_overlays(overlays: Sequence[Any]) -> None:
    """Installed overlay plugins (``yibao.overlays``): the region each amends, or why
    it is broken or not loaded."""
    table = Table(title="已安装覆盖插件 installed overlays", title_justify="left")
    for col in ("name", "region · scheme", "status", "distribution"):
        table.add_column(col)
    for o in overlays:
        target = f"{o.overlay.region} · {o.overlay.scheme or 'all schemes'}" if o.overlay else "—"
        status = o.status if o.status == "ok" else f"{o.status}: {o.error or o.disabled}"
        style = {"ok": "", "broken": "red"}.get(o.status, "dim")
        table.add_row(
            o.name, target, Text(printable(status), style=style), f"{o.distribution} {o.version}"
        )
    console().print(table)


HOW_STYLE = {
    "answers": "green",
    "overrides": "bold yellow",
    "fallback": "dim",
    "wraps": "cyan",
    "adds": "green",
    "inherits": "dim",
    "—": "dim",
    "fills": "bold yellow",
    "extends": "yellow",
    "unpublished": "magenta",
}


def print_layer_maps(maps: Sequence[Any], *, as_json: bool = False) -> None:
    """The layer map of each stack (:func:`yibao.registry.Registry.layer_map`): for each
    hook and each parameter, which layer answers it and how; then any conflicts."""
    if as_json:
        print_json([_layer_map_json(m) for m in maps])
        return
    out = console()
    for m in maps:
        out.rule(f"{m.code} · {m.scheme}")
        layers = Table(title="层 layers (lowest first)", title_justify="left")
        for col in ("#", "layer", "role", "distribution"):
            layers.add_column(col)
        for i, ref in enumerate(m.layers):
            layers.add_row(str(i + 1), ref.name, ref.role, f"{ref.distribution} {ref.version}")
        out.print(layers)
        hooks = Table(title="钩子 hooks", title_justify="left")
        hooks.add_column("hook")
        for ref in m.layers:
            hooks.add_column(f"{ref.name}\n({ref.role})")
        hooks.add_column("call order", style="dim")
        for row in m.hooks:
            cells = [Text(", ".join(how), style=HOW_STYLE.get(how[0], "")) for how in row.cells]
            hooks.add_row(row.hook, *cells, "\n".join(row.order) or "engine default")
        out.print(hooks)
        params = Table(title="参数 parameters", title_justify="left")
        for col in ("key", "kind", "how", "answered by (topmost first)"):
            params.add_column(col)
        for row in m.params:
            entries = [f"{e.layer} ({e.role}) {e.span}  {e.cite}" for e in row.entries]
            if row.gap is not None:
                entries.append(f"unpublished in {row.gap.layer}: {row.gap.reason}")
            params.add_row(
                row.key, row.kind, Text(row.how, style=HOW_STYLE.get(row.how, "")),
                "\n".join(entries),
            )  # fmt: skip
        out.print(params)
        if m.conflicts:
            out.print(Text(f"{len(m.conflicts)} conflict(s):", style="bold red"))
            for c in m.conflicts:
                out.print(Text(printable(f"  ! {c}"), style="red"))
        else:
            out.print(Text("no conflicts", style="green"))


def _layer_map_json(m: Any) -> dict[str, Any]:
    return {
        "region": m.code,
        "scheme": m.scheme,
        "layers": [
            {"name": r.name, "role": r.role, "distribution": r.distribution,
             "version": r.version}
            for r in m.layers
        ],
        "hooks": [
            {
                "hook": row.hook,
                "firstresult": row.firstresult,
                "layers": {ref.name: list(how) for ref, how in zip(m.layers, row.cells,
                                                                   strict=True)},
                "call_order": list(row.order),
            }
            for row in m.hooks
        ],
        "parameters": [
            {
                "key": row.key,
                "kind": row.kind,
                "how": row.how,
                "entries": [
                    {"layer": e.layer, "role": e.role, "valid_from": e.valid_from,
                     "valid_to": e.valid_to, "cite": e.cite}
                    for e in row.entries
                ],
                "unpublished": None if row.gap is None else {
                    "layer": row.gap.layer, "reason": row.gap.reason, "cite": row.gap.cite},
            }
            for row in m.params
        ],
        "conflicts": [
            {"kind": c.kind, "subject": c.subject, "plugins": list(c.plugins),
             "detail": c.detail}
            for c in m.conflicts
        ],
    }  # fmt: skip


def _steps_table(steps: Sequence[Step], lang: str) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="dim")
    table.add_column(justify="right")
    table.add_column(style="cyan")
    for s in steps:
        table.add_row(_t(lang, s.label_zh, s.label_en), s.value, step_cite(s, lang))
    return table


def print_result(result: RegionResult, *, title: str | None, lang: str, explain: bool) -> None:
    out = console()
    head = f"{result.name_zh or result.region} · {result.scheme} · {result.year}"
    out.rule(head + (f" · {title}" if title else ""))
    if result.status == "error":
        out.print(Text(printable(f"error: {result.error}"), style="bold red"))
        return
    elig = result.eligibility
    if elig is not None:
        verdict = (
            _t(lang, "可参保", "eligible")
            if elig.eligible
            else _t(lang, "不可参保", "not eligible")
        )
        category = _t(lang, elig.category_zh or "—", elig.category_en or "—")
        out.print(_bold(_t(lang, "参保资格", "Eligibility"), f"{verdict} · {category}"))
        if explain:
            out.print(_steps_table(elig.steps, lang))
    if result.premium is not None:
        parts = ", ".join(
            f"{_t(lang, p.label_zh, p.label_en)} {_money(p.amount)}" for p in result.premium.parts
        )
        out.print(
            _bold(
                _t(lang, "个人缴费", "Premium"), f"{_money(result.premium.individual)}  ({parts})"
            )
        )
        if explain:
            out.print(_steps_table(result.premium.steps, lang))
    elif elig is not None and elig.eligible:
        missing = _t(lang, "未公布（见下方说明）", "not published (see the notices below)")
        label = _t(lang, "个人缴费", "Premium")
        out.print(Text.assemble((label, "bold"), ": ", (missing, "yellow")))
    cover = result.coverage
    if cover is not None:
        start = (
            str(cover.start)
            if cover.start
            else (
                f"{_t(lang, '未定', 'undetermined')} ({cover.earliest} – {cover.latest})"
                if cover.earliest
                else "—"
            )
        )
        out.print(_bold(_t(lang, "待遇起始日", "Benefits from"), start))
        if explain:
            out.print(_steps_table(cover.steps, lang))
    if result.claims:
        out.print(_claims_table(result.claims, lang))
        if explain:
            for claim in result.claims:
                _print_claim_steps(out, claim, lang)
    if result.totals is not None and result.claims:
        t = result.totals
        layers = ", ".join(f"{_layer_label(k, lang)} {fmt_money(v)}" for k, v in t.layers.items())
        flag = (
            ""
            if t.complete
            else _t(lang, "（不完整：部分费用未能结算）", " (incomplete: some claims unsettled)")
        )
        out.print(
            _bold(
                _t(lang, "年度合计", "Year totals"),
                f"{layers}; {_t(lang, '个人负担', 'patient')} {fmt_money(t.patient)}{flag}",
            )
        )
    if result.limits:
        limits = Table(title=_t(lang, "年度限额", "Yearly limits"), title_justify="left")
        for col in (
            _t(lang, "限额", "limit"),
            _t(lang, "上限", "cap"),
            _t(lang, "已用", "used"),
            _t(lang, "剩余", "remaining"),
        ):
            limits.add_column(col, justify="right" if col != limits.columns else "left")
        for lim in result.limits:
            limits.add_row(
                _t(lang, lim.label_zh, lim.label_en),
                fmt_money(lim.cap),
                fmt_money(lim.used),
                fmt_money(lim.remaining),
            )
        out.print(limits)
        if explain:
            for lim in result.limits:
                if lim.steps:
                    out.print(Text(printable(_t(lang, lim.label_zh, lim.label_en)), style="bold"))
                    out.print(_steps_table(lim.steps, lang))
    _print_notices(out, result.notices, result.year, lang)
    if result.overlays:
        label = _t(lang, "参数覆盖文件", "parameter overlays")
        out.print(Text(printable(f"{label}: {', '.join(result.overlays)}"), style="yellow"))


def _layer_label(name: str, lang: str) -> str:
    for key, zh, en in LAYERS:
        if key == name:
            return _t(lang, zh, en)
    return name


def _claims_table(claims: Sequence[ClaimResult], lang: str) -> Table:
    used = [
        key
        for key, _, _ in LAYERS
        if any(c.paid_by(key) or any(p.layer == key for p in c.layers) for c in claims)
    ]
    table = Table(title=_t(lang, "费用结算", "Claims"), title_justify="left")
    table.add_column(_t(lang, "费用", "claim"))
    table.add_column(_t(lang, "状态", "status"))
    table.add_column(_t(lang, "总费用", "bill"), justify="right")
    table.add_column(_t(lang, "合规", "compliant"), justify="right")
    for key in used:
        table.add_column(_layer_label(key, lang), justify="right")
    table.add_column(_t(lang, "个人负担", "patient"), justify="right")
    for c in claims:
        status = _t(lang, *STATUS[c.status])
        style = "" if c.status == "settled" else "yellow"
        table.add_row(
            f"{c.claim_id} {c.date} {c.kind}",
            Text(status, style=style),
            fmt_money(c.bill),
            fmt_money(c.compliant),
            # a claim a missing value stops still shows the layers paid before the gap
            *[fmt_money(c.paid_by(k)) if _paid(c, k) else "—" for k in used],
            _money(c.patient),
        )
    return table


def _paid(claim: ClaimResult, layer: str) -> bool:
    """Whether ``claim``'s amount for ``layer`` is known: settled, or worked out before a
    missing value stopped the claim (a partial answer)."""
    return claim.status == "settled" or any(p.layer == layer for p in claim.layers)


def _print_claim_steps(out: Console, claim: ClaimResult, lang: str) -> None:
    out.print(Text(printable(claim.claim_id), style="bold"))
    if claim.steps:
        out.print(_steps_table(claim.steps, lang))
    for layer in claim.layers:
        out.print(f"  {_t(lang, layer.label_zh, layer.label_en)}: {fmt_money(layer.amount)}")
        out.print(_steps_table(layer.steps, lang))


def _print_notices(out: Console, notices: Sequence[Notice], year: int, lang: str) -> None:
    for kind, line in notice_lines(notices, year, lang):
        style = "yellow" if kind in ("not_published", "carried") else "dim"
        out.print(Text(printable(f"! {line}"), style=style))


def print_comparison(comparison: Comparison, *, lang: str, source: str | None = None) -> None:
    out = console()
    title = comparison.scenario_title or ""
    out.rule((f"{source} · " if source else "") + title)
    results = comparison.results
    table = Table(show_lines=True)
    table.add_column("")
    for r in results:
        table.add_column(f"{r.name_zh or r.region} ({r.scheme})", justify="right")

    def row(label: str, cell: Any) -> None:
        table.add_row(
            label,
            *[
                cell(r) if r.status == "ok" else Text(printable(f"error: {r.error}"), style="red")
                for r in results
            ],
        )

    row(
        _t(lang, "参保资格", "eligibility"),
        lambda r: (
            "—"
            if r.eligibility is None
            else (
                _t(
                    lang,
                    r.eligibility.category_zh or "可参保",
                    r.eligibility.category_en or "eligible",
                )
                if r.eligibility.eligible
                else _t(lang, "不可参保", "not eligible")
            )
        ),
    )
    row(
        _t(lang, "个人缴费", "premium"),
        lambda r: (
            _money(r.premium.individual) if r.premium else _t(lang, "未公布", "not published")
        ),
    )
    row(_t(lang, "待遇起始日", "benefits from"), lambda r: _start(r, lang))
    claim_ids = [c.claim_id for c in results[0].claims] if results else []
    for cid in claim_ids:
        row(cid, lambda r, cid=cid: _claim_cell(claim_by_id(r, cid), lang))
    row(
        _t(lang, "年度个人负担", "year: patient pays"),
        lambda r: _year_patient(r, lang),
    )
    out.print(table)
    for r in results:
        if r.notices:
            out.print(Text(printable(f"{r.name_zh or r.region}:"), style="dim"))
            _print_notices(out, r.notices, r.year, lang)


def _year_patient(r: RegionResult, lang: str) -> str:
    """The year's patient share; a year with unsettled claims must not look complete."""
    if r.totals is None:
        return "—"
    if r.totals.complete:
        return _money(r.totals.patient)
    settled = _t(lang, "已结算部分", "settled claims")
    return f"{_t(lang, '不完整', 'incomplete')}\n({settled} {_money(r.totals.patient)})"


def _start(r: RegionResult, lang: str) -> str:
    c = r.coverage
    if c is None:
        return "—"
    if c.start:
        return str(c.start)
    if c.earliest:
        return f"{_t(lang, '未定', 'undetermined')} {c.earliest}–{c.latest}"
    return _t(lang, "未参保", "not enrolled")


def _claim_cell(claim: ClaimResult | None, lang: str) -> str:
    if claim is None:
        return "—"
    if claim.status != "settled":
        return _t(lang, *STATUS[claim.status])
    parts = [
        f"{_layer_label(p.layer, lang)} {fmt_money(p.amount)}" for p in claim.layers if p.amount
    ]
    parts.append(f"{_t(lang, '个人', 'patient')} {_money(claim.patient)}")
    return "\n".join(parts)
