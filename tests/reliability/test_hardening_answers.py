"""Answers that cannot be true are never printed (issue #24, first part).

The engine checks every settlement's invariants (yibao.invariants) and withholds an
answer that breaks one; overlay values are checked as the parameters they replace.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from reliability_helpers import ONE_CLAIM, RETIREE, STROKE, XUZHOU_LATE, fictional_registry
from yibao.engine import compare, evaluate
from yibao.invariants import amount_problem, payments_problem
from yibao.model import Scenario
from yibao.results import LayerPayment

# The overlay the fault campaign found: it passes every validation rule, yet 常州's
# large-amount subsidy for retirees then pays 100% of the compliant amount on top of
# the basic fund (changzhou-employee-2024 §四(一) gives 96% above 500,000 only).
BAND_100 = """
layer = "fuzz-found"
region = "changzhou"
scheme = "employee"
[[parameter]]
key = "large_amount.inpatient_bands.retired"
kind = "bands"
value = [{above = "0", rate = "100%"}]
valid_from = 2024-01-01
valid_to = 2024-12-31
cite = "FICTIONAL overlay found by fuzzing"
"""


@pytest.fixture
def band_100(tmp_path: Path) -> Path:
    path = tmp_path / "band-100.toml"
    path.write_text(BAND_100, encoding="utf-8")
    return path


def test_an_overlay_making_the_patient_share_negative_is_withheld_in_evaluate(cli, band_100):
    code, out, err = cli("evaluate", RETIREE, "-r", "changzhou", "--params", band_100, "--json")
    assert code == 1, err
    result = json.loads(out)
    assert result["status"] == "error" and result["claims"] == []
    error = result["error"]
    assert error.startswith("impossible answer withheld (changzhou): claim first-stay: ")
    assert "large_amount_subsidy" in error  # the layer
    assert f"large_amount.inpatient_bands.retired from overlay {band_100}" in error
    assert "yibao-changzhou 0.1.0 (layer changzhou-employee)" in error  # the distribution
    assert '"patient": "-' not in out


def test_compare_and_batch_withhold_it_too_and_the_other_regions_answer(cli, band_100, tmp_path):
    code, out, _ = cli("compare", RETIREE, "-r", "changzhou,xuzhou", "--params", band_100, "--json")
    assert code == 0
    changzhou, xuzhou = json.loads(out)["results"]
    assert changzhou["status"] == "error" and "impossible answer" in changzhou["error"]
    assert xuzhou["region"] == "xuzhou" and "impossible" not in (xuzhou["error"] or "")
    line = tmp_path / "in.jsonl"
    scenario = msgspec.json.encode(msgspec.toml.decode(RETIREE.read_bytes(), type=Scenario))
    line.write_bytes(scenario + b"\n")
    target = tmp_path / "out.jsonl"
    code, _, err = cli("batch", line, "-r", "changzhou", "--params", band_100, "-o", target)
    assert code == 0, err
    record = json.loads(target.read_text())
    assert record["status"] == "error" and "impossible answer withheld" in record["error"]
    assert "changzhou: cases 0 (eligible 0), errors 1" in err


def test_a_plugin_paying_three_times_the_bill_is_its_regions_error() -> None:
    """Hand-worked: a 1000.00 bill, the FICTIONAL basic fund pays 3 × 1000.00 =
    3000.00, so the patient's share would be 1000.00 − 3000.00 = −2000.00."""

    def triple(case, claim, ledger, compliant):  # type: ignore[no-untyped-def]
        return [LayerPayment(layer="basic_fund", label_zh="统筹", label_en="basic",
                             amount=compliant * 3)]  # fmt: skip

    registry = fictional_registry({"greedy": {"yibao_basic_fund": triple}, "fine": {}})
    scenario = msgspec.convert(ONE_CLAIM, type=Scenario)
    result = evaluate(scenario, "greedy", registry=registry)
    assert result.status == "error"
    assert result.error == (
        "impossible answer withheld (greedy): claim a: the layers pay 3000.00 up to "
        "basic_fund, more than the 1000.00 they may cover (bill 1000.00); the patient's "
        "share would be -2000.00; layer basic_fund; settled by (in process) - (layer "
        "greedy-layer). Check the overlay values named, or report it to the plugin's authors"
    )
    both = compare(scenario, ["greedy", "fine"], registry=registry, relocate=False)
    assert both.results[1].claims[0].patient == Decimal("500.00")  # 1000.00 − 50%


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (Decimal("-0.01"), "-0.01, a negative amount"),
        (Decimal("1.005"), "1.005, not a whole number of fen"),
        (Decimal("NaN"), "NaN, not a finite amount"),
        (12.5, "12.5, not a Decimal"),
        (Decimal("1.230"), None),  # three places, still whole fen
    ],
)
def test_every_amount_is_a_finite_decimal_in_whole_fen(amount: object, problem: str) -> None:
    assert amount_problem(amount) == problem


def test_layers_may_not_pay_more_than_the_compliant_amount_and_blood() -> None:
    """A bill of 1200.00 (compliant 1000.00, blood 200.00): the layers may pay up to
    1200.00 together; 700.00 + 600.00 = 1300.00 is 100.00 too much."""
    bill, ceiling = Decimal("1200.00"), Decimal("1200.00")
    fine = [("basic_fund", Decimal("700.00")), ("critical_illness", Decimal("500.00"))]
    assert payments_problem(bill, ceiling, fine) is None
    over = [("basic_fund", Decimal("700.00")), ("critical_illness", Decimal("600.00"))]
    found = payments_problem(bill, ceiling, over)
    assert found is not None and found.layer == "critical_illness"
    assert "pay 1300.00 up to critical_illness" in str(found)
    assert "patient's share would be -100.00" in str(found)


