"""What the engine returns: immutable msgspec Structs that explain themselves.

Every number a person sees comes with :class:`Step` records (a Chinese and English
label, the value, the citation), so the CLI, the TUI and reports only render. JSON
encodes money as decimal strings ("34300.00") and dates as ISO strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import msgspec

from yibao.facts import Fact, Words

FORMAT_VERSION = "1.2"
"""The version of the JSON result format, carried by every :class:`RegionResult` and
:class:`Comparison` as ``format_version``: ``MAJOR.MINOR``. A field added is a new
minor version; a field removed, renamed or given another meaning is a new major
version. docs/results.md lists every version; docs/schema/ holds the JSON Schemas."""


class Out(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=False):
    """Base of every result Struct (frozen: results are values)."""


class Step(Out, kw_only=True):
    """One line of an explanation."""

    label_zh: str
    label_en: str
    value: str
    """The value as shown: an amount ("1000.00"), a rate ("70%"), a date, a word."""
    amount: Decimal | None = None
    cite: str = ""
    """Source document and section, e.g. ``changzhou-resident-2025 §三(一)``."""
    carried_from: int | None = None
    """The year of the source value this step rests on, when that value is carried into a
    later year because no later notice is bundled (``None``: in force by its own dates)."""
    marked: Literal["fictional", "illustrative"] | None = None
    """The step's value comes from a parameter overlay marked as not policy
    (``fictional`` or ``illustrative``, docs/parameters.md); renderers label it so."""


NoticeKind = Literal["not_published", "carried", "stated", "interpretation", "warning", "checklist"]
"""``carried``: the answer rests on a value carried from an earlier year's source."""


class Notice(Out, kw_only=True):
    """Something the reader must know: a gap in the sources, a stated fact, a reading."""

    kind: NoticeKind
    text_en: str
    text_zh: str = ""
    key: str | None = None
    cite: str = ""
    source_year: int | None = None
    """``carried`` notices: the year of the source value carried into the answer's year."""


class SourceDoc(Out, kw_only=True):
    """A policy document a region's rules come from."""

    id: str
    """The file name in the policy sources, e.g. ``changzhou-resident-2025``."""
    title: str
    issued: str = ""


class Category(Out, kw_only=True):
    """One of a scheme's person categories (参保类别), e.g. 常州's 老年居民."""

    code: str
    name_zh: str
    name_en: str


def categories(names: Mapping[str, tuple[str, str]]) -> tuple[Category, ...]:
    """``{code: (name_zh, name_en)}`` as :class:`Category` values, in order."""
    return tuple(Category(code=c, name_zh=zh, name_en=en) for c, (zh, en) in names.items())


class SchemeInfo(Out, kw_only=True):
    scheme: str
    years: tuple[int, ...]
    """The scheme years yibao answers. A plugin declares the years its sources cover;
    once loaded, the registry extends them through next year
    (:func:`yibao.dates.answer_years`), each answer flagging the values it carries from
    the latest source, and keeps the declared years in :attr:`source_years`."""
    source_years: tuple[int, ...] = ()
    """The years the region's own sources (and installed overlays) cover."""
    layers: tuple[str, ...]
    """Layer names, lowest first (e.g. ``("jiangsu", "changzhou-resident")``)."""
    categories: tuple[Category, ...] = ()
    """The categories ``person.category`` may state in this scheme (empty: none)."""
    stated_for: dict[str, str] = {}
    """The category to state for a generic kind of person, where the region's rules
    cannot derive it from the facts (the source publishes no such rule): kind → category
    code. Kinds are plain words: ``adult`` (a non-working adult), ``elderly``,
    ``university``, ``minor``, ``employee``, ``flexible``. Reports use it to chart
    sample people in every region on equal terms."""


class RegionInfo(Out, kw_only=True):
    """What a region plugin declares about itself."""

    code: str
    name_zh: str
    name_en: str
    province: str | None = None
    schemes: tuple[SchemeInfo, ...]
    sources: tuple[SourceDoc, ...] = ()
    districts: tuple[str, ...] = ()
    """Known district codes; a scenario naming another district is refused."""
    district_names: dict[str, str] = {}
    """The districts' Chinese names, by code (``{"wujin": "武进区"}``): a scenario may
    write the name (with or without 区/县/市) instead of the code, and messages show it."""
    facts: tuple[Fact, ...] = ()
    """Facts this region's rules read that core's model does not know
    (:mod:`yibao.facts`): a scenario may state them on the person, an enrolment record,
    a life event or a claim."""
    words: tuple[Words, ...] = ()
    """Words this region adds to a choice every region shares (assistance statuses)."""


class Eligibility(Out, kw_only=True):
    """May the person enrol, and in which category (参保类别)."""

    eligible: bool
    category: str | None = None
    category_zh: str | None = None
    category_en: str | None = None
    steps: tuple[Step, ...] = ()


class PremiumPart(Out, kw_only=True):
    payer: Literal[
        "individual", "government", "employer", "assistance_fund", "family_account", "other"
    ]
    """``family_account``: a close relative's employee personal account (家庭共济)."""
    amount: Decimal | None
    """``None`` when the source does not publish this part."""
    label_zh: str = ""
    label_en: str = ""


class Premium(Out, kw_only=True):
    """The year's contribution and who pays it."""

    individual: Decimal | None
    """What the person pays themselves (after any subsidy)."""
    parts: tuple[PremiumPart, ...] = ()
    steps: tuple[Step, ...] = ()

    def with_share_paid_by(
        self, payer: str, label_zh: str, label_en: str, steps: tuple[Step, ...]
    ) -> Premium:
        """This premium with the person's own share paid by ``payer`` instead (a
        relative's account, say): the individual part becomes ``payer``'s, of the same
        amount (``None`` when not published), and the person pays nothing themselves."""
        parts = tuple(
            PremiumPart(payer=payer, amount=p.amount, label_zh=label_zh, label_en=label_en)  # type: ignore[arg-type]
            if p.payer == "individual"
            else p
            for p in self.parts
        )
        zero = Decimal("0.00")
        return Premium(individual=zero, parts=parts, steps=(*self.steps, *steps))


