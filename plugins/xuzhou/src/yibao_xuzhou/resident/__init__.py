"""徐州 residents' scheme (城乡居民医疗保险), stacked on the Jiangsu layer.

Source: xuzhou-resident-measures-2023 (徐政规〔2023〕7号). People rules (who, category,
premium) are in :mod:`.people`; when cover starts in :mod:`.coverage`; how a bill is
treated in :mod:`.benefits`, its settlement rules declared in :mod:`.rules`; every
number in ``parameters.toml`` beside them. The yearly contribution and the benefit
tables are not in the measures: they come from an overlay (see
``plugins/xuzhou/overlay-template.toml``).
"""

from __future__ import annotations

from pathlib import Path

from yibao import hookimpl
from yibao.steps import Settlement

from yibao_xuzhou.resident import rules
from yibao_xuzhou.resident.benefits import (
    yibao_basic_fund,
    yibao_claim_gate,
    yibao_compliant_amount,
    yibao_critical_illness,
    yibao_critical_illness_cap,
    yibao_further_layers,
    yibao_medical_assistance,
    yibao_remote_care,
)
from yibao_xuzhou.resident.coverage import yibao_coverage
from yibao_xuzhou.resident.people import yibao_category, yibao_eligibility, yibao_premium

LAYER_NAME = "xuzhou-resident"

__all__ = [
    "LAYER_NAME",
    "yibao_basic_fund",
    "yibao_category",
    "yibao_claim_gate",
    "yibao_compliant_amount",
    "yibao_coverage",
    "yibao_critical_illness",
    "yibao_critical_illness_cap",
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
