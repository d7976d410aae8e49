"""Who may enrol, in which category, and who pays the individual share (第七条, 第九条).

Categories: ``resident`` 城乡居民 (everyone but university students), ``university``
大学生 (第七条(三)), and — stated only, because the model has no field for it —
``one_child`` 独生子女 (第九条(六); see docs/interpretations/xuzhou.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.money import ZERO, fmt_rate
from yibao.results import Eligibility, Notice, Premium, PremiumPart, Step

SOURCE = "xuzhou-resident-measures-2023"
CITE_SCOPE = f"{SOURCE} 第七条"

CATEGORIES = {
    "resident": ("城乡居民", "resident"),
    "university": ("大学生", "university student"),
    "one_child": ("独生子女（未满18周岁）", "only child under 18"),
}


def _is_university(case: Case) -> bool:
    person = case.person
    return person.student == "university" and person.study_region == case.region.code


@hookimpl
def yibao_category(case: Case) -> tuple[str, str, str]:
    """大学生 (第七条(三)) follow from the facts; ``one_child`` must be stated."""
    stated = case.stated_category(CATEGORIES)
    if stated is not None:
        return stated
    code = "university" if _is_university(case) else "resident"
    return (code, *CATEGORIES[code])


@hookimpl
def yibao_eligibility(case: Case) -> Eligibility:
    """第七条: three groups, outside the employee scheme; people drawing a pension from
    elsewhere who moved here after retiring are excluded (第七条 last paragraph)."""
    person = case.person
    here = case.region.code
    steps: list[Step] = []
    if person.insured_elsewhere:
        # 第二十条: no double enrolment. Not a bar to eligibility: people insured
        # elsewhere who move here are the very group of 第十条(四)(五); they must end
        # (transfer) the other insurance.
        case.notice(
            Notice(
                kind="warning",
                text_zh="参保人员不得重复参加基本医疗保险、不得重复享受待遇：须先办理外地参保关系的"
                "停保或转移接续",
                text_en="no one may be enrolled in basic medical insurance twice or draw "
                "benefits twice: the insurance elsewhere must be ended or transferred first",
                cite=f"{SOURCE} 第二十条",
            )
        )
    if person.employment == "retired":
        steps.append(
            step(
                "已享受异地退休金或养老金待遇、退休后户籍迁入的人员不属于参保范围",
                "drawing a pension from elsewhere and moved here after retiring: excluded",
                "retired",
                cite=f"{CITE_SCOPE}（末款）",
            )
        )
        return _answer(case, False, steps)
    if person.employment == "employee":
        steps.append(
            step(
                "应参加职工医保的人员",
                "within the employee scheme's compulsory scope",
                "employee",
                cite=f"{CITE_SCOPE}(一)",
            )
        )
        return _answer(case, False, steps)
    groups = [
        (person.hukou == here, "具有本市户籍的城乡居民", "household registration here", "(一)"),
        (
            person.student == "school" and person.study_region == here,
            "在本市就读的中小学生和幼儿园、托儿所学生（不受户籍限制）",
            "school or kindergarten pupil studying here (any registration)",
            "(一)",
        ),
        (
            person.residence_permit == here,
            "居住在本市的《江苏省居住证》持有人",
            "Jiangsu residence permit holder living here",
            "(二)",
        ),
        (
            _is_university(case),
            "本市全日制高等院校、职业学校在籍学生（大学生）",
            "full-time university or vocational student here",
            "(三)",
        ),
    ]
    for ok, zh, en, item in groups:
        if ok:
            steps.append(step(zh, en, "✓", cite=f"{CITE_SCOPE}{item}"))
            return _answer(case, True, steps)
    steps.append(
        step("不属于第七条规定的参保人员", "in none of the groups of 第七条", "✗", cite=CITE_SCOPE)
    )
    return _answer(case, False, steps)


def _answer(case: Case, eligible: bool, steps: list[Step]) -> Eligibility:
    code = case.category
    zh, en = CATEGORIES.get(code, (None, None)) if code else (None, None)
    return Eligibility(
        eligible=eligible, category=code, category_zh=zh, category_en=en, steps=tuple(steps)
    )


# -------------------------------------------------------------------------------------
# Premium 第九条
# -------------------------------------------------------------------------------------


class _Subsidy:
    """One subsidy the person qualifies for: who pays, how much of the share (None:
    the whole share), and why."""

    def __init__(
        self,
        payer: str,
        zh: str,
        en: str,
        cite: str,
        *,
        full: bool,
        amount_key: str | None = None,
    ) -> None:
        self.payer = payer
        self.zh = zh
        self.en = en
        self.cite = cite
        self.full = full
        self.amount_key = amount_key


def _assessed_on(case: Case) -> dt.date:
    """Age and status are read on the later of 1 January and the payment day."""
    record = case.scenario.enrollment_in(case.year)
    paid = record.paid_on if record is not None else None
    return max(paid, case.year_start) if paid is not None else case.year_start


def candidate_subsidies(case: Case) -> list[_Subsidy]:
    """Every subsidy of 第九条(二)–(七) the person qualifies for, in the article's order."""
    person = case.person
    on = _assessed_on(case)
    found: list[_Subsidy] = []
    fund_groups = case.param("premium.assistance_fund_groups")
    recipient = [a for a in person.assistance if a in fund_groups.value]
    university = case.category == "university"
    if recipient and not university:
        found.append(
            _Subsidy(
                "assistance_fund",
                f"医疗救助对象（{', '.join(recipient)}）：医疗救助基金全额资助",
                "medical-assistance recipient: the assistance fund pays the whole share",
                fund_groups.source_label,
                full=True,
            )
        )
    grade = case.param("premium.disability_max_grade")
    if person.disability_grade is not None and person.disability_grade <= grade.integer:
        found.append(
            _Subsidy(
                "government",
                f"{person.disability_grade}级残疾：政府全额补贴",
                f"disability grade {person.disability_grade}: the government pays the whole share",
                grade.source_label,
                full=True,
            )
        )
    age = case.param("premium.elderly_free_age")
    if person.age_on(on) >= age.integer:
        found.append(
            _Subsidy(
                "government",
                f"{age.integer}周岁及以上老年人：政府全额补贴",
                f"aged {age.integer} or over: the government pays the whole share",
                age.source_label,
                full=True,
            )
        )
    if "rural_family_planning" in person.assistance:
        found.append(
            _Subsidy(
                "government",
                "农村计划生育家庭奖励、扶助对象：按徐州市人民政府令第127号筹集",
                "rural family-planning household: funded under Xuzhou Government Order 127",
                f"{SOURCE} 第九条(五)",
                full=False,
                amount_key="premium.rural_family_planning.subsidy",
            )
        )
    if recipient and university:
        found.append(
            _Subsidy(
                "government",
                "医疗救助对象大学生：按高校隶属关系由同级财政资助",
                "university student who is an assistance recipient: funded by the "
                "university's level of government",
                f"{SOURCE} 第九条(七)",
                full=False,
                amount_key="premium.university_assistance.subsidy",
            )
        )
    return found


