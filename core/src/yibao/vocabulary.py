"""Words every renderer shares, in Chinese and English: the scenario's choices, the
results' statuses, layers and payers, and how an answer's notices read.

The CLI, the TUI and reports render the same result Structs; what a notice says to a
reader is decided here once, so the surfaces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from yibao.results import Notice, NoticeKind, Step

if TYPE_CHECKING:
    from yibao.model import Claim

WORDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sex": (("male", "男", "male"), ("female", "女", "female")),
    "scheme": (("resident", "居民医保", "resident"), ("employee", "职工医保", "employee")),
    "student": (
        ("none", "非学生", "not a student"),
        ("school", "中小学/中职", "school"),
        ("university", "高等院校", "university"),
    ),
    "employment": (
        ("none", "无", "none"),
        ("employee", "单位职工", "employee"),
        ("flexible", "灵活就业", "flexible"),
        ("retired", "退休", "retired"),
    ),
    "assistance": (
        ("minimum_living", "低保", "minimum living"),
        ("extreme_poverty", "特困供养", "extreme poverty"),
        ("temporary_major_illness", "临时救助重特大疾病", "temporary major illness"),
        ("downsized_1960s_worker", "60年代精减职工", "1960s downsized worker"),
        ("key_entitled_group", "重点优抚对象", "key entitled group"),
        ("child_in_difficulty", "困境儿童", "child in difficulty"),
        ("orphan", "孤儿", "orphan"),
        ("unsupported_child", "事实无人抚养儿童", "unsupported child"),
        ("hardship_worker_family", "特困职工家庭", "hardship worker family"),
        ("severely_disabled_no_income", "无固定收入重残", "severely disabled, no income"),
        ("low_income_margin", "低保边缘", "low-income margin"),
        ("expenditure_hardship_major_illness", "支出型困难重病", "expenditure hardship"),
        ("other_designated", "其他特殊人员", "other designated"),
    ),
    "disability_grade": (
        ("1", "一级", "grade 1"),
        ("2", "二级", "grade 2"),
        ("3", "三级", "grade 3"),
        ("4", "四级", "grade 4"),
    ),
    "event_kind": (
        ("army_discharge", "退役", "army discharge"),
        ("graduation", "毕业", "graduation"),
        ("left_employee_scheme", "职工医保停保", "left employee scheme"),
        ("hukou_move", "户籍迁移", "hukou move"),
        ("prison_release", "刑满释放", "prison release"),
        ("became_assistance_recipient", "新增救助对象", "became assistance recipient"),
        ("insurance_transfer", "转移接续", "insurance transfer"),
        ("disability_certified", "残疾认定", "disability certified"),
        ("university_admission", "大学新生入学", "university admission"),
    ),
    "claim_kind": (
        ("inpatient", "住院", "inpatient"),
        ("general_outpatient", "普通门诊", "general outpatient"),
        ("chronic_outpatient", "门诊慢性病", "chronic outpatient"),
        ("special_outpatient", "门诊特殊病", "special outpatient"),
        ("dual_channel_drug", "双通道药品", "dual-channel drug"),
        ("rare_disease_drug", "罕见病药品", "rare-disease drug"),
        ("maternity", "住院分娩", "maternity"),
        ("pku", "苯丙酮尿症", "PKU"),
    ),
    "level": (("1", "一级", "level 1"), ("2", "二级", "level 2"), ("3", "三级", "level 3")),
    "facility": (
        ("primary", "基层机构", "primary"),
        ("hospital", "医院", "hospital"),
        ("pharmacy", "定点药店", "pharmacy"),
    ),
    "care": (
        ("local", "本地", "local"),
        ("filed_residence", "异地备案", "filed residence"),
        ("emergency", "异地急诊", "emergency"),
        ("referral", "转诊", "referral"),
        ("unreferred", "未转诊", "unreferred"),
        ("non_designated", "非定点", "non-designated"),
    ),
    "excluded": (
        ("work_injury", "工伤", "work injury"),
        ("third_party", "第三方责任", "third party"),
        ("public_health", "公共卫生", "public health"),
        ("abroad", "境外", "abroad"),
        ("fitness_checkup", "体检", "fitness checkup"),
        ("other_excluded", "其他不予支付", "other excluded"),
    ),
    # The diseases the regions' chronic, special-outpatient and blood-use lists name
    # (parameters ``chronic.diseases``, ``special.diseases``, ``blood.diseases``), in
    # the sources' words: changzhou-resident-2025 §三(二)2.1, 3.1, §三5.3;
    # changzhou-employee-2024 §四(二)2.1, 3.1, 5.1.
    "disease": (
        ("hypertension", "高血压", "hypertension"),
        ("diabetes", "糖尿病", "diabetes"),
        ("stroke", "脑卒中合并器官功能障碍", "stroke with organ dysfunction"),
        ("coronary_heart_disease", "冠状动脉粥样硬化性心脏病", "coronary heart disease"),
        ("rheumatic_heart_disease", "风湿性心脏病", "rheumatic heart disease"),
        ("pulmonary_heart_disease", "肺源性心脏病", "pulmonary heart disease"),
        ("rheumatoid_arthritis", "类风湿性关节炎", "rheumatoid arthritis"),
        ("sjogren", "干燥综合征", "Sjögren's syndrome"),
        ("crohn", "克罗恩病", "Crohn's disease"),
        ("chronic_hepatitis", "慢性肝炎（中、重度）", "chronic hepatitis (moderate, severe)"),
        ("chronic_nephritis", "慢性肾炎（中、重度）", "chronic nephritis (moderate, severe)"),
        ("parkinson", "帕金森氏综合症", "Parkinson's syndrome"),
        ("cancer", "恶性肿瘤", "cancer"),
        ("renal_failure", "慢性肾功能衰竭", "chronic renal failure"),
        ("severe_mental_disorder", "严重精神障碍", "severe mental disorder"),
        ("haemophilia", "血友病", "haemophilia"),
        ("organ_transplant", "器官移植术后抗排异治疗", "anti-rejection after organ transplant"),
        ("aplastic_anaemia", "再生障碍性贫血", "aplastic anaemia"),
        ("lupus", "系统性红斑狼疮", "systemic lupus erythematosus"),
        ("tuberculosis", "肺结核", "pulmonary tuberculosis"),
        ("child_t1_diabetes", "儿童I型糖尿病", "type 1 diabetes in children"),
        ("child_autism", "儿童孤独症", "autism in children"),
        ("child_ghd", "儿童生长激素缺乏症", "growth hormone deficiency in children"),
        ("haematological_malignancy", "血液系统恶性肿瘤", "haematological malignancy"),
    ),
    "claim_status": (
        ("settled", "已结算", "settled"),
        ("not_covered", "不在待遇期", "not covered"),
        ("undetermined", "待遇期未定", "cover undetermined"),
        ("not_published", "参数未公布", "not published"),
        ("pending_review", "待稽核", "pending review"),
        ("refused", "不予支付", "refused"),
    ),
    "layer": (
        ("basic_fund", "统筹基金", "basic fund"),
        ("large_amount_subsidy", "大额补助", "large-amount subsidy"),
        ("critical_illness", "大病保险", "critical illness"),
        ("medical_assistance", "医疗救助", "assistance"),
        ("tilted_assistance", "倾斜救助", "tilted assistance"),
        ("employer", "用人单位承担", "employer pays"),
        ("institution", "定点医疗机构承担", "institution bears"),
    ),
    "payer": (
        ("individual", "个人", "individual"),
        ("government", "政府补助", "government"),
        ("employer", "单位", "employer"),
        ("assistance_fund", "救助资金", "assistance fund"),
        ("family_account", "亲属职工医保个人账户", "relative's employee account"),
        ("other", "其他", "other"),
    ),
}
"""The words of the scenario's choices and of the results' statuses, layers and payers,
as ``(code, name_zh, name_en)``; every renderer labels values with these."""


def word(vocab: str, value: str, lang: str) -> str:
    """The label of ``value`` in the vocabulary ``vocab`` (the value itself if unknown)."""
    for code, zh, en in WORDS.get(vocab, ()):
        if code == value:
            return zh if lang == "zh" else en
    return value


def claim_label(claim: Claim, lang: str) -> str:
    """How a claim is named where an answer lists it: its kind in words, its date and
    where it was treated (``住院 2025-05-10 三级医院``) — what the person recognises,
    rather than the scenario's id."""
    where = word("facility", claim.facility, lang)
    if claim.facility == "hospital":
        level = word("level", str(claim.level), lang)
        where = pick(lang, f"{level}{where}", f"{level} {where}")
    return f"{word('claim_kind', claim.kind, lang)} {claim.date.isoformat()} {where}"


