"""The case in progress: raw form state, and its conversion to and from a Scenario.

:class:`CaseForm` holds exactly what the staff typed (possibly invalid), so it can be
autosaved and restored at any moment. :func:`to_scenario` turns a valid form into the
engine's :class:`~yibao.model.Scenario`, or reports every problem by field.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from yibao.dates import today
from yibao.facts import Fact
from yibao.model import Scenario
from yibao.money import MAX_AMOUNT, parse_money
from yibao.registry import Registry

from yibao_tui.domain.fields import (
    CASE_FIELDS,
    CLAIM_FIELDS,
    ENROLLMENT_FIELDS,
    EVENT_FIELDS,
    PERSON_FIELDS,
    Choices,
    FieldSpec,
    Word,
    elsewhere_fields,
    errors,
    raw_of,
    typed,
)
from yibao_tui.domain.i18n import Lang

Raw = dict[str, Any]


def blank(specs: Sequence[FieldSpec]) -> Raw:
    """A raw row with every field untouched."""
    return {spec.name: spec.empty() for spec in specs}


@dataclass
class CaseForm:
    """What has been typed so far. Rows are raw dicts keyed by field name."""

    case: Raw = field(default_factory=lambda: blank((*CASE_FIELDS, *PERSON_FIELDS)))
    enrollment: list[Raw] = field(default_factory=list)
    events: list[Raw] = field(default_factory=list)
    claims: list[Raw] = field(default_factory=list)
    elsewhere: dict[str, dict[str, str]] = field(default_factory=dict)
    """``[elsewhere.<region>]`` tables: the district and category to assume when the
    person is compared as if living in that region (empty values: not given)."""

    @classmethod
    def new(cls, year: int) -> CaseForm:
        form = cls()
        form.case["year"] = str(year)
        return form

    def to_json(self) -> dict[str, Any]:
        return copy.deepcopy(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseForm:
        form = cls()
        form.case.update(data.get("case", {}))
        for name in ("enrollment", "events", "claims"):
            setattr(form, name, [dict(row) for row in data.get(name, [])])
        form.elsewhere = {code: dict(t) for code, t in data.get("elsewhere", {}).items()}
        return form

    def new_enrollment(self, region: str, installed: Collection[str] = ()) -> Raw:
        """A row for the case's year, or the latest year before it not listed yet (a
        history is typed backwards from the case); insured where the person's household
        is registered when that region is ``installed``, else where the latest row is,
        else in ``region``; the person's scheme."""
        row = blank(ENROLLMENT_FIELDS)
        listed = {str(r.get("year", "")).strip() for r in self.enrollment}
        case_year = str(self.case.get("year", "")).strip()
        if case_year.isdigit():
            year = int(case_year)
            while str(year) in listed and year > 1949:
                year -= 1
            row["year"] = str(year)
        hukou = str(self.case.get("hukou") or "")
        latest = self.enrollment[-1].get("region") if self.enrollment else None
        row["region"] = hukou if hukou in installed else (latest or region)
        row["scheme"] = self.case.get("scheme") or "resident"
        return row

    def new_event(self) -> Raw:
        row = blank(EVENT_FIELDS)
        row["date"] = self.default_date()
        return row

    def new_claim(self) -> Raw:
        row = blank(CLAIM_FIELDS)
        row["id"] = self.free_claim_id("c")
        row["date"] = self.default_date()
        return row

    def default_date(self) -> str:
        """Today when the case is for this year, else 1 January of the case's year."""
        year = str(self.case.get("year", ""))
        now = today()
        return now.isoformat() if year == str(now.year) else f"{year}-01-01"

    def duplicate_claim(self, index: int) -> Raw:
        row = dict(self.claims[index])
        row["id"] = self.free_claim_id(str(row.get("id") or "c"), sep="-", start=2)
        return row

    def free_claim_id(self, stem: str, sep: str = "", start: int = 0) -> str:
        """``stem`` with the first number (from ``start``, else the claim count + 1) no
        claim uses yet: ``c3``, ``stroke-2``."""
        taken = {str(c.get("id")) for c in self.claims}
        n = start or len(self.claims) + 1
        while f"{stem}{sep}{n}" in taken:
            n += 1
        return f"{stem}{sep}{n}"


