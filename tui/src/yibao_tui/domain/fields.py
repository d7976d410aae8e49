"""The form's fields and how each is validated as it is typed.

A field's raw value is what the widget holds: a string for text, dates, amounts, numbers
and single choices (``""`` meaning "not given"), a bool for yes/no, a list of strings
for multiple choices. :func:`check` returns the message to show beside the field, or
``None`` when the value is acceptable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from yibao.facts import Fact
from yibao.model import Scenario
from yibao.money import parse_money
from yibao.whatif import home_of

from yibao_tui.domain.i18n import VOCAB, Lang, tr, word

NUMERIC_VOCABS = frozenset({"level", "disability_grade"})
"""Choice fields whose values are numbers in the scenario."""

Kind = Literal[
    "text",
    "date",
    "money",
    "int",
    "choice",
    "bool",
    "multi",
    "region",
    "district",
    "category",
    "breaks",
]
Word = tuple[str, str, str]
"""``(code, name_zh, name_en)``."""
Row = dict[str, Any]

CHOICE_KINDS = frozenset({"choice", "region", "district", "category"})
OPEN = "open"
"""The ``vocab`` of a region field that may name a region not installed here (a place
of household registration elsewhere in China): any code is accepted."""
OTHER_REGION = "other"
"""The code an open region field offers for "a region not installed here"."""
OPEN_VOCABS = frozenset({"disease"})
"""Multiple choices that accept codes their vocabulary does not name: a region may list
a disease the shared vocabulary has no words for yet; the region decides."""
HOME_FIELDS = ("district", "residence_permit", "hukou", "scheme")
"""The person's fields that decide which categories the category field offers."""


@dataclass(frozen=True)
class Choices:
    """The installed regions' vocabulary: region codes with names, districts, categories.

    A category field offers the words of one region and scheme: the region of the row's
    ``region`` field (an ``[elsewhere]`` row), else the region the person lives in (as
    :func:`yibao.whatif.home_region` decides it: district, residence permit, household
    registration), else the region the app shows (``region``). A district field of a row
    naming a region offers that region's districts only."""

    regions: tuple[Word, ...] = ()
    """``(code, name_zh, name_en)`` of each installed region."""
    districts: tuple[tuple[str, str], ...] = ()
    """``(district, region code)`` of every district a region declares."""
    district_names: dict[str, str] = field(default_factory=dict)
    """The districts' Chinese names, by code, where the region gives them (武进区)."""
    categories: tuple[tuple[str, str, tuple[Word, ...]], ...] = ()
    """``(region, scheme, categories)`` of every scheme a region runs."""
    facts: tuple[Fact, ...] = ()
    """The facts the installed regions declare (:mod:`yibao.facts`): more fields."""
    words: dict[str, tuple[Word, ...]] = field(default_factory=dict)
    """Words the regions add to a shared vocabulary (``{"assistance": (…)}``)."""
    kind: type[Scenario] = Scenario
    """The scenario type with the declared facts (a valid form becomes one)."""

    def fields(self, part: str) -> tuple[FieldSpec, ...]:
        """The fields of one part of the form — ``person``, ``enrollment``, ``event``,
        ``claim`` — core's, then those the regions declare."""
        core = {
            "person": PERSON_FIELDS,
            "enrollment": ENROLLMENT_FIELDS,
            "event": EVENT_FIELDS,
            "claim": CLAIM_FIELDS,
        }[part]
        return core + tuple(fact_field(f) for f in self.facts if f.on == part)

    def vocabulary(self, vocab: str) -> tuple[Word, ...]:
        """A shared vocabulary's words, with those the regions add."""
        return VOCAB[vocab] + self.words.get(vocab, ())

    def options(
        self, spec: FieldSpec, lang: Lang, row: Row | None = None, region: str = ""
    ) -> list[tuple[str, str]]:
        """``(label, value)`` pairs a choice field offers, in order."""
        if spec.kind == "region":
            found = [
                (f"{zh if lang == 'zh' else en} ({code})", code) for code, zh, en in self.regions
            ]
            if spec.vocab == OPEN:
                found.append((tr("other_region", lang), OTHER_REGION))
            return found
        if spec.kind == "district":
            names = {code: (zh if lang == "zh" else en) for code, zh, en in self.regions}
            only = str((row or {}).get("region") or "")
            return [
                (self._district_label(d, names.get(r, r), lang), d)
                for d, r in self.districts
                if r == only or not only
            ]
        if spec.kind == "category":
            words = self.category_words(row or {}, region)
            return [(f"{zh if lang == 'zh' else en} ({code})", code) for code, zh, en in words]
        return [(zh if lang == "zh" else en, code) for code, zh, en in self.words_of(spec)]

    def _district_label(self, district: str, region: str, lang: Lang) -> str:
        """``武进区 · 常州 (wujin)`` in Chinese where the region names its districts, else
        ``wujin (Changzhou)``: a clerk picks by the name, the code stays visible."""
        name = self.district_names.get(district)
        if lang == "zh" and name:
            return f"{name} · {region} ({district})"
        return f"{district} ({region})"

    def words_of(self, spec: FieldSpec) -> tuple[Word, ...]:
        """The words a choice field offers: its own, or its vocabulary's."""
        return spec.values or self.vocabulary(spec.vocab)

    def values(self, spec: FieldSpec, row: Row | None = None, region: str = "") -> set[str]:
        if spec.kind in ("district", "category"):
            return {value for _, value in self.options(spec, "en", row, region)}
        if spec.kind == "region":
            return {code for code, _, _ in self.regions}
        return {code for code, _, _ in self.words_of(spec)}

    def home(self, row: Row) -> str:
        """The installed region the person lives in by ``row``'s facts (``""``: none)."""
        found = home_of(
            str(row.get("district") or "") or None,
            str(row.get("residence_permit") or "") or None,
            str(row.get("hukou") or "") or None,
            dict(self.districts),
        )
        codes = {code for code, _, _ in self.regions}
        return found if found in codes else ""

    def category_region(self, row: Row, region: str = "") -> str:
        """The region whose category words ``row``'s category field offers."""
        return str(row.get("region") or "") or self.home(row) or region

    def category_words(self, row: Row, region: str = "") -> tuple[Word, ...]:
        """The categories of the region (:meth:`category_region`) and ``row``'s scheme."""
        where = self.category_region(row, region)
        scheme = str(row.get("scheme") or "resident")
        for code, name, words in self.categories:
            if code == where and name == scheme:
                return words
        return ()