def pick(lang: str, zh: str, en: str) -> str:
    """``zh`` or ``en`` by language; an empty text falls back to the other language."""
    return (zh or en) if lang == "zh" else (en or zh)


def step_cite(s: Step, lang: str) -> str:
    """A step's citation, saying so when its value is carried from an earlier year."""
    if s.carried_from is None:
        return s.cite
    return f"{s.cite} " + pick(
        lang,
        f"（沿用{s.carried_from}年度数值，未附更新通知）",
        f"({s.carried_from} value; no later notice is bundled)",
    )


def carried_line(carried: Sequence[Notice], year: int, lang: str) -> str:
    """One line for the values an answer for ``year`` carries from earlier years'
    sources: each value once, grouped by the year its source covers."""
    by_year: dict[int | None, list[str]] = {}
    for n in carried:
        keys = by_year.setdefault(n.source_year, [])
        if n.key and n.key not in keys:
            keys.append(n.key)
    parts = []
    for source_year, keys in by_year.items():
        head = pick(
            lang,
            f"沿用{source_year}年度数值至{year}年度（未附更新的政策通知）",
            f"{source_year} values carried into {year} (no later notice is bundled)",
        )
        parts.append(f"{head}: {', '.join(keys)}")
    return "; ".join(parts)


def notice_lines(notices: Sequence[Notice], year: int, lang: str) -> list[tuple[NoticeKind, str]]:
    """What a reader must know from an answer's notices, as ``(kind, line)``: each once,
    with its citation; the values carried from earlier years first, on one line."""
    lines: list[tuple[NoticeKind, str]] = []
    carried = [n for n in notices if n.kind == "carried"]
    if carried:
        lines.append(("carried", carried_line(carried, year, lang)))
    for n in notices:
        if n.kind == "carried":
            continue
        text = pick(lang, n.text_zh, n.text_en)
        if n.cite and n.cite not in text:
            text += f" [{n.cite}]"
        if (n.kind, text) not in lines:
            lines.append((n.kind, text))
    return lines