@dataclass(frozen=True)
class Problems:
    """Everything wrong with a form: per field, per row, and across the whole case."""

    case: dict[str, str] = field(default_factory=dict)
    enrollment: dict[int, dict[str, str]] = field(default_factory=dict)
    events: dict[int, dict[str, str]] = field(default_factory=dict)
    claims: dict[int, dict[str, str]] = field(default_factory=dict)
    elsewhere: dict[str, dict[str, str]] = field(default_factory=dict)
    whole: str | None = None

    def count(self) -> int:
        rows = (self.enrollment, self.events, self.claims, self.elsewhere)
        return len(self.case) + sum(len(v) for r in rows for v in r.values()) + bool(self.whole)


def problems(form: CaseForm, choices: Choices, lang: Lang, region: str = "") -> Problems:
    """Check every field of ``form`` (not the cross-field rules; see :func:`to_scenario`).
    ``region`` is the region shown (whose categories apply when the facts name no home)."""

    def rows(specs: Sequence[FieldSpec], items: list[Raw]) -> dict[int, dict[str, str]]:
        out = {i: errors(specs, row, choices, lang) for i, row in enumerate(items)}
        return {i: e for i, e in out.items() if e}

    return Problems(
        case=errors((*CASE_FIELDS, *choices.fields("person")), form.case, choices, lang, region),
        enrollment=rows(choices.fields("enrollment"), form.enrollment),
        events=rows(choices.fields("event"), form.events),
        claims=rows(choices.fields("claim"), form.claims),
        elsewhere=elsewhere_problems(form, choices, lang),
    )


def elsewhere_context(form: CaseForm, code: str) -> Raw:
    """What decides the choices of ``code``'s ``[elsewhere]`` row: the region, the scheme."""
    return {"region": code, "scheme": form.case.get("scheme") or "resident"}


def elsewhere_problems(form: CaseForm, choices: Choices, lang: Lang) -> dict[str, dict[str, str]]:
    """The messages of each installed region's ``[elsewhere]`` row (others are kept as
    they are: no installed region checks them)."""
    installed = {code for code, _, _ in choices.regions}
    specs = elsewhere_fields("", "")
    out = {}
    for code, table in form.elsewhere.items():
        if code in installed:
            found = errors(specs, {**table, **elsewhere_context(form, code)}, choices, lang)
            if found:
                out[code] = found
    return out


def elsewhere_regions(form: CaseForm, choices: Choices, shown: Sequence[str]) -> list[str]:
    """The regions whose ``[elsewhere]`` row the case section offers: those ``shown``
    (compared, or the current one) and those with a table, except where the person lives
    (none when the facts name no installed home: nothing is relocated then)."""
    home = choices.home(form.case)
    if not home:
        return []
    given = {code for code, table in form.elsewhere.items() if any(table.values())}
    return [
        code for code, _, _ in choices.regions if code != home and (code in shown or code in given)
    ]


def _typed_row(specs: Sequence[FieldSpec], row: Raw) -> dict[str, Any]:
    out = {}
    for spec in specs:
        value = typed(spec, row.get(spec.name, spec.empty()))
        if value is None or (spec.kind == "bool" and value is False):
            continue
        out[spec.name] = value
    return out


def scenario_dict(form: CaseForm, choices: Choices) -> dict[str, Any]:
    """The scenario as plain values (only the given fields), ready for msgspec."""
    case = _typed_row(CASE_FIELDS, form.case)
    person = _typed_row(choices.fields("person"), form.case)
    out: dict[str, Any] = {**case, "person": person}
    out["enrollment"] = [_typed_row(choices.fields("enrollment"), r) for r in form.enrollment]
    out["events"] = [_typed_row(choices.fields("event"), r) for r in form.events]
    out["claims"] = [_typed_row(choices.fields("claim"), r) for r in form.claims]
    elsewhere = {
        code: {k: v for k, v in table.items() if v} for code, table in form.elsewhere.items()
    }
    if elsewhere := {code: table for code, table in elsewhere.items() if table}:
        out["elsewhere"] = elsewhere
    return out


