"""Settlement invariants: what no answer may break, whatever the rules and parameters.

An overlay can pass every validation rule and still make a rule pay more than the bill
(a 100% band on top of a 95% basic fund), and a plugin can simply be wrong. So every
answer is checked before anyone sees it (:func:`check_answer`, called by the engine
once per region result), and a violation becomes that region's error
(:class:`ImpossibleAnswer`) naming the claim, the payer layer, the parameters it cites
(with the overlay file a value came from) and the plugin distributions whose layers
settle that payer's share — never a printed result.

The invariants, each written once here and read by the engine, the batch settlement
kernels' check (:func:`payments_problem`) and the conformance kit
(:func:`yibao.testing.kit.check_invariants`):

- every amount is a finite ``Decimal`` in whole fen, never negative;
- a settled claim's layers pay no more than its compliant amount plus the blood-use
  items a layer may take into scope (plus what the institution itself bears), so the
  patient's share is never negative, and layers plus patient make the bill;
- a claim not covered or refused is the patient's whole bill, no layer paying;
- a payment never takes a yearly limit on payments beyond the cap in force
  (:func:`check_limit`, checked by the ledger as the payment is recorded);
- the premium and each of its parts is ≥ 0;
- the year's totals add up the claims whose share is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from yibao.errors import YibaoError
from yibao.money import FEN, ZERO

if TYPE_CHECKING:
    from yibao.model import Claim, Scenario
    from yibao.registry import Stack
    from yibao.results import ClaimResult, Premium, RegionResult

_SETTLING_HOOKS = (
    "yibao_compliant_amount",
    "yibao_basic_fund",
    "yibao_critical_illness",
    "yibao_medical_assistance",
    "yibao_further_layers",
)
"""The hooks whose answers become a claim's layer payments."""


class Violation:
    """One broken invariant: where (claim, payer layer) and what."""

    __slots__ = ("claim_id", "layer", "text")

    def __init__(self, text: str, *, claim_id: str | None = None, layer: str | None = None):
        self.text = text
        self.claim_id = claim_id
        self.layer = layer

    def __str__(self) -> str:
        where = f"claim {self.claim_id}: " if self.claim_id is not None else ""
        return where + self.text


class ImpossibleAnswer(YibaoError):
    """An answer broke a settlement invariant; the region reports this instead of it."""

    def __init__(self, region: str, violation: Violation, origin: str) -> None:
        self.violation = violation
        super().__init__(
            f"impossible answer withheld ({region}): {violation}; {origin}. "
            "Check the overlay values named, or report it to the plugin's authors"
        )


# -------------------------------------------------------------------------------------
# The checks
# -------------------------------------------------------------------------------------


def amount_problem(value: object) -> str | None:
    """Why ``value`` is not an amount of money (finite Decimal ≥ 0 in whole fen), or
    ``None`` when it is one."""
    if value.__class__ is not Decimal and not isinstance(value, Decimal):
        return f"{value!r}, not a Decimal"
    if not value.is_finite():
        return f"{value}, not a finite amount"
    if value < ZERO:
        return f"{value}, a negative amount"
    try:  # quantize: the cheapest exact test (100 ns; as_tuple() takes 470)
        whole = value == value.quantize(FEN)
    except InvalidOperation:  # more digits than any amount has
        return f"{value}, not a plausible amount"
    return None if whole else f"{value}, not a whole number of fen"


INSTITUTION = "institution"
"""The payer layer of costs a designated institution bears itself (徐州: items it did not
explain to the patient): outside the compliant part, so on top of the ceiling."""


def payments_problem(
    bill: Decimal, ceiling: Decimal, payments: Iterable[tuple[str, object]]
) -> Violation | None:
    """The first broken invariant of one settled claim's ``(layer, amount)`` payments:
    each a valid amount, together no more than ``ceiling`` (compliant plus what a layer
    may take into scope, plus what the institution bears) nor than ``bill``. Shared by
    the engine and the batch kernels."""
    paid = ZERO
    for layer, amount in payments:
        problem = amount_problem(amount)
        if problem is not None:
            return Violation(f"{layer} pays {problem}", layer=layer)
        paid += amount  # type: ignore[operator]
        if layer == INSTITUTION:
            ceiling += amount  # type: ignore[operator]
        if paid > ceiling or paid > bill:
            limit = min(ceiling, bill)
            return Violation(
                f"the layers pay {paid} up to {layer}, more than the {limit} they may cover "
                f"(bill {bill}); the patient's share would be {bill - paid}",
                layer=layer,
            )
    return None


def ceiling_of(claim: Claim | None, compliant: Decimal) -> Decimal:
    """What the layers may pay on a claim at most: its compliant amount plus its
    blood-use items (which a layer may take into the fund's scope)."""
    blood = claim.blood if claim is not None else None
    return compliant + blood if blood else compliant


def claim_violations(result: ClaimResult, claim: Claim | None) -> Iterator[Violation]:
    """Every broken invariant of one claim's settlement (``claim``: its input)."""
    cid = result.claim_id
    if result.status == "settled":
        if result.patient is None:
            yield Violation("settled, but the patient's share is unknown", claim_id=cid)
            return
        found = payments_problem(
            result.bill,
            ceiling_of(claim, result.compliant),
            ((p.layer, p.amount) for p in result.layers),
        )
        if found is not None:
            found.claim_id = cid
            yield found
            return
        problem = amount_problem(result.patient)
        if problem is not None:
            yield Violation(f"the patient's share {problem}", claim_id=cid)
        elif result.patient + sum((p.amount for p in result.layers), ZERO) != result.bill:
            yield Violation(
                f"the layers and the patient's {result.patient} do not make the bill {result.bill}",
                claim_id=cid,
            )
        return
    paid = sum((p.amount for p in result.layers), ZERO)
    if result.status in ("not_covered", "refused") and (result.patient != result.bill or paid):
        yield Violation(
            f"{result.status}, yet the layers pay {paid} and the patient {result.patient} "
            f"of the bill {result.bill}",
            claim_id=cid,
        )
    for p in result.layers:  # an unsettled claim may keep what was paid before a gap
        problem = amount_problem(p.amount)
        if problem is not None:
            yield Violation(f"{p.layer} pays {problem}", claim_id=cid, layer=p.layer)


