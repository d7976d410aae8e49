"""From when the year's benefits are paid (昌黎 2025, changli-resident-2025 三, 八.2).

Paid within the central period (三) → 1 January. Newborns enrolled within 90 days of
birth → from birth; veterans enrolled within 90 days of discharge → from discharge
(三). Everyone else who pays outside the central period or after a gap waits (八.2):
a fixed 3 months, plus 1 month for each gap year, less 1 month for each gap year paid
back (repair), never below 6 months in all after a gap of 4 years or more (once
repaired). The wait counts from the payment day (民法典 §201: the period runs from the
next day and ends on the corresponding day N months on): benefits from the day after
``paid_on`` + N months, as everywhere in yibao (docs/interpretations.md).

Readings (docs/interpretations/changli.md): a year counts as enrolled when any
scheme anywhere has a record for it; a *back-payment* (repair, 补缴) is a record for
an earlier year in this region whose ``paid_on`` falls after that year ended.
"""

from __future__ import annotations

import datetime as dt

from yibao import hookimpl
from yibao.case import Case, step
from yibao.dates import add_months, on_day
from yibao.model import Enrollment
from yibao.results import Coverage, Notice, Step

CITE_PERIOD = "changli-resident-2025 三"
CITE_WAIT = "changli-resident-2025 八.2"


def _year_end(case: Case) -> dt.date:
    return dt.date(case.year, 12, 31)


def is_back_payment(record: Enrollment) -> bool:
    """A payment for a year made after that year ended: a repair (补缴), not enrolment."""
    return record.paid_on is not None and record.paid_on > dt.date(record.year, 12, 31)


def enrolled_years(case: Case) -> set[int]:
    """Years before the scenario year with a regular enrolment record (any scheme, any
    region), back-payments excluded."""
    return {
        e.year for e in case.scenario.enrollment if e.year < case.year and not is_back_payment(e)
    }


@hookimpl
def yibao_coverage(case: Case) -> Coverage:
    record = case.scenario.enrollment_in(case.year)
    here = case.region.code
    if record is None or record.paid_on is None or record.region != here:
        return Coverage(
            start=None,
            steps=(
                step(
                    f"未见{case.year}年度在本县的缴费记录",
                    f"no payment recorded for {case.year} in this county",
                    "—",
                ),
            ),
        )
    paid = record.paid_on
    if paid > _year_end(case):
        return Coverage(
            start=None,
            steps=(step("缴费晚于保险年度", "paid after the insurance year", paid),),
        )
    head = [step("缴费到账日", "contribution paid on", paid)]
    for rule in (_newborn, _veteran):
        found = rule(case, paid, head)
        if found is not None:
            return found
    in_central, period_steps = _central_period(case, paid)
    head += period_steps
    gap, repaid, gap_steps = _gap_history(case)
    head += gap_steps
    if in_central is not None:
        start, steps = _start(case, paid, in_central, gap, repaid)
        return Coverage(start=start, end=_year_end(case), steps=(*head, *steps))
    # The year's central period is not published: the start is certain only where both
    # answers agree; otherwise the bounds (八.2 applies only to a late payment).
    early, _ = _start(case, paid, True, gap, repaid)
    late, late_steps = _start(case, paid, False, gap, repaid)
    if early == late:
        return Coverage(start=early, end=_year_end(case), steps=(*head, *late_steps))
    return Coverage(
        start=None,
        earliest=early,
        latest=late,
        end=_year_end(case),
        steps=(
            *head,
            step(
                "集中参保期未公布：集中期内缴费自1月1日起，否则按待遇等待期",
                "central period not published: from 1 January if paid within it, else after "
                "the waiting period",
                f"{early} – {late}",
                cite=CITE_WAIT,
            ),
        ),
    )


def _start(
    case: Case, paid: dt.date, in_central: bool, gap: int, repaid: list[int]
) -> tuple[dt.date, list[Step]]:
    """The first day of cover for a payment on ``paid``, within the central period or
    not, after ``gap`` gap years of which ``repaid`` were paid back (八.2)."""
    first_year = case.param("waiting_period.first_year")
    if case.year < first_year.integer or (in_central and gap == 0):
        return case.year_start, [
            step("待遇起始日", "benefits from", case.year_start, cite=CITE_PERIOD)
        ]
    months, wait_steps = waiting_months(case, in_central, gap, repaid)
    ends = add_months(paid, months)
    start = max(ends + dt.timedelta(days=1), case.year_start)
    steps = [
        *wait_steps,
        step(
            f"等待期自缴费之日起计算，届满日：{paid} + {months}个月",
            f"the wait counts from the payment day and ends on {paid} + {months} months",
            ends,
            cite=CITE_WAIT,
        ),
    ]
    if start != ends + dt.timedelta(days=1):
        steps.append(
            step(
                "等待期在保险年度开始前届满",
                "the wait ends before the insurance year starts",
                start,
            )
        )
    steps.append(step("待遇起始日", "benefits from", start, cite=CITE_WAIT))
    return start, steps


