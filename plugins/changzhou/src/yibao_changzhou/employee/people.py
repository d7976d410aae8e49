"""Who may join, in which category and what they contribute (常州 employee scheme 2024,
§一, §二, §三(四)); from when they are covered is in :mod:`.coverage`.

Categories (人员类别): ``in_service`` 在职, ``retired`` 退休, ``veteran_pre_1949``
建国前老工人 (only when stated: the source does not say how it is derived).
"""

from __future__ import annotations

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.money import ZERO, apply_rate, fmt_rate
from yibao.params import Param
from yibao.results import Eligibility, Notice, Premium, PremiumPart, Step

SRC = "changzhou-employee-2024"
CITE_SCOPE = f"{SRC} §一"
CITE_RETIRE = f"{SRC} §三(四)"

CATEGORIES = {
    "in_service": ("在职人员", "employee in service"),
    "retired": ("退休人员", "retiree"),
    "veteran_pre_1949": ("建国前老工人", "pre-1949 veteran worker"),
}


@hookimpl
def yibao_category(case: Case) -> tuple[str, str, str]:
    """Retired people are 退休; everyone else 在职; 建国前老工人 only when stated."""
    stated = case.stated_category(CATEGORIES)
    if stated is not None:
        return stated
    person = case.person
    code = "retired" if person.employment == "retired" else "in_service"
    return (code, *CATEGORIES[code])


@hookimpl
def yibao_eligibility(case: Case) -> Eligibility:
    """§一: employees of employers here; flexible workers with Jiangsu household
    registration, or Hong Kong/Macao/Taiwan residents working flexibly in Jiangsu with
    a residence permit; retirees."""
    person = case.person
    jiangsu = case.param("eligibility.jiangsu_regions")
    steps: list[Step] = []
    eligible = False
    if person.employment == "employee":
        eligible = True
        steps.append(
            step(
                "本市用人单位的职工（应当参加职工医保）",
                "employee of an employer in the city (must join)",
                "✓",
                cite=CITE_SCOPE,
            )
        )
    elif person.employment == "retired":
        eligible = True
        steps.append(step("退休人员", "retiree", "✓", cite=CITE_RETIRE))
        steps += _retirement_steps(case)
    elif person.employment == "flexible":
        if person.hukou in jiangsu.value:
            eligible = True
            steps.append(
                step(
                    "我省户籍的灵活就业人员",
                    "flexible worker with Jiangsu household registration",
                    person.hukou,
                    cite=jiangsu,
                )
            )
        elif person.hmt_resident and person.residence_permit in jiangsu.value:
            eligible = True
            steps.append(
                step(
                    "在我省灵活就业且办理港澳台居民居住证的港澳台居民",
                    "HK/Macao/Taiwan resident working flexibly in Jiangsu with a residence permit",
                    person.residence_permit,
                    cite=jiangsu,
                )
            )
        else:
            steps.append(
                step(
                    "灵活就业人员非我省户籍（亦非在苏办理居住证的港澳台居民）",
                    "flexible worker without Jiangsu household registration",
                    person.hukou or "—",
                    cite=jiangsu,
                )
            )
    else:
        steps.append(
            step(
                "非职工、灵活就业或退休人员：不在职工医保参保范围",
                "neither employed, flexibly employed nor retired: outside the scheme",
                person.employment,
                cite=CITE_SCOPE,
            )
        )
    code = case.category
    zh, en = CATEGORIES.get(code, (None, None)) if code else (None, None)
    return Eligibility(
        eligible=eligible, category=code, category_zh=zh, category_en=en, steps=tuple(steps)
    )


def _min_years(case: Case):
    """The minimum contribution years for the person's sex, or ``None`` if unknown."""
    if case.person.sex is None:
        return None
    return case.param(f"retirement.min_years.{case.person.sex}")


def _years_short(case: Case) -> int | None:
    """Years short of the minimum (0 when met); ``None`` when it cannot be told."""
    need = _min_years(case)
    have = case.person.contribution_years
    if need is None or have is None:
        return None
    return max(need.integer - have, 0)


