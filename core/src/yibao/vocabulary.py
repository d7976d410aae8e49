"""Words every renderer shares, in Chinese and English: the scenario's choices, the
results' statuses, layers and payers, and how an answer's notices read.

The CLI, the TUI and reports render the same result Structs; what a notice says to a
reader is decided here once, so the surfaces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from yibao.results import ClaimResult, Notice, NoticeKind, RegionResult, Step

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
    "area": (
        ("city", "参保地（市、县）内", "in the insuring city"),
        ("province", "省内异地", "elsewhere in the province"),
        ("other_province", "跨省异地", "another province"),
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
    "marked": (
        ("fictional", "虚构数值，非政策", "fictional, not policy"),
        ("illustrative", "示例数值，非政策", "illustrative, not policy"),
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


def claim_label(claim: Claim, lang: str) -> str:
    """A claim as a reader knows it: its kind in words, its date, where it happened
    (``住院 · 2025-05-10 · 三级医院``; ``普通门诊 · 2025-06-02 · 基层机构 · 转诊``)."""
    parts = [word("claim_kind", claim.kind, lang), str(claim.date)]
    if claim.facility == "hospital":
        level = word("level", str(claim.level), lang)
        parts.append(pick(lang, f"{level}医院", f"{level} hospital"))
    else:
        parts.append(word("facility", claim.facility, lang))
    if claim.care != "local":
        parts.append(word("care", claim.care, lang))
    if claim.area is not None and claim.area != "city":
        parts.append(word("area", claim.area, lang))
    return " · ".join(parts)


def claim_labels(claims: Iterable[Claim], lang: str) -> dict[str, str]:
    """:func:`claim_label` of each claim, by id; claims that would read alike also show
    their id (``住院 · 2025-05-10 · 三级医院 (second)``)."""
    claims = list(claims)
    labels = {c.id: claim_label(c, lang) for c in claims}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label] = seen.get(label, 0) + 1
    return {cid: f"{label} ({cid})" if seen[label] > 1 else label for cid, label in labels.items()}


def result_claim_label(claim: ClaimResult, lang: str) -> str:
    """A settled claim's label when the scenario is not at hand: kind in words and date."""
    return f"{word('claim_kind', claim.kind, lang)} · {claim.date}"


def marks(steps: Iterable[Step]) -> list[str]:
    """The overlay marks (``fictional``, ``illustrative``) of the values ``steps`` use."""
    return list(dict.fromkeys(s.marked for s in steps if s.marked))


def claim_marks(claim: ClaimResult) -> list[str]:
    """The overlay marks of the values a claim's settlement used (:func:`marks`)."""
    return marks([*claim.steps, *(s for p in claim.layers for s in p.steps)])


def marked_short(mark: str, lang: str) -> str:
    """The mark in a word, for a table cell: ``虚构`` / ``fictional``."""
    return pick(lang, {"fictional": "虚构", "illustrative": "示例"}.get(mark, mark), mark)


def marked_note(mark: str, lang: str) -> str:
    """``（虚构数值，非政策）`` — what stands next to a number resting on a marked value."""
    text = word("marked", mark, lang)
    return pick(lang, f"（{text}）", f" ({text})")


def overlay_lines(results: Iterable[RegionResult], lang: str) -> list[str]:
    """One line per parameter overlay the answers used, with the regions it amended and
    its mark: ``参数覆盖文件 my.toml（徐州；虚构数值，非政策）``."""
    used: dict[str, list[str]] = {}
    mark: dict[str, str] = {}
    for r in results:
        for path in r.overlays:
            used.setdefault(path, []).append(pick(lang, r.name_zh, r.name_en) or r.region)
            if path in r.marked:
                mark[path] = r.marked[path]
    lines = []
    for path, regions in used.items():
        where = pick(lang, "、", ", ").join(dict.fromkeys(regions))
        note = f"; {word('marked', mark[path], lang)}" if path in mark else ""
        note_zh = f"；{word('marked', mark[path], lang)}" if path in mark else ""
        lines.append(
            pick(
                lang,
                f"参数覆盖文件 {path}（{where}{note_zh}）",
                f"parameter overlay {path} ({where}{note})",
            )
        )
    return lines


SUMMARISED: frozenset[NoticeKind] = frozenset({"not_published", "stated", "checklist"})
"""Notice kinds a summary counts instead of listing (``--notices`` lists them)."""


def notice_summary(
    notices: Sequence[Notice], year: int, lang: str, *, shown: int = 3
) -> list[tuple[NoticeKind, str]]:
    """An answer's notices in few lines: the values not published, counted, with the
    first ``shown`` keys and how many other notices there are — one line; the values
    carried from earlier years — one line; each reading the answer chose (warnings,
    interpretations) in full. :func:`notice_lines` gives them all."""
    full = notice_lines(notices, year, lang)
    keys = list(dict.fromkeys(n.key or n.text_en for n in notices if n.kind == "not_published"))
    others = sum(1 for kind, _ in full if kind in SUMMARISED and kind != "not_published")
    lines: list[tuple[NoticeKind, str]] = [(k, t) for k, t in full if k == "carried"]
    parts = []
    if keys:
        listed = ", ".join(keys[:shown])  # spaces: a line wraps between keys, never in one
        more = pick(lang, " 等", ", …") if len(keys) > shown else ""
        parts.append(
            pick(lang, f"{len(keys)}项数值未公布：{listed}{more}",
                 f"{len(keys)} values not published: {listed}{more}")
        )  # fmt: skip
    if others:
        plural = "s" if others > 1 else ""
        parts.append(pick(lang, f"另有 {others} 条说明", f"{others} other notice{plural}"))
    if parts:
        head = pick(lang, "；", "; ").join(parts)
        lines.insert(0, ("not_published" if keys else "stated",
                         head + pick(lang, "；详见 --notices", "; see --notices")))  # fmt: skip
    lines += [(k, t) for k, t in full if k not in SUMMARISED and k != "carried"]
    return lines


def unsettled(claims: Iterable[ClaimResult]) -> tuple[int, Decimal]:
    """How many claims have no settlement (no patient share known) and their whole bills:
    what a year's totals leave out."""
    count, bill = 0, Decimal("0.00")
    for c in claims:
        if c.patient is None:
            count += 1
            bill += c.bill
    return count, bill
