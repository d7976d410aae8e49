"""The critical-illness cap and its incentives (大病保险封顶线与参保激励), item 3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, CriticalIllnessCap, Ledger, step
from yibao.errors import NotPublished
from yibao.model import Claim
from yibao.money import ZERO, apply_rate
from yibao.results import Step

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
    """Return (raise, reduction, steps) for the scenario year from the enrolment history.

    Readings (docs/interpretations.md): the scenario year counts as enrolled; a year
    enrolled in any resident scheme (another province's included, item 3's transfer
    rule) counts for continuity; continuity raises already earned are kept after a
    gap; the zero-reimbursement credit is cleared from the year after one in which the
    incentive was used.
    """
    first = case.param("critical_illness.incentive.first_year", on).integer
    after_years = case.param("critical_illness.incentive.continuity_years", on).integer
    cont_step = case.param("critical_illness.incentive.continuity_step", on).money
    zero_step = case.param("critical_illness.incentive.zero_reimbursement_step", on).money
    max_raise = apply_rate(base, case.param("critical_illness.incentive.max_share", on).rate)
    gap_step = case.param("critical_illness.gap.step", on).money
    max_cut = apply_rate(base, case.param("critical_illness.gap.max_share", on).rate)

    records = {
        e.year: e for e in case.scenario.enrollment if e.scheme == "resident" and e.year >= first
    }
    run = 0
    continuity = credit = ZERO
    gaps = 0
    started = False
    for year in range(first, case.year + 1):
        record = records.get(year)
        enrolled = record is not None or year == case.year
        if not enrolled:
            if started:
                gaps += 1
            run = 0
            continue
        started = True
        run += 1
        if run > after_years:
            continuity += cont_step
        if year == case.year or record is None:
            continue
        if record.incentive_used:
            credit = ZERO  # cleared in the following year (前期积累的零报销激励额度在下一年度清零)
        if not record.reimbursed:
            credit += zero_step
    raised = min(continuity + credit, max_raise)
    lowered = min(gap_step * gaps, max_cut)
    steps = [
        step("连续参保激励", "continuity incentive", continuity, cite=CITE),
        step("零报销激励", "zero-reimbursement incentive", credit, cite=CITE),
        step(
            f"激励合计（不超过{max_raise}）", f"incentives (at most {max_raise})", raised, cite=CITE
        ),
    ]
    if gaps:
        steps.append(
            step(
                f"断保{gaps}年降低封顶线（不超过{max_cut}）",
                f"{gaps} gap year(s) lower the cap (at most {max_cut})",
                lowered,
                cite=CITE,
            )
        )
    return raised, lowered, steps


def within_cap(
    case: Case, claim: Claim, ledger: Ledger, amount: Decimal, steps: list[Step]
) -> Decimal:
    """``amount`` of critical illness cut to what remains of the year's cap — whichever
    layer answers ``yibao_critical_illness_cap`` — and recorded as paid. The cap's own
    steps join ``steps`` when it bites, or when no cap applies (to say why)."""
    cap = case.hook.yibao_critical_illness_cap(case=case, on=claim.date)
    if cap is not None and cap.cap is not None:
        room = ledger.limit(
            "critical_illness.paid",
            cap.cap,
            label_zh="大病保险年度封顶线",
            label_en="critical-illness yearly cap",
            basis="payment",
            cite=cap.steps[-1].cite if cap.steps else "",
        )
        if amount > room:
            steps += list(cap.steps)
            steps.append(step("达到封顶线", "cap reached", room))
            amount = room
    elif cap is not None:
        steps += list(cap.steps)
    ledger.add("critical_illness.paid", amount)
    return amount
