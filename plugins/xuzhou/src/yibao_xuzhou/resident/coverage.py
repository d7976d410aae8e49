"""When cover starts (第八条(四), 第十条, 第二十一条).

Every rule that fits the person gives a start; the earliest applies (each rule is a
right the person has, so the most favourable is theirs). The Jiangsu layer below wraps
this answer with the province's own exemptions (from 2025-06-30) and again keeps the
earlier start: see docs/interpretations/xuzhou.md.
"""

from __future__ import annotations

import datetime as dt

from yibao import hookimpl
from yibao.case import Case, step
from yibao.dates import ONE_DAY, add_months
from yibao.results import Coverage, Step
from yibao_jiangsu.coverage import paid_record

SOURCE = "xuzhou-resident-measures-2023"


def _year_end(case: Case) -> dt.date:
    return dt.date(case.year, 12, 31)


def _cover(case: Case, start: dt.date, steps: list[Step]) -> Coverage:
    return Coverage(start=start, end=_year_end(case), steps=tuple(steps))


def central_period(case: Case) -> tuple[dt.date, dt.date, Step]:
    """第八条(四): the fourth quarter of the year before the scenario year."""
    first = case.param("enrolment.central_period.first_month")
    last = case.param("enrolment.central_period.last_month")
    previous = case.year - 1
    start = dt.date(previous, first.integer, 1)
    end = add_months(dt.date(previous, last.integer, 1), 1) - ONE_DAY
    return start, end, step("集中缴费期", "central payment period", f"{start} – {end}", cite=first)


@hookimpl
def yibao_coverage(case: Case) -> Coverage | None:
    candidates = []
    admitted = _university_admission(case)
    if admitted is not None:
        candidates.append(admitted)
    record = paid_record(case)
    if record is not None and record.paid_on is not None:
        paid = record.paid_on
        _first, last, period = central_period(case)
        paid_step = step("缴费到账日", "contribution paid on", paid)
        if paid <= last:
            candidates.append(
                _cover(
                    case,
                    case.year_start,
                    [
                        period,
                        paid_step,
                        step(
                            "集中缴费期内缴纳下一年度费用：自1月1日起享受待遇",
                            "paid in the central period: benefits from 1 January",
                            case.year_start,
                            cite=f"{SOURCE} 第八条(四)",
                        ),
                    ],
                )
            )
        elif paid <= _year_end(case):
            head = [period, paid_step]
            for rule in (_qualification, _newborn, _status_change, _renewal_or_late):
                found = rule(case, paid, head)
                if found is not None:
                    candidates.append(found)
    if not candidates:
        return None  # the Jiangsu default explains a missing or too-late payment
    return min(candidates, key=lambda c: c.start)  # type: ignore[arg-type,return-value]


def _late(case: Case, paid: dt.date, head: list[Step], why: Step) -> Coverage:
    months = case.param("waiting_period.months", paid)
    start = add_months(paid, months.integer) + ONE_DAY
    return _cover(
        case,
        start,
        [
            *head,
            why,
            step(
                f"设定{months.integer}个月待遇享受等待期",
                f"{months.integer}-month waiting period",
                months.integer,
                cite=months,
            ),
            step("待遇起始日（等待期满次日）", "benefits from (after the wait)", start),
        ],
    )


def _renewal_or_late(case: Case, paid: dt.date, head: list[Step]) -> Coverage:
    """第十条(二), 第八条(四): a renewing person paying by 31 March is covered from the
    day after payment (the arrears are not settled); later, or a first enrolment
    outside the period, waits two months."""
    here = case.region.code
    renewing = any(
        e.year == case.year - 1 and e.region == here and e.scheme == "resident"
        for e in case.scenario.enrollment
    )
    grace = case.param("renewal.grace.last_month", paid)
    grace_end = add_months(dt.date(case.year, grace.integer, 1), 1) - ONE_DAY
    if renewing and paid <= grace_end:
        start = paid + ONE_DAY
        return _cover(
            case,
            start,
            [
                *head,
                step(
                    f"续保人员于1月1日至{grace_end}缴费",
                    f"renewing person paid between 1 January and {grace_end}",
                    "✓",
                    cite=grace,
                ),
                step(
                    "自获取足额缴费信息次日起享受待遇，欠费期间费用不予结算",
                    "benefits from the day after payment; costs during the arrears not settled",
                    start,
                    cite=f"{SOURCE} 第八条(四)、第十条(二)",
                ),
            ],
        )
    if renewing:
        why = step(
            f"续保人员{grace_end}后缴费",
            f"renewing person paid after {grace_end}",
            paid,
            cite=grace,
        )
    else:
        why = step(
            "符合参保范围但未按时参保（首次参保，集中缴费期外）",
            "first enrolment outside the central period",
            paid,
            cite=f"{SOURCE} 第十条(二)(三)",
        )
    return _late(case, paid, head, why)


