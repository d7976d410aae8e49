"""Runs every hand-worked case in tests/cases/ (format: docs/cases.md).

Each case file states the section it checks and the arithmetic done by hand; the
core runner (:mod:`yibao.worked`, also behind ``yibao test``) evaluates the scenario
and compares every expected value given.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from yibao.registry import Registry
from yibao.worked import case_files, check_case

CASES = Path(__file__).parent / "cases"
FILES = case_files([CASES])


def _case_id(path: Path) -> str:
    return str(path.relative_to(CASES))


@pytest.mark.parametrize("path", FILES, ids=[_case_id(p) for p in FILES])
def test_worked_case(path: Path, registry: Registry) -> None:
    outcome = check_case(path, registry=registry)
    assert outcome.status != "error", outcome.error
    assert outcome.checked > 0
    if outcome.status == "fail":
        lines = "\n".join(
            f"{d.field}: got {d.got}, expected {d.expected}" for d in outcome.differences
        )
        pytest.fail(f"{path.name} ({outcome.cite}):\n{lines}\n{outcome.working}")
