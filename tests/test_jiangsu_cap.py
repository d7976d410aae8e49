"""The Jiangsu critical-illness cap and its incentives over several years (item 3).

The bundled regions cover 2025 only, so a later year cannot be evaluated whole; these
hand-worked cases (tests/cap_cases/, same format as tests/cases/) check the cap the
Jiangsu layer gives for the scenario's year and enrolment history. Each case's huge
admission makes the critical-illness payment equal the cap, so the expected
``critical_illness`` amount is the cap itself.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from yibao.case import Case
from yibao.model import Scenario
from yibao.registry import Registry
from yibao.scenario_io import scenario_type

CASES = sorted((Path(__file__).parent / "cap_cases").glob("*.toml"))


def cap_for(scenario: Scenario, on: dt.date, registry: Registry) -> Decimal | None:
    stack = registry.stack("changzhou", "resident")
    case = Case(scenario, stack.info, stack.params, stack.pm.hook)
    return stack.pm.hook.yibao_critical_illness_cap(case=case, on=on).cap


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_cap_over_years(path: Path, registry: Registry) -> None:
    """jiangsu-enrollment-incentives-2025 二.3: 500,000 ± incentives and gap reductions."""
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    scenario = msgspec.convert(case["scenario"], type=scenario_type())
    claim = scenario.claims[0]
    want = Decimal(case["expect"]["claims"][claim.id]["critical_illness"])
    assert cap_for(scenario, claim.date, registry) == want, case["working"]


def test_no_cap_before_july_2025(registry: Registry) -> None:
    """二.3: the 500,000 cap runs from 2025-07-01; before it no cap is published."""
    scenario = msgspec.convert(
        {"year": 2025, "person": {"birth_date": "1980-01-01"}}, type=scenario_type()
    )
    assert cap_for(scenario, dt.date(2025, 6, 30), registry) is None
    assert cap_for(scenario, dt.date(2025, 7, 1), registry) == Decimal("500000.00")
