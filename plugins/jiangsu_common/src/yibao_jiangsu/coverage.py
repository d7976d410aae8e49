"""When cover starts: the central enrolment period (item 7) and the waiting-period
exemptions (item 4), over whatever waiting period the city sets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator

from yibao import hookimpl
from yibao.case import Case, step
from yibao.dates import ONE_DAY, add_months
from yibao.model import Enrollment
from yibao.results import Coverage, Notice

CITE_PERIOD = "jiangsu-enrollment-incentives-2025 三.7"
CITE_EXEMPT = "jiangsu-enrollment-incentives-2025 二.4"


def _year_end(case: Case) -> dt.date:
    return dt.date(case.year, 12, 31)


def central_period(case: Case) -> tuple[dt.date, dt.date, str]:
    """The central enrolment period for the scenario year: a city's own dates when it
    publishes them, else the province's fourth quarter of the year before."""
    start = case.find_param("enrolment.central_period.start")
    end = case.find_param("enrolment.central_period.end")
    if start is not None and end is not None:
        return start.value, end.value, start.source_label  # type: ignore[return-value]
    first = case.param("enrolment.central_period.first_month").integer
    last = case.param("enrolment.central_period.last_month").integer
    previous = case.year - 1
    end_day = add_months(dt.date(previous, last, 1), 1) - ONE_DAY
    return dt.date(previous, first, 1), end_day, CITE_PERIOD


def paid_record(case: Case) -> Enrollment | None:
    """The scenario year's enrolment record in this region, with its payment date."""
    record = case.scenario.enrollment_in(case.year)
    if record is None or record.paid_on is None or record.region != case.region.code:
        return None
    return record


@hookimpl(specname="yibao_coverage", trylast=True)
def default_coverage(case: Case) -> Coverage:
    """Paid in (or before) the central period: from 1 January. Paid late: the city's
    waiting period, or — when the city does not publish its length — the bounds the
    provincial regulation sets."""
    record = paid_record(case)
    if record is None:
        return Coverage(
            start=None,
            steps=(
                step(
                    f"未见{case.year}年度在本地的缴费记录",
                    f"no payment recorded for {case.year} in this region",
                    "—",
                ),
            ),
        )
    paid = record.paid_on
    assert paid is not None
    first, last, cite = central_period(case)
    year_end = _year_end(case)
    if paid <= last:
        return Coverage(
            start=case.year_start,
            end=year_end,
            steps=(
                step("集中参保缴费期", "central enrolment period", f"{first} – {last}", cite=cite),
                step("缴费到账日", "contribution paid on", paid),
                step("待遇起始日", "benefits from", case.year_start, cite=cite),
            ),
        )
    if paid > year_end:
        return Coverage(
            start=None,
            steps=(step("缴费晚于保险年度", "paid after the insurance year", paid),),
        )
    late = step("集中参保期外缴费", "paid outside the central period", paid, cite=cite)
    months = case.find_param("waiting_period.months", paid)
    if months is not None:
        start = add_months(paid, months.integer) + ONE_DAY
        return Coverage(
            start=start,
            end=year_end,
            steps=(
                late,
                step("待遇等待期（月）", "waiting period (months)", months.integer, cite=months),
                step("待遇起始日", "benefits from", start),
            ),
        )
    ceiling = case.param("waiting_period.max_months", paid)
    reason = case.params.gap("waiting_period.months")
    latest = add_months(paid, ceiling.integer) + ONE_DAY
    return Coverage(
        start=None,
        earliest=paid + ONE_DAY,
        latest=latest,
        end=year_end,
        steps=(
            late,
            step(
                "待遇等待期长度：已加载的政策来源未公布",
                "waiting period length: not published in the loaded sources",
                reason.reason if reason else "—",
                cite=reason.cite if reason else "",
            ),
            step(
                f"等待期上限{ceiling.integer}个月",
                f"waiting period at most {ceiling.integer} months",
                f"{paid + ONE_DAY} – {latest}",
                cite=ceiling,
            ),
        ),
    )


@hookimpl(wrapper=True)
def yibao_coverage(case: Case) -> Generator[None, Coverage | None, Coverage | None]:
    """Apply the province's exemptions to whatever cover the city decided: the more
    favourable (earlier, and certain) start wins."""
    city = yield
    exempt = exemption(case)
    if exempt is None:
        return city
    if city is None or city.start is None or (exempt.start and exempt.start < city.start):
        return exempt
    return city


def exemption(case: Case) -> Coverage | None:
    """Cover without a waiting period under item 4, or ``None`` when none applies."""
    record = paid_record(case)
    if record is None:
        return None
    paid = record.paid_on
    assert paid is not None
    for rule in (_newborn, _status_change, _assistance_recipient, _other_province):
        found = rule(case, paid)
        if found is not None:
            return found
    return None