def _retirement_steps(case: Case) -> list[Step]:
    """§三(四): retiree benefits need 25 (men) / 20 (women) contribution years, or a
    one-off top-up at 8% of a base the source does not publish."""
    need = _min_years(case)
    have = case.person.contribution_years
    if need is None or have is None:
        men = case.param("retirement.min_years.male").integer
        women = case.param("retirement.min_years.female").integer
        case.notice(
            Notice(
                kind="warning",
                text_en=f"retiree benefits need the minimum contribution years (men {men}, "
                f"women {women}); give person.sex and person.contribution_years to check — "
                "assumed met",
                text_zh=f"享受退休待遇须满最低缴费年限（男{men}年、女{women}年）；"
                "未给出性别或缴费年限，按已满足处理",
                cite=CITE_RETIRE,
            )
        )
        return [
            step("最低缴费年限", "minimum contribution years", "未给出 not given", cite=CITE_RETIRE)
        ]
    short = max(need.integer - have, 0)
    steps = [
        step(
            f"最低缴费年限 {need.integer} 年，已缴 {have} 年",
            f"minimum {need.integer} years, contributed {have}",
            "✓" if short == 0 else f"差 {short} 年 short by {short}",
            cite=need,
        )
    ]
    if short:
        rate = case.param("retirement.top_up_rate")
        gap = case.params.gap("retirement.top_up_base")
        steps.append(
            step(
                f"须一次性补足 {short} 年后方可享受退休待遇：补缴费率{fmt_rate(rate.rate)}，"
                "补缴基数（最低缴费年限缴费基数）未公布",
                f"a one-off top-up of {short} years is needed first: {fmt_rate(rate.rate)} of a "
                "base (最低缴费年限缴费基数) the source does not publish",
                "未公布 not published",
                cite=rate,
            )
        )
        steps.append(_no_account_credit(case))
        case.notice(
            Notice(
                kind="warning",
                text_en=f"retiree benefits start only after a one-off top-up of {short} "
                f"contribution years at {fmt_rate(rate.rate)} of the minimum-years base, "
                "which the source does not publish; benefits below assume the top-up is made",
                text_zh=f"须一次性补足{short}年（费率{fmt_rate(rate.rate)}，基数未公布）后方可享受"
                "职工医保退休待遇；以下按已补足计算",
                key="retirement.top_up_base",
                cite=gap.cite if gap else CITE_RETIRE,
            )
        )
    return steps


def _no_account_credit(case: Case) -> Step:
    """§三(四): the one-off top-up is 不划拨个人账户 — nothing of it goes to a personal
    account. A fact the source states though no amount follows (the base is not
    published): the answer says it."""
    credited = case.param("retirement.top_up.personal_account")
    if not credited.value:
        case.notice(
            Notice(
                kind="stated",
                key="retirement.top_up.personal_account",
                text_zh="一次性补缴的职工医保费不划拨个人账户",
                text_en="the one-off top-up is not credited to a personal account",
                cite=credited.source_label,
            )
        )
    return step(
        "一次性补缴不划拨个人账户" if not credited.value else "一次性补缴划拨个人账户",
        "the top-up is not credited to a personal account"
        if not credited.value
        else "the top-up is credited to a personal account",
        "✗" if not credited.value else "✓",
        cite=credited,
    )


# -------------------------------------------------------------------------------------
# Contributions §二
# -------------------------------------------------------------------------------------


