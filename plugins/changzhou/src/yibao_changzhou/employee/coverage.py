"""From when an employee or a flexible worker is covered, and what breaks of
contributions inside the year do to cover (常州 employee scheme 2024, §三(一)–(三)).

A break (``enrollment.breaks``: months whose contributions did not arrive) suspends
benefits from the month after it begins (自中断缴费的次月起暂停支付). Paid back within
3 months, cover is restored retroactively; later, an employee is covered again from the
day after the payment arrives — and for claims in the suspended days the employer owes
what the insurance would have paid (§三(二)) — while a flexible worker waits 2 full
months again. A flexible worker's break inside the first-time wait starts the wait
afresh (§三(一)). Readings: docs/interpretations/changzhou-employee.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yibao import hookimpl
from yibao.case import Case, step
from yibao.dates import ONE_DAY, add_months
from yibao.errors import NotPublished
from yibao.model import ContributionBreak, Enrollment
from yibao.params import Param
from yibao.results import Coverage, Step, Suspension

from yibao_changzhou.common import BASIC, CRITICAL
from yibao_changzhou.employee.people import CITE_RETIRE, SRC
from yibao_changzhou.employee.rules import LARGE

CITE_START = f"{SRC} §三(一)"
CITE_BREAK = f"{SRC} §三(二)"

INSURANCE_LAYERS = (BASIC[0], LARGE[0], CRITICAL[0])
"""What an employer in arrears owes on a suspended employee's claims: the payments of
the insurance layers (医疗费用中属于医疗保险基金支付范围的费用由用人单位承担, §三(二))."""


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@hookimpl
def yibao_coverage(case: Case) -> Coverage:
    """When the year's cover starts, then what each break of contributions inside the
    year does to it (:func:`with_breaks`)."""
    cover = year_start_cover(case)
    if case.person.employment == "retired":
        return cover
    return with_breaks(case, case.scenario.enrollment_in(case.year), cover)


def year_start_cover(case: Case) -> Coverage:
    """§三(一)(二): employees from the day after the contribution arrives (continuing
    from last year with arrears back-paid within 3 months: from the year's start);
    flexible workers joining for the first time (or after a break over 3 months, read
    from a missing previous year or a late first payment) from the month after 2 full
    consecutive months of payment, a wait begun last year running on into this one;
    retirees from the start of the year."""
    person = case.person
    year_end = dt.date(case.year, 12, 31)
    if person.employment == "retired":
        return Coverage(
            start=case.year_start,
            end=year_end,
            steps=(
                step(
                    "退休人员：自医保退休待遇核定后享受（情形未给核定日，按年初）",
                    "retiree: from the retirement review (date not given: the year's start)",
                    str(case.year_start),
                    cite=CITE_RETIRE,
                ),
            ),
        )
    record = case.scenario.enrollment_in(case.year)
    if record is None or record.paid_on is None:
        raise NotPublished(
            key="enrollment.paid_on",
            on=case.year_start,
            cite=CITE_START,
            reason=f"cover starts from the day the {case.year} contribution arrives; give the "
            "enrolment record's paid_on",
        )
    paid = record.paid_on
    if person.employment == "flexible":
        previous = case.scenario.enrollment_in(case.year - 1)
        continuing = previous is not None and previous.scheme == "employee"
        gap_months = case.param("coverage.interruption_months")
        wait = case.param("coverage.flexible_waiting_months")
        last_paid = previous.paid_on if previous is not None and continuing else None
        earlier = any(
            e.scheme == "employee" and e.year < case.year - 1 for e in case.scenario.enrollment
        )
        if last_paid is not None and not earlier:
            # §三(一): joined for the first time last year; a wait begun in December runs
            # into this year (paid 2023-12-10 → December and January → 2024-02-01).
            carried = add_months(_first_of_month(last_paid), wait.integer)
            if carried > case.year_start:
                return Coverage(
                    start=carried,
                    end=year_end,
                    steps=(
                        step(
                            "上年度首次参保，首月缴费到账",
                            "first enrolled last year; first month's contribution arrived",
                            str(last_paid),
                        ),
                        step(
                            f"灵活就业人员首次参保：足额连续缴纳{wait.integer}个月后的次月起享受待遇",
                            f"flexible worker, first enrolment: from the month after "
                            f"{wait.integer} full consecutive months",
                            str(carried),
                            cite=wait,
                        ),
                    ),
                )
        if continuing and paid < add_months(case.year_start, gap_months.integer):
            return _retroactive(
                case,
                paid,
                year_end,
                gap_months,
                f"灵活就业人员连续参保（中断不超过{gap_months.integer}个月，补缴后追溯享受）",
                f"flexible worker continuing (break within {gap_months.integer} months: "
                "back-paid, cover retroactive)",
            )
        start = add_months(_first_of_month(paid), wait.integer)
        before = any(
            e.scheme == "employee" and e.year < case.year for e in case.scenario.enrollment
        )
        why_zh = f"中断缴费超过{gap_months.integer}个月后续缴" if before else "首次参保"
        why_en = (
            f"resumed after a break over {gap_months.integer} months"
            if before
            else "first enrolment"
        )
        return Coverage(
            start=start,
            end=year_end,
            steps=(
                step("首月缴费到账", "first month's contribution arrived", str(paid)),
                step(
                    f"灵活就业人员{why_zh}：足额连续缴纳{wait.integer}个月后的次月起享受待遇",
                    f"flexible worker, {why_en}: from the month after {wait.integer} full "
                    "consecutive months",
                    str(start),
                    cite=wait,
                ),
            ),
        )
    previous = case.scenario.enrollment_in(case.year - 1)
    gap_months = case.param("coverage.interruption_months")
    if (
        previous is not None
        and previous.scheme == "employee"
        and case.year_start < paid < add_months(case.year_start, gap_months.integer)
    ):
        # §三(二): 开始欠费中断时间在3个月内的 … 补缴后 … 中断期间的待遇可按规定追溯享受.
        return _retroactive(
            case,
            paid,
            year_end,
            gap_months,
            f"单位连续参保，欠费中断不超过{gap_months.integer}个月：补缴后中断期间待遇追溯享受",
            f"employee continuing from last year, arrears within {gap_months.integer} "
            "months: back-paid, cover retroactive",
        )
    start = max(paid + ONE_DAY, case.year_start)
    return Coverage(
        start=start,
        end=year_end,
        steps=(
            step("缴费到账日", "contribution arrived", str(paid)),
            step(
                "参保职工自缴费到账次日起享受待遇",
                "employees are covered from the day after the contribution arrives",
                str(start),
                cite=CITE_START,
            ),
        ),
    )


def _retroactive(
    case: Case, paid: dt.date, end: dt.date, gap_months: Param, zh: str, en: str
) -> Coverage:
    """§三(二): a break of at most ``coverage.interruption_months``, back-paid, keeps
    cover from the start of the year (待遇追溯享受)."""
    return Coverage(
        start=case.year_start,
        end=end,
        steps=(
            step("本年度缴费到账", "this year's contribution arrived", str(paid)),
            step(zh, en, str(case.year_start), cite=gap_months),
        ),
    )


@dataclass(frozen=True)
class _Span:
    """One break of contributions as the year sees it: when it began (perhaps last
    year), when its arrears were paid back, and from when contributions ran again."""

    begins: dt.date
    paid_back: dt.date | None
    resumed: dt.date | None
    """The day contributions ran again (the back-payment, or the month after the last
    unpaid month, or — for a break from last year — this year's first payment)."""
    months: str


def with_breaks(case: Case, record: Enrollment | None, cover: Coverage) -> Coverage:
    """``cover`` after the breaks of contributions that reach into the year, in order:
    one begun last year and still unpaid at its end, then the year's own (§三(一)(二)(三))."""
    spans = _spans(case, record)
    if cover.start is None or not spans:
        return cover
    gap_months = case.param("coverage.interruption_months")
    wait = case.param("coverage.flexible_waiting_months")
    flexible = case.person.employment == "flexible"
    start: dt.date | None = cover.start
    steps = list(cover.steps)
    suspended: list[Suspension] = []
    for span in spans:
        if start is None:
            break
        if flexible and span.begins < start:
            start = _restarted_wait(case, span, wait, steps)
            continue
        suspension = _suspension(case, span, gap_months, wait, flexible, steps)
        if suspension is not None:
            suspended.append(suspension)
    return Coverage(
        start=start,
        end=cover.end if start is not None else None,
        steps=tuple(steps),
        suspended=tuple(suspended),
    )


def _spans(case: Case, record: Enrollment | None) -> list[_Span]:
    """The breaks that reach into the scenario year, as :class:`_Span`."""
    out = []
    previous = case.scenario.enrollment_in(case.year - 1)
    if previous is not None and previous.scheme == "employee" and previous.breaks:
        last = previous.breaks[-1]
        open_at_end = last.last_month in (None, 12) and (
            last.paid_on is None or last.paid_on.year > previous.year
        )
        if open_at_end:
            resumed = last.paid_on or (record.paid_on if record is not None else None)
            out.append(
                _Span(
                    begins=previous.month_start(last.first_month),
                    paid_back=last.paid_on,
                    resumed=resumed,
                    months=f"{previous.year}年{_months(last)}",
                )
            )
    for brk in record.breaks if record is not None else ():
        out.append(
            _Span(
                begins=record.month_start(brk.first_month),  # type: ignore[union-attr]
                paid_back=brk.paid_on,
                resumed=_resumed(record, brk),  # type: ignore[arg-type]
                months=_months(brk),
            )
        )
    return out


def _months(brk: ContributionBreak) -> str:
    if brk.last_month is None:
        return f"{brk.first_month}月起"
    if brk.last_month == brk.first_month:
        return f"{brk.first_month}月"
    return f"{brk.first_month}–{brk.last_month}月"


def _resumed(record: Enrollment, brk: ContributionBreak) -> dt.date | None:
    """The day contributions ran again: the back-payment, else the first day of the
    month after the break's last month; ``None``: not in this year."""
    if brk.paid_on is not None:
        return brk.paid_on
    if brk.last_month is not None and brk.last_month < 12:
        return record.month_start(brk.last_month + 1)
    return None


def _restarted_wait(case: Case, span: _Span, wait: Param, steps: list[Step]) -> dt.date | None:
    """§三(一): a flexible worker's break inside the first-time wait counts as a first
    enrolment again: the wait runs afresh from the month contributions resume."""
    resumed = span.resumed.replace(day=1) if span.resumed is not None else None
    start = add_months(resumed, wait.integer) if resumed is not None else None
    if start is not None and start.year > case.year:
        start = None
    steps.append(
        step(
            f"待遇等待期内中断缴费（{span.months}），续缴后视作首次参保，等待期重新计算",
            f"a break ({span.months}) inside the waiting period: the wait starts afresh "
            "when contributions resume",
            str(start) if start is not None else "本年度未续缴 not resumed this year",
            cite=CITE_START,
        )
    )
    return start


def _suspension(
    case: Case,
    span: _Span,
    gap_months: Param,
    wait: Param,
    flexible: bool,
    steps: list[Step],
) -> Suspension | None:
    """What a break after cover began does: nothing when paid back within
    ``coverage.interruption_months`` of its start (retroactive), else a suspension from
    the month after it began until cover resumes."""
    stop = max(add_months(span.begins, 1), case.year_start)
    year_end = dt.date(case.year, 12, 31)
    months = span.months
    paid = span.paid_back
    if paid is not None and paid <= add_months(span.begins, gap_months.integer):
        steps.append(
            step(
                f"中断缴费（{months}），{gap_months.integer}个月内补缴：中断期间待遇追溯享受",
                f"break ({months}) paid back within {gap_months.integer} months: cover "
                "restored retroactively",
                str(paid),
                cite=gap_months,
            )
        )
        return None
    if stop > year_end:
        return None
    if flexible:
        back = (
            add_months(span.resumed.replace(day=1), wait.integer)
            if span.resumed is not None
            else None
        )
        end = back - ONE_DAY if back is not None and back <= year_end else None
        why_zh = (
            f"中断缴费超过{gap_months.integer}个月或未补缴："
            f"续缴后足额连续缴纳{wait.integer}个月的次月起恢复"
        )
        why_en = (
            f"break over {gap_months.integer} months or not paid back: cover resumes the "
            f"month after {wait.integer} full months paid from when contributions resume"
        )
        shown = str(back) if end is not None else "本年度未恢复 not this year"
        return Suspension(
            start=stop,
            end=end,
            steps=(step(f"{why_zh}（{months}）", why_en, shown, cite=wait),),
        )
    resumed = span.resumed
    end = resumed if resumed is not None and resumed < year_end else None
    if resumed is None:
        zh, en, shown = "欠费未补缴：待遇暂停", "arrears not paid back: benefits suspended", "—"
    else:
        zh = f"开始欠费中断超过{gap_months.integer}个月：自缴费到账次日起享受"
        en = f"arrears over {gap_months.integer} months: covered from the day after payment"
        shown = str(resumed + ONE_DAY)
    return Suspension(
        start=stop,
        end=end,
        liable="employer",
        liable_zh="用人单位",
        liable_en="employer",
        layers=INSURANCE_LAYERS,
        steps=(
            step(
                f"用人单位欠费（{months}），自中断次月起暂停待遇",
                "employer in arrears: benefits suspended from the next month",
                str(stop),
                cite=CITE_BREAK,
            ),
            step(zh, en, shown, cite=gap_months),
            step(
                "暂停期间基金支付范围内费用由用人单位承担",
                "meanwhile the employer pays what the insurance would",
                "✓",
                cite=CITE_BREAK,
            ),
        ),
    )
