"""Fixtures for the impact tests: the hand-worked population as scenario lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from impact_helpers import HERE, load_case


@pytest.fixture(scope="session")
def hand_case() -> dict[str, Any]:
    """The 常州 level-3 deductible case (the one every format is checked against)."""
    return load_case(HERE / "cases" / "changzhou_level3_deductible_800.toml")


@pytest.fixture(scope="session")
def hand_population(hand_case: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("impact") / "population.jsonl"
    path.write_text("\n".join(hand_case["lines"]) + "\n", encoding="utf-8")
    return path
