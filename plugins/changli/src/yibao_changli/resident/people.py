"""Who may enrol, the documents they register with, and what they pay (昌黎 2025,
changli-resident-2025 一, 二, 五, 七)."""

from __future__ import annotations

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Enrollment
from yibao.results import Eligibility, Notice, Premium, PremiumPart, Step

from yibao_changli.facts import ACCOUNT_HOLDER

CITE_PREMIUM = "changli-resident-2025 一"
CITE_REGISTRATION = "changli-resident-2025 二"
CITE_SCOPE = "changli-resident-2025 五"
CITE_FUNDING = "changli-resident-2025 七"

# 二(一)–(四): the documents each group brings to register (a checklist, not a number).
DOCUMENTS = {
    "resident": (
        "本县户籍、在本县长期居住的非本县户籍人员：参保人身份证或户口本",
        "county residents (registered or long-term): ID card or household register",
        "changli-resident-2025 二(一)",
    ),
    "hmt": (
        "港澳台人员：港澳居民来往内地通行证及港澳台居民居住证",
        "Hong Kong, Macao, Taiwan residents: mainland travel permit and residence permit",
        "changli-resident-2025 二(二)",
    ),
    "foreigner": (
        "外籍人员：护照及外国人永久居留证",
        "foreign nationals: passport and foreign permanent residence card",
        "changli-resident-2025 二(三)",
    ),
    "newborn": (
        "新生儿：户口簿首页、本人页",
        "newborns: household register front page and the child's own page",
        "changli-resident-2025 二(四)",
    ),
}


def _is_newborn(case: Case) -> bool:
    """Born in the scenario year, or under one year old on 1 January of it."""
    person = case.person
    return person.birth_date.year >= case.year or person.age_on(case.year_start) < 1


def _document_group(case: Case) -> str:
    person = case.person
    if person.foreigner_permanent_residence:
        return "foreigner"
    if person.hmt_resident:
        return "hmt"
    if _is_newborn(case):
        return "newborn"
    return "resident"


@hookimpl
def yibao_eligibility(case: Case) -> Eligibility:
    """五: no household-registration restriction for anyone outside the employee scheme
    and outside another city's resident scheme; 二: who must register, with what."""
    person = case.person
    steps: list[Step] = [
        step(
            "参加城乡居民医保不受户籍限制",
            "no household-registration restriction",
            person.hukou or "—",
            cite=CITE_SCOPE,
        )
    ]
    if person.employment in ("employee", "retired"):
        steps.append(
            step(
                "已参加（应参加）职工医保：不参加居民医保",
                "in the employee scheme: not for the residents' scheme",
                person.employment,
                cite=CITE_SCOPE,
            )
        )
        return Eligibility(eligible=False, steps=tuple(steps))
    if person.insured_elsewhere:
        steps.append(
            step(
                "已参加其他地区居民医保：须先暂停其他地区参保，方可在本县参保并享受待遇",
                "insured in another region's residents' scheme: must suspend it first",
                "✗",
                cite=CITE_SCOPE,
            )
        )
        return Eligibility(eligible=False, steps=tuple(steps))
    steps.append(
        step(
            "未参加职工医保或其他地市居民医保",
            "in neither the employee scheme nor another city's residents' scheme",
            "✓",
            cite=CITE_SCOPE,
        )
    )
    before = case.scenario.enrollment_in(case.year - 1)
    if before is not None and before.region == case.region.code and before.scheme == "resident":
        steps.append(
            step(
                f"已参加{case.year - 1}年度居民医保：无须办理参保登记，可直接缴费",
                f"enrolled for {case.year - 1}: no new registration, pay directly",
                "✓",
                cite=CITE_REGISTRATION,
            )
        )
        return Eligibility(eligible=True, steps=tuple(steps))
    group = _document_group(case)
    zh, en, cite = DOCUMENTS[group]
    steps.append(
        step(
            f"未参加{case.year - 1}年度居民医保：须先办理参保登记",
            f"not enrolled for {case.year - 1}: register first",
            zh,
            cite=cite,
        )
    )
    case.notice(
        Notice(
            kind="checklist",
            text_zh=f"参保登记材料 — {zh}（线上：“河北税务”微信公众号；线下：居住地村（居）委会）",
            text_en=f"registration documents — {en} (online: the Hebei Tax WeChat account; "
            "in person: the village or residents' committee where you live)",
            cite=cite,
        )
    )
    return Eligibility(eligible=True, steps=tuple(steps))


@hookimpl
def yibao_premium(case: Case) -> Premium:
    """一: 400 a person; 七: funding 1,070 of which 670 government subsidy; special
    groups follow documents the source does not include; 四, 六: who pays it over."""
    return paid_through(case, _premium(case))


