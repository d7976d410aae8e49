"""Rich rendering of engine results for people, and JSON for programs.

Only renders: every number shown comes from a result Struct. Tables are laid out by
:mod:`yibao.layout`, so no amount is ever cut off; one region's answer and comparisons
are in :mod:`yibao.render_answer`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from yibao.layout import Column, Grid, show
from yibao.render_answer import console, print_comparison, print_result
from yibao.textsafe import printable


def print_json(value: Any) -> None:
    """Write ``value`` as yibao's JSON document (:func:`yibao.jsonformat.to_json`)."""
    from yibao.jsonformat import to_json

    sys.stdout.write(to_json(value).decode())


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _years(years: Sequence[int]) -> str:
    """``2025–2027`` for consecutive years, else the years listed."""
    if years and list(years) == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def print_regions(items: Sequence[Any], overlays: Sequence[Any] = ()) -> None:
    grid = Grid(
        [
            Column("code", kind="label", justify="left"),
            Column("名称 name", kind="label", justify="left"),
            Column("schemes · years · layers", kind="words", justify="left"),
            Column("sources", kind="label", justify="left"),
            Column("distribution", kind="label", justify="left"),
        ],
        title="已安装地区 installed regions",
    )
    for item in items:
        if item.plugin is None:
            status = getattr(item, "status", "broken")
            why = item.error or getattr(item, "disabled", None) or ""
            style = "dim" if status == "disabled" else "red"  # broken, or a conflict
            grid.add_row(
                item.code,
                Text(status, style=style),
                Text(printable(why), style=style),
                "",
                f"{item.distribution} {item.version}",
            )
            continue
        info = item.plugin.info
        schemes = "\n".join(
            f"{s.scheme} {_years(s.years)} · {' → '.join(s.layers)}" for s in info.schemes
        )
        sources = "\n".join(s.id for s in info.sources)
        grid.add_row(
            info.code,
            f"{info.name_zh} {info.name_en}",
            schemes,
            sources,
            f"{item.distribution} {item.version}",
        )
    show(console(), grid)
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
        grid = Grid(
            [
                Column(_t(lang, "参数", "key"), kind="label", justify="left"),
                Column(_t(lang, "数值", "value"), kind="words", justify="left"),
                Column(_t(lang, "状态", "status"), kind="label", justify="left"),
                Column(
                    _t(lang, "出处 · 有效期", "source · validity"), kind="label", justify="left"
                ),
            ],
            title=f"{region} · {scheme} · {on}",
        )
        for v in views:
            grid.add_row(v.key, v.shown, _param_status(v, lang), _param_source(v, lang))
        show(out, grid)


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
    span = f"{v.valid_from} – {v.valid_to or ''}"
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
        table.add_column(col, overflow="fold")
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
            layers.add_column(col, overflow="fold")
        for i, ref in enumerate(m.layers):
            layers.add_row(str(i + 1), ref.name, ref.role, f"{ref.distribution} {ref.version}")
        out.print(layers)
        hooks = Table(title="钩子 hooks", title_justify="left")
        hooks.add_column("hook", overflow="fold")
        for ref in m.layers:
            hooks.add_column(f"{ref.name}\n({ref.role})", overflow="fold")
        hooks.add_column("call order", style="dim", overflow="fold")
        for row in m.hooks:
            cells = [Text(", ".join(how), style=HOW_STYLE.get(how[0], "")) for how in row.cells]
            hooks.add_row(row.hook, *cells, "\n".join(row.order) or "engine default")
        out.print(hooks)
        params = Table(title="参数 parameters", title_justify="left")
        for col in ("key", "kind", "how", "answered by (topmost first)"):
            params.add_column(col, overflow="fold")
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


__all__ = [
    "console",
    "print_comparison",
    "print_json",
    "print_layer_maps",
    "print_overlays",
    "print_params",
    "print_regions",
    "print_result",
    "print_years",
]
