"""docs/plugins.md documents every hook, with the signature hookspecs.py declares
(as datasette's test_docs does for its plugin hooks)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from yibao import hookspecs

DOC = Path(__file__).parents[2] / "docs" / "plugins.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("yibao_"))
HEADINGS = {
    m.group(1): m.group(2)
    for m in re.finditer(r"^### (yibao_\w+)\(([^)]*)\)\s*$", DOC.read_text("utf-8"), re.M)
}


def test_the_hookspecs_are_found() -> None:
    assert len(HOOKS) >= 14


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_with_its_signature(hook: str) -> None:
    assert hook in HEADINGS, f"docs/plugins.md has no '### {hook}(…)' heading"
    declared = ", ".join(inspect.signature(getattr(hookspecs, hook)).parameters)
    assert HEADINGS[hook] == declared, f"docs/plugins.md: {hook}({HEADINGS[hook]}) ≠ ({declared})"


def test_the_docs_name_no_hook_that_does_not_exist() -> None:
    assert set(HEADINGS) <= set(HOOKS)


def test_hooks_are_documented_in_engine_order() -> None:
    order = [
        "yibao_parameter_files", "yibao_example_scenarios", "yibao_category",
        "yibao_eligibility", "yibao_premium", "yibao_coverage", "yibao_claim_gate",
        "yibao_compliant_amount", "yibao_remote_care", "yibao_basic_fund",
        "yibao_critical_illness_cap", "yibao_critical_illness", "yibao_medical_assistance",
        "yibao_further_layers",
    ]  # fmt: skip
    assert [h for h in HEADINGS if h in order] == order
