"""常州 employees' settlement rules declared from core's step kinds (changzhou-employee-2024).

Each rule is written once here and run by core three ways (:mod:`yibao.steps`). Inpatient
and special-outpatient care pay two payers on one yearly axis (the pooled fund to
500,000, the large-amount subsidy above), and chronic and special-outpatient costs
beyond their limits go on to the general-outpatient rules (§四(二)): those stay Python
in :mod:`.benefits`, which also runs these rules.
"""

from __future__ import annotations

from collections.abc import Mapping

from yibao.case import Case
from yibao.model import Claim
from yibao.steps import Bands, Ratio, Rule

from yibao_changzhou.common import (
    ALL_KINDS,
    BASIC,
    TILTED,
    assistance_rule,
    critical_illness_rule,
    recipient_statuses,
)

SRC = "changzhou-employee-2024"


def _drug(case: Case, claim: Claim) -> Mapping[str, str]:
    return {"drug": "dual_channel" if claim.kind == "dual_channel_drug" else "rare_disease"}


DRUGS = Rule(
    layer=BASIC,
    kinds=("dual_channel_drug", "rare_disease_drug"),
    select=_drug,
    cite=f"{SRC} §四(二)4.2",
    steps=(Ratio("drug.rate.{drug}"),),
)
"""§四(二)4.2: listed and special-disease drugs 70%, rare-disease drugs 80%."""

CRITICAL_ILLNESS = critical_illness_rule(cap=False)
"""§五: 20,000 deductible, 60% to 100,000, 70% above; the hardship table for 城乡困难群众;
no yearly cap (最高限额 无)."""

ASSISTANCE = assistance_rule(f"{SRC} §六1")
"""§六1: 80% (特困供养人员 100%) of what the insurance layers left; yearly limits 10,000
(general outpatient) and 200,000 (everything else)."""


def _recipient(case: Case, claim: Claim) -> Mapping[str, str] | None:
    return {} if recipient_statuses(case, claim.date) else None


TILTED_ASSISTANCE = Rule(
    layer=TILTED,
    kinds=ALL_KINDS,
    on="remaining",
    select=_recipient,
    excluded_care=("non_designated",),
    cite=f"{SRC} §六2",
    steps=(
        Bands(
            "tilted_assistance.bands",
            running="tilted_assistance.cost",
            remote=False,
            label=("分段救助", "band"),
        ),
    ),
)
"""§六2: for assistance recipients, the year's out-of-pocket compliant cost after basic
insurance, critical illness and medical assistance: 50% of the part from 10,000 to
50,000, 70% above."""