def to_scenario(
    form: CaseForm, choices: Choices, lang: Lang, region: str = ""
) -> tuple[Scenario | None, Problems]:
    """The form as a Scenario, or ``None`` and what is wrong."""
    found = problems(form, choices, lang, region)
    if found.count():
        return None, found
    try:
        return msgspec.convert(scenario_dict(form, choices), type=choices.kind), found
    except (msgspec.ValidationError, ValueError) as exc:
        return None, Problems(whole=str(exc))


def from_scenario(scenario: Scenario, choices: Choices | None = None) -> CaseForm:
    """The form showing ``scenario`` (every field kept, so saving loses nothing; the
    facts ``choices``' regions declare included)."""
    choices = choices or Choices()
    form = CaseForm()
    form.case["year"] = str(scenario.year)
    form.case["title"] = scenario.title or ""
    for spec in choices.fields("person"):
        form.case[spec.name] = raw_of(spec, getattr(scenario.person, spec.name, None))
    form.enrollment = [_raw_row(choices.fields("enrollment"), r) for r in scenario.enrollment]
    form.events = [_raw_row(choices.fields("event"), e) for e in scenario.events]
    form.claims = [_raw_row(choices.fields("claim"), c) for c in scenario.claims]
    form.elsewhere = {
        code: {k: v for k, v in msgspec.structs.asdict(e).items() if v is not None}
        for code, e in scenario.elsewhere.items()
    }
    return form


def _raw_row(specs: Sequence[FieldSpec], item: object) -> Raw:
    return {spec.name: raw_of(spec, getattr(item, spec.name, None)) for spec in specs}


def enrollment_clash(form: CaseForm, index: int | None, lang: Lang):
    """A check for the enrolment dialog: the year must not be listed twice."""

    def check(raw: Raw) -> dict[str, str]:
        years = {str(r.get("year")) for i, r in enumerate(form.enrollment) if i != index}
        if str(raw.get("year", "")).strip() in years:
            return {"year": "该年度已有记录" if lang == "zh" else "year already listed"}
        return {}

    return check


def claim_clash(form: CaseForm, index: int | None, lang: Lang):
    """A check for the claim dialog: a unique id, a date in the case's year."""

    def check(raw: Raw) -> dict[str, str]:
        out = {}
        ids = {str(c.get("id")) for i, c in enumerate(form.claims) if i != index}
        if str(raw.get("id", "")).strip() in ids:
            out["id"] = "编号重复" if lang == "zh" else "id already used"
        year = str(form.case.get("year", "")).strip()
        date = str(raw.get("date", "")).strip()
        if year.isdigit() and len(date) == 10 and not date.startswith(year):
            out["date"] = f"应在 {year} 年内" if lang == "zh" else f"must be in {year}"
        if _amount(raw.get("compliant")) > _amount(raw.get("total"), default=MAX_AMOUNT):
            out["compliant"] = (
                "不应超过总费用" if lang == "zh" else "must not exceed the whole bill"
            )
        return out

    return check


def _amount(raw: Any, default: Decimal = Decimal(0)) -> Decimal:
    try:
        return parse_money(str(raw))
    except ValueError:
        return default


def choices_of(registry: Registry) -> Choices:
    """The vocabulary the installed regions declare: codes, names, districts, categories,
    their own facts and the words they add, and the scenario type they make."""
    regions, districts, categories = [], [], []
    district_names: dict[str, str] = {}
    facts: list[Fact] = []
    added: dict[str, Word] = {}
    for code in registry.codes():
        info = registry.region(code).info
        regions.append((code, info.name_zh, info.name_en))
        districts += [(d, code) for d in info.districts]
        district_names |= info.district_names
        categories += [
            (code, s.scheme, tuple((c.code, c.name_zh, c.name_en) for c in s.categories))
            for s in info.schemes
        ]
        facts += [f for f in info.facts if f not in facts]
        added |= {w.code: (w.code, w.name_zh, w.name_en) for ws in info.words for w in ws.values}
    return Choices(
        regions=tuple(regions),
        districts=tuple(districts),
        district_names=district_names,
        categories=tuple(categories),
        facts=tuple(facts),
        words={"assistance": tuple(added.values())},
        kind=registry.scenario_type(),
    )


def default_year() -> int:
    """A new case's year: the year we are in (``yibao.dates.today``)."""
    return today().year