def premium_violations(premium: Premium | None) -> Iterator[Violation]:
    """A premium and each of its parts, where published, is a valid amount."""
    if premium is None:
        return
    if premium.individual is not None and (problem := amount_problem(premium.individual)):
        yield Violation(f"the premium {problem}", layer="premium")
    for part in premium.parts:
        if part.amount is not None and (problem := amount_problem(part.amount)):
            yield Violation(f"the premium's {part.payer} part {problem}", layer="premium")


def violations(result: RegionResult, scenario: Scenario) -> Iterator[Violation]:
    """Every broken invariant of one region's answer to ``scenario``."""
    if result.status != "ok":
        return
    yield from premium_violations(result.premium)
    claims = scenario.claims
    by_id = {c.id: c for c in claims} if len(claims) > 1 else None
    for c in result.claims:
        claim = by_id.get(c.claim_id) if by_id is not None else (claims[0] if claims else None)
        yield from claim_violations(c, claim)
    totals = result.totals
    if totals is not None:
        known = [c for c in result.claims if c.patient is not None]
        bill = sum((c.bill for c in known), ZERO)
        if totals.bill != bill:
            yield Violation(f"totals.bill {totals.bill} is not the claims' {bill}")
        if totals.patient + sum(totals.layers.values(), ZERO) != totals.bill:
            yield Violation("the year's layers and patient share do not make its bill")
        if totals.complete != (len(known) == len(result.claims)):
            yield Violation(f"totals.complete is {totals.complete}")
    for lim in result.limits:  # (payments beyond a cap: :func:`check_limit`, as paid)
        if lim.remaining != max(lim.cap - lim.used, ZERO):
            yield Violation(f"limit {lim.key}: remaining {lim.remaining} is not cap − used")


def check_limit(key: str, cap: Decimal, used: Decimal) -> None:
    """Raise :class:`ImpossibleAnswer` when a payment brings the year's payments under
    ``key`` to ``used``, beyond the ``cap`` in force. Called by the year's ledger
    (:meth:`yibao.case.Ledger.add`) as each payment is recorded: a cap may change within
    the year (Jiangsu's from 1 July 2025), so the cap to respect is the one in force
    when the payment is made, which the answer's final limits cannot tell."""
    if used > cap:
        raise ImpossibleAnswer(
            "a yearly limit",
            Violation(f"limit {key}: used {used}, beyond its cap {cap}", layer=key),
            "raised as the payment was recorded on the year's ledger",
        )


# -------------------------------------------------------------------------------------
# The engine's check: a violation is the region's error, with where it came from
# -------------------------------------------------------------------------------------


def check_answer(result: RegionResult, scenario: Scenario, stack: Stack) -> RegionResult:
    """``result`` when it keeps every invariant; else raise :class:`ImpossibleAnswer`
    naming the claim, the payer layer, the parameters and overlays it cites and the
    plugin distributions that settle it."""
    for found in violations(result, scenario):
        raise ImpossibleAnswer(result.region, found, origin(result, found, stack))
    return result


def origin(result: RegionResult, found: Violation, stack: Stack) -> str:
    """Where a violating answer came from: the values its layer cites (an overlay's
    file named by its citation), the overlays in use, the settling plugins."""
    cites: list[str] = []
    for claim in result.claims:
        if found.claim_id is not None and claim.claim_id != found.claim_id:
            continue
        for payment in claim.layers:
            if found.layer is None or payment.layer == found.layer:
                cites += [s.cite for s in payment.steps if s.cite and s.cite not in cites]
    premium = result.premium
    if found.layer == "premium" and premium is not None:
        cites += [s.cite for s in premium.steps if s.cite and s.cite not in cites]
    parts = [f"layer {found.layer}" if found.layer else "the answer as a whole"]
    overlaid = [
        f"{p.key} from overlay {p.origin}"
        for p in stack.params.overlay_params()
        if p.source_label in cites
    ]
    if overlaid:
        parts.append("overlay values used: " + "; ".join(dict.fromkeys(overlaid)))
    if cites:
        parts.append("parameters cited: " + "; ".join(cites))
    if stack.overlays:
        parts.append("overlays in use: " + ", ".join(stack.overlays))
    parts.append("settled by " + ", ".join(settling_plugins(stack, found.layer)))
    return "; ".join(parts)


def settling_plugins(stack: Stack, layer: str | None) -> list[str]:
    """The distributions (with version and layer) implementing the hooks that settle
    ``layer``'s payments, topmost layer first."""
    hooks: Sequence[str] = _SETTLING_HOOKS
    if layer == "premium":
        hooks = ("yibao_premium",)
    out = []
    for ref in reversed(stack.layers):
        implements = any(
            impl.plugin is ref.plugin
            for name in hooks
            for impl in getattr(stack.pm.hook, name).get_hookimpls()
        )
        label = f"{ref.distribution} {ref.version} (layer {ref.name})"
        if implements and label not in out:
            out.append(label)
    return out or ["no plugin hook (the engine's defaults)"]