@dataclass(frozen=True)
class FieldSpec:
    """One input of the form."""

    name: str
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    vocab: str = ""
    lo: int = 0
    hi: int = 0
    default: Any = ""
    placeholder: tuple[str, str] = ("", "")
    """What the empty field says (zh, en) where its kind does not say enough: words
    about the value, never a value (see :meth:`prompt`)."""
    hint: tuple[str, str] = field(default=("", ""))
    values: tuple[Word, ...] = ()
    """A declared choice's own words (``vocab`` names a shared vocabulary instead)."""

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def prompt(self, lang: Lang) -> str:
        """The placeholder of an empty text field: the form of the value and whether
        it may stay empty, in words. Never an example value: a clerk took a grey
        ``2024-11-20`` for a date already entered."""
        zh, en = self.placeholder
        if not (zh or en):
            zh, en = _PROMPTS.get(self.kind, ("", ""))
            if self.kind == "int" and self.hi:
                zh, en = f"{self.lo}–{self.hi}", f"{self.lo}–{self.hi}"
        if not self.required:
            zh, en = (
                (f"{zh}（可不填）" if zh else "可不填"),
                (f"{en} (optional)" if en else "optional"),
            )
        return zh if lang == "zh" else en

    def empty(self) -> Any:
        """The raw value of an untouched field."""
        if self.kind == "bool":
            return bool(self.default)
        if self.kind == "multi":
            return list(self.default or ())
        return str(self.default)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def check(
    spec: FieldSpec,
    raw: Any,
    choices: Choices,
    lang: Lang,
    row: Row | None = None,
    region: str = "",
) -> str | None:
    """The message to show beside ``spec``'s field for ``raw``, or ``None`` if it is fine.

    ``row`` (the whole row) and ``region`` (the region shown) decide the choices of a
    category field, and of a district field limited to one region."""
    if spec.kind == "bool":
        return None
    if _blank(raw):
        return tr("required", lang) if spec.required else None
    if spec.kind == "multi":
        known = {code for code, _, _ in choices.words_of(spec)}
        ok = spec.vocab in OPEN_VOCABS or set(raw) <= known
        return None if ok else tr("bad_choice", lang)
    text = str(raw).strip()
    if spec.kind == "date":
        return None if _date(text) is not None else tr("bad_date", lang)
    if spec.kind == "int":
        ok = text.isdigit() and spec.lo <= int(text) <= spec.hi
        return None if ok else tr("bad_int", lang, lo=spec.lo, hi=spec.hi)
    if spec.kind == "money":
        try:
            parse_money(text)
        except ValueError:
            return tr("bad_money", lang)
        return None
    if spec.kind == "breaks":
        return None if parse_breaks(text) is not None else tr("bad_breaks", lang)
    if spec.kind == "category" and text not in choices.values(spec, row, region):
        return _bad_category(choices, row or {}, region, lang)
    if spec.kind == "region" and spec.vocab == OPEN:
        return None if len(text) <= 200 else tr("bad_text", lang)
    if spec.kind in CHOICE_KINDS:
        return None if text in choices.values(spec, row, region) else tr("bad_choice", lang)
    return None if len(text) <= 200 else tr("bad_text", lang)


