"""Who may enrol, in which category, and what they pay (常州 residents 2025, §一, §二).

Categories (参保人员缴费类型): ``elderly`` 老年居民, ``non_working`` 非从业居民,
``university`` 大学生, ``minor`` 未成年居民.
"""

from __future__ import annotations

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.money import ZERO
from yibao.results import Eligibility, Premium, PremiumPart

CITE_SCOPE = "changzhou-resident-2025 §一(二)"
CITE_PREMIUM = "changzhou-resident-2025 §一(三)"

CATEGORIES = {
    "elderly": ("老年居民", "elderly resident"),
    "non_working": ("非从业居民", "non-working resident"),
    "university": ("大学生", "university student"),
    "minor": ("未成年居民", "minor"),
}


@hookimpl
def yibao_category(case: Case) -> tuple[str, str, str]:
    """Derive the category from the facts; an explicit ``person.category`` wins.

    University students and minors (under 18, or an over-18 school student who
    certified, §二(二)3) follow from the facts. The source does not publish the age
    that makes an adult 老年居民, so for other adults the category must be stated.
    """
    stated = case.stated_category(CATEGORIES)
    if stated is not None:
        return stated
    person = case.person
    age = person.age_on(case.year_start)
    minor = case.param("category.minor_age").integer
    if person.student == "university":
        code = "university"
    elif age < minor or (person.student == "school" and fact(person, "student_certified")):
        code = "minor"
    else:
        min_age = case.find_param("category.elderly_min_age")
        if min_age is None:
            # Raises with the declared reason: the result says what is missing.
            case.param("category.elderly_min_age")
        code = "elderly" if age >= min_age.integer else "non_working"  # type: ignore[union-attr]
    return (code, *CATEGORIES[code])


@hookimpl
def yibao_eligibility(case: Case) -> Eligibility:
    """§一(二): the six groups, outside the employee scheme's scope."""
    person = case.person
    here = case.region.code
    steps = []
    if person.employment in ("employee", "retired"):
        steps.append(
            step(
                "属于职工医保覆盖范围",
                "within the employee scheme's scope",
                person.employment,
                cite=CITE_SCOPE,
            )
        )
        return _answer(case, False, steps)
    previously_here = any(e.region == here and e.year < case.year for e in case.scenario.enrollment)
    age = person.age_on(case.year_start)
    groups = [
        (person.hukou == here, "具有本市户籍", "household registration here", "1"),
        (
            person.residence_permit == here and previously_here,
            "持本市居住证且既往曾参加本市医保",
            "residence permit here and insured here before",
            "2",
        ),
        (
            person.student == "university" and person.study_region in (here, None),
            "本市高等院校在校在籍大学生",
            "university student here",
            "3",
        ),
        (
            person.student == "school" and person.study_region == here,
            "本市中小学、职业高中、技校在校在籍学生",
            "school student here",
            "4",
        ),
        (
            age < case.param("category.minor_age").integer
            and person.residence_permit == here
            and not person.insured_elsewhere,
            "持本市居住证、未参加其他地区医保的未成年人",
            "minor with a residence permit here, insured nowhere else",
            "5",
        ),
        (
            person.hmt_resident and person.residence_permit == here and person.employment == "none",
            "本市居住的未就业港澳台居民",
            "unemployed Hong Kong/Macao/Taiwan resident living here",
            "6",
        ),
    ]
    for ok, zh, en, item in groups:
        if ok:
            steps.append(
                step(f"参保对象第{item}类：{zh}", f"group {item}: {en}", "✓", cite=CITE_SCOPE)
            )
            return _answer(case, True, steps)
    if person.residence_permit == here and not previously_here:
        steps.append(
            step(
                "持本市居住证但既往未参加本市医保",
                "residence permit here but never insured here",
                "✗",
                cite=CITE_SCOPE,
            )
        )
    else:
        steps.append(step("不属于六类参保对象", "in none of the six groups", "✗", cite=CITE_SCOPE))
    return _answer(case, False, steps)


def _answer(case: Case, eligible: bool, steps: list) -> Eligibility:
    code = case.category
    zh, en = CATEGORIES.get(code, (None, None)) if code else (None, None)
    return Eligibility(
        eligible=eligible, category=code, category_zh=zh, category_en=en, steps=tuple(steps)
    )


@hookimpl
def yibao_premium(case: Case) -> Premium:
    """§一(三): the individual contribution by category (含长期护理险 30 元); the 11
    assistance groups pay nothing themselves — the government pays their share."""
    code = case.category
    if code is None:
        raise NotPublished(
            key="premium",
            on=case.year_start,
            reason="the category is not known, so the contribution cannot be chosen; state "
            'person.category (e.g. category = "elderly")',
            reason_zh="参保类别未知，无法确定个人缴费标准；"
            '请填写 person.category（如 category = "elderly"）',
        )
    standard = case.param(_premium_key(case, code))
    ltc = case.param("premium.long_term_care")
    steps = [
        step(
            f"个人缴费标准（{CATEGORIES[code][0]}）",
            f"individual contribution ({code})",
            standard.money,
            cite=standard,
        ),
        step("其中长期护理保险", "of which long-term care insurance", ltc.money, cite=ltc),
        step(
            "其中基本医疗保险",
            "of which basic medical insurance",
            standard.money - ltc.money,
            cite=standard,
        ),
    ]
    government_pays = case.param("premium.government_pays")
    groups = [g for g in case.person.assistance if g in government_pays.value]
    subsidy_gap = case.params.gap("premium.government_subsidy")
    subsidy = PremiumPart(
        payer="government",
        amount=None,
        label_zh="财政补助（未公布）",
        label_en="government subsidy (not published)",
    )
    if groups:
        steps.append(
            step(
                "医疗救助对象：个人缴费部分由政府承担",
                "assistance recipient: the government pays the individual share",
                ", ".join(groups),
                cite=government_pays,
            )
        )
        parts = (
            PremiumPart(payer="individual", amount=ZERO, label_zh="个人", label_en="individual"),
            PremiumPart(
                payer="government",
                amount=standard.money,
                label_zh="政府承担个人缴费部分",
                label_en="government pays the individual share",
            ),
            subsidy,
        )
        return Premium(individual=ZERO, parts=parts, steps=tuple(steps))
    if subsidy_gap is not None:
        steps.append(
            step("财政补助", "government subsidy", "未公布 not published", cite=subsidy_gap.cite)
        )
    parts = (
        PremiumPart(
            payer="individual", amount=standard.money, label_zh="个人", label_en="individual"
        ),
        subsidy,
    )
    return Premium(individual=standard.money, parts=parts, steps=tuple(steps))


def _premium_key(case: Case, code: str) -> str:
    if code != "non_working":
        return f"premium.{code}"
    district = case.person.district
    for group in ("core", "outer"):
        if district in case.param(f"districts.{group}").value:
            return f"premium.non_working.{group}"
    raise NotPublished(
        key="person.district",
        on=case.year_start,
        reason="a non-working resident's contribution depends on the district; give "
        "person.district (wujin, jingkai, xinbei, tianning, zhonglou, liyang or jintan)",
        cite=CITE_PREMIUM,
    )
