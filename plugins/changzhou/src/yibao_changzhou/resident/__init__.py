"""常州 residents' scheme 2025 (城乡居民医保), stacked on the Jiangsu layer.

Source: changzhou-resident-2025. People rules (who, category, premium) are in
:mod:`.people`; the split of each bill in :mod:`.benefits`; every number in
``parameters.toml`` beside them.
"""

from __future__ import annotations

from pathlib import Path

from yibao import hookimpl
from yibao.steps import Settlement

from yibao_changzhou.resident import rules
from yibao_changzhou.resident.benefits import (
    yibao_basic_fund,
    yibao_claim_gate,
    yibao_compliant_amount,
    yibao_critical_illness,
    yibao_medical_assistance,
    yibao_remote_care,
)
from yibao_changzhou.resident.people import yibao_category, yibao_eligibility, yibao_premium

LAYER_NAME = "changzhou-resident"

__all__ = [
    "LAYER_NAME",
    "yibao_basic_fund",
    "yibao_category",
    "yibao_claim_gate",
    "yibao_compliant_amount",
    "yibao_critical_illness",
    "yibao_eligibility",
    "yibao_example_scenarios",
    "yibao_medical_assistance",
    "yibao_parameter_files",
    "yibao_premium",
    "yibao_remote_care",
    "yibao_settlement",
]

HERE = Path(__file__).parent


@hookimpl
def yibao_settlement() -> Settlement:
    """The rules :mod:`.rules` declares, for batch's fast path."""
    return rules.SETTLEMENT


@hookimpl
def yibao_parameter_files() -> list[Path]:
    return [HERE / "parameters.toml"]


@hookimpl
def yibao_example_scenarios() -> list[Path]:
    return sorted((HERE / "examples").glob("*.toml"))
