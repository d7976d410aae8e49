"""Names people write for codes: 常州 for ``changzhou``, 老年居民 for ``elderly``, 三级 for
level 3 — resolved to codes once, here, for every surface (files, batch lines, the API,
the command line).

Two passes, both cheap when a scenario already uses codes:

- :func:`translate` runs on the decoded document before it is typed: a Chinese (or
  English) name of a choice — the words of :data:`yibao.vocabulary.WORDS`, the values
  of a choice fact a region declares — becomes its code, so ``kind = "住院"`` reads as
  ``"inpatient"``.
- :func:`resolve` runs on the typed scenario against the installed regions: region
  fields (household registration, residence permit, place of study, enrolment records,
  ``[elsewhere.<region>]``) accept a region's code or name; a district and a stated
  category must be ones the region declares (code or name). A value that is nearly an
  installed region's code (``chanzhou``), a district or a category the region does not
  know is an :class:`~yibao.errors.InputError` naming the field, with "did you mean".

A region *not* installed may still be named (a household registration in 南京 is a
fact like any other): only a near miss of an installed region is refused, since a
typo there silently makes a local person non-local. docs/scenario.md ("Names") says so.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from yibao.errors import InputError
from yibao.model import Elsewhere, Scenario
from yibao.vocabulary import WORDS

if TYPE_CHECKING:
    from yibao.registry import Registry

SUFFIXES = ("市", "县", "区")
"""Administrative suffixes a name may carry or leave off (常州市 = 常州, 昌黎 = 昌黎县)."""

NEAR = 0.85
"""How alike a written region must be to an installed code to count as its misspelling
(``chanzhou``/``changzhou`` 0.94); real places stay below it (``suzhou``/``xuzhou`` 0.83)."""


def key(text: str) -> str:
    """A name as compared: NFKC (full-width letters and digits become ASCII), trimmed,
    lower case, without a trailing administrative suffix."""
    found = unicodedata.normalize("NFKC", text).strip().lower()
    if len(found) > 2 and found.endswith(SUFFIXES):
        found = found[:-1]
    return found


def suggest(value: str, aliases: Mapping[str, str], n: int = 3) -> list[str]:
    """The codes whose names (``aliases``: name key → code) ``value`` most resembles."""
    cutoff = 0.6 if key(value).isascii() else 0.5  # two Chinese characters, one wrong: 0.5
    found = difflib.get_close_matches(key(value), list(aliases), n=n * 2, cutoff=cutoff)
    return list(dict.fromkeys(aliases[f] for f in found))[:n]


# -------------------------------------------------------------------------------------
# Choices: the scenario's words (before typing)
# -------------------------------------------------------------------------------------

CHOICE_FIELDS: dict[str, dict[str, str]] = {
    "person": {
        "sex": "sex",
        "scheme": "scheme",
        "student": "student",
        "employment": "employment",
        "assistance": "assistance",
        "disability_grade": "disability_grade",
    },
    "enrollment": {"scheme": "scheme"},
    "events": {"kind": "event_kind"},
    "claims": {
        "kind": "claim_kind",
        "level": "level",
        "facility": "facility",
        "care": "care",
        "area": "area",
        "excluded": "excluded",
    },
}
"""Which vocabulary of :data:`~yibao.vocabulary.WORDS` names each choice field's values."""

NUMBERED = frozenset({"level", "disability_grade"})
"""Vocabularies whose codes are whole numbers in the scenario (``level = 3``)."""

Words = dict[tuple[str, str], dict[str, Any]]
"""``(part, field) → {name key: code}``."""


