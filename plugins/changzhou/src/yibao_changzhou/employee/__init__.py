"""常州 employee scheme 2024 (职工基本医疗保险), a layer of its own (no provincial layer
below it: the Jiangsu layer's rules are for residents).

Source: changzhou-employee-2024. Who, category and contribution are in :mod:`.people`;
from when they are covered in :mod:`.coverage`; the split of each bill in
:mod:`.benefits`, from the rules declared in :mod:`.rules`; every number in
``parameters.toml`` beside them.
"""

from __future__ import annotations

from pathlib import Path

from yibao import hookimpl
from yibao.steps import Settlement

from yibao_changzhou.employee import rules
from yibao_changzhou.employee.benefits import (
    yibao_basic_fund,
    yibao_claim_gate,
    yibao_compliant_amount,
    yibao_critical_illness,
    yibao_further_layers,
    yibao_medical_assistance,
    yibao_remote_care,
)
from yibao_changzhou.employee.coverage import yibao_coverage
from yibao_changzhou.employee.people import yibao_category, yibao_eligibility, yibao_premium

LAYER_NAME = "changzhou-employee"

__all__ = [
    "LAYER_NAME",
    "yibao_basic_fund",
    "yibao_category",
    "yibao_claim_gate",
    "yibao_compliant_amount",
    "yibao_coverage",
    "yibao_critical_illness",
    "yibao_eligibility",
    "yibao_example_scenarios",
    "yibao_further_layers",
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
