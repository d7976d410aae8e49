"""Jiangsu provincial layer (江苏省): rules every Jiangsu city's resident scheme inherits.

Source: jiangsu-enrollment-incentives-2025 (苏医保发〔2025〕26号). A city stacks this
layer below its own; what the city answers wins, what it leaves (``None``) falls
through to here. The waiting-period exemptions wrap the city's answer, because the
province's exemptions apply whatever the city's own waiting period says; so do who may
pay the person's share over (school, a relative's account) and who may enrol where
recognised (二.1, 二.2). A layer declares no facts: the cities list
:data:`yibao_jiangsu.facts.JIANGSU_FACTS` among theirs.
"""

from __future__ import annotations

from pathlib import Path

from yibao import hookimpl
from yibao.scaffold import Province

from yibao_jiangsu.coverage import default_coverage, yibao_coverage
from yibao_jiangsu.critical_illness import yibao_critical_illness_cap
from yibao_jiangsu.premium import yibao_eligibility, yibao_premium

LAYER_NAME = "jiangsu"

PROVINCE = Province(
    name="Jiangsu",
    dist="yibao-jiangsu",
    module="yibao_jiangsu",
    layer=LAYER_NAME,
    source_id="jiangsu-enrollment-incentives-2025",
    source_title="江苏省贯彻落实基本医疗保险参保长效机制的若干举措（苏医保发〔2025〕26号）",
    issued="2025-06-30",
)
"""What ``yibao plugin new --province jiangsu`` stacks a new city on (entry point
``yibao.provinces``)."""

__all__ = [
    "LAYER_NAME",
    "PROVINCE",
    "default_coverage",
    "yibao_coverage",
    "yibao_critical_illness_cap",
    "yibao_eligibility",
    "yibao_parameter_files",
    "yibao_premium",
]


@hookimpl
def yibao_parameter_files() -> list[Path]:
    return [Path(__file__).with_name("parameters.toml")]