def _bad_category(choices: Choices, row: Row, region: str, lang: Lang) -> str:
    where = choices.category_region(row, region)
    names = {code: (zh if lang == "zh" else en) for code, zh, en in choices.regions}
    scheme = str(row.get("scheme") or "resident")
    return tr(
        "bad_category",
        lang,
        region=names.get(where, where or "?"),
        scheme=word("scheme", scheme, lang),
    )


def parse_breaks(text: str) -> list[dict[str, Any]] | None:
    """Contribution breaks typed as ``5-6@2026-07-20, 11``: months (a month or a range,
    1–12) and, after ``@``, the day the arrears were paid back; ``None`` if malformed.
    The scenario's own checks (order, overlap) apply when the case is built."""
    out: list[dict[str, Any]] = []
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        months, _, paid = item.partition("@")
        first, _, last = months.strip().partition("-")
        if not first.strip().isdigit() or (last and not last.strip().isdigit()):
            return None
        found: dict[str, Any] = {"first_month": int(first)}
        if last:
            found["last_month"] = int(last)
        if paid:
            day = _date(paid.strip())
            if day is None:
                return None
            found["paid_on"] = day
        if not all(1 <= m <= 12 for m in (found["first_month"], found.get("last_month", 1))):
            return None
        out.append(found)
    return out


def show_breaks(breaks: Sequence[Any]) -> str:
    """The typed form of contribution breaks (:func:`parse_breaks` reads it back)."""
    parts = []
    for b in breaks:
        months = f"{b.first_month}" + (f"-{b.last_month}" if b.last_month is not None else "")
        parts.append(months + (f"@{b.paid_on}" if b.paid_on is not None else ""))
    return ", ".join(parts)


def _date(text: str) -> dt.date | None:
    if len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def typed(spec: FieldSpec, raw: Any) -> Any:
    """The checked raw value as the scenario wants it (``None`` when not given)."""
    if spec.kind == "bool":
        return bool(raw)
    if _blank(raw):
        return None
    if spec.kind == "multi":
        return list(raw)
    text = str(raw).strip()
    if spec.kind == "int" or spec.vocab in NUMERIC_VOCABS:
        return int(text)
    if spec.kind == "money":
        return parse_money(text)
    if spec.kind == "date":
        return _date(text)
    if spec.kind == "breaks":
        return parse_breaks(text)
    return text


def raw_of(spec: FieldSpec, value: Any) -> Any:
    """The raw (widget) form of a scenario value."""
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "multi":
        return list(value or ())
    if value is None:
        return ""
    if spec.kind == "breaks":
        return show_breaks(value)
    return str(value)


def errors(
    specs: Sequence[FieldSpec],
    raw: dict[str, Any],
    choices: Choices,
    lang: Lang,
    region: str = "",
) -> dict[str, str]:
    """Every field's message, by field name (only the fields with a problem)."""
    found = {}
    for spec in specs:
        message = check(spec, raw.get(spec.name, spec.empty()), choices, lang, raw, region)
        if message is not None:
            found[spec.name] = message
    return found


_PROMPTS: dict[str, tuple[str, str]] = {
    "date": ("年-月-日", "YYYY-MM-DD"),
    "money": ("金额，元", "amount in yuan"),
}

F = FieldSpec

CASE_FIELDS: tuple[FieldSpec, ...] = (
    F("year", "测算年度", "year", "int", True, lo=1949, hi=2100, placeholder=("年份", "year")),
    F("title", "案例说明", "title", placeholder=("一句话描述", "one line")),
)

