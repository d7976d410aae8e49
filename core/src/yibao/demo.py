"""``yibao demo``: the installed regions' example scenarios, each paired with the regions
it fits.

An example fits a region that offers its scheme, answers its year, and reads every fact
it states: 昌黎's example stating ``emergency_filed_after_days`` means nothing to 常州's
rules, so it is not shown there as if it did (the demo says which regions it left out,
and why).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from yibao.model import ASSISTANCE, Scenario

if TYPE_CHECKING:
    from yibao.registry import Registry


def examples(registry: Registry) -> list[Path]:
    """Every example scenario the installed regions bundle, once each, in region order."""
    found: list[Path] = []
    for code in registry.codes():
        plugin = registry.region(code)
        for scheme in plugin.layers:
            stack = registry.stack(code, scheme)
            for paths in reversed(stack.pm.hook.yibao_example_scenarios()):
                found.extend(p for p in paths if p not in found)
    return found


def stated_facts(scenario: Scenario, registry: Registry) -> set[tuple[str, str]]:
    """The region-declared facts (``(where, name)``) and added words (``("word", code)``)
    ``scenario`` states."""
    parts = {
        "person": [scenario.person],
        "enrollment": list(scenario.enrollment),
        "event": list(scenario.events),
        "claim": list(scenario.claims),
    }
    stated = {
        (f.on, f.name)
        for _, f in registry.declared_facts()
        if any(getattr(item, f.name, None) is not None for item in parts[f.on])
    }
    stated |= {("word", a) for a in scenario.person.assistance if a not in ASSISTANCE}
    return stated


def pairings(
    scenario: Scenario, registry: Registry
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The regions ``scenario`` fits, and for each other region why not, as
    ``(code, reason_zh, reason_en)``."""
    stated = stated_facts(scenario, registry)
    declared: dict[str, set[tuple[str, str]]] = {}
    for code, f in registry.declared_facts():
        declared.setdefault(code, set()).add((f.on, f.name))
    for code, w in registry.declared_words():
        declared.setdefault(code, set()).update(("word", v.code) for v in w.values)
    scheme, year = scenario.person.scheme, scenario.year
    fits: list[str] = []
    left_out: list[tuple[str, str, str]] = []
    for code in registry.codes():
        info = registry.region(code).info
        offered = {s.scheme: s for s in info.schemes}
        name = info.name_zh
        if scheme not in offered:
            left_out.append((code, f"{name}：无此险种（{scheme}）", f"{code}: no {scheme} scheme"))
            continue
        if year not in offered[scheme].years:
            years = offered[scheme].years
            span = f"{min(years)}–{max(years)}" if years else "—"
            left_out.append(
                (
                    code,
                    f"{name}：不计算{year}年度（{span}）",
                    f"{code}: does not answer {year} ({span})",
                )
            )
            continue
        foreign = sorted(n for _, n in stated - declared.get(code, set()))
        if foreign:
            shown = ", ".join(foreign)
            left_out.append(
                (
                    code,
                    f"{name}：不读取本例所填的 {shown}",
                    f"{code}: does not read {shown}, which it states",
                )
            )
            continue
        fits.append(code)
    return fits, left_out