def _vocabulary(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, zh, en in WORDS[name]:
        value: Any = int(code) if name in NUMBERED else code
        for alias in (zh, en):
            out.setdefault(key(alias), value)
    return out


def choice_words(registry: Registry) -> Words:
    """The names of every choice a scenario of ``registry``'s regions may state: core's
    words and the values of the choice facts and added words the regions declare."""
    words: Words = {}
    for part, fields in CHOICE_FIELDS.items():
        for name, vocab in fields.items():
            words[(part, name)] = _vocabulary(vocab)
    parts = {"person": "person", "enrollment": "enrollment", "event": "events", "claim": "claims"}
    for _, fact in registry.declared_facts():
        if fact.type == "choice":
            found = words.setdefault((parts[fact.on], fact.name), {})
            for v in fact.values:
                for alias in (v.name_zh, v.name_en):
                    found.setdefault(key(alias), v.code)
    for _, added in registry.declared_words():
        found = words.setdefault(("person", "assistance"), {})
        for v in added.values:
            for alias in (v.name_zh, v.name_en):
                found.setdefault(key(alias), v.code)
    return words


def translate(doc: Any, words: Words) -> Any | None:
    """``doc`` (a decoded scenario document) with every choice written as a name replaced
    by its code; ``None`` when nothing was a name (the common case: codes throughout)."""
    if not isinstance(doc, dict):
        return None
    changed = False
    out = dict(doc)
    for part in CHOICE_FIELDS:
        found = doc.get(part)
        if found is None:
            continue
        items = found if isinstance(found, list) else [found]
        new_items = []
        for item in items:
            new = _translate_item(item, part, words)
            changed |= new is not item
            new_items.append(new)
        out[part] = new_items if isinstance(found, list) else new_items[0]
    return out if changed else None


def _translate_item(item: Any, part: str, words: Words) -> Any:
    if not isinstance(item, dict):
        return item
    out = item
    for name, value in item.items():
        names = words.get((part, name))
        if names is None:
            continue
        if isinstance(value, list):
            new: Any = [_word(v, names) for v in value]
            same = all(a is b for a, b in zip(new, value, strict=True))
        else:
            new = _word(value, names)
            same = new is value
        if not same:
            if out is item:
                out = dict(item)
            out[name] = new
    return out


def _word(value: Any, names: Mapping[str, Any]) -> Any:
    if not isinstance(value, str):
        return value
    found = names.get(key(value))
    return value if found is None or found == value else found


# -------------------------------------------------------------------------------------
# Places and categories (after typing)
# -------------------------------------------------------------------------------------


@dataclass
class Places:
    """The region, district and category names of a registry's loaded regions."""

    regions: dict[str, str] = field(default_factory=dict)
    """Name key (code, Chinese name with or without its suffix, English name) → code."""
    labels: dict[str, str] = field(default_factory=dict)
    """Region code → ``code (name)`` for messages."""
    districts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Region code → district name key → district code (regions that declare districts)."""
    district_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    """District code → its region (as :func:`yibao.whatif.district_owners`)."""
    categories: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """``(region, scheme)`` → category name key → code (schemes that declare categories)."""
    category_labels: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    words: Words = field(default_factory=dict)
    in_codes: set[tuple] = field(default_factory=set)
    """Facts :func:`resolve` found written in codes already (batch lines repeat them)."""

    def region(self, value: str) -> str | None:
        """The installed region ``value`` names (code or name), or ``None``."""
        return self.regions.get(key(value))

    def near_region(self, value: str) -> list[str]:
        """Installed regions ``value`` nearly spells (a typo), closest first."""
        text = key(value)
        if not text.isascii():
            return []  # another place's Chinese name is never a misspelt code
        scored = [
            (difflib.SequenceMatcher(None, text, alias).ratio(), code)
            for alias, code in self.regions.items()
            if alias.isascii()
        ]
        return list(dict.fromkeys(c for r, c in sorted(scored, reverse=True) if r >= NEAR))


def places(registry: Registry) -> Places:
    """The names of ``registry``'s loaded regions (built once per registry)."""
    if isinstance(registry._names, Places):
        return registry._names
    found = Places(words=choice_words(registry))
    for code, item in registry.installed().items():
        if item.plugin is None:
            continue
        info = item.plugin.info
        found.labels[code] = f"{code} ({info.name_zh})"
        for alias in (code, info.name_zh, info.name_en):
            if alias:
                found.regions.setdefault(key(alias), code)
        if info.districts:
            aliases = found.districts[code] = {}
            labels = found.district_labels[code] = {}
            for d in info.districts:
                zh = info.district_names.get(d, "")
                labels[d] = f"{d} ({zh})" if zh else d
                found.owners.setdefault(d, code)
                for alias in (d, zh):
                    if alias:
                        aliases.setdefault(key(alias), d)
        for s in info.schemes:
            if s.categories:
                aliases = found.categories[(code, s.scheme)] = {}
                found.category_labels[(code, s.scheme)] = {
                    c.code: f"{c.code} ({c.name_zh})" for c in s.categories
                }
                for c in s.categories:
                    for alias in (c.code, c.name_zh, c.name_en):
                        aliases.setdefault(key(alias), c.code)
    registry._names = found
    return found


def region_code(value: str, registry: Registry) -> str:
    """The installed region ``value`` names (``常州``, ``Changzhou``, ``changzhou``);
    raise :class:`~yibao.errors.UnknownRegion` with suggestions otherwise. Codes of
    broken or disabled regions pass through (they report their own state)."""
    from yibao.errors import UnknownRegion

    if value in registry.installed():
        return value
    found = places(registry).region(value)
    if found is not None:
        return found
    known = places(registry).regions
    raise UnknownRegion(value, registry.codes(), suggest(value, known))


class _Check:
    """One scenario's names checked against :class:`Places`; problems raise
    :class:`InputError` naming ``source`` and the field."""

    def __init__(self, scenario: Scenario, found: Places, source: str) -> None:
        self.scenario = scenario
        self.places = found
        self.source = source

    def fail(self, path: str, en: str, zh: str) -> None:
        raise InputError(self.source, f"{path}: {en}", f"{path}：{zh}")

    def region(self, value: str | None, path: str) -> str | None:
        if value is None:
            return None
        found = self.places.region(value)
        if found is not None:
            return found
        near = self.places.near_region(value)
        if near:
            shown = " or ".join(self.places.labels[c] for c in near)
            shown_zh = " 或 ".join(self.places.labels[c] for c in near)
            self.fail(
                path,
                f"{value!r} is not an installed region; did you mean {shown}? (A region not "
                "installed may be named, but not this close to an installed one's code: "
                "write its Chinese name.)",
                f"{value!r} 不是已安装的地区；是否要写 {shown_zh}？（未安装的地区可以填写，"
                "但不能与已安装地区的代码如此接近：请写其中文名称。）",
            )
        return value

    def choice(
        self,
        value: str,
        aliases: Mapping[str, str],
        labels: Mapping[str, str],
        path: str,
        what: tuple[str, str],
    ) -> str:
        found = aliases.get(key(value))
        if found is not None:
            return found
        near = suggest(value, aliases)
        hint = f"did you mean {' or '.join(labels[c] for c in near)}? " if near else ""
        hint_zh = f"是否要写 {' 或 '.join(labels[c] for c in near)}？" if near else ""
        self.fail(
            path,
            f"{value!r} is not {what[1]}; {hint}expected one of: {', '.join(labels.values())}",
            f"{value!r} 不是{what[0]}；{hint_zh}应为以下之一：{'、'.join(labels.values())}",
        )
        raise AssertionError  # fail raised

    def district(self, value: str | None, region: str | None, path: str) -> str | None:
        if value is None:
            return None
        p = self.places
        if region is not None and region in p.districts:
            name = p.labels[region]
            what = (f"{name}的区县", f"a district of {name}")
            return self.choice(value, p.districts[region], p.district_labels[region], path, what)
        for aliases in p.districts.values():  # a home not installed: any known district name
            found = aliases.get(key(value))
            if found is not None:
                return found
        return value

    def category(self, value: str | None, region: str | None, path: str) -> str | None:
        if value is None or region is None:
            return value
        scheme = self.scenario.person.scheme
        aliases = self.places.categories.get((region, scheme))
        if aliases is None:
            return value
        name = f"{self.places.labels[region]} {scheme}"
        what = (f"{name}的参保类别", f"a category of {name}")
        return self.choice(
            value, aliases, self.places.category_labels[(region, scheme)], path, what
        )


def resolve(scenario: Scenario, registry: Registry, source: str) -> Scenario:
    """``scenario`` with region, district and category names replaced by codes, checked
    against ``registry``'s regions (see the module); raise :class:`InputError` naming
    ``source`` and the field for a near miss of a region or an unknown district or
    category. Returns ``scenario`` itself when it already uses codes throughout."""
    from yibao.whatif import home_of

    person = scenario.person
    found = places(registry)
    facts = (person.hukou, person.residence_permit, person.study_region, person.district,
             person.category, person.scheme, *(r.region for r in scenario.enrollment))  # fmt: skip
    if not scenario.elsewhere and facts in found.in_codes:
        return scenario
    check = _Check(scenario, found, source)
    hukou = check.region(person.hukou, "$.person.hukou")
    permit = check.region(person.residence_permit, "$.person.residence_permit")
    study = check.region(person.study_region, "$.person.study_region")
    district = check.district(person.district, None, "$.person.district")
    home = home_of(district, permit, hukou, check.places.owners)
    district = check.district(district, home, "$.person.district")
    category = check.category(person.category, home, "$.person.category")
    new_person = (hukou, permit, study, district, category)
    old_person = (
        person.hukou,
        person.residence_permit,
        person.study_region,
        person.district,
        person.category,
    )
    changes: dict[str, Any] = {}
    if new_person != old_person:
        changes["person"] = msgspec.structs.replace(
            person,
            hukou=hukou,
            residence_permit=permit,
            study_region=study,
            district=district,
            category=category,
        )
    records = []
    for i, record in enumerate(scenario.enrollment):
        region = check.region(record.region, f"$.enrollment[{i}].region")
        records.append(
            record if region == record.region else msgspec.structs.replace(record, region=region)
        )
    if any(a is not b for a, b in zip(records, scenario.enrollment, strict=True)):
        changes["enrollment"] = tuple(records)
    elsewhere = _elsewhere(check, scenario.elsewhere)
    if elsewhere is not scenario.elsewhere:
        changes["elsewhere"] = elsewhere
    if not changes and not scenario.elsewhere and len(found.in_codes) < 4096:
        found.in_codes.add(facts)
    return msgspec.structs.replace(scenario, **changes) if changes else scenario


def _elsewhere(check: _Check, given: Mapping[str, Elsewhere]) -> Mapping[str, Elsewhere]:
    if not given:
        return given
    out: dict[str, Elsewhere] = {}
    for name, there in given.items():
        path = f"$.elsewhere.{name}"
        code = check.region(name, path) or name
        district = check.district(there.district, code, f"{path}.district")
        category = check.category(there.category, code, f"{path}.category")
        if (district, category) != (there.district, there.category):
            there = msgspec.structs.replace(there, district=district, category=category)
        out[code] = there
    same = list(out) == list(given) and all(out[k] is given[k] for k in given)
    return given if same else out


def names_of(codes: Iterable[str], registry: Registry) -> list[str]:
    """``code (name)`` of each region code (the code alone when not installed)."""
    labels = places(registry).labels
    return [labels.get(c, c) for c in codes]