def _central_period(case: Case, paid: dt.date) -> tuple[bool | None, list[Step]]:
    """三: the central period and its monthly acceptance windows; a payment on a day
    outside a window is flagged (it would be taken on the next window's first day).
    ``None`` when the year's period is not published (三 gives 2025's dates only)."""
    first = case.find_param("enrolment.central_period.start")
    last = case.find_param("enrolment.central_period.end")
    if first is None or last is None:
        case.not_published(
            case.params.not_published("enrolment.central_period.start", case.year_start)
        )
        return None, []
    start, end = first.value, last.value
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    steps = [step("集中参保期", "central enrolment period", f"{start} – {end}", cite=first)]
    if paid > end:
        steps.append(step("集中参保期外缴费", "paid outside the central period", paid, cite=first))
        return False, steps
    if paid < start:
        steps.append(
            step(
                "缴费日早于集中参保期（按集中期内缴费处理）",
                "paid before the central period opened (treated as within it)",
                paid,
                cite=first,
            )
        )
        _warn(case, paid, f"{start} – {end}")
        return True, steps
    steps += _acceptance_window(case, paid, end)
    return True, steps


def _acceptance_window(case: Case, paid: dt.date, end: dt.date) -> list[Step]:
    """三: the monthly acceptance days of the central period, where published for the
    year (they only flag a payment date to check; cover does not depend on them)."""
    first_day = case.find_param("enrolment.window.first_day")
    final = (paid.year, paid.month) == (end.year, end.month)
    day_to = case.find_param(
        "enrolment.window.last_day_final_month" if final else "enrolment.window.last_day"
    )
    if first_day is None or day_to is None:
        return []
    day_from = first_day.integer
    month = f"{paid.year}-{paid.month:02d}"
    window = f"{month}-{day_from:02d} – {month}-{day_to.integer:02d}"
    if day_from <= paid.day <= day_to.integer:
        return [
            step("缴费日在业务受理期内", "paid within an acceptance window", window, cite=day_to)
        ]
    opens = _next_window(paid, day_from)
    _warn(case, paid, window, opens)
    return [
        step(
            f"缴费日不在业务受理期内：下一受理期{opens}开始（仍在集中参保期内）",
            "paid outside an acceptance window: the next window opens on this day "
            "(still within the central period)",
            opens,
            cite=day_to,
        )
    ]


def _next_window(paid: dt.date, day_from: int) -> dt.date:
    """The day the next acceptance window opens after ``paid``: this month's first day
    of business when it is still ahead, else next month's."""
    if paid.day < day_from:
        return on_day(paid, day_from)
    return on_day(add_months(paid.replace(day=1), 1), day_from)


def _warn(case: Case, paid: dt.date, window: str, opens: dt.date | None = None) -> None:
    then_zh = f"；下一受理期{opens}开始" if opens else ""
    then_en = f"; the next window opens on {opens}" if opens else ""
    case.notice(
        Notice(
            kind="warning",
            key="enrolment.window",
            text_zh=f"缴费日{paid}不在业务受理期（{window}）内，请核对缴费到账日{then_zh}",
            text_en=f"payment date {paid} is outside the acceptance window ({window}); "
            f"check the date the contribution arrived{then_en}",
            cite=CITE_PERIOD,
        )
    )


def _gap_history(case: Case) -> tuple[int, list[int], list[Step]]:
    """The gap years since the last enrolled year, and which of them were paid back."""
    years = enrolled_years(case)
    if not years:
        return (
            0,
            [],
            [
                step(
                    "无此前参保记录：不计断保年数",
                    "no earlier enrolment recorded: no gap years counted",
                    "—",
                    cite=CITE_WAIT,
                )
            ],
        )
    last = max(years)
    gaps = list(range(last + 1, case.year))
    here = case.region.code
    repaid = sorted(
        e.year
        for e in case.scenario.enrollment
        if e.year in gaps and e.region == here and is_back_payment(e)
    )
    steps = [
        step("上一参保年度", "last year enrolled", last),
        step(
            "断保年数",
            "gap years",
            f"{len(gaps)}（{', '.join(map(str, gaps)) or '—'}）",
            cite=CITE_WAIT,
        ),
    ]
    return len(gaps), repaid, steps


