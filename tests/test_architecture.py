"""The rooms of the architecture and what each may import (docs/architecture.md).

The import contract lives in pyproject.toml ([tool.importlinter]); this runs it, so a
core module importing a region, a region importing another, or the engine importing
a terminal library fails the tests. ``uv run lint-imports`` prints the same report.
Beyond the contract, no two ``yibao`` modules import each other in a circle (grimp,
the graph library import-linter is built on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).parent.parent


def test_the_import_contract_holds(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_SUCCESS, report
    assert "0 broken" in report


def import_cycles(graph: Any) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan): each is a
    set of modules that import one another in a circle."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(root: str) -> None:  # iterative, so a deep graph never hits the recursion limit
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_no_core_module_imports_another_in_a_circle() -> None:
    """docs/architecture.md: the import graph of ``yibao`` (imports inside functions
    included, ``TYPE_CHECKING`` ones not) has no cycle; the message shows each circle
    and the imports that close it."""
    graph = grimp.build_graph("yibao", exclude_type_checking_imports=True)
    cycles = import_cycles(graph)
    lines = []
    for cycle in cycles:
        members = set(cycle)
        lines.append(" ↔ ".join(cycle))
        for module in cycle:
            inside = sorted(graph.find_modules_directly_imported_by(module) & members)
            lines.append(f"    {module} imports {', '.join(inside)}")
    assert not cycles, "import cycles among yibao modules:\n" + "\n".join(lines)


def test_the_cycle_finder_finds_a_circle() -> None:
    """The check above can fail: a made-up graph a → b → c → a, d → a has one circle."""
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")):
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["a", "b", "c"]]