def _premium(case: Case) -> Premium:
    individual = case.param("premium.individual")
    subsidy = case.param("premium.government_subsidy")
    total = case.param("premium.funding_total")
    steps = [
        step("筹资标准", "funding per person", total.money, cite=total),
        step("财政补助", "government subsidy", subsidy.money, cite=subsidy),
        step("个人缴费标准", "individual contribution", individual.money, cite=individual),
        step(
            f"核对：{individual.money} + {subsidy.money} = {individual.money + subsidy.money}",
            "check: individual + subsidy = funding",
            "✓" if individual.money + subsidy.money == total.money else "✗",
            cite=CITE_FUNDING,
        ),
    ]
    government = PremiumPart(
        payer="government", amount=subsidy.money, label_zh="财政补助", label_en="government subsidy"
    )
    statuses = case.person.assistance
    if statuses:
        named = case.param("premium.special_groups")
        listed = [s for s in statuses if s in named.value]
        steps.append(
            step(
                "特殊群体参保资助：按省、市、县相关文件执行（未收录，个人缴费部分未公布）",
                "special group: subsidised under documents not among the sources",
                ", ".join(statuses),
                cite=named,
            )
        )
        if not listed:
            steps.append(
                step(
                    "该身份未在“特困、低保、建档立卡脱贫人口等”中点名，是否属特殊群体未公布",
                    "status not named among the special groups (the list ends in 等)",
                    ", ".join(statuses),
                    cite=named,
                )
            )
        if len(statuses) > 1:
            steps.append(
                step(
                    "多重特殊身份：按就高不就低原则享受一项参保资助，不得重复资助",
                    "several statuses: only the single most favourable subsidy, never two",
                    len(statuses),
                    cite=CITE_FUNDING,
                )
            )
        gap = case.params.gap("premium.special_groups.individual")
        case.not_published(
            NotPublished(
                key="premium.special_groups.individual",
                on=case.year_start,
                reason=gap.reason if gap else "not in the loaded sources",
                cite=CITE_FUNDING,
            )
        )
        parts = (
            PremiumPart(
                payer="individual",
                amount=None,
                label_zh="个人（特殊群体，未公布）",
                label_en="individual (special group, not published)",
            ),
            government,
            PremiumPart(
                payer="assistance_fund",
                amount=None,
                label_zh="参保资助（未公布）",
                label_en="enrolment subsidy (not published)",
            ),
        )
        return Premium(individual=None, parts=parts, steps=tuple(steps))
    parts = (
        PremiumPart(
            payer="individual", amount=individual.money, label_zh="个人", label_en="individual"
        ),
        government,
    )
    return Premium(individual=individual.money, parts=parts, steps=tuple(steps))


# -------------------------------------------------------------------------------------
# Who pays the share over: a collecting agent (四) or a relative's account (六)
# -------------------------------------------------------------------------------------

RELATIONS = {v.code: (v.name_zh, v.name_en) for v in ACCOUNT_HOLDER.values}


def paid_through(case: Case, premium: Premium) -> Premium:
    """The premium as the year's enrolment record says it was paid: through a school
    collecting for the tax office (四 委托代征), or from a close relative's employee
    personal account in Hebei (六 家庭共济)."""
    record = case.scenario.enrollment_in(case.year)
    channel = fact(record, "paid_by") if record is not None else None
    if channel is None:
        return premium
    if channel == "school":
        return _school(case, premium)
    return _relative(case, record, premium)  # type: ignore[arg-type]


def _school(case: Case, premium: Premium) -> Premium:
    students = case.param("premium.school_collection.students")
    if case.person.student not in students.value:
        case.notice(
            Notice(
                kind="warning",
                key="premium.school_collection.students",
                text_zh="学校代征限于其在校学生；按本人缴纳处理",
                text_en="a school collects for its students only: read as paid by the person",
                cite=students.source_label,
            )
        )
        return premium
    case.notice(
        Notice(
            kind="stated",
            key="premium.collected_by_school",
            text_zh="税务部门委托学校代征：个人缴费由学校代收",
            text_en="the school collects the share for the tax office",
            cite=students.source_label,
        )
    )
    return Premium(
        individual=premium.individual,
        parts=premium.parts,
        steps=(
            *premium.steps,
            step(
                "税务部门委托学校代征：个人缴费由学校代收（本人负担）",
                "the school collects the share for the tax office (the person bears it)",
                premium.individual if premium.individual is not None else "未公布 not published",
                cite=students,
            ),
        ),
    )


def _relative(case: Case, record: Enrollment, premium: Premium) -> Premium:
    """六: 河北省内参保职工 may pay for 亲属及近亲属 (配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、
    孙子女、外孙子女) once bound in 河北智慧医保; another relation or an account outside
    Hebei leaves the share the person's own."""
    relatives = case.param("premium.family_account.relatives")
    relation = fact(record, "account_holder")
    province = fact(record, "account_province")
    zh, en = RELATIONS.get(relation, ("亲属", "relative"))
    refused = None
    if relation is not None and relation not in relatives.value:
        refused = (
            "premium.family_account.relatives",
            f"{zh}不在可共济缴费的亲属（配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女）之列",
            f"a {en} is not among the relatives family pooling may pay for",
        )
    elif province is not None and province != case.region.province:
        refused = (
            "premium.family_account.province",
            f"账户持有人在{province}参加职工医保：限河北省内参保职工",
            f"the relative is insured in {province}: only Hebei employees may pay",
        )
    if refused is not None:
        key, why_zh, why_en = refused
        case.notice(
            Notice(
                kind="warning",
                key=key,
                text_zh=f"{why_zh}；个人缴费仍由本人缴纳",
                text_en=f"{why_en}: the person pays the share",
                cite=relatives.source_label,
            )
        )
        return premium
    if relation is None or province is None:
        case.notice(
            Notice(
                kind="warning",
                key="premium.family_account.binding",
                text_zh="未说明账户持有人关系或参保省份：按已在河北智慧医保办理共济绑定的近亲属处理",
                text_en="the relative's relation or province is not stated: read as a "
                "close relative bound for family pooling in Hebei",
                cite=relatives.source_label,
            )
        )
    return premium.with_share_paid_by(
        "family_account",
        f"{zh}的职工医保个人账户（家庭共济）",
        f"the {en}'s employee personal account (family pooling)",
        (
            step(
                f"河北省内参保职工个人账户共济缴费：{zh}",
                f"paid from a Hebei employee's personal account: {en}",
                premium.individual if premium.individual is not None else "未公布 not published",
                cite=relatives,
            ),
        ),
    )
