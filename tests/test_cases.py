"""Runs every hand-worked case in tests/cases/ (format: docs/cases.md).

Each case file states the section it checks and the arithmetic done by hand; this
test evaluates the scenario and compares every expected value given.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from yibao.engine import evaluate
from yibao.registry import Registry, load_overlays
from yibao.results import RegionResult
from yibao.scenario_io import scenario_type

CASES = Path(__file__).parent / "cases"
FILES = sorted(CASES.rglob("*.toml"))


def _case_id(path: Path) -> str:
    return str(path.relative_to(CASES))


@pytest.mark.parametrize("path", FILES, ids=[_case_id(p) for p in FILES])
def test_worked_case(path: Path, registry: Registry) -> None:
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    assert case.get("cite"), f"{path.name}: every case cites its section"
    assert case.get("working"), f"{path.name}: every case shows its arithmetic"
    scenario = msgspec.convert(case["scenario"], type=scenario_type())
    overlays = load_overlays([path.parent / case["params"]]) if "params" in case else []
    result = evaluate(scenario, case["region"], overlays=overlays, registry=registry)
    assert result.status == "ok", result.error
    expect = case["expect"]
    for problem in _compare(result, expect):
        pytest.fail(f"{path.name} ({case['cite']}): {problem}\n{case['working']}")


def _money(value: object) -> Decimal:
    return Decimal(str(value))


def _compare(result: RegionResult, expect: dict) -> list[str]:
    problems = []

    def check(label: str, got: object, want: object) -> None:
        if got != want:
            problems.append(f"{label}: got {got!r}, expected {want!r}")

    if "eligible" in expect:
        check("eligible", result.eligibility and result.eligibility.eligible, expect["eligible"])
    if "category" in expect:
        check("category", result.eligibility and result.eligibility.category, expect["category"])
    if "premium_individual" in expect:
        got = result.premium.individual if result.premium else None
        check("premium_individual", got, _money(expect["premium_individual"]))
    if "premium_government" in expect:
        parts = result.premium.parts if result.premium else ()
        got = sum((p.amount for p in parts if p.payer == "government" and p.amount), Decimal(0))
        check("premium_government", got, _money(expect["premium_government"]))
    if "coverage_start" in expect:
        want = expect["coverage_start"]
        cover = result.coverage
        if want == "undetermined":
            check("coverage_start", cover.start if cover else None, None)
        else:
            assert isinstance(want, dt.date)
            check("coverage_start", cover.start if cover else None, want)
    flagged = {n.key for n in result.notices if n.kind == "carried"}
    for key in expect.get("carried", ()):
        if key not in flagged:
            problems.append(f"carried: {key} is not flagged as carried from an earlier year")
    missing = {n.key for n in result.notices if n.kind == "not_published"}
    for key in expect.get("not_published", ()):
        if key not in missing:
            problems.append(f"not_published: {key} is not reported as not published")
    claims = {c.claim_id: c for c in result.claims}
    for claim_id, want in expect.get("claims", {}).items():
        got = claims.get(claim_id)
        if got is None:
            problems.append(f"claim {claim_id}: missing from the result")
            continue
        if "status" in want:
            check(f"{claim_id}.status", got.status, want["status"])
        for layer, amount in want.items():
            if layer == "status":
                continue
            value = got.patient if layer == "patient" else got.paid_by(layer)
            check(f"{claim_id}.{layer}", value, _money(amount))
    for layer, amount in expect.get("totals", {}).items():
        totals = result.totals
        value = totals.patient if layer == "patient" else totals.layers.get(layer, Decimal("0"))
        check(f"totals.{layer}", value, _money(amount))
    return problems
