"""The scenario: one person, their enrolment history, life events and medical bills.

Everything here is a frozen msgspec Struct decoded straight from the scenario file, so
a wrong field is reported with its path (``$.claims[3].compliant``) before any rule
runs. Region-specific categories (常州's 老年居民, 大学生 …) are *derived* by the region
from these facts; ``person.category`` lets a user state one where a source does not
publish the rule that derives it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

import msgspec

from yibao.errors import bilingual
from yibao.money import ZERO, check_amount


class Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every input Struct.

    ``frozen``: inputs are values; ``kw_only`` (repeated on each subclass, as msgspec
    requires): field order never matters;
    ``forbid_unknown_fields``: a misspelt key is an error, never silently ignored.
    """


Scheme = Literal["resident", "employee"]
"""居民医保 (urban and rural residents) or 职工医保 (employees)."""

Sex = Literal["male", "female"]

Student = Literal["none", "school", "university"]
"""``school``: 中小学、职业高中、技校、中专 and kindergarten; ``university``: 高等院校
(including graduate students)."""

Employment = Literal["none", "employee", "flexible", "retired"]
"""``employee``: employed by an employer (in the employee scheme's compulsory scope);
``flexible``: 灵活就业; ``retired``: drawing a pension."""

Assistance = Literal[
    "minimum_living",  # 最低生活保障家庭成员 (低保)
    "extreme_poverty",  # 特困供养人员
    "temporary_major_illness",  # 临时救助对象中的重特大疾病患者
    "downsized_1960s_worker",  # 20世纪60年代精减退职职工
    "key_entitled_group",  # 重点优抚对象
    "child_in_difficulty",  # 困境儿童
    "orphan",  # 孤儿 (困境儿童)
    "unsupported_child",  # 事实无人抚养儿童 (困境儿童)
    "hardship_worker_family",  # 特困职工家庭成员
    "severely_disabled_no_income",  # 无固定收入重残人员
    "low_income_margin",  # 低保边缘家庭成员
    "expenditure_hardship_major_illness",  # 支出型困难家庭中的重特大疾病患者
    "other_designated",  # 市政府规定的其他特殊人员
]
"""Assistance and hardship statuses (医疗救助对象 and other subsidised groups) that every
region's scenario may state; a region adds its own words (:class:`yibao.facts.Words`)."""

ASSISTANCE: tuple[str, ...] = get_args(Assistance)

EventKind = Literal[
    "army_discharge",  # 退役 (veterans, and their accompanying unemployed family)
    "graduation",  # 高等院校、职业院校毕业
    "left_employee_scheme",  # 职工医保停保
    "hukou_move",  # 户籍迁移
    "prison_release",  # 刑满释放
    "became_assistance_recipient",  # 新增医疗救助对象
    "insurance_transfer",  # 转移接续 from another region
    "disability_certified",  # 一、二级残疾认定
    "university_admission",  # 新入学大学生
]
"""Life events that change when cover starts (waiting periods)."""

ClaimKind = Literal[
    "inpatient",  # 住院
    "general_outpatient",  # 普通门诊
    "chronic_outpatient",  # 门诊慢性病
    "special_outpatient",  # 门诊特殊病
    "dual_channel_drug",  # 国谈药“双通道”及单独支付药品、特定病药品
    "rare_disease_drug",  # 罕见病药品
    "maternity",  # 住院分娩
    "pku",  # 苯丙酮尿症 (phenylketonuria) treatment for minors
]

Care = Literal["local", "filed_residence", "emergency", "referral", "unreferred", "non_designated"]
"""Where care happened relative to the insuring region.

``local``: a designated institution in the region; ``filed_residence``: out of region
with long-term residence filed (异地长期居住备案); ``emergency``: out-of-region
emergency (异地急诊); ``referral``: referred out of region (转诊); ``unreferred``: out of
region without referral (未经转诊); ``non_designated``: a non-designated institution.
"""

Area = Literal["city", "province", "other_province"]
"""Where care happened, geographically: ``city``: in the insuring city (county);
``province``: elsewhere in its province (省内异地); ``other_province``: in another
province (跨省异地). A region whose sources tell these apart reads it; one whose sources
speak only of 市外 says which reading it used (docs/interpretations.md, "Care outside
the city")."""