def waiting_months(
    case: Case, in_central: bool, gap: int, repaid: list[int]
) -> tuple[int, list[Step]]:
    """八.2: fixed + variable months, less what back-payments repair, with the floor."""
    fixed = case.param("waiting_period.fixed_months")
    free = case.param("waiting_period.variable.free_gap_years")
    per_gap = case.param("waiting_period.variable.months_per_gap_year")
    per_repair = case.param("waiting_period.repair.months_per_year")
    long_years = case.param("waiting_period.long_gap.years")
    floor = case.param("waiting_period.long_gap.min_months")
    why = "未在集中参保期内参保" if not in_central else "未连续参保"
    why_en = "not paid in the central period" if not in_central else "not continuously enrolled"
    if gap and not in_central:
        why, why_en = "未在集中参保期内参保且未连续参保", "paid late and not continuously enrolled"
    variable = max(gap - free.integer, 0) * per_gap.integer
    steps = [
        step(
            f"固定待遇等待期（{why}）",
            f"fixed waiting period ({why_en})",
            f"{fixed.integer}个月",
            cite=fixed,
        ),
        step(
            f"变动待遇等待期：断保{gap}年 × {per_gap.integer}个月"
            if not free.integer
            else f"变动待遇等待期：（断保{gap}年 − {free.integer}）× {per_gap.integer}个月",
            f"variable wait: {gap} gap years × {per_gap.integer} month"
            if not free.integer
            else f"variable wait: ({gap} gap years − {free.integer}) × {per_gap.integer} month",
            f"{variable}个月",
            cite=per_gap,
        ),
    ]
    total = fixed.integer + variable
    if repaid:
        rate = case.param("premium.individual")
        cost = rate.money * len(repaid)
        reduce = min(len(repaid) * per_repair.integer, variable)
        steps += [
            step(
                f"补缴断保年度：{', '.join(map(str, repaid))}",
                "gap years paid back",
                len(repaid),
                cite=per_repair,
            ),
            step(
                f"补缴费用 = {len(repaid)}年 × {rate.money}（当年个人缴费标准）",
                f"repair cost = {len(repaid)} years × {rate.money} (this year's individual rate)",
                cost,
                cite=f"{CITE_WAIT}; {rate.cite}",
            ),
            step(
                f"修复变动等待期：min({len(repaid)} × {per_repair.integer}, {variable})",
                "variable months repaired (at most the variable part)",
                f"{reduce}个月",
                cite=per_repair,
            ),
        ]
        total -= reduce
        if gap >= long_years.integer and total < floor.integer:
            steps.append(
                step(
                    f"连续断缴{long_years.integer}年及以上：修复后合计不少于{floor.integer}个月",
                    f"gap of {long_years.integer}+ years: at least {floor.integer} months repaired",
                    f"{total} → {floor.integer}个月",
                    cite=floor,
                )
            )
            total = floor.integer
    steps.append(step("待遇等待期合计", "waiting period in all", f"{total}个月", cite=CITE_WAIT))
    return total, steps


def _newborn(case: Case, paid: dt.date, head: list[Step]) -> Coverage | None:
    days = case.param("newborn.days")
    birth = case.person.birth_date
    if not (birth <= paid and (paid - birth).days <= days.integer):
        return None
    start = max(birth, case.year_start)
    return Coverage(
        start=start,
        end=_year_end(case),
        steps=(
            *head,
            step("出生日期", "born on", birth),
            step(
                f"新生儿出生{days.integer}日内参保缴费：自出生之日起享受待遇",
                f"newborn enrolled within {days.integer} days of birth: covered from birth",
                f"{(paid - birth).days}日",
                cite=days,
            ),
            step(
                "待遇起始日（出生日或保险年度首日）",
                "benefits from (birth or 1 January)",
                start,
                cite=days,
            ),
        ),
    )


def _veteran(case: Case, paid: dt.date, head: list[Step]) -> Coverage | None:
    days = case.param("veteran.days")
    for event in case.scenario.events:
        if event.kind != "army_discharge" or not (
            event.date <= paid and (paid - event.date).days <= days.integer
        ):
            continue
        start = max(event.date, case.year_start)
        return Coverage(
            start=start,
            end=_year_end(case),
            steps=(
                *head,
                step("退役日期", "discharged on", event.date),
                step(
                    f"退役后{days.integer}日内参保：自退役之日起享受待遇",
                    f"enrolled within {days.integer} days of discharge: covered from discharge",
                    f"{(paid - event.date).days}日",
                    cite=days,
                ),
                step(
                    "待遇起始日（退役日或保险年度首日）",
                    "benefits from (discharge or 1 January)",
                    start,
                    cite=days,
                ),
            ),
        )
    return None
