"""Special-disease recognition (门诊特殊病认定), both 常州 schemes: resident §三(二)3.2–3.3,
employee §四(二)3.2–3.3.

A patient is recognised by a responsible doctor at one of the hospitals the table names
for the disease (认定医院), and the recognition holds for the table's period (认定时限,
1 year; 2 years for child growth-hormone deficiency, which ends at once when treatment
reaches its stopping criteria). A claim outside a valid recognition is not settled as a
special disease: :func:`recognition_problem` says why. A claim that states nothing about
its recognition is read as recognised, with a warning.

Parameters: ``special.recognition.hospitals.<disease>`` (hospital codes,
:data:`yibao_changzhou.facts.HOSPITALS`) and ``special.recognition.years.<disease>``
(0: the table states no period), with a ``.<treatment>`` suffix for the diseases whose
rows differ by treatment (:data:`SUBTYPES`).
"""

from __future__ import annotations

import datetime as dt

from yibao.case import Case, step
from yibao.dates import ONE_DAY, add_months
from yibao.errors import NotPublished
from yibao.facts import fact
from yibao.model import Claim
from yibao.params import Param
from yibao.results import Notice, Step

from yibao_changzhou.facts import HOSPITALS

SUBTYPES = {
    "renal_failure": ("dialysis", "non_dialysis"),
    "severe_mental_disorder": ("named_mental_disorder", "other_mental_disorder"),
}
"""Diseases whose table rows give other hospitals or periods by treatment."""

HOSPITAL_NAMES = {w.code: w.name_zh for w in HOSPITALS}


def _rule(case: Case, claim: Claim, disease: str, what: str) -> Param:
    """The recognition rule ``what`` (``hospitals`` or ``years``) for ``disease``; for a
    disease whose rows differ by treatment, the claim's treatment's — or, when it states
    none, the one all treatments share (else the treatment must be given)."""
    subtypes = SUBTYPES.get(disease)
    if subtypes is None:
        return case.param(f"special.recognition.{what}.{disease}", claim.date)
    treatment = fact(claim, "treatment")
    chosen = [treatment] if treatment in subtypes else list(subtypes)
    found = [case.param(f"special.recognition.{what}.{disease}.{t}", claim.date) for t in chosen]
    if len({str(p.value) for p in found}) > 1:
        raise NotPublished(
            key="claims[].treatment",
            on=claim.date,
            cite=found[0].cite,
            reason=f"{disease}: the recognition {what} differ by treatment; give the "
            f"claim's treatment ({' or '.join(subtypes)})",
        )
    return found[0]


def recognition_problem(case: Case, claim: Claim) -> tuple[list[Step], Step | None]:
    """Check the recognition of each of a special-outpatient claim's diseases: return
    the steps and the step saying why the recognition does not hold (``None`` when it
    does)."""
    on = fact(claim, "recognised_on")
    at = fact(claim, "recognised_at")
    ended = fact(claim, "recognition_ended_on")
    if on is None and at is None and ended is None:
        case.notice(
            Notice(
                kind="warning",
                key="special.recognition",
                text_zh="未说明门诊特殊病的认定医院和认定日期：按有效认定处理",
                text_en="the special disease's recognition (hospital, date) is not stated: "
                "read as valid",
                cite=case.param("special.diseases", claim.date).cite,
            )
        )
        return [], None
    steps: list[Step] = []
    for disease in claim.diseases:
        problem = _check(case, claim, disease, on, at, ended, steps)
        if problem is not None:
            return steps, problem
    return steps, None


def _check(
    case: Case,
    claim: Claim,
    disease: str,
    on: dt.date | None,
    at: str | None,
    ended: dt.date | None,
    steps: list[Step],
) -> Step | None:
    if at is not None:
        hospitals = _rule(case, claim, disease, "hospitals")
        name = HOSPITAL_NAMES.get(at, at)
        if at not in hospitals.value:
            allowed = "、".join(HOSPITAL_NAMES.get(h, h) for h in hospitals.value)
            return step(
                f"认定医院（{name}）不是{disease}的认定医院（{allowed}）",
                f"recognised by {at}, not a recognising hospital for {disease}",
                at,
                cite=hospitals,
            )
        steps.append(step("认定医院", "recognised by", name, cite=hospitals))
    if ended is not None and claim.date >= ended:
        return step(
            "认定已终止（如已达停药指征）",
            "the recognition ended (e.g. treatment reached its stopping criteria)",
            ended,
        )
    if on is None:
        return None
    if claim.date < on:
        return step("就诊日早于认定日", "care before the recognition", on)
    years = _rule(case, claim, disease, "years")
    if not years.integer:
        steps.append(
            step("认定日期（认定时限：未规定）", "recognised on (no period)", on, cite=years)
        )
        return None
    expires = add_months(on, 12 * years.integer) - ONE_DAY
    if claim.date > expires:
        return step(
            f"认定时限{years.integer}年，已于{expires}届满",
            f"the {years.integer}-year recognition expired on {expires}",
            on,
            cite=years,
        )
    steps.append(
        step(
            f"认定日期，认定时限{years.integer}年（至{expires}）",
            f"recognised on, for {years.integer} year(s) (to {expires})",
            on,
            cite=years,
        )
    )
    return None