Facility = Literal["primary", "hospital", "pharmacy"]
"""``primary``: 基层医疗机构 (community and township health centres, village clinics);
``hospital``: any other designated medical institution; ``pharmacy``: 定点零售药店."""

Exclusion = Literal[
    "work_injury", "third_party", "public_health", "abroad", "fitness_checkup", "other_excluded"
]
"""Costs a basic fund never pays (work injury, third-party liability, …)."""

Year = Annotated[int, msgspec.Meta(ge=1949, le=2100)]
Month = Annotated[int, msgspec.Meta(ge=1, le=12)]
Level = Annotated[int, msgspec.Meta(ge=1, le=3)]
Count = Annotated[int, msgspec.Meta(ge=1, le=366)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

MAX_CLAIMS = 10_000
"""Claims one scenario may hold: a year of daily bills is under 400; ten thousand keeps
a scenario's evaluation to seconds (docs/reliability.md)."""
MAX_ITEMS = 1_000
"""Enrolment records, life events, ``elsewhere`` regions and a claim's diseases."""


def _check_money(owner: str, **amounts: Decimal | None) -> None:
    for name, value in amounts.items():
        if value is not None:
            try:
                check_amount(value)
            except ValueError as exc:
                raise bilingual(
                    f"`{name}`: {exc}",
                    f'`{name}`：金额应为不小于 0、至多两位小数的 ASCII 数字（如 "730.00"），'
                    f"实为 {value}",
                ) from None


class Person(Base, kw_only=True):
    """The facts about a person that policy rules read."""

    birth_date: dt.date
    sex: Sex | None = None
    scheme: Scheme = "resident"
    hukou: str | None = None
    """Region code of the household registration (户籍), e.g. ``"changzhou"``."""
    district: str | None = None
    """District or county of residence within the region, e.g. ``"wujin"``."""
    residence_permit: str | None = None
    """Region code of a residence permit (居住证) the person holds."""
    study_region: str | None = None
    """Region code where a student studies."""
    student: Student = "none"
    employment: Employment = "none"
    assistance: tuple[Assistance, ...] = ()
    disability_grade: Annotated[int, msgspec.Meta(ge=1, le=4)] | None = None
    hmt_resident: bool = False
    """Hong Kong, Macao or Taiwan resident holding a residence permit (港澳台居民居住证)."""
    foreigner_permanent_residence: bool = False
    insured_elsewhere: bool = False
    """Currently insured in another region's basic medical insurance."""
    category: str | None = None
    """The region's category, stated explicitly (e.g. ``"elderly"``); used where the
    source does not publish the rule that derives it, and reported as stated."""
    contribution_base: Decimal | None = None
    """Employee scheme: monthly contribution base (缴费基数) in yuan."""
    contribution_years: Annotated[int, msgspec.Meta(ge=0, le=80)] | None = None
    """Employee scheme: years of contribution (缴费年限)."""

    def __post_init__(self) -> None:
        if self.contribution_base is not None:
            _check_money("person", contribution_base=self.contribution_base)
        if len(self.assistance) > 1 and len(set(self.assistance)) != len(self.assistance):
            raise bilingual("`assistance` lists a status twice", "`assistance` 重复列出同一身份")

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day`` (a birthday counts on the day itself)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class ContributionBreak(Base, kw_only=True):
    """Months of an enrolment year whose contributions did not arrive (中断缴费、欠费):
    an employer's arrears for an employee, a flexible worker's own break."""

    first_month: Month
    """The first month left unpaid (开始欠费中断的月份)."""
    last_month: Month | None = None
    """The last month left unpaid, when contributions resumed later in the year; absent:
    unpaid until the back-payment (or the year's end)."""
    paid_on: dt.date | None = None
    """When the arrears for the break arrived (补缴到账); absent: not paid back."""


class Enrollment(Base, kw_only=True):
    """One year of enrolment in a scheme somewhere (参保记录)."""

    year: Year
    region: str
    scheme: Scheme = "resident"
    paid_on: dt.date | None = None
    """The day the contribution arrived (缴费到账); needed for the scenario's own year."""
    reimbursed: bool = False
    """Whether any fund reimbursement was paid that year (零报销 when false)."""
    incentive_used: bool = False
    """Whether critical-illness payments that year used the incentive part of the cap."""
    other_province: bool = False
    """Enrolment in another province's resident scheme (counts for continuity when
    transferring in)."""
    first_month: Month | None = None
    """Employee scheme: the first month of the year contributions are for (joining in the
    year); absent: January, or the month of ``paid_on`` for a flexible worker's first
    enrolment."""
    breaks: tuple[ContributionBreak, ...] = ()
    """Employee scheme: months of the year whose contributions broke off, in order."""

    def __post_init__(self) -> None:
        if self.breaks or self.first_month is not None:
            check_months(self)

    def month_start(self, month: int) -> dt.date:
        """The first day of ``month`` of this record's year."""
        return dt.date(self.year, month, 1)


def check_months(record: Enrollment) -> None:
    """Raise ``ValueError`` for breaks that overlap, run backwards, fall before the year's
    first contribution month, or are paid back before they begin."""
    first = record.first_month or 1
    previous_end = first - 1
    for i, b in enumerate(record.breaks):
        where = f"breaks[{i}]"
        end = b.last_month if b.last_month is not None else 12
        if end < b.first_month:
            raise bilingual(
                f"`{where}`: last_month {b.last_month} is before first_month {b.first_month}",
                f"`{where}`：last_month {b.last_month} 早于 first_month {b.first_month}",
            )
        if b.first_month <= previous_end:
            raise bilingual(
                f"`{where}`: month {b.first_month} overlaps an earlier break or comes before "
                f"the first contribution month {first}; give breaks in order, each once",
                f"`{where}`：{b.first_month}月与前一段中断重叠，或早于首个缴费月 {first}月；"
                "请按顺序、每段一次列出",
            )
        if b.paid_on is not None and b.paid_on < record.month_start(b.first_month):
            raise bilingual(
                f"`{where}`: paid_on {b.paid_on} is before the break begins "
                f"({record.month_start(b.first_month)})",
                f"`{where}`：补缴日 {b.paid_on} 早于中断开始"
                f"（{record.month_start(b.first_month)}）",
            )
        previous_end = end


class LifeEvent(Base, kw_only=True):
    """A change of status that shortens or removes a waiting period."""

    kind: EventKind
    date: dt.date


class Claim(Base, kw_only=True):
    """One medical bill (one admission, one outpatient visit, one drug purchase)."""

    id: Text
    date: dt.date
    kind: ClaimKind
    compliant: Decimal
    """合规医疗费用: the part of the bill within the fund's scope."""
    level: Level = 3
    """Hospital level (医疗机构级别) 1, 2 or 3."""
    facility: Facility = "hospital"
    total: Decimal | None = None
    """The whole bill, ``compliant`` and ``blood`` included; the rest is the patient's own."""
    admission: Count | None = None
    """Which admission of the year this is; counted from the claims when absent."""
    care: Care = "local"
    area: Area | None = None
    """Where the care happened (:data:`Area`); absent: not stated (``care = "local"``
    means in the city)."""
    diseases: Annotated[tuple[Text, ...], msgspec.Meta(max_length=MAX_ITEMS)] = ()
    """Disease codes for chronic/special outpatient claims, e.g. ``("hypertension",)``."""
    blood: Decimal | None = None
    """Blood-use items (用血) the blood centre does not cover, on an inpatient claim."""
    excluded: Exclusion | None = None
    injury: bool = False
    """An injury or poisoning (外伤、中毒) that some regions review before paying."""

    def __post_init__(self) -> None:
        if self.area == "city" and self.care in ("filed_residence", "emergency", "referral",
                                                 "unreferred"):  # fmt: skip
            raise bilingual(
                f'`area` is "city" but `care` is {self.care!r}, which is care outside the '
                "insuring city",
                f'`area` 为 "city"（参保地内），但 `care` 为 {self.care!r}（参保地以外的就医）',
            )
        if self.area is not None and self.area != "city" and self.care == "local":
            raise bilingual(
                f'`area` is {self.area!r} but `care` is "local" (in the insuring region): '
                "give the route of care outside it (filed_residence, emergency, referral, "
                "unreferred or non_designated)",
                f'`area` 为 {self.area!r}，但 `care` 为 "local"（参保地内）：请给出异地就医的'
                "方式（filed_residence、emergency、referral、unreferred 或 non_designated）",
            )
        if self.total is None and self.blood is None:  # the common case, checked quickly
            _check_money("claim", compliant=self.compliant)
            return
        _check_money("claim", compliant=self.compliant, total=self.total, blood=self.blood)
        within = self.compliant + (self.blood or 0)
        if self.total is not None and within > self.total:
            raise bilingual(
                f"`compliant` plus `blood` ({within}) must not exceed `total` ({self.total}): "
                "the whole bill includes both",
                f"`compliant` 加 `blood`（{within}）不能超过 `total`（{self.total}）："
                "总费用包含两者",
            )

    @property
    def bill(self) -> Decimal:
        """The whole bill: ``total`` when given, else ``compliant`` plus ``blood``."""
        if self.total is not None:
            return self.total
        return self.compliant + (self.blood or ZERO)


class Elsewhere(Base, kw_only=True):
    """Facts that only make sense in one region: its district and its category words."""

    district: Text | None = None
    category: Text | None = None


class Scenario(Base, kw_only=True):
    """A whole case: the person, their history and the bills of one year."""

    year: Year
    person: Person
    enrollment: Annotated[tuple[Enrollment, ...], msgspec.Meta(max_length=MAX_ITEMS)] = ()
    events: Annotated[tuple[LifeEvent, ...], msgspec.Meta(max_length=MAX_ITEMS)] = ()
    claims: Annotated[tuple[Claim, ...], msgspec.Meta(max_length=MAX_CLAIMS)] = ()
    title: Annotated[str, msgspec.Meta(max_length=1_000)] | None = None
    """A one-line story of the case, shown in reports."""
    elsewhere: Annotated[dict[str, Elsewhere], msgspec.Meta(max_length=MAX_ITEMS)] = {}
    """What to assume in each other region when the person is compared as if they lived
    there, by region code (``[elsewhere.xuzhou] district = "shiqu"``); see
    :mod:`yibao.whatif`."""

    def __post_init__(self) -> None:
        if len(self.claims) > 1:
            seen: set[str] = set()
            repeated: set[str] = set()
            for claim in self.claims:  # one pass: 80,000 claims took minutes with count()
                if claim.id in seen:
                    repeated.add(claim.id)
                seen.add(claim.id)
            if repeated:
                shown = ", ".join(sorted(repeated)[:10]) + (" …" if len(repeated) > 10 else "")
                raise bilingual(
                    f"claim ids must be unique; repeated: {shown}", f"费用 id 不能重复：{shown}"
                )
        if len(self.enrollment) > 1:
            years = [e.year for e in self.enrollment]
            if len(set(years)) != len(years):
                raise bilingual("`enrollment` lists a year twice", "`enrollment` 重复列出同一年度")
        born = self.person.birth_date
        for i, record in enumerate(self.enrollment):
            for j, b in enumerate(record.breaks):
                if dt.date(record.year, b.last_month or b.first_month, 28) < born.replace(day=1):
                    raise bilingual(
                        f"enrollment[{i}].breaks[{j}]: months of {record.year} before the "
                        f"birth date {born}",
                        f"enrollment[{i}].breaks[{j}]：{record.year}年的月份早于出生日期 {born}",
                    )
        for i, claim in enumerate(self.claims):
            if claim.date.year != self.year:
                raise bilingual(
                    f"claims[{i}] ({claim.id}) is dated {claim.date}, outside the scenario "
                    f"year {self.year}",
                    f"claims[{i}]（{claim.id}）的日期 {claim.date} 不在情形年度 {self.year} 内",
                )
            if claim.date < self.person.birth_date:
                raise bilingual(
                    f"claims[{i}] ({claim.id}) is dated before the birth date",
                    f"claims[{i}]（{claim.id}）的日期早于出生日期",
                )

    def enrollment_in(self, year: int) -> Enrollment | None:
        """The enrolment record for ``year``, if any."""
        for record in self.enrollment:
            if record.year == year:
                return record
        return None