@hookimpl
def yibao_premium(case: Case) -> Premium:
    """第九条: the individual share (amount from the yearly notice, 第九条(一)); the most
    favourable single subsidy (第九条(八)); one-child minors reimbursed by the parents'
    employers (第九条(六)); university students pay themselves (第九条(七))."""
    steps: list[Step] = []
    key = "premium.university" if case.category == "university" else "premium.standard"
    standard = case.find_param(key)
    if standard is not None:
        share: Decimal | None = standard.money
        steps.append(step("个人缴费标准", "individual contribution", standard.money, cite=standard))
    else:
        share = None
        try:
            case.param(key)
        except NotPublished as exc:
            notice = case.not_published(exc)
            steps.append(
                step(
                    "个人缴费标准：已加载的政策来源未公布",
                    "individual contribution: not published in the loaded sources",
                    key,
                    cite=notice.cite,
                )
            )
    if case.category == "university":
        steps.append(
            step(
                "大学生个人缴费原则上由本人和家庭负担",
                "university students pay their share themselves",
                "✓",
                cite=f"{SOURCE} 第九条(七)",
            )
        )
    subsidy_part = _government_subsidy(case, steps)
    chosen = _choose(case, candidate_subsidies(case), share, steps)
    parts: list[PremiumPart] = []
    if chosen is None:
        individual = share
        individual, employer = _one_child(case, individual, steps)
        if employer is not None:
            parts.append(employer)
    elif chosen.full:
        individual = ZERO
        parts.append(
            PremiumPart(payer=chosen.payer, amount=share, label_zh=chosen.zh, label_en=chosen.en)  # type: ignore[arg-type]
        )
    else:
        amount = case.find_param(chosen.amount_key)  # type: ignore[arg-type]
        if amount is None:
            try:
                case.param(chosen.amount_key)  # type: ignore[arg-type]
            except NotPublished as exc:
                case.not_published(exc)
            individual = None
            parts.append(
                PremiumPart(
                    payer=chosen.payer,  # type: ignore[arg-type]
                    amount=None,
                    label_zh=f"{chosen.zh}（金额未公布）",
                    label_en=f"{chosen.en} (amount not published)",
                )
            )
        else:
            covered = amount.money if share is None else min(amount.money, share)
            individual = None if share is None else share - covered
            parts.append(
                PremiumPart(
                    payer=chosen.payer,  # type: ignore[arg-type]
                    amount=covered,
                    label_zh=chosen.zh,
                    label_en=chosen.en,
                )
            )
    parts.insert(
        0,
        PremiumPart(payer="individual", amount=individual, label_zh="个人", label_en="individual"),
    )
    parts.append(subsidy_part)
    steps.append(
        step(
            "个人实际缴纳",
            "the person pays",
            individual if individual is not None else "未公布 not published",
        )
    )
    _school_deadline(case)
    steps += _refund(case, individual)
    return Premium(individual=individual, parts=tuple(parts), steps=tuple(steps))


