"""Hook specifications: what a region layer may answer, phase by phase.

A region is a stack of layers (a provincial layer, a city layer, any overlays), each
a pluggy plugin. For a hook marked *firstresult*, layers are asked from the top of the
stack down and the first non-``None`` answer wins, so a city overrides its province by
answering, and inherits by returning ``None``. A layer may also *wrap* a lower layer's
answer with ``@hookimpl(wrapper=True)``, receiving that answer from ``yield``.

Hooks receive the :class:`~yibao.case.Case` (the scenario, the region's parameters,
and what earlier phases decided) and return result Structs from :mod:`yibao.results`.
A rule that needs a value no loaded source publishes raises
:class:`~yibao.errors.NotPublished` (``case.param`` does this), and the engine reports
the gap instead of an answer.

Phases 1–3 (category, eligibility, premium, coverage) answer for the person's year and
must not read ``case.claims``: batch settlement evaluates them once per person-year and
reuses the answer for every bill (``yibao batch --no-plan`` is the way out for a plugin
that cannot keep to this). Single cases and ``compare`` reuse them too, from a
person-year's second evaluation (:mod:`yibao.memo`), with each declared rule's plan —
the answers of ``yibao_remote_care`` and ``yibao_critical_illness_cap`` it asked
included — for the same person-year and the same claim facts but the amount.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import datetime as dt

    from yibao.case import Case, ClaimGate, CriticalIllnessCap, Ledger, RateAdjustment
    from yibao.model import Claim
    from yibao.results import Coverage, Eligibility, LayerPayment, Premium, Step
    from yibao.steps import Settlement

hookspec = pluggy.HookspecMarker("yibao")
hookimpl = pluggy.HookimplMarker("yibao")
"""Marker for a region layer's hook implementations: ``@hookimpl`` (also ``yibao.hookimpl``)."""


# -------------------------------------------------------------------------------------
# Layer description
# -------------------------------------------------------------------------------------


@hookspec
def yibao_parameter_files() -> list[Path]:
    """Return the parameter files (TOML) this layer ships.

    Called once when a region's stack is built. Every layer's files are loaded, the
    lowest layer's first, so a higher layer's value for the same key and dates wins.

    :return: Paths of parameter files in the format described in :mod:`yibao.params`.
    """


@hookspec
def yibao_example_scenarios() -> list[Path]:
    """Return example scenario files that show this layer's rules at work.

    ``yibao demo`` evaluates every installed region's examples in every installed
    region.

    :return: Paths of scenario files (TOML or JSON).
    """


# -------------------------------------------------------------------------------------
# Phase 1: who the person is, and whether they may enrol
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_category(case: Case) -> tuple[str, str, str] | None:
    """Derive the person's category in this region (e.g. 老年居民, 大学生).

    Called first for every scenario. The answer is stored as ``case.category`` for the
    later phases. Return ``None`` to leave it to a lower layer.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :return: ``(code, name_zh, name_en)``, e.g. ``("elderly", "老年居民", "elderly resident")``.
    """


@hookspec(firstresult=True)
def yibao_eligibility(case: Case) -> Eligibility | None:
    """Decide whether the person may enrol in the scenario's scheme here.

    Called after :func:`yibao_category`. When the answer is not eligible, premiums,
    cover and claims are not evaluated.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :return: The eligibility decision with its steps.
    """


# -------------------------------------------------------------------------------------
# Phase 2: what the year costs, and who pays it
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_premium(case: Case) -> Premium | None:
    """Work out the year's contribution and how it splits between payers.

    Called once per scenario for an eligible person.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :return: The premium, with each payer's part.
    """


# -------------------------------------------------------------------------------------
# Phase 3: from when benefits are paid (waiting periods)
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_coverage(case: Case) -> Coverage | None:
    """Decide from which day the scenario year's benefits are paid.

    Called once per scenario for an eligible person. Provincial exemptions from a
    waiting period are typically written as a wrapper around the city's answer.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :return: The first day of cover, or bounds on it when a source leaves it open.
    """


# -------------------------------------------------------------------------------------
# Phase 4: settling each claim, in date order, in layers
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_claim_gate(case: Case, claim: Claim) -> ClaimGate | None:
    """Stop a claim before any fund pays, when a rule says it cannot be settled now.

    Called for each covered claim before the layers: costs the fund never pays, a
    review that must come first (外伤), a missing out-of-area filing.

    A claim marked ``excluded`` (work injury, third-party liability, …) that no gate
    stops is reported ``not_published`` by the engine rather than paid as ordinary care:
    a region whose source lists such costs refuses them here.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim about to be settled.
    :return: A gate with the claim's status and the reason, or ``None`` to settle.
    """


