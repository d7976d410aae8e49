"""Fixtures for the report tests: the fictional regions and a small chart grid."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_regions import fake_registry

HERE = Path(__file__).parent
SMALL_GRID = (Decimal("800"), Decimal("5000"), Decimal("50000"))


@pytest.fixture()
def fake():
    return fake_registry()


@pytest.fixture()
def fake_report(fake):
    from yibao.scenario_io import load_scenario
    from yibao_reports.build import build_report

    paths = sorted((HERE / "scenarios").glob("*.toml"))
    sources = [(f"scenarios/{p.name}", load_scenario(p)) for p in paths]
    return build_report(sources, ["alpha", "beta"], registry=fake, grid=SMALL_GRID)