def enrolled_on(case: Case, day: dt.date, schemes: tuple[str, ...]) -> Enrollment | None:
    """A record showing the person enrolled in one of ``schemes`` on ``day``: a record for
    that year paid by then (an earlier year's record without a payment date counts as
    paid). The scenario year's record paid after ``day`` is the enrolment that follows
    the change, not one held at it."""
    for record in case.scenario.enrollment:
        if record.year != day.year or record.scheme not in schemes:
            continue
        if record.paid_on is None and record.year != case.year:
            return record
        if record.paid_on is not None and record.paid_on <= day:
            return record
    return None


def _newborn(case: Case, paid: dt.date) -> Coverage | None:
    days = case.find_param("newborn.retroactive_days", paid)
    birth = case.person.birth_date
    if days is None or not (birth <= paid and (paid - birth).days <= days.integer):
        return None
    start = max(birth, case.year_start)
    if start > _year_end(case):
        return None
    return Coverage(
        start=start,
        end=_year_end(case),
        steps=(
            step("出生日期", "born on", birth),
            step("缴费到账日", "contribution paid on", paid),
            step(
                f"出生{days.integer}天内（含）参保缴费，不设等待期",
                f"enrolled within {days.integer} days of birth (inclusive): no waiting period",
                (paid - birth).days,
                cite=days,
            ),
            step(
                "待遇起始日（追溯至出生或保险年度首日）",
                "benefits from (birth, or 1 January)",
                start,
                cite=days,
            ),
        ),
    )


def _status_change(case: Case, paid: dt.date) -> Coverage | None:
    """Status changers 身份转换时未参加居民医保: not for someone who held resident
    enrolment when the status changed (a graduate insured as a student, say)."""
    days = case.find_param("status_change.exempt_days", paid)
    kinds = case.find_param("status_change.events", paid)
    if days is None or kinds is None:
        return None
    for event in case.scenario.events:
        if event.kind in kinds.value and event.date <= paid <= event.date + dt.timedelta(
            days=days.integer
        ):
            held = enrolled_on(case, event.date, ("resident",))
            if held is not None:
                case.notice(
                    Notice(
                        kind="stated",
                        key="status_change.already_resident",
                        text_zh=f"身份转换（{event.date}）时已参加居民医保：不适用转换身份人员不设等待期的规定",
                        text_en=f"enrolled in a resident scheme at the change of status "
                        f"({event.date}): the no-wait rule for status changers does not apply",
                        cite=kinds.source_label,
                    )
                )
                continue
            start = paid + ONE_DAY
            return Coverage(
                start=start,
                end=_year_end(case),
                steps=(
                    step("身份转换", "change of status", f"{event.kind} {event.date}", cite=kinds),
                    step(
                        f"{days.integer}天内（含）参保缴费，不设等待期",
                        f"enrolled within {days.integer} days (inclusive): no waiting period",
                        (paid - event.date).days,
                        cite=days,
                    ),
                    step(
                        "待遇起始日（缴费到账次日）",
                        "benefits from (the day after payment)",
                        start,
                        cite=days,
                    ),
                ),
            )
    return None


def _assistance_recipient(case: Case, paid: dt.date) -> Coverage | None:
    flag = case.find_param("assistance_recipient.no_waiting", paid)
    if flag is None or not flag.value:
        return None
    for event in case.scenario.events:
        if event.kind == "became_assistance_recipient" and event.date <= paid:
            if enrolled_on(case, event.date, ("resident", "employee")) is not None:
                continue  # 未参保的新增医疗救助对象: not someone already insured
            start = paid + ONE_DAY
            return Coverage(
                start=start,
                end=_year_end(case),
                steps=(
                    step(
                        "新增医疗救助对象",
                        "new medical-assistance recipient",
                        event.date,
                        cite=flag,
                    ),
                    step(
                        "不设待遇等待期：缴费到账次日起",
                        "no waiting period: from the day after payment",
                        start,
                        cite=flag,
                    ),
                ),
            )
    return None


def _other_province(case: Case, paid: dt.date) -> Coverage | None:
    """上一年度在外省参加居民医保的参保人员，当年集中参保期在我省参保缴费的: from 1 January of
    the year paid for, with no waiting period."""
    flag = case.find_param("other_province.central_period_no_waiting", paid)
    previous = case.scenario.enrollment_in(case.year - 1)
    if (
        flag is None
        or not flag.value
        or previous is None
        or not previous.other_province
        or previous.scheme != "resident"
    ):
        return None
    first, last, cite = central_period(case)
    if not first <= paid <= last:
        return None
    return Coverage(
        start=case.year_start,
        end=_year_end(case),
        steps=(
            step(
                "上一年度在外省参加居民医保",
                "insured in another province's resident scheme the year before",
                f"{previous.year} {previous.region}",
                cite=flag,
            ),
            step("集中参保缴费期", "central enrolment period", f"{first} – {last}", cite=cite),
            step("缴费到账日", "contribution paid on", paid),
            step(
                "集中参保期在我省参保缴费：自下一年度1月1日起享受待遇，不设待遇等待期",
                "paid in Jiangsu's central period: from 1 January of the next year, no wait",
                case.year_start,
                cite=flag,
            ),
        ),
    )
