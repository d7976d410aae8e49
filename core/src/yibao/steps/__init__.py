"""Settlement rules declared once, from a small set of typed step kinds.

A region's rule for a payer layer — "the basic fund pays 70% of an admission above a
1,000 deductible, within 350,000 a year" — is a :class:`Rule`: the claim kinds it
settles, the layer, and its steps, each naming the parameter keys and the clause it
applies. Core runs the same declaration three ways: explained, in Decimal, with steps
and citations (:mod:`yibao.steps.explain`: single cases, compare, the TUI,
``--explain``); in integer fen without explanations (:mod:`yibao.steps.fen`: batch);
and compiled (:mod:`yibao.steps.compiled`: batch's machine-code core). Property tests
hold them to the same answers.

The step kinds, in the order a layer usually runs them:

- :class:`Limit` — count the claim against a yearly limit on a ledger key: on cost
  (the amount the layer works on is cut to what remains) or on payment (the payment
  is cut at the end);
- :class:`Deductible` — take a deductible off the amount: per admission (a first and
  a later one), or per year on a running total;
- :class:`Ratio` — pay a ratio of the amount, after the region's remote-care rule;
- :class:`Bands` — pay banded ratios of the part of a yearly running total the claim
  occupies (分段累计);
- :class:`Cap` — cut the payment to what remains of a yearly cap, given by a parameter
  or by the region's critical-illness cap hook;
- :class:`TopUp` — raise the payment to a floor ratio of the amount (生育补足);
- :class:`Window` — pay a ratio of the part of a yearly running total between a yearly
  deductible and a yearly limit on cost (普通门诊统筹);
- :class:`Unpublished` — the benefit is not published: the claim says so, naming the key;

and the layer passes what the patient still bears to the next layer. A rule may name a
:class:`Subsidy` — a second payer on the same running total (职工大额医疗费用补助) — and
rules that settle what its limits leave (``passes_on``: 超限额部分按普通门诊统筹支付). A value no
loaded source publishes makes the claim ``not_published`` naming the key, exactly as
a hand-written rule does (with ``Rule.partial``, every missing value is named and the
published part shown, as a partial answer); a parameter key is written with
``{placeholders}`` that the rule's :attr:`Rule.select` fills from the case (the
category's column, the level), and a key the selection fills to the empty string is
absent (a disease with no limit of its own).

A *plan* is a rule with every value resolved: compiled once per parameter-validity
segment and per set of selected keys, with the remote-care adjustment and the yearly
cap worked out by the hooks that return values, so running it needs no hook call and
no parameter lookup (:mod:`yibao.steps.plan`).

Rules no step kind expresses stay Python hooks; a claim that reaches one is settled by
the engine. Third-party layers written against the hooks keep working unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from yibao.case import Case
    from yibao.model import Claim
    from yibao.results import Notice

Label = tuple[str, str]
"""A label in Chinese and English; ``{placeholders}`` are filled from the rule's
selection, like the keys (``"起付标准（{level}级医疗机构，每次）"``)."""

LayerName = tuple[str, str, str]
"""A payer layer: ``(name, label_zh, label_en)``, e.g. ``("basic_fund", "基本医保统筹基金",
"basic medical insurance fund")``."""


@dataclass(frozen=True)
class Limit:
    """Count the claim against a yearly limit kept on the ledger under ``ledger``.

    ``basis="cost"``: the amount the layer works on is cut to what remains of the
    limit and recorded (a layer paying at a ratio of zero records nothing);
    ``basis="payment"``: the payment is cut to what remains, after the other steps.
    ``basis_key`` names a parameter stating the reading (``cost`` or ``payment``), so it
    is visible where the values are; a value other than ``basis`` there makes the claim
    not published (the rule supports the reading it declares). A ``cap`` the selection
    fills to the empty string means no limit: the step is skipped.

    ``counts_unpaid``: a cost limit counts the claim even where the layer pays nothing
    (a non-designated institution's cost still uses up the year's limit).
    ``overflow``: what the limit leaves goes on to the rule's ``passes_on`` — the cost
    above a cost limit, or, for a payment limit that cut the payment, the cost beyond
    what the remaining room covers at the rule's ratio (room ÷ ratio, rounded to the
    fen).
    """

    ledger: str
    cap: str
    label: Label
    basis: Literal["cost", "payment"] = "cost"
    basis_key: str | None = None
    counts_unpaid: bool = False
    overflow: bool = False


@dataclass(frozen=True)
class Deductible:
    """Take a deductible (起付标准) off the amount.

    Per admission (``per="admission"``): ``key`` for every admission, or ``first`` and
    ``later`` keys chosen by the admission number (the claim's own ``admission``, else
    counted on the ledger under ``counter``). The part taken is remembered, so a later
    :class:`Bands` step starts above it on the running total.
    """

    key: str | None = None
    first: str | None = None
    later: str | None = None
    counter: str | None = None
    label: Label = ("起付标准", "deductible")


@dataclass(frozen=True)
class Ratio:
    """Pay ``key``'s ratio of the amount, after the region's remote-care rule
    (``yibao_remote_care``) when ``remote``; rounded to the fen."""

    key: str
    remote: bool = True
    label: Label = ("支付比例", "ratio")


@dataclass(frozen=True)
class Bands:
    """Pay the banded ratios (``key``, a ``bands`` parameter) of the part of the yearly
    running total under ``running`` that the claim occupies, each band's ratio after
    the remote-care rule when ``remote``; rounded once. The running total advances by
    the whole amount the claim brings (the deductible included)."""

    key: str
    running: str
    remote: bool = True
    label: Label = ("分段支付", "band")


@dataclass(frozen=True)
class Cap:
    """Cut the payment to what remains of a yearly cap on the payments recorded under
    ``ledger``: the cap is parameter ``key``, or — ``hook="critical_illness_cap"`` — what
    the region's ``yibao_critical_illness_cap`` hook gives for the claim's date (``None``
    there: no cap applies). ``required``: a hook answer without a cap means the cap is
    not published — parameter ``key`` then says why (the claim is not published) —
    rather than that none applies."""

    ledger: str
    label: Label
    key: str | None = None
    hook: Literal["critical_illness_cap"] | None = None
    required: bool = False


@dataclass(frozen=True)
class TopUp:
    """Raise the payment to ``key``'s ratio of the amount for the claim kinds named (生育
    实际补偿比例补足), where the layer pays at all."""

    key: str
    kinds: tuple[str, ...]
    label: Label = ("补足至", "topped up to")


@dataclass(frozen=True)
class Unpublished:
    """The benefit is not published: a claim the rule applies to is not settled, naming
    ``key`` (``{placeholders}`` filled from the selection, ``{kind}`` by the claim's
    kind) with ``reason`` and the clause ``cite`` — for benefits a source leaves to
    standards it does not publish (门诊、生育等待遇具体标准另行制定)."""

    key: str
    reason: str
    cite: str = ""
    reason_zh: str = ""


@dataclass(frozen=True)
class Window:
    """Pay ``ratio``'s rate, after the remote-care rule when ``remote``, of the part of the
    yearly running total under ``running`` that the claim occupies between a yearly
    deductible (``above``) and a yearly limit on cost (``limit``, reported with the
    year's limits); ``within``, when the selection fills it, is a lower position still
    for some claims (a pharmacy's part within 3,000). The running total advances by the
    whole amount, so a :class:`Subsidy` can pay further up the same axis. A ``ratio`` the
    selection fills to the empty string is not published: ``missing`` says why (after
    the deductible and the limit are looked up, as a hand-written rule reads them)."""

    running: str
    above: str
    limit: str
    ratio: str
    within: str = ""
    missing: Unpublished | None = None
    remote: bool = True
    label: Label = ("支付比例", "ratio")
    limit_label: Label = ("年度合规费用最高限额", "yearly compliant-cost limit")
    within_label: Label = ("年度内合规费用限额", "the part of the year's cost within")


StepKind = Limit | Deductible | Ratio | Bands | Cap | TopUp | Window | Unpublished


@dataclass(frozen=True)
class Subsidy:
    """A second payer on the rule's running total (职工大额医疗费用补助): its banded ratios
    (``key``, a ``bands`` parameter), each after the remote-care rule when ``remote``,
    of the same part of the running total the rule's :class:`Bands` or :class:`Window`
    step works on (above the deductible); rounded once, paid as ``layer``."""

    layer: LayerName
    key: str
    remote: bool = True
    label: Label = ("分段支付", "band")


Select = Callable[["Case", "Claim"], Mapping[str, str] | None]
"""Fill a rule's ``{placeholders}`` for a claim (``{"group": "adult", "level": "3"}``),
or ``None`` when the rule does not apply to it. Reads only facts fixed for the plan:
the person's year (category, statuses) and the claim's kind, level, facility, care,
diseases — never amounts or the ledger."""


def no_selection(case: Case, claim: Claim) -> Mapping[str, str]:
    """The selection of a rule whose keys have no placeholders."""
    return {}


@dataclass(frozen=True)
class Rule:
    """How one payer layer settles the claims of some kinds.

    :param layer: The payer layer.
    :param kinds: The claim kinds it settles, or a ``list`` parameter naming them (a
        claim of another kind gets a zero payment saying it is out of scope, when
        ``out_of_scope`` is given; else the rule does not apply to it).
    :param steps: The steps, in order.
    :param on: What the layer starts from: the claim's compliant amount (the basic tier)
        or what the patient still bears after the layers before (``remaining``).
    :param select: Fills the keys' placeholders (:data:`Select`).
    :param cite: The clause, shown with the layer's result.
    :param out_of_scope: Kinds outside ``kinds`` get a zero payment with this label
        (instead of no payment from this layer).
    :param excluded_care: Care routes the layer pays nothing on: a zero payment with
        ``excluded_label`` when given, else no payment from this layer.
    :param notice_if_paid: A notice the answer carries when the layer pays anything
        (built once per plan: e.g. the assumption a payment rests on).
    :param subsidy: A second payer on the rule's running total (:class:`Subsidy`).
    :param passes_on: Rules that settle what a limit with ``overflow`` leaves, on the
        same claim whatever its kind (超限额部分按门诊慢性病、普通门诊统筹规定支付): the
        first whose selection applies takes it; its payment adds to this rule's and its
        subsidy's to this rule's subsidy.
    :param partial: When values are not published, name every missing one (each a
        notice; the first is the claim's gap) and show what is published — the values
        found, the ratio and the bound it sets before the deductible — as the claim's
        partial answer.
    :param notify: Records on the case the notices every claim through this rule
        carries (a scope statement, an assumption read from the claim), called once the
        rule applies, before any value is looked up.
    :param nothing_left: A zero payment with this label when the amount the layer
        starts from is zero or less (no value is looked up then).
    """

    layer: LayerName
    kinds: tuple[str, ...] | str
    steps: tuple[StepKind, ...]
    on: Literal["compliant", "remaining"] = "compliant"
    select: Select = no_selection
    cite: str = ""
    out_of_scope: Label | None = None
    excluded_care: tuple[str, ...] = ()
    excluded_label: Label | None = None
    notice_if_paid: Callable[[Case, Claim], Notice | None] | None = None
    subsidy: Subsidy | None = None
    passes_on: tuple[Rule, ...] = ()
    partial: bool = False
    notify: Callable[[Case, Claim], None] | None = None
    nothing_left: Label | None = None


Circumstance = Literal["level", "facility", "diseases"]
"""A claim circumstance a kind's plans may leave unread (``Settlement.circumstances``)."""


@dataclass(frozen=True)
class Settlement:
    """A region's declared settlement for batch's fast path (hook ``yibao_settlement``).

    :param rules: Every declared rule, in the order the layers pay (the basic tier's
        rules, one per claim kind, then critical illness, assistance, further layers).
    :param kinds: The claim kinds whose every layer is declared here: a case whose
        claims are all of these kinds is settled from the rules in whole fen; any other
        goes to the engine, explained.
    :param birthday_ages: Ages (on 1 January) at which a birthday during the year
        changes a person-year answer: the fast path keeps the birth date itself for them
        (for the newborn, see ``newborn_window``).
    :param birthday_params: Keys of integer parameters giving an age whose birthday
        during the year changes a person-year answer (徐州's ``premium.elderly_free_age``:
        the premium is waived, and a late payer covered, from the 70th birthday): the
        birth date is kept for those a year younger on 1 January, for every value the
        stack holds (overlays included).
    :param newborn_window: The parameters giving how long after birth a payment still
        counts as a newborn's (新生儿参保: covered from birth), each with its unit,
        ``"days"`` or ``"months"``. The person-year key then keeps the birth date only for
        someone born in the scenario year or later, or with a payment on or after the
        birth date and within the longest of those windows (a month counted as 31 days);
        ``None``: for everyone under 3 on 1 January (the very young), whatever they paid.
    :param plan_facts: What compiling a plan reads of the person-year — the rules'
        ``select``, ``notice_if_paid``, the hooks that return values (remote care, the
        critical-illness cap) and, for the kinds in ``gated_per_plan``, the claim gate:
        plans are shared by every person-year giving the same value (with the year).
        ``None``: every fact of the person-year (always exact; plans are compiled once
        per person-year, which costs more time).
    :param gated_per_plan: Claim kinds whose claim gate (``yibao_claim_gate``) and
        compliant amount (``yibao_compliant_amount``) — their answers and the notices
        they record — depend only on what a plan depends on (``plan_facts``, the
        claim's kind, level, care, area, facility, diseases, whether it is an injury,
        and the parameters in force on its date; with ``age_at_claim`` and
        ``waiting_periods``, the age on its date and its side of the waiting period),
        never on its amounts, its exact date or its admission number: they are asked
        once per plan (a claim with blood-use items is still asked claim by claim).
        Other kinds are asked for every claim, and batch's compiled core leaves their
        cases to the Python fast path.
    :param circumstances: For claim kinds whose plans and gate read only some of the
        claim's ``level``, ``facility`` and ``diseases``: those (the kind, care, area and
        date's parameters are always read). Batch shares plans across the others (a
        general-outpatient plan that reads no level is compiled once for all three).
    :param blood_share: For claims with blood-use items (用血): the share of them the
        patient pays first, the rest entering the fund's scope, or ``None`` when they
        stay outside it; reading only what the claim's plan reads (its kind, diseases,
        the parameters in force on its date). With it such claims are gated per plan
        too, and batch works out each one's compliant amount in whole fen (compliant +
        blood − blood × share, rounded half up). The region's compliant-amount hook
        should read the same function.
    :param age_at_claim: Claim kinds whose rules' selections read the person's age on
        the claim's date (benefits by age band): plans are compiled per age, which the
        compiled core works out from the line's birth date.
    :param waiting_periods: Claim kinds whose gate refuses claims dated before a day the
        person-year fixes (a waiting period, 等待期): for each, the first day a claim may
        be paid, by the rules in force on the day given (``dt.date.max`` when no day of
        the year qualifies). Their gates are asked once per plan and side of that day (the
        kind must be in ``gated_per_plan`` too); the gate should read the same function.
    """

    rules: tuple[Rule, ...]
    kinds: frozenset[str]
    birthday_ages: frozenset[int] = field(default_factory=frozenset)
    birthday_params: tuple[str, ...] = ()
    newborn_window: Mapping[str, Literal["days", "months"]] | None = None
    plan_facts: Callable[[Case], Hashable] | None = None
    gated_per_plan: frozenset[str] = field(default_factory=frozenset)
    circumstances: Mapping[str, frozenset[Circumstance]] = field(default_factory=dict)
    blood_share: Callable[[Case, Claim], Decimal | None] | None = None
    age_at_claim: frozenset[str] = field(default_factory=frozenset)
    waiting_periods: Mapping[str, Callable[[Case, dt.date], dt.date]] = field(default_factory=dict)