def _school_deadline(case: Case) -> None:
    """第八条(五): a school registers its students and pays their contributions by 30
    November. A later payment is flagged; it is still in the central period (第八条(四))
    until 31 December, so cover does not change."""
    record = case.scenario.enrollment_in(case.year)
    if record is None or record.paid_on is None or fact(record, "paid_by") != "school":
        return
    month = case.param("school.deadline.month")
    day = case.param("school.deadline.day")
    deadline = dt.date(case.year - 1, month.integer, day.integer)
    if record.paid_on <= deadline:
        return
    case.notice(
        Notice(
            kind="warning",
            key="school.deadline",
            text_zh=f"学校应于每年{month.integer}月{day.integer}日前统一上缴大学生医疗保险费；"
            f"本次到账{record.paid_on}",
            text_en=f"the school must pay its students' contributions by {deadline}; this one "
            f"arrived on {record.paid_on}",
            cite=month.source_label,
        )
    )


def _refund(case: Case, individual: Decimal | None) -> list[Step]:
    """第八条(四): once the benefit period has begun, a stop or withdrawal refunds
    nothing; a duplicate payment or a death before it begins is refunded to the person
    or the heirs. A stop or withdrawal before it begins the measures do not settle."""
    record = case.scenario.enrollment_in(case.year)
    reason = fact(record, "refund_reason") if record is not None else None
    if reason is None:
        return []
    day = fact(record, "refund_on")
    cite = f"{SOURCE} 第八条(四)"
    if day is None:
        return [
            step(
                "能否退费取决于是否已进入待遇享受期：请给出停保、退保、重复缴费或死亡日期",
                "a refund depends on whether benefits had begun: give refund_on",
                "—",
                cite=cite,
            )
        ]
    cover = case.hook.yibao_coverage(case=case)
    start = cover.start if cover is not None else None
    began = start is not None and day >= start
    if cover is not None and start is None and cover.earliest is not None:
        if day < cover.earliest:
            began = False
        elif cover.latest is None or day < cover.latest:
            return [
                step(
                    "待遇享受期开始日未定：能否退费未定",
                    "the benefit start is not known, so neither is the refund",
                    f"{cover.earliest} – {cover.latest or '?'}",
                    cite=cite,
                )
            ]
        else:
            began = True
    amount = individual if individual is not None else "未公布 not published"
    if began:
        _stated(
            case,
            "premium.refund.refused",
            "已进入待遇享受期：缴纳的参保费用不予退回",
            "the benefit period had begun: nothing is refunded",
            cite,
        )
        return [
            step(
                f"{day}已进入待遇享受期（{start}起）：停保、退保时缴纳的参保费用不予退回",
                "the benefit period had begun: the contribution is not refunded",
                "0.00",
                cite=cite,
            )
        ]
    refunded = case.param("premium.refund.before_benefits")
    stop = case.find_param("premium.refund.stop_before_benefits")
    if reason in refunded.value or (stop is not None and stop.value):
        rule = refunded if reason in refunded.value else stop
        _stated(
            case,
            "premium.refund.granted",
            "待遇享受期开始前退出参保：可以申请退费",
            "left before benefits began: refunded",
            cite,
        )
        return [
            step(
                "待遇享受期开始前重复缴费或者死亡：终止参保关系，本人、继承人可以申请退费",
                "before benefits begin: the relation ends and the person or heirs may "
                "ask for a refund",
                amount,
                cite=rule,  # type: ignore[arg-type]
            )
        ]
    if stop is not None:  # an overlay settles it: not refunded
        _stated(
            case,
            "premium.refund.refused",
            "待遇享受期开始前停保、退保：不予退费",
            "a stop or withdrawal before benefits began: nothing is refunded",
            cite,
        )
        return [step("停保、退保不予退费", "not refunded", "0.00", cite=stop)]
    notice = case.not_published(
        case.params.not_published("premium.refund.stop_before_benefits", case.year_start)
    )
    return [
        step(
            "待遇享受期开始前停保、退保：是否退费未规定",
            "a stop or withdrawal before benefits begin: whether it is refunded is not published",
            "未公布 not published",
            cite=notice.cite,
        )
    ]