@hookspec(firstresult=True)
def yibao_compliant_amount(case: Case, claim: Claim) -> tuple[Decimal, list[Step]] | None:
    """Give the compliant amount the payer layers share for this claim.

    Called for each claim that passed the gate. Without an answer it is
    ``claim.compliant``; a region that folds other items in (e.g. the part of blood
    use that enters the fund's scope, 用血) answers with the amount and its steps.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim being settled.
    :return: ``(amount, steps)``.
    """


@hookspec(firstresult=True)
def yibao_remote_care(case: Case, claim: Claim, rate: Decimal) -> RateAdjustment | None:
    """Adjust the basic fund's ratio for care outside the region (异地就医).

    Called by basic-fund rules through ``case.remote_care(claim, rate)`` for every
    claim, local ones included.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim being settled; ``claim.care`` says where care happened.
    :param rate: The ratio that would apply locally.
    :return: The adjusted ratio with the step that explains it.
    """


@hookspec(firstresult=True)
def yibao_basic_fund(
    case: Case, claim: Claim, ledger: Ledger, compliant: Decimal
) -> list[LayerPayment] | None:
    """Settle the basic insurance tier of one claim (基本医保统筹基金).

    Called for each covered claim in date order. The ledger carries the year's
    cumulative amounts and limits; the rule records what this claim uses. A scheme
    whose basic tier has a supplementary fund (职工大额医疗补助) returns it as a
    second payment.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim to settle.
    :param ledger: The year's shared cumulative amounts.
    :param compliant: The compliant amount from :func:`yibao_compliant_amount`.
    :return: The payments of the basic tier, ``basic_fund`` first.
    """


@hookspec(firstresult=True)
def yibao_critical_illness_cap(case: Case, on: dt.date) -> CriticalIllnessCap | None:
    """Give the year's critical-illness (大病保险) cap in force on ``on``.

    Called by critical-illness rules. The cap may depend on the enrolment history
    (continuity and zero-reimbursement incentives).

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param on: The date of the claim being settled.
    :return: The cap (``None`` inside for "no cap") with the steps that built it.
    """


@hookspec(firstresult=True)
def yibao_critical_illness(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """Settle critical-illness insurance (大病保险) on what the basic tier left.

    Called for each claim after the basic tier.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim being settled.
    :param ledger: The year's shared cumulative amounts.
    :param remaining: The compliant amount the patient still bears after the basic tier.
    :return: The critical-illness payment (zero when the claim is out of its scope).
    """


@hookspec(firstresult=True)
def yibao_medical_assistance(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> LayerPayment | None:
    """Settle medical assistance (医疗救助) on what the insurance layers left.

    Called for each claim after critical illness.

    Stops at first non-None result.

    :param case: The case being evaluated.
    :param claim: The claim being settled.
    :param ledger: The year's shared cumulative amounts.
    :param remaining: The compliant amount the patient still bears.
    :return: The assistance payment (zero for a person who is not a recipient).
    """


@hookspec
def yibao_further_layers(
    case: Case, claim: Claim, ledger: Ledger, remaining: Decimal
) -> list[LayerPayment] | None:
    """Settle any further layer a region adds after medical assistance (倾斜救助 …).

    Called for each claim after medical assistance; every layer's answer is used.

    :param case: The case being evaluated.
    :param claim: The claim being settled.
    :param ledger: The year's shared cumulative amounts.
    :param remaining: The compliant amount the patient still bears.
    :return: Further payments, in order.
    """


# -------------------------------------------------------------------------------------
# Batch: the declared settlement
# -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def yibao_settlement() -> Settlement | None:
    """Return this layer's declared settlement: its rules written from core's step kinds.

    Optional, and read only by ``yibao batch`` without ``--explain``: a case whose
    claims are all of the kinds the settlement covers is settled from the rules in whole
    fen (:mod:`yibao.steps.batch`), giving exactly the record the engine gives. The
    layer's Python hooks must pay as the rules do — they usually run the same rules
    (:func:`yibao.steps.explain.settle`). Used only while this layer is the top rule
    layer of the stack (an overlay that answers a rule hook switches the region back to
    the engine).

    Stops at first non-None result.

    :return: The rules, the kinds they settle entirely, and the ages at which a
        birthday changes a person-year answer.
    """