def _newborn(case: Case, paid: dt.date, head: list[Step]) -> Coverage | None:
    """第十条(三): within 3 months of birth from birth; 3–12 months from the day after
    payment; later a two-month wait."""
    birth = case.person.birth_date
    if paid < birth:
        return None
    from_birth = case.param("newborn.from_birth_months", paid)
    from_payment = case.param("newborn.from_payment_months", paid)
    born = step("出生日期", "born on", birth)
    if paid <= add_months(birth, from_birth.integer):
        start = max(birth, case.year_start)
        return _cover(
            case,
            start,
            [
                *head,
                born,
                step(
                    f"出生后{from_birth.integer}个月内参保缴费：自出生之日起享受待遇",
                    f"enrolled within {from_birth.integer} months of birth: covered from birth",
                    add_months(birth, from_birth.integer),
                    cite=from_birth,
                ),
                step("待遇起始日（出生日或保险年度首日）", "benefits from", start),
            ],
        )
    if paid <= add_months(birth, from_payment.integer):
        start = paid + ONE_DAY
        return _cover(
            case,
            start,
            [
                *head,
                born,
                step(
                    f"出生{from_birth.integer}个月后至{from_payment.integer}个月以内参保：自缴费次日起",
                    f"enrolled {from_birth.integer}–{from_payment.integer} months after birth: "
                    "from the day after payment",
                    start,
                    cite=from_payment,
                ),
            ],
        )
    return None  # later than 12 months: the general two-month wait (第十条(二)(三))


_STATUS_CITES = {"insurance_transfer": "第十条(五)"}


def _status_change(case: Case, paid: dt.date, head: list[Step]) -> Coverage | None:
    """第十条(四)(五): within 3 months of the change from the day after payment; later
    a two-month wait."""
    kinds = case.param("status_change.xuzhou_events", paid)
    best: Coverage | None = None
    for event in case.scenario.events:
        if event.date > paid:
            continue
        if event.kind == "insurance_transfer":
            months = case.param("transfer.months", paid)
        elif event.kind in kinds.value:
            months = case.param("status_change.months", paid)
        else:
            continue
        cite = f"{SOURCE} {_STATUS_CITES.get(event.kind, '第十条(四)')}"
        what = step("身份转换", "change of status", f"{event.kind} {event.date}", cite=cite)
        limit = add_months(event.date, months.integer)
        if paid <= limit:
            start = paid + ONE_DAY
            found = _cover(
                case,
                start,
                [
                    *head,
                    what,
                    step(
                        f"{months.integer}个月内参保缴费：自缴费次日起享受待遇",
                        f"enrolled within {months.integer} months: from the day after payment",
                        limit,
                        cite=months,
                    ),
                    step("待遇起始日", "benefits from", start),
                ],
            )
        else:
            why = step(
                f"超过{months.integer}个月参保",
                f"enrolled more than {months.integer} months after the change",
                limit,
                cite=months,
            )
            found = _late(case, paid, [*head, what], why)
        if best is None or found.start < best.start:  # type: ignore[operator]
            best = found
    return best


def _qualification(case: Case, paid: dt.date, head: list[Step]) -> Coverage | None:
    """第十条(六): new assistance recipients, grade 1–2 disabled people and people
    reaching 70 are covered from the day they qualify (read: a qualification gained
    in the scenario year, before the payment)."""
    kinds = case.param("qualification.events", paid)
    grade = case.param("premium.disability_max_grade", paid)
    age = case.param("premium.elderly_free_age", paid)
    dates: list[tuple[dt.date, str, str]] = []
    for event in case.scenario.events:
        if event.kind not in kinds.value:
            continue
        if event.kind == "disability_certified" and not (
            case.person.disability_grade is not None
            and case.person.disability_grade <= grade.integer
        ):
            continue
        zh = (
            "新增医疗救助对象"
            if event.kind == "became_assistance_recipient"
            else "一、二级残疾认定"
        )
        dates.append((event.date, zh, event.kind))
    birth = case.person.birth_date
    seventy = add_months(birth, 12 * age.integer)
    dates.append((seventy, f"年满{age.integer}周岁", f"reached {age.integer}"))
    fits = [d for d in dates if d[0].year == case.year and d[0] <= paid]
    if not fits:
        return None
    day, zh, en = min(fits)
    return _cover(
        case,
        day,
        [
            *head,
            step(
                f"{zh}：补办参保后从获取资格之日起享受待遇",
                f"{en}: covered from the day of qualifying",
                day,
                cite=f"{SOURCE} 第十条(六)",
            ),
        ],
    )


def _university_admission(case: Case) -> Coverage | None:
    """第二十一条: a new university student who pays for the next year is covered from
    admission in the year of admission."""
    here = case.region.code
    if case.person.student != "university":
        return None
    following = case.scenario.enrollment_in(case.year + 1)
    if following is None or following.region != here or following.paid_on is None:
        return None
    for event in case.scenario.events:
        if event.kind == "university_admission" and event.date.year == case.year:
            return _cover(
                case,
                event.date,
                [
                    step("新入学大学生入学日", "university admission", event.date),
                    step(
                        f"已缴纳{case.year + 1}年度参保费用",
                        f"paid the contribution for {case.year + 1}",
                        following.paid_on,
                    ),
                    step(
                        "缴纳次年参保费用后即可享受入学后当年待遇",
                        "covered from admission once the next year is paid",
                        event.date,
                        cite=f"{SOURCE} 第二十一条",
                    ),
                ],
            )
    return None
