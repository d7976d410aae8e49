"""The critical-illness cap and its incentives (大病保险封顶线与参保激励), item 3.

A value hook: the cities' declared critical-illness rules cut their payments with it
(:class:`yibao.steps.Cap`, ``hook="critical_illness_cap"``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, CriticalIllnessCap, step
from yibao.errors import NotPublished
from yibao.history import IncentiveRules, cap_incentives, resident_years
from yibao.money import apply_rate

CITE = "jiangsu-enrollment-incentives-2025 二.3"


@hookimpl
def yibao_critical_illness_cap(case: Case, on: dt.date) -> CriticalIllnessCap:
    """500,000 a natural year from 2025-07-01, raised by incentives, lowered by gaps."""
    try:
        base = case.param("critical_illness.cap", on)
    except NotPublished:
        return CriticalIllnessCap(
            cap=None,
            steps=(
                step(
                    "大病保险封顶线：该日期无已加载的政策规定，不设封顶",
                    "critical-illness cap: none published for this date, none applied",
                    "—",
                    cite=f"{CITE} (from 2025-07-01)",
                ),
            ),
        )
    basis = case.param("critical_illness.cap_basis", on).value
    raised, lowered, steps = incentive_changes(case, base.money, on)
    cap = base.money + raised - lowered
    return CriticalIllnessCap(
        cap=cap,
        basis=basis,  # type: ignore[arg-type]
        steps=(
            step("大病保险封顶线（基数）", "critical-illness cap (base)", base.money, cite=base),
            *steps,
            step("本年大病保险封顶线", "critical-illness cap this year", cap, cite=CITE),
        ),
    )


def incentive_changes(case: Case, base: Decimal, on: dt.date) -> tuple[Decimal, Decimal, list]:
    """Return (raise, reduction, steps) for the scenario year from the enrolment history
    since 2025 (:func:`yibao.history.cap_incentives`, one step per year), each within 20%
    of the base cap.

    Every resident-scheme record counts for continuity, another province's included
    (item 3: 跨省转入…参保年限连续计算); a year insured in the employee scheme is no gap;
    see docs/interpretations.md.
    """
    first = case.param("critical_illness.incentive.first_year", on).integer
    rules = IncentiveRules(
        continuity_years=case.param("critical_illness.incentive.continuity_years", on),
        continuity_step=case.param("critical_illness.incentive.continuity_step", on),
        zero_step=case.param("critical_illness.incentive.zero_reimbursement_step", on),
        gap_step=case.param("critical_illness.gap.step", on),
    )
    max_raise = apply_rate(base, case.param("critical_illness.incentive.max_share", on).rate)
    max_cut = apply_rate(base, case.param("critical_illness.gap.max_share", on).rate)
    earned = cap_incentives(resident_years(case.scenario.enrollment, first, case.year), rules)
    raised = min(earned.raised, max_raise)
    lowered = min(rules.gap_step.money * earned.gap_years, max_cut)
    steps = [
        *earned.steps,
        step("连续参保激励", "continuity incentive", earned.continuity, cite=CITE),
        step("零报销激励", "zero-reimbursement incentive", earned.credit, cite=CITE),
        step(
            f"激励合计（不超过{max_raise}）", f"incentives (at most {max_raise})", raised, cite=CITE
        ),
    ]
    if earned.gap_years:
        steps.append(
            step(
                f"断保{earned.gap_years}年降低封顶线（不超过{max_cut}）",
                f"{earned.gap_years} gap year(s) lower the cap (at most {max_cut})",
                lowered,
                cite=CITE,
            )
        )
    return raised, lowered, steps