@hookimpl
def yibao_premium(case: Case) -> Premium:
    """§二(二)(三): employees 10.8% of the monthly base (employer 8.8%, employee 2%),
    the base clamped to the provincial limits; flexible workers 9% of the provincial
    lower limit, all personal; retirees who met the minimum years pay nothing."""
    employment = case.person.employment
    if employment == "retired":
        return _retiree_premium(case)
    lower, upper = _base_limits(case, both=employment != "flexible")
    months = case.param("premium.months")
    steps: list[Step] = []
    if employment == "flexible":
        base = lower.money
        steps.append(
            step(
                "灵活就业人员缴费基数 = 省公布的当年缴费基数下限（月）",
                "flexible worker's base = the province's lower limit (monthly)",
                base,
                cite=lower,
            )
        )
        if case.person.contribution_base is not None and case.person.contribution_base != base:
            steps.append(
                step(
                    "情形中给出的缴费基数不适用于灵活就业人员",
                    "the stated base does not apply to a flexible worker",
                    case.person.contribution_base,
                    cite=f"{SRC} §二(二)",
                )
            )
        rate = case.param("premium.rate.flexible")
        monthly = apply_rate(base, rate.rate)
        yearly = monthly * months.integer
        steps += [
            step(
                f"月缴费 = {base} × {fmt_rate(rate.rate)}（个人缴纳）",
                "monthly contribution (all personal)",
                monthly,
                cite=rate,
            ),
            step(
                f"年缴费 = {monthly} × {months.integer}",
                "yearly contribution",
                yearly,
                cite=months,
            ),
        ]
        parts = (
            PremiumPart(payer="individual", amount=yearly, label_zh="个人", label_en="individual"),
        )
        return Premium(individual=yearly, parts=parts, steps=tuple(steps))

    stated = case.person.contribution_base
    if stated is None:
        raise NotPublished(
            key="person.contribution_base",
            on=case.year_start,
            cite=f"{SRC} §二(二)",
            reason="an employee's contribution depends on the monthly base (本人上年月平均工资); "
            "give person.contribution_base",
        )
    base = min(max(stated, lower.money), upper.money)
    steps.append(step("本人申报月缴费基数", "stated monthly base", stated, cite=f"{SRC} §二(二)"))
    if base != stated:
        bound = lower if stated < lower.money else upper
        zh, en = (
            ("低于下限，按下限", "below the lower limit: raised to it")
            if bound is lower
            else (
                "高于上限，按上限",
                "above the upper limit: lowered to it",
            )
        )
        steps.append(step(f"缴费基数{zh}", f"base {en}", base, cite=bound))
    total = case.param("premium.rate.total")
    employer = case.param("premium.rate.employer")
    employee = case.param("premium.rate.employee")
    m_employer = apply_rate(base, employer.rate)
    m_employee = apply_rate(base, employee.rate)
    y_employer = m_employer * months.integer
    y_employee = m_employee * months.integer
    steps += [
        step(
            f"缴费比例 {fmt_rate(total.rate)}（单位{fmt_rate(employer.rate)} + 个人"
            f"{fmt_rate(employee.rate)}）",
            "contribution rate (employer + employee)",
            fmt_rate(total.rate),
            cite=total,
        ),
        step(
            f"单位月缴费 = {base} × {fmt_rate(employer.rate)}",
            "employer, monthly",
            m_employer,
            cite=employer,
        ),
        step(
            f"个人月缴费 = {base} × {fmt_rate(employee.rate)}",
            "employee, monthly",
            m_employee,
            cite=employee,
        ),
        step(f"单位年缴费 = {m_employer} × {months.integer}", "employer, yearly", y_employer),
        step(f"个人年缴费 = {m_employee} × {months.integer}", "employee, yearly", y_employee),
        step("合计年缴费", "total, yearly", y_employer + y_employee),
    ]
    parts = (
        PremiumPart(payer="employer", amount=y_employer, label_zh="用人单位", label_en="employer"),
        PremiumPart(payer="individual", amount=y_employee, label_zh="个人", label_en="employee"),
    )
    return Premium(individual=y_employee, parts=parts, steps=tuple(steps))


def _base_limits(case: Case, *, both: bool) -> tuple[Param, Param]:
    """The year's base limits (§二(二)); an employee's contribution needs both, a flexible
    worker's the lower only. When they are not published, each one missing is named."""
    keys = ("premium.base.lower", "premium.base.upper") if both else ("premium.base.lower",)
    found = [case.find_param(key) for key in keys]
    gaps = [
        case.params.not_published(key, case.year_start)
        for key, p in zip(keys, found, strict=True)
        if p is None
    ]
    for gap in gaps[1:]:
        case.not_published(gap)
    if gaps:
        raise gaps[0]
    return found[0], found[-1]  # type: ignore[return-value]


def _retiree_premium(case: Case) -> Premium:
    short = _years_short(case)
    if short:
        gap = case.params.gap("premium.retired")
        return Premium(
            individual=None,
            parts=(
                PremiumPart(
                    payer="individual",
                    amount=None,
                    label_zh="一次性补缴（基数未公布）",
                    label_en="one-off top-up (base not published)",
                ),
            ),
            steps=(
                step(
                    f"未满最低缴费年限：须一次性补足{short}年，补缴基数未公布",
                    f"{short} years short: a one-off top-up whose base is not published",
                    "未公布 not published",
                    cite=gap.cite if gap else CITE_RETIRE,
                ),
            ),
        )
    return Premium(
        individual=ZERO,
        parts=(
            PremiumPart(payer="individual", amount=ZERO, label_zh="个人", label_en="individual"),
        ),
        steps=(
            step(
                "满最低缴费年限的退休人员：享受退休待遇，不再缴费",
                "retiree with the minimum years: benefits without further contribution",
                ZERO,
                cite=CITE_RETIRE,
            ),
        ),
    )