def _stated(case: Case, key: str, zh: str, en: str, cite: str) -> None:
    case.notice(Notice(kind="stated", key=key, text_zh=zh, text_en=en, cite=cite))


def _government_subsidy(case: Case, steps: list[Step]) -> PremiumPart:
    subsidy = case.find_param("premium.government_subsidy")
    if subsidy is not None:
        steps.append(
            step("财政补助（人均）", "government subsidy per person", subsidy.money, cite=subsidy)
        )
        return PremiumPart(
            payer="government",
            amount=subsidy.money,
            label_zh="财政补助",
            label_en="government subsidy",
        )
    gap = case.params.gap("premium.government_subsidy")
    steps.append(
        step("财政补助", "government subsidy", "未公布 not published", cite=gap.cite if gap else "")
    )
    return PremiumPart(
        payer="government",
        amount=None,
        label_zh="财政补助（未公布）",
        label_en="government subsidy (not published)",
    )


def _choose(
    case: Case, found: list[_Subsidy], share: Decimal | None, steps: list[Step]
) -> _Subsidy | None:
    """第九条(八): 就高不就低，不得重复享受 — a full subsidy beats any partial one; among
    equals the first in the article's order is shown as the one applied."""
    if not found:
        return None
    for s in found:
        steps.append(step(f"符合：{s.zh}", f"qualifies: {s.en}", "✓", cite=s.cite))
    if len(found) == 1:
        return found[0]

    def value(s: _Subsidy) -> Decimal | None:
        if s.full:
            return share if share is not None else Decimal("Infinity")
        p = case.find_param(s.amount_key)  # type: ignore[arg-type]
        return None if p is None else p.money

    full = [s for s in found if s.full]
    if full:
        chosen = full[0]
    else:
        known = [(value(s), i, s) for i, s in enumerate(found) if value(s) is not None]
        chosen = max(known, key=lambda t: (t[0], -t[1]))[2] if known else found[0]
    steps.append(
        step(
            "多项补助就高不就低，不得重复享受：适用",
            "several subsidies: the most favourable one applies, never two",
            chosen.zh,
            cite=f"{SOURCE} 第九条(八)",
        )
    )
    return chosen


def _one_child(
    case: Case, individual: Decimal | None, steps: list[Step]
) -> tuple[Decimal | None, PremiumPart | None]:
    """第九条(六): a stated ``one_child`` under 18 has the share reimbursed by the parents'
    employers (50% each, or 100% by the one with an employer)."""
    if case.category != "one_child":
        return individual, None
    max_age = case.param("premium.one_child.max_age")
    each = case.param("premium.one_child.employer_share")
    if case.person.age_on(_assessed_on(case)) >= max_age.integer:
        steps.append(
            step(
                f"独生子女已满{max_age.integer}周岁：单位不再报销",
                f"only child aged {max_age.integer} or over: no employer reimbursement",
                "✗",
                cite=max_age,
            )
        )
        return individual, None
    steps.append(
        step(
            f"独生子女个人缴费由父母双方单位各报销{fmt_rate(each.rate)}"
            "（一方无单位的由另一方全额报销）",
            "only child: the parents' employers reimburse the share (half each, or all by "
            "the one with an employer)",
            individual if individual is not None else "未公布 not published",
            cite=each,
        )
    )
    part = PremiumPart(
        payer="employer",
        amount=individual,
        label_zh="父母单位报销",
        label_en="reimbursed by the parents' employers",
    )
    return ZERO, part
