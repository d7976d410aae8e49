"""A region's settlement declarations hold: plans and gates read no more than declared.

``Settlement.plan_facts`` says what compiling a plan reads of the person-year, and
``Settlement.gated_per_plan`` which claim kinds' gates read only the plan's
circumstances; batch (Python and compiled alike) shares plans and gate answers on that
word. Hypothesis draws, for every bundled region and scheme that declares them, two
person-years giving the same plan facts but differing in everything else a scenario may
say (birth date, sex, district, registration, …), and claims differing in what a gate
per plan must not read (date within the parameter segment, amount, admission, id): the
plans compiled and the gate's answers must be the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from yibao.batch.plan import Planner
from yibao.model import Claim, Scenario
from yibao.registry import default_registry
from yibao.steps.batch import ALL_CIRCUMSTANCES, FastPath, _gate


def _declared() -> list[tuple[str, str]]:
    planner = _planner()
    out = []
    for code in default_registry().codes():
        for scheme in ("resident", "employee"):
            fast = planner.fast_path(code, scheme)
            if fast is not None and (
                fast.settlement.plan_facts is not None or fast.settlement.gated_per_plan
            ):
                out.append((code, scheme))
    return out


_PLANNER: list[Planner] = []


def _planner() -> Planner:
    if not _PLANNER:
        _PLANNER.append(Planner(kernel=True))
    return _PLANNER[0]


DECLARED = _declared()


def test_changzhou_declares_them() -> None:
    assert ("changzhou", "resident") in DECLARED


def _facts(fast: FastPath, scheme: str, year: int, draw: st.DrawFn) -> dict:
    """Everything a scenario may say of a person-year, drawn."""
    code = fast.stack.info.code
    info = next(s for s in fast.stack.info.schemes if s.scheme == scheme)
    born = draw(st.dates(dt.date(year - 100, 1, 1), dt.date(year - 3, 12, 31)))
    paid = {"region": code, "scheme": scheme}
    arrived = draw(st.sampled_from([f"{year - 1}-11-20", f"{year}-03-11", f"{year}-07-01"]))
    history = [{"year": year, **paid, "paid_on": arrived}]
    if draw(st.booleans()):
        earlier = {"reimbursed": draw(st.booleans()), "paid_on": f"{year - 2}-11-20"}
        history.insert(0, {"year": year - 1, **paid, **earlier})
    return {
        "birth_date": born.isoformat(),
        "category": draw(st.sampled_from([None, *(c.code for c in info.categories)])),
        "assistance": draw(st.sampled_from([(), ("minimum_living",), ("extreme_poverty",)])),
        "district": draw(st.sampled_from([None, *fast.stack.info.districts])),
        "sex": draw(st.sampled_from([None, "male", "female"])),
        "student": draw(st.sampled_from(["none", "school", "university"])),
        "enrollment": history,
        **(_employment(draw) if scheme == "employee" else {}),
    }


def _employment(draw: st.DrawFn) -> dict:
    """An employee's employment and contribution base (the employee scheme's phases
    read them)."""
    return {
        "employment": draw(st.sampled_from(["employee", "retired", "flexible"])),
        "contribution_base": draw(st.sampled_from(["4500.00", "6067.00", "12000.00"])),
    }


def _scenario(scheme: str, year: int, facts: dict, claim: dict, code: str) -> Scenario:
    person = {k: v for k, v in facts.items() if k != "enrollment" and v is not None}
    person.update(hukou=code, scheme=scheme)
    return msgspec.convert(
        {"year": year, "person": person, "enrollment": facts["enrollment"], "claims": [claim]},
        Scenario,
    )


@st.composite
def pairs(draw: st.DrawFn, code: str, scheme: str) -> tuple[FastPath, Scenario, Scenario, Claim]:
    """Two scenarios of one region and year, the second's facts each either the first's
    or drawn afresh, and a claim of a kind the region settles."""
    fast = _planner().fast_path(code, scheme)
    assert fast is not None
    info = next(s for s in fast.stack.info.schemes if s.scheme == scheme)
    year = draw(st.sampled_from(info.years))
    first = _facts(fast, scheme, year, draw)
    fresh = _facts(fast, scheme, year, draw)
    second = {k: first[k] if draw(st.booleans()) else fresh[k] for k in first}
    claim = {
        "id": "c",
        "date": draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))).isoformat(),
        "kind": draw(st.sampled_from(sorted(fast.settlement.kinds))),
        "compliant": str(Decimal(draw(st.integers(0, 50_000_000))).scaleb(-2)),
        "level": draw(st.integers(1, 3)),
        "care": draw(st.sampled_from(["local", "referral", "unreferred", "emergency"])),
        "facility": draw(st.sampled_from(["primary", "hospital"])),
        "diseases": draw(st.sampled_from([[], ["hypertension"], ["stroke", "diabetes"]])),
        "injury": draw(st.booleans()),
        "blood": draw(st.sampled_from([None, "300.00"])),
    }
    one = _scenario(scheme, year, first, claim, code)
    return fast, one, _scenario(scheme, year, second, claim, code), one.claims[0]


def _entered(fast: FastPath, scenario: Scenario):  # type: ignore[no-untyped-def]
    case = fast.case(scenario)
    phased = fast.phased(case, remember=False)
    assume(phased is not None and phased.settles)
    fast.enter(case, phased)  # type: ignore[arg-type]
    return case


@pytest.mark.parametrize(("code", "scheme"), DECLARED)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_plans_read_only_the_declared_facts(code: str, scheme: str, data: st.DataObject) -> None:
    fast, one, other, claim = data.draw(pairs(code, scheme))
    first, second = _entered(fast, one), _entered(fast, other)
    assume(fast.plan_facts(first) == fast.plan_facts(second))
    # what plans read of the claim beyond its circumstances (the age at the claim)
    assume(fast.claim_facts(first, claim) == fast.claim_facts(second, claim))
    if fast.settlement.plan_facts is not None:
        assert _comparable(fast._compile(first, claim)) == _comparable(fast._compile(second, claim))
    other = _unread_changed(fast, claim, data)
    assert _comparable(fast._compile(first, claim)) == _comparable(fast._compile(first, other))


def _unread_changed(fast: FastPath, claim: Claim, data: st.DataObject) -> Claim:
    """``claim`` with the circumstances its kind's plans do not read
    (``Settlement.circumstances``) drawn afresh."""
    read = fast.settlement.circumstances.get(claim.kind, ALL_CIRCUMSTANCES)
    if claim.blood:  # the blood rule reads the diseases: plans are keyed by everything
        read = ALL_CIRCUMSTANCES
    changes: dict = {}
    if "level" not in read:
        changes["level"] = data.draw(st.integers(1, 3))
    if "facility" not in read:
        changes["facility"] = data.draw(st.sampled_from(["primary", "hospital", "pharmacy"]))
    if "diseases" not in read:
        changes["diseases"] = data.draw(st.sampled_from([(), ("hypertension",), ("cancer",)]))
    return msgspec.structs.replace(claim, **changes)


def _comparable(rules):  # type: ignore[no-untyped-def]
    """Compiled rules with each value not published as what it says (exceptions compare
    by identity)."""
    if rules is None:
        return None
    return tuple(
        e._replace(
            gaps=tuple((g.key, g.on, g.reason, g.cite) for g in e.gaps),
            then=_comparable(e.then),
        )
        for e in rules
    )


@pytest.mark.parametrize(("code", "scheme"), DECLARED)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    data=st.data(), day=st.integers(0, 365), fen=st.integers(0, 10**9), admission=st.integers(1, 9)
)
def test_gates_per_plan_read_only_the_circumstances(
    code: str, scheme: str, data: st.DataObject, day: int, fen: int, admission: int
) -> None:
    fast, one, _, claim = data.draw(pairs(code, scheme))
    assume(claim.kind in fast.settlement.gated_per_plan)
    params = fast.stack.params
    other_date = dt.date(one.year, 1, 1) + dt.timedelta(days=day)
    assume(other_date.year == one.year)
    assume(params.segment(other_date) == params.segment(claim.date))
    other = msgspec.structs.replace(
        claim, id="other", date=other_date, compliant=Decimal(fen).scaleb(-2), admission=admission
    )
    other = _unread_changed(fast, other, data)
    case = _entered(fast, one)
    assume(fast.claim_facts(case, claim) == fast.claim_facts(case, other))  # waiting period
    assume(fast.gated_per_plan(claim))
    if claim.blood:  # the amount is the claim's own; the share of the blood items is not
        share = fast.settlement.blood_share
        assert share is not None and share(case, claim) == share(case, other)
        assert _gate(case, claim)._replace(compliant=None) == _gate(case, other)._replace(
            compliant=None
        )
        return
    assert _gate(case, claim) == _gate(case, other)