def test_what_the_institution_bears_lies_outside_the_compliant_ceiling() -> None:
    """A 1200.00 bill, 1000.00 of it compliant; the basic fund pays 900.00 and the
    institution bears 150.00 of the rest itself (徐州: items it did not explain to the
    patient): 1050.00 paid is within 1000.00 + 150.00, the patient pays 150.00. Without
    the institution's share, 1050.00 would be 50.00 over the compliant amount."""
    bill, compliant = Decimal("1200.00"), Decimal("1000.00")
    paid = [("basic_fund", Decimal("900.00")), ("institution", Decimal("150.00"))]
    assert payments_problem(bill, compliant, paid) is None
    as_a_fund = [("basic_fund", Decimal("900.00")), ("critical_illness", Decimal("150.00"))]
    assert "more than the 1000.00" in str(payments_problem(bill, compliant, as_a_fund))


def test_a_fast_path_answer_that_overpays_is_never_written(monkeypatch, tmp_path) -> None:
    """A fast-path answer breaking an invariant is not used: the engine answers instead,
    so the record is the engine's (here: the right one)."""
    from yibao.batch.plan import Planner
    from yibao.registry import default_registry
    from yibao.steps import batch as fast

    scenario = msgspec.toml.decode(STROKE.read_bytes(), type=Scenario)
    engine_only = Planner(default_registry(), kernel=False).records(scenario, ["changzhou"], 1)
    honest = Planner(default_registry(), kernel=True)
    assert honest.records(scenario, ["changzhou"], 1) == engine_only
    assert honest.plan("changzhou", "resident").fast.settled == 1  # the path does settle it
    run = fast.run_fen

    def overpay(plan, ledger, amount, admission=None, caps=None, trace=None):  # type: ignore[no-untyped-def]
        return run(plan, ledger, amount, admission, caps, trace) + amount * 2

    monkeypatch.setattr(fast, "run_fen", overpay)
    planner = Planner(default_registry(), kernel=True)
    assert planner.records(scenario, ["changzhou"], 1) == engine_only
    assert planner.plan("changzhou", "resident").fast.settled == 0


# -------------------------------------------------------------------------------------
# Overlay values are validated as the parameters they replace
# -------------------------------------------------------------------------------------

OVERLAY = """
layer = "fuzz"
region = "xuzhou"
[[parameter]]
key = "{key}"
kind = "{kind}"
value = {value}
valid_from = 2024-01-01
cite = "FICTIONAL"
"""


@pytest.mark.parametrize(
    ("key", "kind", "value", "expected"),
    [
        # 徐州's central period begins in month 10 (xuzhou-resident-measures-2023 第八条(四));
        # month 13 used to reach the plugin and crash it (exit 1).
        ("enrolment.central_period.first_month", "integer", "13",
         "expected a month number from 1 to 12, got 13"),
        ("enrolment.central_period.first_month", "integer", "0",
         "expected a month number from 1 to 12, got 0"),
        ("waiting_period.months", "integer", "-1", "expected a count from 0 to 10000, got -1"),
        ("enrolment.central_period.start", "date", "2024-10-01T00:00:00",
         "expected a date such as 2025-01-01"),
        ("premium.individual", "money", '"-0"', "ASCII digits"),
        ("premium.individual", "money", '"１２.００"', "ASCII digits"),
        ("premium.individual", "money", '"1_000"', "ASCII digits"),
        ("inpatient.rate.level1", "rate", '"-0%"', "ASCII digits"),
        ("inpatient.rate.level1", "rate", '"101%"', "between 0% and 100%"),
        ("critical_illness.bands", "bands",
         '[{above = "0", rate = "50%"}, {above = "100", rate = "60%"}]',
         "band 0: only the last band may be open-ended"),
    ],
)  # fmt: skip
def test_a_bad_overlay_value_is_exit_2_naming_the_file_and_key(
    cli, tmp_path, key, kind, value, expected
):
    overlay = tmp_path / "bad.toml"
    overlay.write_text(OVERLAY.format(key=key, kind=kind, value=value), encoding="utf-8")
    code, out, err = cli("evaluate", XUZHOU_LATE, "-r", "xuzhou", "--params", overlay)
    assert code == 2, (out, err)
    assert err.startswith(f"yibao: error: {overlay}: $.parameter[0] ({key}).value: ")
    assert expected in err
    assert "plugin error" not in err


def test_an_overlays_day_of_the_month_never_crashes_a_rule(cli, tmp_path) -> None:
    """Found by the long fuzz run: 昌黎's acceptance window opening on day 31 (a valid
    day of the month) crashed the rule in November (30 days) — a plugin error, exit 1.
    The 31st of a 30-day month is its last day (docs/interpretations.md)."""
    overlay = tmp_path / "day31.toml"
    overlay.write_text(
        'layer = "fuzz"\nregion = "changli"\nscheme = "resident"\n[[parameter]]\n'
        'key = "enrolment.window.first_day"\nkind = "integer"\nvalue = 31\n'
        'valid_from = 2024-01-01\ncite = "FICTIONAL"\n'
    )
    case = tmp_path / "case.toml"
    case.write_text(
        'year = 2025\n[person]\nbirth_date = 1980-05-05\nhukou = "changli"\n'
        '[[enrollment]]\nyear = 2025\nregion = "changli"\npaid_on = 2024-11-20\n'
    )
    code, out, err = cli("evaluate", case, "-r", "changli", "--params", overlay, "--json")
    assert code == 0, err
    warnings = [n["text_en"] for n in json.loads(out)["notices"] if n["kind"] == "warning"]
    assert any("the next window opens on 2024-11-30" in w for w in warnings), warnings
