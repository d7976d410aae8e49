"""Who pays the person's share (item 二.1, 二.2) and who may enrol where recognised (二.1).

Both wrap the city's answer, as the province's waiting-period exemptions do: the city
says what the share is, the province says who may pay it over.
"""

from __future__ import annotations

from collections.abc import Generator

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Enrollment
from yibao.params import Param
from yibao.results import Eligibility, Notice, Premium, PremiumPart, Step

from yibao_jiangsu.facts import ACCOUNT_HOLDER

RELATIONS = {v.code: (v.name_zh, v.name_en) for v in ACCOUNT_HOLDER.values}


@hookimpl(wrapper=True)
def yibao_premium(case: Case) -> Generator[None, Premium | None, Premium | None]:
    """The city's premium, paid over by the school or a relative's account where the
    year's enrolment record says so and the rules allow it."""
    premium = yield
    record = case.scenario.enrollment_in(case.year)
    channel = fact(record, "paid_by") if record is not None else None
    if premium is None or channel is None:
        return premium
    if channel == "school":
        return collected_by_school(case, premium)
    return paid_by_relative(case, record, premium)  # type: ignore[arg-type]


def _rule(case: Case, key: str) -> Param | None:
    """The rule ``key`` for the scenario year, or ``None`` with a not-published notice."""
    found = case.find_param(key)
    if found is None:
        case.not_published(case.params.not_published(key, case.year_start))
    return found


def collected_by_school(case: Case, premium: Premium) -> Premium:
    """Students whose school collects the share and pays it over (代收代缴): the share is
    still the student's own; the answer says who pays it over."""
    students = _rule(case, "premium.school_collection.students")
    if students is None:
        return premium
    if case.person.student not in students.value:
        case.notice(
            Notice(
                kind="warning",
                key="premium.school_collection.students",
                text_zh="学校统一代收代缴限于在校学生；按本人缴纳处理",
                text_en="only students' schools collect the share: read as paid by the person",
                cite=students.source_label,
            )
        )
        return premium
    case.notice(
        Notice(
            kind="stated",
            key="premium.collected_by_school",
            text_zh="个人缴费部分由学校统一代收代缴",
            text_en="the school collects the student's share and pays it over",
            cite=students.source_label,
        )
    )
    parts = tuple(
        PremiumPart(
            payer="individual",
            amount=p.amount,
            label_zh="个人（学校代收代缴）",
            label_en="the student (collected and paid over by the school)",
        )
        if p.payer == "individual"
        else p
        for p in premium.parts
    )
    steps = (
        *premium.steps,
        step(
            "个人缴费部分由学校代收代缴（学生本人负担）",
            "the school collects the share and pays it over (the student bears it)",
            premium.individual if premium.individual is not None else "未公布 not published",
            cite=students,
        ),
    )
    return Premium(individual=premium.individual, parts=parts, steps=steps)


def paid_by_relative(case: Case, record: Enrollment, premium: Premium) -> Premium:
    """家庭共济: a close relative insured in the employee scheme in this province pays the
    share from their personal account; another relation, or an account in another
    province, leaves the share the person's own (the answer says why)."""
    relatives = _rule(case, "premium.family_account.relatives")
    if relatives is None:
        return premium
    refused = relative_refusal(case, record, relatives)
    if refused is not None:
        case.notice(refused)
        return premium
    return share_from_relative(case, record, premium, relatives)


def relative_refusal(case: Case, record: Enrollment, relatives: Param) -> Notice | None:
    """Why a relative's account may not pay this share (``None`` when it may): the
    relation is not one of ``relatives`` or the account is in another province.
    A relation or province not stated is read as allowed, with a warning: the pooling
    binding itself requires both."""
    relation = fact(record, "account_holder")
    province = fact(record, "account_province")
    here = case.region.province
    if relation is None or province is None:
        case.notice(
            Notice(
                kind="warning",
                key="premium.family_account.binding",
                text_zh="未说明账户持有人关系或参保省份：按已在本省办理家庭共济绑定的近亲属处理",
                text_en="the relative's relation or province is not stated: read as a close "
                "relative bound for family pooling in this province",
                cite=relatives.source_label,
            )
        )
    if relation is not None and relation not in relatives.value:
        zh, en = RELATIONS.get(relation, (relation, relation))
        return Notice(
            kind="warning",
            key="premium.family_account.relatives",
            text_zh=f"{zh}不属可以家庭共济代缴的近亲属；个人缴费仍由本人缴纳",
            text_en=f"a {en} is not a close relative who may pay through family pooling: "
            "the person pays the share",
            cite=relatives.source_label,
        )
    if province is not None and here is not None and province != here:
        return Notice(
            kind="warning",
            key="premium.family_account.province",
            text_zh=f"账户持有人在{province}参加职工医保，非本省：不能代缴（跨省共济未规定）；个人缴费仍由本人缴纳",
            text_en=f"the relative is insured in {province}, not in this province: their "
            "account cannot pay (no rule establishes cross-province pooling); the person pays",
            cite=relatives.source_label,
        )
    return None


def share_from_relative(
    case: Case, record: Enrollment, premium: Premium, relatives: Param
) -> Premium:
    """The premium with the share moved to the relative's account."""
    relation = fact(record, "account_holder")
    zh, en = RELATIONS.get(relation, ("近亲属", "close relative"))
    if premium.individual is not None and not premium.individual:
        return Premium(
            individual=premium.individual,
            parts=premium.parts,
            steps=(
                *premium.steps,
                step(
                    "个人无须缴费，家庭共济账户无须代缴",
                    "the person owes nothing: the relative's account pays nothing",
                    premium.individual,
                    cite=relatives,
                ),
            ),
        )
    steps: tuple[Step, ...] = (
        step(
            f"近亲属（{zh}）职工医保个人账户代缴（家庭共济）",
            f"paid from a close relative's ({en}) employee personal account (family pooling)",
            premium.individual if premium.individual is not None else "未公布 not published",
            cite=relatives,
        ),
    )
    return premium.with_share_paid_by(
        "family_account",
        f"近亲属（{zh}）职工医保个人账户",
        f"{en}'s employee personal account",
        steps,
    )


@hookimpl(wrapper=True)
def yibao_eligibility(case: Case) -> Generator[None, Eligibility | None, Eligibility | None]:
    """二.1: a student recognised as a subsidised-enrolment assistance recipient may
    choose to enrol in the resident scheme of the place that recognised them."""
    answer = yield
    if answer is None or answer.eligible:
        return answer
    person = case.person
    if (
        person.student == "none"
        or not person.assistance
        or person.employment != "none"
        or fact(person, "assistance_recognised_in") != case.region.code
    ):
        return answer
    record = case.scenario.enrollment_in(case.year)
    on = max(record.paid_on, case.year_start) if record and record.paid_on else case.year_start
    try:
        rule = case.param("eligibility.recognised_student", on)
    except NotPublished:
        return answer  # the province's rule is not in force for this enrolment
    return Eligibility(
        eligible=True,
        category=answer.category,
        category_zh=answer.category_zh,
        category_en=answer.category_en,
        steps=(
            *answer.steps,
            step(
                "被认定为资助参保救助对象的学生，可以选择参加认定地居民医保",
                "a student recognised for subsidised enrolment may enrol where recognised",
                ", ".join(person.assistance),
                cite=rule,
            ),
        ),
    )
