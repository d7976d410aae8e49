"""Rows of the result and comparison tables, built from the engine's values only.

A :class:`Row` has one :class:`Cell` per region. Every cell carries the engine's steps
(with their citations) so any number can be explained, and a score so the better value
in a row can be marked. Nothing here computes a policy amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from yibao.model import Claim
from yibao.results import ClaimResult, LimitState, RegionResult, Step, claim_by_id
from yibao.vocabulary import claim_labels, notice_lines

from yibao_tui.domain.i18n import Lang, pick, tr, word

Better = Literal["low", "high"] | None


@dataclass(frozen=True)
class Cell:
    text: str
    score: Decimal | int | None = None
    """What "better" compares (an amount, a date's ordinal); ``None``: not comparable."""
    steps: tuple[Step, ...] = ()
    error: bool = False
    unknown: bool = False
    """The value is not known (not published, not settled, a plugin error): no region
    in the row can be called better than it."""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    better: Better = None
    section: bool = False

    def best(self) -> frozenset[int]:
        """Indexes of the better cells; empty when there is nothing to choose between,
        or when a cell's value is unknown (it might be the better one)."""
        if self.better is None or any(c.unknown or c.error for c in self.cells):
            return frozenset()
        scored = [(i, c.score) for i, c in enumerate(self.cells) if c.score is not None]
        if len(scored) < 2 or len({s for _, s in scored}) == 1:
            return frozenset()
        target = (min if self.better == "low" else max)(s for _, s in scored)
        return frozenset(i for i, s in scored if s == target)


def money(amount: Decimal | None, lang: Lang) -> str:
    """An amount as shown: grouped thousands, two decimals; ``—`` when unknown."""
    return "—" if amount is None else f"{amount:,.2f}"


def _cell(amount: Decimal | None, lang: Lang, steps: Sequence[Step] = ()) -> Cell:
    return Cell(money(amount, lang), amount, tuple(steps))


def _section(key: str, label: str, n: int) -> Row:
    return Row(key, label, tuple(Cell("") for _ in range(n)), section=True)


def _unknown(text: str, steps: Sequence[Step] = ()) -> Cell:
    return Cell(text, steps=tuple(steps), unknown=True)


def _per_region(key, label, results, make, better: Better = None) -> Row:
    cells = tuple(Cell("—", error=True) if r.status == "error" else make(r) for r in results)
    return Row(key, label, cells, better)


def rows(results: Sequence[RegionResult], claims: Sequence[Claim], lang: Lang) -> list[Row]:
    """The table rows for ``results`` (one column each), for the case's ``claims`` in
    their order."""
    out: list[Row] = []
    if any(r.status == "error" for r in results):
        out.append(_status_row(results, lang))
    out += _enrolment_rows(results, lang)
    labels = claim_headings(claims, lang)
    for claim in claims:
        out += _claim_rows(results, claim.id, labels[claim.id], lang)
    out += _total_rows(results, lang)
    out += _limit_rows(results, lang)
    return out


def _status_row(results: Sequence[RegionResult], lang: Lang) -> Row:
    cells = tuple(
        Cell(f"{tr('row_error', lang)}: {r.error}", error=True)
        if r.status == "error"
        else Cell("✓")
        for r in results
    )
    return Row("status", tr("row_status", lang), cells)


def claim_headings(claims: Sequence[Claim], lang: Lang) -> dict[str, str]:
    """Each claim's heading by id: what it is, when, where (:func:`claim_labels`, the
    id only where two claims would read the same), and its compliant amount
    (``住院 · 2025-05-10 · 三级医院 · 合规 50,000.00``)."""
    compliant = tr("compliant_short", lang)
    by_id = {c.id: c for c in claims}
    return {
        cid: f"{label} · {compliant} {money(by_id[cid].compliant, lang)}"
        for cid, label in claim_labels(claims, lang).items()
    }


def claim_heading(rows: Sequence[Row], key: str) -> str:
    """The heading of the claim that row ``key`` (``claim:<id>:<what>``) belongs to,
    or "" for a row of no claim."""
    section = key.rpartition(":")[0]  # an id may hold a colon itself
    if not section.startswith("claim:"):
        return ""
    return next((r.label.strip() for r in rows if r.key == section), "")


def _eligibility(r: RegionResult, lang: Lang) -> Cell:
    e = r.eligibility
    if e is None:
        return _unknown(tr("not_published", lang))
    if not e.eligible:
        return Cell(tr("not_eligible", lang), steps=e.steps)
    category = pick(lang, e.category_zh or "", e.category_en or "") or tr("eligible", lang)
    return Cell(category, steps=e.steps)


def _start(r: RegionResult, lang: Lang) -> Cell:
    c = r.coverage
    if c is None:
        if r.eligibility is not None and not r.eligibility.eligible:
            return Cell("—")
        return _unknown(tr("not_published", lang))
    if c.start is not None:
        return Cell(c.start.isoformat(), c.start.toordinal(), c.steps)
    if c.earliest is not None:
        text = f"{tr('undetermined', lang)} {c.earliest}–{c.latest or '?'}"
        return _unknown(text, c.steps)
    return Cell(tr("not_enrolled", lang), steps=c.steps)


def _premium(r: RegionResult, lang: Lang) -> Cell:
    p = r.premium
    if p is None:
        if r.eligibility and not r.eligibility.eligible:
            return Cell("—")
        return _unknown(tr("not_published", lang))
    if p.individual is None:
        return _unknown(tr("not_published", lang), p.steps)
    return _cell(p.individual, lang, p.steps)


def _payers(results: Sequence[RegionResult]) -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for r in results:
        for part in r.premium.parts if r.premium else ():
            seen.setdefault(part.payer, (part.payer, part.label_zh, part.label_en))
    return list(seen.values())


def _payer_cell(r: RegionResult, payer: str, lang: Lang) -> Cell:
    parts = [p for p in r.premium.parts if p.payer == payer] if r.premium else []
    if not parts:
        return Cell("—")
    if any(p.amount is None for p in parts):
        return _unknown(tr("not_published", lang), r.premium.steps)
    return _cell(sum((p.amount for p in parts), Decimal("0.00")), lang, r.premium.steps)


def _enrolment_rows(results: Sequence[RegionResult], lang: Lang) -> list[Row]:
    out = [
        _per_region("elig", tr("row_elig", lang), results, lambda r: _eligibility(r, lang)),
        _per_region(
            "premium", tr("row_premium", lang), results, lambda r: _premium(r, lang), "low"
        ),
    ]
    for payer, _zh, _en in _payers(results):
        label = "  " + word("payer", payer, lang)
        out.append(
            _per_region(
                f"payer:{payer}", label, results, lambda r, p=payer: _payer_cell(r, p, lang)
            )
        )
    out.append(
        _per_region("start", tr("row_start", lang), results, lambda r: _start(r, lang), "low")
    )
    return out


def _claim(r: RegionResult, cid: str) -> ClaimResult | None:
    return claim_by_id(r, cid)


def _layers(results: Sequence[RegionResult], pick_layers) -> list[tuple[str, str, str]]:
    seen: dict[str, tuple[str, str, str]] = {}
    for r in results:
        for layer in pick_layers(r):
            seen.setdefault(layer.layer, (layer.layer, layer.label_zh, layer.label_en))
    return list(seen.values())


def _layer_cell(claim: ClaimResult | None, layer: str, lang: Lang) -> Cell:
    if claim is None:
        return Cell("—")
    payments = [p for p in claim.layers if p.layer == layer]
    if claim.status != "settled" and not payments:
        return _unknown("—")
    steps = tuple(s for p in payments for s in p.steps)
    if claim.status != "settled":  # a partial answer keeps what it paid, unranked
        return _unknown(money(claim.paid_by(layer), lang), steps)
    return _cell(claim.paid_by(layer), lang, steps)


def _patient_steps(claim: ClaimResult, lang: Lang) -> tuple[Step, ...]:
    steps = [
        Step(label_zh="总费用", label_en="bill", value=money(claim.bill, lang), amount=claim.bill),
        Step(
            label_zh="合规费用",
            label_en="compliant",
            value=money(claim.compliant, lang),
            amount=claim.compliant,
        ),
    ]
    for p in claim.layers:
        steps.append(
            Step(
                label_zh=f"− {p.label_zh}",
                label_en=f"− {p.label_en}",
                value=money(p.amount, lang),
                amount=p.amount,
            )
        )
    return (*steps, *claim.steps)


def _patient_cell(claim: ClaimResult | None, lang: Lang) -> Cell:
    if claim is None:
        return Cell("—")
    if claim.patient is None:
        return _unknown(word("claim_status", claim.status, lang), claim.steps)
    return _cell(claim.patient, lang, _patient_steps(claim, lang))


def _status_cell(claim: ClaimResult | None, lang: Lang) -> Cell:
    if claim is None:
        return Cell("—")
    return Cell(word("claim_status", claim.status, lang), steps=claim.steps)


def _claim_rows(results: Sequence[RegionResult], cid: str, head: str, lang: Lang) -> list[Row]:
    out = [_section(f"claim:{cid}", head, len(results))]
    out.append(
        _per_region(
            f"claim:{cid}:status",
            "  " + tr("row_claim_status", lang),
            results,
            lambda r: _status_cell(_claim(r, cid), lang),
        )
    )
    for layer, zh, en in _layers(
        results, lambda r: _claim(r, cid).layers if _claim(r, cid) else ()
    ):
        out.append(
            _per_region(
                f"claim:{cid}:{layer}",
                "  " + (pick(lang, zh, en) or word("layer", layer, lang)),
                results,
                lambda r, layer=layer: _layer_cell(_claim(r, cid), layer, lang),
                "high",
            )
        )
    out.append(
        _per_region(
            f"claim:{cid}:patient",
            "  " + tr("row_patient", lang),
            results,
            lambda r: _patient_cell(_claim(r, cid), lang),
            "low",
        )
    )
    return out


def _per_claim_steps(r: RegionResult, amount_of, lang: Lang) -> tuple[Step, ...]:
    out = []
    for c in r.claims:
        value = amount_of(c)
        out.append(
            Step(
                label_zh=f"{c.claim_id} · {word('claim_kind', c.kind, 'zh')}",
                label_en=f"{c.claim_id} · {word('claim_kind', c.kind, 'en')}",
                value=money(value, lang)
                if value is not None
                else word("claim_status", c.status, lang),
                amount=value,
            )
        )
    return tuple(out)


def _settled_total(r: RegionResult, lang: Lang, amount, per_claim) -> Cell:
    """A total over the year's claims. When some claim is not settled the sum of the
    settled ones is a lower bound, shown as ``≥ …`` and never ranked; when none is,
    the total is not known."""
    if r.totals is None:
        return Cell("—")
    steps = _per_claim_steps(r, per_claim, lang)
    if r.totals.complete:
        return _cell(amount(r.totals), lang, steps)
    if all(c.patient is None for c in r.claims):
        return _unknown(tr("unsettled", lang), steps)
    return _unknown(f"≥ {money(amount(r.totals), lang)}", steps)


def _bill_total(r: RegionResult, lang: Lang, unsettled_only: bool = False) -> Cell:
    """The year's whole bill (every claim's, settled or not), or only the unsettled
    claims' part of it."""
    if r.totals is None:
        return Cell("—")
    claims = [c for c in r.claims if c.patient is None or not unsettled_only]
    if unsettled_only and not claims:
        return Cell("—")
    bill = sum((c.bill for c in claims), Decimal("0.00"))
    steps = _per_claim_steps(r, lambda c: c.bill if c in claims else None, lang)
    if unsettled_only:
        return Cell(f"⚠ {money(bill, lang)}", None, steps)
    return _cell(bill, lang, steps)


def _total_rows(results: Sequence[RegionResult], lang: Lang) -> list[Row]:
    if not any(r.totals for r in results):
        return []
    n = len(results)
    out = [_section("totals", tr("sec_totals", lang), n)]
    out.append(
        _per_region(
            "totals:bill", "  " + tr("row_bill", lang), results, lambda r: _bill_total(r, lang)
        )
    )
    if any(r.totals is not None and not r.totals.complete for r in results):
        out.append(
            _per_region(
                "totals:unsettled",
                "  " + tr("row_unsettled", lang),
                results,
                lambda r: _bill_total(r, lang, unsettled_only=True),
            )
        )
    for layer, zh, en in _layers(results, lambda r: [p for c in r.claims for p in c.layers]):
        out.append(
            _per_region(
                f"totals:{layer}",
                "  " + (pick(lang, zh, en) or word("layer", layer, lang)),
                results,
                lambda r, k=layer: _settled_total(
                    r, lang, lambda t: t.layers.get(k, Decimal("0.00")), lambda c: c.paid_by(k)
                ),
                "high",
            )
        )
    out.append(
        _per_region(
            "totals:patient",
            "  " + tr("row_patient", lang),
            results,
            lambda r: _settled_total(r, lang, lambda t: t.patient, lambda c: c.patient),
            "low",
        )
    )
    return out


def _limit_cell(limit: LimitState | None, lang: Lang) -> Cell:
    if limit is None:
        return Cell("—")
    steps = limit.steps + tuple(
        Step(label_zh=zh, label_en=en, value=money(v, lang), amount=v, cite=limit.cite)
        for zh, en, v in (
            ("上限", "cap", limit.cap),
            ("已用", "used", limit.used),
            ("剩余", "remaining", limit.remaining),
        )
    )
    return _cell(limit.remaining, lang, steps)


def _limit_rows(results: Sequence[RegionResult], lang: Lang) -> list[Row]:
    keys: dict[str, tuple[str, str]] = {}
    for r in results:
        for lim in r.limits:
            keys.setdefault(lim.key, (lim.label_zh, lim.label_en))
    if not keys:
        return []
    out = [_section("limits", tr("sec_limits", lang), len(results))]
    for key, (zh, en) in keys.items():
        out.append(
            _per_region(
                f"limit:{key}",
                "  " + pick(lang, zh, en),
                results,
                lambda r, k=key: _limit_cell(next((x for x in r.limits if x.key == k), None), lang),
                "high",
            )
        )
    return out


def notes(result: RegionResult, lang: Lang) -> list[str]:
    """What the reader of ``result`` must know: its error, then its notices with cites."""
    out = []
    if result.status == "error":
        out.append(f"{tr('error', lang)}: {result.error}")
    out += [line for _, line in notice_lines(result.notices, result.year, lang)]
    if result.overlays:
        out.append(", ".join(result.overlays))
    return out


def heading(result: RegionResult, lang: Lang) -> str:
    """A column heading: the region's name."""
    return pick(lang, result.name_zh, result.name_en) or result.region