class Suspension(Out, kw_only=True):
    """Days inside cover when benefits are suspended (待遇暂停), e.g. for contributions
    that broke off. A liable party (an employer in arrears) may owe what the insurance
    layers would have paid on claims in those days."""

    start: dt.date
    end: dt.date | None = None
    """The last day suspended; ``None``: to the end of cover."""
    liable: str | None = None
    """The payer who owes the insurance layers' payments instead (``"employer"``); ``None``:
    nobody, the claims are not covered."""
    liable_zh: str = ""
    liable_en: str = ""
    layers: tuple[str, ...] = ()
    """The layers whose payments the liable party makes instead of the funds."""
    steps: tuple[Step, ...] = ()

    def holds(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Coverage(Out, kw_only=True):
    """From when benefits are paid.

    ``start`` is the first day of cover when it is known. When a source leaves the
    waiting period's length open, ``start`` is ``None`` and the bounds say what is
    certain: nothing before ``earliest``, everything from ``latest`` on.
    """

    start: dt.date | None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    end: dt.date | None = None
    steps: tuple[Step, ...] = ()
    suspended: tuple[Suspension, ...] = ()
    """Stretches inside cover when benefits are suspended, in date order."""


class LayerPayment(Out, kw_only=True):
    """What one payer layer pays on one claim."""

    layer: str
    """``basic_fund``, ``large_amount_subsidy``, ``critical_illness``,
    ``medical_assistance``, ``tilted_assistance``, ``institution`` (costs a designated
    institution must bear instead of the patient) or a region's own layer name."""
    label_zh: str
    label_en: str
    amount: Decimal
    steps: tuple[Step, ...] = ()


ClaimStatus = Literal[
    "settled", "not_covered", "undetermined", "not_published", "pending_review", "refused"
]


class ClaimResult(Out, kw_only=True):
    """One claim settled in layers."""

    claim_id: str
    date: dt.date
    kind: str
    status: ClaimStatus
    bill: Decimal
    compliant: Decimal
    layers: tuple[LayerPayment, ...] = ()
    patient: Decimal | None = None
    """The bill minus every layer; ``None`` when the settlement is not known."""
    steps: tuple[Step, ...] = ()
    notices: tuple[Notice, ...] = ()

    def paid_by(self, layer: str) -> Decimal:
        """What ``layer`` pays on this claim (0 when it pays nothing)."""
        return sum((p.amount for p in self.layers if p.layer == layer), Decimal("0.00"))


class LimitState(Out, kw_only=True):
    """A yearly limit and how much of it the year's claims used."""

    key: str
    label_zh: str
    label_en: str
    cap: Decimal
    used: Decimal
    remaining: Decimal
    basis: Literal["cost", "payment"]
    cite: str = ""
    steps: tuple[Step, ...] = ()
    """How the limit itself was worked out, where a rule builds it (e.g. a cap raised by
    incentives earned over the enrolment history)."""


class Totals(Out, kw_only=True):
    bill: Decimal
    layers: dict[str, Decimal]
    patient: Decimal
    complete: bool
    """False when some claim could not be settled (its amounts are left out)."""


class RegionResult(Out, kw_only=True):
    """One region's whole answer for one scenario."""

    format_version: str = FORMAT_VERSION
    """The result format's version (:data:`FORMAT_VERSION`)."""
    region: str
    scheme: str
    year: int
    name_zh: str = ""
    name_en: str = ""
    status: Literal["ok", "error"] = "ok"
    error: str | None = None
    error_zh: str | None = None
    """The error in Chinese, where the message has one (``error`` is English)."""
    eligibility: Eligibility | None = None
    premium: Premium | None = None
    coverage: Coverage | None = None
    claims: tuple[ClaimResult, ...] = ()
    totals: Totals | None = None
    limits: tuple[LimitState, ...] = ()
    notices: tuple[Notice, ...] = ()
    overlays: tuple[str, ...] = ()
    """Parameter overlay files that supplied values for this answer."""
    marked: dict[str, Literal["fictional", "illustrative"]] = {}
    """Which of :attr:`overlays` say their values are not policy, and how
    (``{"reform.toml": "illustrative"}``); every number resting on them is labelled."""


class Comparison(Out, kw_only=True):
    """Several regions' answers for one scenario, in the order asked."""

    format_version: str = FORMAT_VERSION
    """The result format's version (:data:`FORMAT_VERSION`)."""
    scenario_title: str | None
    results: tuple[RegionResult, ...]


_CLAIMS_BY_ID: dict[int, tuple[object, dict[str, object]]] = {}
"""Recent holders' claims by id (each holder kept, so its ``id`` is not reused)."""


def claim_by_id(holder: object, claim_id: str) -> Any:
    """The item of ``holder.claims`` (a region's result, or a report's column of one)
    whose ``claim_id`` is ``claim_id``, or ``None``. A holder's claims are indexed once,
    so looking up every claim of every row stays linear in the claims (a scenario may
    hold 10,000)."""
    found = _CLAIMS_BY_ID.get(id(holder))
    if found is None or found[0] is not holder:
        if len(_CLAIMS_BY_ID) >= 64:
            _CLAIMS_BY_ID.clear()
        claims = holder.claims  # type: ignore[attr-defined]
        found = _CLAIMS_BY_ID[id(holder)] = (holder, {c.claim_id: c for c in claims})
    return found[1].get(claim_id)
