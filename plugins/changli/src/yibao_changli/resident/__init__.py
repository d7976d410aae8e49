"""昌黎县 residents' scheme 2025 (城乡居民基本医疗保险), a single county layer.

Source: changli-resident-2025. Who may enrol and what they pay: :mod:`.people`; from
when benefits are paid (central period, newborns, veterans, waiting periods):
:mod:`.coverage`; claims, out-of-area filing and the critical-illness incentives:
:mod:`.benefits`, the settlement rules declared in :mod:`.rules`. Every number is in
``parameters.toml`` beside them.
"""

from __future__ import annotations

from pathlib import Path

from yibao import hookimpl
from yibao.steps import Settlement

from yibao_changli.resident import rules
from yibao_changli.resident.benefits import (
    yibao_basic_fund,
    yibao_claim_gate,
    yibao_critical_illness,
    yibao_critical_illness_cap,
)
from yibao_changli.resident.coverage import yibao_coverage
from yibao_changli.resident.people import yibao_eligibility, yibao_premium

LAYER_NAME = "changli-resident"

__all__ = [
    "LAYER_NAME",
    "yibao_basic_fund",
    "yibao_claim_gate",
    "yibao_coverage",
    "yibao_critical_illness",
    "yibao_critical_illness_cap",
    "yibao_eligibility",
    "yibao_example_scenarios",
    "yibao_parameter_files",
    "yibao_premium",
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
