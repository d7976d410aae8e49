"""Issue #21's rules where a worked-case file cannot say enough: partial answers and the
ledger, the province's exemption on its own, shared declarations, the claims table.

Amounts are worked by hand in each docstring; the worked cases are tests/cases/*/clauses-*.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import msgspec
import yibao_changli.facts
import yibao_jiangsu.facts
from click.testing import CliRunner
from yibao.case import Case
from yibao.cli import main
from yibao.engine import evaluate
from yibao.registry import Registry
from yibao.scenario_io import scenario_type
from yibao_jiangsu.coverage import exemption


def _scenario(raw: dict):
    return msgspec.convert(raw, type=scenario_type(), strict=False)


def _resident(claims: list[dict], **person: object) -> dict:
    return {
        "year": 2025,
        "person": {
            "birth_date": "1975-01-01",
            "category": "non_working",
            "hukou": "changzhou",
            "district": "wujin",
            **person,
        },
        "enrollment": [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}],
        "claims": claims,
    }


def test_a_partial_answer_uses_no_yearly_limit(registry: Registry) -> None:
    """changzhou-resident-2025 §四, §三(一): a claim stopped at critical illness (its bed
    fee's cap is not published) keeps the basic fund's published 69,300.00 =
    (100,000 − 1,000) × 70% in its answer but does not use the 350,000 limit: a second
    claim of 100,000 is then the year's first against it, paying the same 69,300.00."""
    claims = [
        {"id": "bed", "date": "2025-05-01", "kind": "inpatient", "level": 3,
         "compliant": "100000.00", "bed_fee_per_day": "80.00", "bed_days": 20},
        {"id": "next", "date": "2025-06-01", "kind": "inpatient", "level": 3,
         "compliant": "100000.00"},
    ]  # fmt: skip
    result = evaluate(_scenario(_resident(claims)), "changzhou", registry=registry)
    bed, after = result.claims
    assert bed.status == "not_published" and bed.patient is None
    assert bed.paid_by("basic_fund") == Decimal("69300.00")
    assert bed.steps[-1].value == "critical_illness.bed_fee_cap"  # the missing key, last
    (limit,) = [lim for lim in result.limits if lim.key == "inpatient_special"]
    assert limit.used == Decimal("100000.00")  # the second claim only
    assert after.paid_by("basic_fund") == Decimal("69300.00")
    assert result.totals is not None and not result.totals.complete


def test_the_claims_table_shows_what_a_partial_answer_paid(tmp_path: Path) -> None:
    """The CLI's claims table shows the basic fund a partial answer paid (69,300.00) and
    no patient share ("—") for the claim the bed-fee cap stops."""
    claims = [
        {"id": "bed", "date": "2025-05-01", "kind": "inpatient", "level": 3,
         "compliant": "100000.00", "bed_fee_per_day": "80.00", "bed_days": 20},
    ]  # fmt: skip
    path = tmp_path / "bed.json"
    path.write_text(json.dumps(_resident(claims)), encoding="utf-8")
    out = CliRunner().invoke(
        main, ["evaluate", str(path), "--region", "changzhou"], env={"COLUMNS": "120"}
    )
    assert out.exit_code == 0, out.output
    row = next(line for line in out.stdout.splitlines() if "住院 · 2025-05-01 · 三级医院 │" in line)
    assert "69300.00" in row and "—" in row


def test_an_employee_special_claim_without_recognition_facts_settles(registry: Registry) -> None:
    """changzhou-employee-2024 §四(二)3.3: renal failure's recognition period differs by
    treatment, but a claim stating no recognition at all is read as recognised (with a
    warning), so the treatment is not needed: in service, 30,000 × 90% = 27,000.00."""
    raw = {
        "year": 2024,
        "person": {"birth_date": "1980-04-12", "sex": "male", "scheme": "employee",
                   "employment": "employee", "hukou": "changzhou",
                   "contribution_base": "8000.00"},
        "enrollment": [{"year": 2024, "region": "changzhou", "scheme": "employee",
                        "paid_on": "2023-12-20"}],
        "claims": [{"id": "c1", "date": "2024-03-01", "kind": "special_outpatient",
                    "diseases": ["renal_failure"], "compliant": "30000.00"}],
    }  # fmt: skip
    result = evaluate(_scenario(raw), "changzhou", registry=registry)
    (claim,) = result.claims
    assert claim.status == "settled"
    assert claim.paid_by("basic_fund") == Decimal("27000.00")
    assert "special.recognition" in {n.key for n in result.notices if n.kind == "warning"}


def test_the_other_province_exemption_on_its_own(registry: Registry) -> None:
    """jiangsu-enrollment-incentives-2025 二.4: insured in another province's resident
    scheme in 2025 and paid in Jiangsu's central period (2025-11-15) → from 2026-01-01,
    no wait. 常州 gives the same day for any central-period payment, so the answer cannot
    show the difference; the exemption's own answer names its clause."""
    raw = _resident([], birth_date="1980-01-01")
    raw["year"] = 2026
    raw["enrollment"] = [
        {"year": 2025, "region": "hefei", "other_province": True},
        {"year": 2026, "region": "changzhou", "paid_on": "2025-11-15"},
    ]
    stack = registry.stack("changzhou", "resident")
    case = Case(_scenario(raw), stack.info, stack.params, stack.pm.hook)
    found = exemption(case)
    assert found is not None and found.start == dt.date(2026, 1, 1)
    assert found.steps[-1].cite == "jiangsu-enrollment-incentives-2025 二.4"


def test_family_pooling_is_declared_alike_in_hebei_and_jiangsu() -> None:
    """The three family-pooling facts (paid_by, account_holder, account_province) are
    declared by 昌黎 and by the Jiangsu cities word for word: one set of fields across a
    comparison, and the TUI shows each once."""
    assert yibao_changli.facts.FAMILY_POOLING == yibao_jiangsu.facts.FAMILY_POOLING


def test_the_coverage_table_names_existing_cases() -> None:
    """docs/coverage.md's Cases column names worked cases a reviewer can open: every name
    (or prefix ending in *) matches a file in tests/cases/, and every path exists."""
    root = Path(__file__).resolve().parents[1]
    names = {p.stem for p in (root / "tests/cases").glob("*/*.toml")}
    missing = []
    for line in (root / "docs/coverage.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith(("| §", "| 条", "| 节")):
            continue
        cases = line.strip().strip("|").split("|")[-1]
        for name in re.findall(r"`([^`]+)`", cases):
            if name.startswith("tests/"):
                found = (root / name.rstrip("/")).exists()
            elif name.endswith("*"):
                found = any(n.startswith(name[:-1]) for n in names)
            else:
                found = name in names
            if not found:
                missing.append(name)
    assert not missing


def test_the_fast_path_gives_the_engines_records_for_scope_and_remote_claims(
    registry: Registry,
) -> None:
    """The 常州 resident fast path (its declared settlement) declines a claim stating a
    special material (§四's scope: the engine explains what it leaves out) and settles a
    referred admission with the engine's 零星报销 checklist and §四 scope warning: its
    records are the engine's, byte for byte."""
    from yibao.batch.plan import Planner

    claims = [
        {"id": "m", "date": "2025-05-01", "kind": "inpatient", "level": 3,
         "compliant": "200000.00", "special_material_unit_price": "60000.00"},
        {"id": "r", "date": "2025-06-01", "kind": "inpatient", "level": 3,
         "care": "referral", "compliant": "90000.00"},
    ]  # fmt: skip
    out = {}
    for kernel in (True, False):
        planner = Planner(registry, relocate=False, kernel=kernel)
        for name, scenario in (
            ("material", _scenario(_resident(claims[:1]))),
            ("referral", _scenario(_resident(claims[1:]))),
        ):
            (found,) = planner.records(scenario, ["changzhou"], 1)
            out[kernel, name] = msgspec.json.encode(found)
        fast = planner.plan("changzhou", "resident").fast
        assert (fast.settled if fast else 0) == (1 if kernel else 0)  # the referral only
    assert out[True, "material"] == out[False, "material"]
    assert out[True, "referral"] == out[False, "referral"]
    assert b"checklist:reimbursement.documents" in out[True, "referral"]
    assert b"warning:critical_illness.scope" in out[True, "referral"]


def test_a_limit_basis_other_than_cost_is_not_published(registry: Registry, tmp_path: Path) -> None:
    """changzhou-resident-2025 §三(二)2.3: the chronic limit is read as a limit on cost
    (docs/interpretations.md); an overlay that states another basis is a reading the
    rules do not implement, so the claim is not_published naming the key."""
    from yibao.params import load_parameter_file

    overlay = tmp_path / "basis.toml"
    overlay.write_text(
        'layer = "test"\n[[parameter]]\nkey = "chronic.limit_basis"\nkind = "text"\n'
        'value = "payment"\nvalid_from = 2025-01-01\ncite = "test overlay"\n',
        encoding="utf-8",
    )
    claims = [
        {"id": "c1", "date": "2025-05-01", "kind": "chronic_outpatient", "facility": "primary",
         "diseases": ["diabetes"], "compliant": "500.00"},
    ]  # fmt: skip
    result = evaluate(
        _scenario(_resident(claims)),
        "changzhou",
        registry=registry,
        overlays=[load_parameter_file(overlay, origin=str(overlay))],
    )
    (claim,) = result.claims
    assert claim.status == "not_published" and claim.patient is None
    assert claim.steps[-1].value == "chronic.limit_basis"
