"""The report as data: what every output format renders.

Built from engine results only (:mod:`yibao_reports.build`); the renderers never call
the engine and never compute policy. Money stays ``Decimal`` (JSON: decimal strings).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
from yibao.results import Notice, PremiumPart, claim_by_id


class Out(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every report Struct."""


class Text2(Out, kw_only=True):
    """A sentence or label in both languages."""

    zh: str
    en: str

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class LayerAmount(Out, kw_only=True):
    layer: str
    amount: Decimal


class ClaimRow(Out, kw_only=True):
    """One claim as one region settled it."""

    claim_id: str
    label: Text2 | None = None
    """What the claim is — kind, date, hospital (:func:`yibao.vocabulary.claim_label`)."""
    date: dt.date
    kind: str
    status: str
    bill: Decimal
    compliant: Decimal
    layers: tuple[LayerAmount, ...] = ()
    patient: Decimal | None = None
    reason: Text2 | None = None
    """Why the claim is not settled (the engine's first step), when it is not."""
    marked: tuple[str, ...] = ()
    """Marks (``fictional``, ``illustrative``) of overlay values its settlement used."""


class YearTotals(Out, kw_only=True):
    bill: Decimal
    """The bills of the settled claims."""
    layers: tuple[LayerAmount, ...]
    patient: Decimal
    complete: bool
    unsettled: int = 0
    """How many claims have no settlement (their amounts are left out of the totals)."""
    unsettled_bill: Decimal = Decimal("0.00")
    """Their bills: the year's whole bill is ``bill + unsettled_bill``."""


class RegionColumn(Out, kw_only=True):
    """One region's answer for one scenario, reduced to what the table shows."""

    region: str
    scheme: str
    name_zh: str
    name_en: str
    status: str
    error: str | None = None
    eligible: bool | None = None
    category: str | None = None
    category_label: Text2 | None = None
    premium: Decimal | None = None
    premium_known: bool = False
    premium_parts: tuple[PremiumPart, ...] = ()
    benefit_start: dt.date | None = None
    start_earliest: dt.date | None = None
    start_latest: dt.date | None = None
    claims: tuple[ClaimRow, ...] = ()
    totals: YearTotals | None = None
    notices: tuple[Notice, ...] = ()
    overlays: tuple[str, ...] = ()
    marked: dict[str, str] = {}
    """Overlays that say their values are not policy (``RegionResult.marked``)."""

    def name(self, lang: str) -> str:
        return (self.name_zh if lang == "zh" else self.name_en) or self.region


class ScenarioSection(Out, kw_only=True):
    """One scenario compared across regions."""

    source: str
    """The scenario file as named on the command line (personas: ``personas/<file>``)."""
    title: str | None
    year: int
    scheme: str
    columns: tuple[RegionColumn, ...]
    differences: tuple[Text2, ...]
    citations: tuple[str, ...]


class Citation(Out, kw_only=True):
    cite: str
    source_title: str | None = None
    """The title of the policy document the citation names, when a region declares it."""


class SharePoint(Out, kw_only=True):
    compliant: Decimal
    patient: Decimal | None
    status: str


class ShareSeries(Out, kw_only=True):
    """The patient's share of inpatient care at one hospital level in one region."""

    region: str
    name_en: str
    name_zh: str = ""
    level: int
    year: int
    points: tuple[SharePoint, ...]


class ShareChart(Out, kw_only=True):
    scheme: str
    person: Text2
    series: tuple[ShareSeries, ...]


class PremiumBar(Out, kw_only=True):
    """What one sample person pays in one region."""

    person: str
    person_label: Text2
    scheme: str
    region: str
    name_en: str
    name_zh: str = ""
    year: int | None
    status: str
    """``ok``, ``not_eligible``, ``not_published`` or ``error``."""
    category: str | None = None
    individual: Decimal | None = None


class Report(Out, kw_only=True):
    """The whole report."""

    regions: tuple[str, ...]
    overlays: tuple[str, ...]
    scenarios: tuple[ScenarioSection, ...]
    marked: dict[str, str] = {}
    """Overlays that say their values are not policy: path → ``fictional`` or
    ``illustrative``."""
    region_names: dict[str, Text2] = {}
    """The regions' names, by code."""
    citations: tuple[Citation, ...]
    layer_labels: dict[str, Text2] = {}
    """The payer layers' names, as the regions' results give them."""
    share_charts: tuple[ShareChart, ...] = ()
    premiums: tuple[PremiumBar, ...] = ()


def claim_row(col: RegionColumn, claim_id: str) -> ClaimRow | None:
    """The column's row for claim ``claim_id``, if it has one."""
    return claim_by_id(col, claim_id)