PERSON_FIELDS: tuple[FieldSpec, ...] = (
    F("birth_date", "出生日期", "birth date", "date", True),
    F("sex", "性别", "sex", "choice", vocab="sex"),
    F("scheme", "险种", "scheme", "choice", True, vocab="scheme", default="resident"),
    F("hukou", "户籍地", "household reg.", "region", vocab=OPEN),
    F("district", "居住区县", "district", "district"),
    F("residence_permit", "居住证", "residence permit", "region", vocab=OPEN),
    F("study_region", "就学地", "study region", "region", vocab=OPEN),
    F("student", "学生", "student", "choice", vocab="student", default="none"),
    F("employment", "就业", "employment", "choice", vocab="employment", default="none"),
    F("assistance", "救助身份", "assistance", "multi", vocab="assistance"),
    F("disability_grade", "残疾等级", "disability grade", "choice", vocab="disability_grade"),
    F("hmt_resident", "港澳台居民", "HK/Macao/TW resident", "bool"),
    F("foreigner_permanent_residence", "外籍永久居留", "foreign perm. resident", "bool"),
    F("insured_elsewhere", "已在外地参保", "insured elsewhere", "bool"),
    F("category", "参保类别", "category", "category"),
    F(
        "contribution_base",
        "缴费基数",
        "contribution base",
        "money",
        placeholder=("职工医保：金额，元", "employee scheme: yuan"),
    ),
    F("contribution_years", "缴费年限", "contribution years", "int", lo=0, hi=80),
)

ENROLLMENT_FIELDS: tuple[FieldSpec, ...] = (
    F("year", "年度", "year", "int", True, lo=1949, hi=2100, placeholder=("年份", "year")),
    F("region", "参保地", "region", "region", True),
    F("scheme", "险种", "scheme", "choice", True, vocab="scheme", default="resident"),
    F("paid_on", "缴费到账日", "paid on", "date"),
    F("reimbursed", "当年有报销", "reimbursed", "bool"),
    F("incentive_used", "已用激励额度", "incentive used", "bool"),
    F("other_province", "外省参保", "other province", "bool"),
    F("first_month", "首个缴费月", "first month paid", "int", lo=1, hi=12),
    F(
        "breaks",
        "中断缴费月份",
        "months unpaid",
        "breaks",
        placeholder=("月份如5-6@补缴日", "months: 5-6@day repaid"),
    ),
)

EVENT_FIELDS: tuple[FieldSpec, ...] = (
    F("kind", "事件", "event", "choice", True, vocab="event_kind"),
    F("date", "日期", "date", "date", True),
)


def elsewhere_fields(name_zh: str, name_en: str) -> tuple[FieldSpec, ...]:
    """The ``[elsewhere.<region>]`` row of one region: its district and category words
    (checked against that region's own; see :meth:`Choices.options`)."""
    return (
        F("district", f"{name_zh} 区县", name_en, "district"),
        F("category", "参保类别", "category", "category"),
    )


CLAIM_FIELDS: tuple[FieldSpec, ...] = (
    F("id", "编号", "id", required=True, placeholder=("本案例中唯一", "unique in the case")),
    F("date", "就诊日期", "date", "date", True),
    F("kind", "费用类别", "kind", "choice", True, vocab="claim_kind", default="inpatient"),
    F("level", "医院级别", "hospital level", "choice", True, vocab="level", default="3"),
    F("facility", "机构类型", "facility", "choice", True, vocab="facility", default="hospital"),
    F("compliant", "合规费用", "compliant amount", "money", True),
    F(
        "total",
        "总费用",
        "whole bill",
        "money",
        placeholder=("金额，元；空则为合规费用加用血", "yuan; else compliant + blood"),
    ),
    F("care", "就医地", "care", "choice", True, vocab="care", default="local"),
    F("diseases", "病种", "diseases", "multi", vocab="disease"),
    F("blood", "用血费用", "blood items", "money"),
    F("excluded", "不予支付原因", "excluded", "choice", vocab="excluded"),
    F("injury", "外伤/中毒", "injury", "bool"),
    F("admission", "第几次住院", "admission no.", "int", lo=1, hi=366),
)


_FACT_KINDS: dict[str, Kind] = {
    "integer": "int",
    "flag": "bool",
    "text": "text",
    "date": "date",
    "money": "money",
    "choice": "choice",
}


def fact_field(fact: Fact) -> FieldSpec:
    """The form field of a fact a region declares (:class:`yibao.facts.Fact`)."""
    return FieldSpec(
        fact.name,
        fact.label_zh,
        fact.label_en,
        _FACT_KINDS[fact.type],
        lo=fact.minimum if fact.minimum is not None else 0,
        hi=fact.maximum if fact.maximum is not None else 10**9,
        hint=(fact.help_zh, fact.help_en),
        values=tuple((v.code, v.name_zh, v.name_en) for v in fact.values),
    )
