"""A stack explained: which layer answers each hook and each parameter, and the conflicts
(two unordered plugins claiming the same thing) that stop a stack from being built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pluggy

from yibao.errors import YibaoError
from yibao.params import Gap, Param, ParameterFile
from yibao.registry.guards import spec_names
from yibao.registry.selection import DISABLE_ENV
from yibao.registry.stack import LayerRef, Role

HookHow = Literal["answers", "overrides", "fallback", "wraps", "adds", "inherits", "—"]


@dataclass(frozen=True)
class HookRow:
    """How one hook is answered in a stack.

    ``cells`` has one entry per layer (lowest first): ``answers`` (the first answer, no
    lower layer implements the hook), ``overrides`` (answers before a lower layer's
    implementation), ``fallback`` (asked only when those before return ``None``),
    ``wraps`` (adjusts the answer of those below), ``adds`` (every answer is used),
    ``inherits`` (no implementation; a lower layer's answer stands) or ``—``.
    """

    hook: str
    firstresult: bool
    cells: tuple[tuple[HookHow, ...], ...]
    order: tuple[str, ...]
    """Implementations in call order, ``layer:function`` (wrappers first)."""


@dataclass(frozen=True)
class ParamEntry:
    layer: str
    role: Role
    valid_from: dt.date
    valid_to: dt.date | None
    cite: str

    @property
    def span(self) -> str:
        return f"{self.valid_from}…{self.valid_to or ''}"


@dataclass(frozen=True)
class ParamRow:
    """Which layer answers one parameter key, for which dates.

    ``how``: ``answers`` (one layer gives it), ``overrides`` (a higher layer gives it
    for dates a lower layer also covers: the higher one wins there), ``extends`` (layers
    give it for different dates), ``unpublished`` (declared as a gap and given by no
    layer) or ``fills`` (declared a gap below, given above).
    """

    key: str
    kind: str
    how: Literal["answers", "overrides", "extends", "unpublished", "fills"]
    entries: tuple[ParamEntry, ...]
    """Every entry, topmost layer first."""
    gap: Gap | None = None


@dataclass(frozen=True)
class Conflict:
    """Two plugins of one region claiming the same thing without a declared order."""

    kind: Literal["parameter", "hook"]
    subject: str
    plugins: tuple[str, str]
    detail: str

    def __str__(self) -> str:
        a, b = self.plugins
        return f"{self.kind} {self.subject}: {a} and {b} {self.detail}"


@dataclass(frozen=True)
class LayerMap:
    """A stack explained: its layers, hooks, parameters and conflicts."""

    code: str
    scheme: str
    layers: tuple[LayerRef, ...]
    hooks: tuple[HookRow, ...]
    params: tuple[ParamRow, ...]
    conflicts: tuple[Conflict, ...]


class PluginConflict(YibaoError):
    """Two plugins of one region claim the same thing without a declared order."""

    def __init__(self, code: str, scheme: str, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        lines = "; ".join(str(c) for c in conflicts)
        super().__init__(
            f"region {code!r} ({scheme}) has conflicting plugins: {lines}. Declare an order "
            "(OverlayPlugin.order, or tryfirst/trylast on the hook) or leave one out with "
            f"--disable / {DISABLE_ENV}"
        )


def _impl_name(impl: pluggy.HookImpl, ref: LayerRef) -> str:
    marks = [m for m in ("tryfirst", "trylast") if getattr(impl, m)]
    suffix = f" [{', '.join(marks)}]" if marks else ""
    return f"{ref.name}:{impl.function.__name__}{suffix}"


def _impls(pm: pluggy.PluginManager, name: str) -> list[pluggy.HookImpl]:
    """Implementations of hook ``name`` in call order: wrappers, then the others."""
    impls = list(reversed(getattr(pm.hook, name).get_hookimpls()))
    return [i for i in impls if i.wrapper or i.hookwrapper] + [
        i for i in impls if not (i.wrapper or i.hookwrapper)
    ]


def hook_rows(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> tuple[HookRow, ...]:
    index = {id(ref.plugin): i for i, ref in enumerate(refs)}
    rows = []
    for name in spec_names():
        caller = getattr(pm.hook, name)
        first = bool(caller.spec and caller.spec.opts.get("firstresult"))
        impls = [i for i in _impls(pm, name) if id(i.plugin) in index]
        answering = [i for i in impls if not (i.wrapper or i.hookwrapper)]
        cells: list[list[HookHow]] = [[] for _ in refs]
        for position, impl in enumerate(answering):
            at = index[id(impl.plugin)]
            if not first:
                cells[at].append("adds")
            elif position > 0:
                cells[at].append("fallback")
            elif any(index[id(i.plugin)] < at for i in answering[1:]):
                cells[at].append("overrides")
            else:
                cells[at].append("answers")
        for impl in impls:
            if impl.wrapper or impl.hookwrapper:
                cells[index[id(impl.plugin)]].append("wraps")
        lowest = min((index[id(i.plugin)] for i in answering), default=None)
        for at, cell in enumerate(cells):
            if not cell:
                cell.append("inherits" if lowest is not None and at > lowest else "—")
        order = tuple(_impl_name(i, refs[index[id(i.plugin)]]) for i in impls)
        rows.append(HookRow(name, first, tuple(tuple(c) for c in cells), order))
    return tuple(rows)


def _ordered(a: LayerRef, b: LayerRef) -> bool:
    """Whether the relative order of two layers is declared."""
    if a is b:
        return False
    if a.role != "overlay" or b.role != "overlay":
        return True  # region layers: the RegionPlugin tuple; overlays sit above them
    return a.order != b.order


def hook_conflicts(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> list[Conflict]:
    index = {id(ref.plugin): ref for ref in refs}
    out = []
    for name in spec_names():
        caller = getattr(pm.hook, name)
        if not (caller.spec and caller.spec.opts.get("firstresult")):
            continue
        answering = [
            i
            for i in caller.get_hookimpls()
            if id(i.plugin) in index and not (i.wrapper or i.hookwrapper)
        ]
        for n, a in enumerate(answering):
            for b in answering[n + 1 :]:
                ra, rb = index[id(a.plugin)], index[id(b.plugin)]
                same_mark = (a.tryfirst, a.trylast) == (b.tryfirst, b.trylast)
                if same_mark and not _ordered(ra, rb):
                    out.append(
                        Conflict(
                            "hook",
                            name,
                            (_impl_name(a, ra), _impl_name(b, rb)),
                            "both answer it with no declared order (tryfirst/trylast "
                            "or OverlayPlugin.order)",
                        )
                    )
    return out


def param_rows(files: Sequence[tuple[LayerRef, ParameterFile]]) -> tuple[ParamRow, ...]:
    roles: dict[str, Role] = {f.layer: ref.role for ref, f in files}
    by_key: dict[str, list[Param]] = {}
    for _, f in files:
        for p in f.params:
            by_key.setdefault(p.key, []).insert(0, p)  # topmost first
    gaps: dict[str, Gap] = {g.key: g for _, f in files for g in f.gaps}
    rows = []
    for key in sorted({*by_key, *gaps}):
        entries = by_key.get(key, [])
        gap = gaps.get(key)
        kind = entries[0].kind if entries else (gap.kind if gap else "?")
        layers = list(dict.fromkeys(p.layer for p in entries))
        how: Literal["answers", "overrides", "extends", "unpublished", "fills"]
        if not entries:
            how = "unpublished"
        elif gap is not None and gap.layer not in layers:
            how = "fills"
        elif len(layers) == 1:
            how = "answers"
        elif any(_overlap(p, q) for p in entries for q in entries if p.layer != q.layer):
            how = "overrides"
        else:
            how = "extends"
        entry_rows = tuple(
            ParamEntry(p.layer, roles.get(p.layer, "city"), p.valid_from, p.valid_to, p.cite)
            for p in entries
        )
        rows.append(ParamRow(key=key, kind=kind, how=how, entries=entry_rows, gap=gap))
    return tuple(rows)


def _overlap(p: Param, q: Param) -> bool:
    p_end = p.valid_to or dt.date.max
    q_end = q.valid_to or dt.date.max
    return p.valid_from <= q_end and q.valid_from <= p_end


def param_conflicts(files: Sequence[tuple[LayerRef, ParameterFile]]) -> list[Conflict]:
    """Same key, overlapping dates, from two files whose order is not declared (two
    overlays of the same order, or two files of one layer); or one key of two kinds."""
    out = []
    kinds: dict[str, tuple[str, str]] = {}
    for n, (ra, fa) in enumerate(files):
        for p in fa.params:
            seen = kinds.setdefault(p.key, (p.kind, fa.path))
            if seen[0] != p.kind:
                out.append(
                    Conflict(
                        "parameter",
                        p.key,
                        (seen[1], fa.path),
                        f"give it different kinds ({seen[0]} and {p.kind})",
                    )
                )
        for rb, fb in files[n + 1 :]:
            if ra is not rb and _ordered(ra, rb):
                continue
            for p in fa.params:
                for q in fb.params:
                    if p.key == q.key and _overlap(p, q):
                        out.append(
                            Conflict(
                                "parameter",
                                p.key,
                                (fa.path, fb.path),
                                f"both give it for overlapping dates ({p.valid_from}…"
                                f"{p.valid_to or ''} and {q.valid_from}…{q.valid_to or ''})",
                            )
                        )
    return out
