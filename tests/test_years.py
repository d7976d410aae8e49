"""The year we are in: regions answer through next year; values carry or lapse.

A parameter keeps its latest source's value until a later source or an overlay
supersedes it (``carry = true``), and every answer resting on such a value says so; a
value its source ties to one year (``carry = false``: a year's premium, a year's
central period) is not published afterwards (docs/interpretations.md, "Years").
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from yibao import dates
from yibao.cli import main
from yibao.engine import evaluate
from yibao.errors import InputError, NotPublished
from yibao.model import Scenario
from yibao.params import ParameterSet, parse_parameter_text, view
from yibao.registry import Registry

ROOT = Path(__file__).parent.parent


def _params(*texts: str) -> ParameterSet:
    return ParameterSet(
        parse_parameter_text(t, name=f"layer{i}.toml", origin="bundled" if i == 0 else "x.toml")
        for i, t in enumerate(texts)
    )


CITY = """
layer = "city"
[[parameter]]
key = "deductible"
kind = "money"
value = "1000.00"
valid_from = 2025-01-01
valid_to = 2025-12-31
carry = true
cite = "city-2025 §3"
[[parameter]]
key = "premium"
kind = "money"
value = "730.00"
valid_from = 2025-01-01
valid_to = 2025-12-31
carry = false
cite = "city-2025 §1"
"""


def test_a_carried_value_holds_on_and_says_which_year() -> None:
    params = _params(CITY)
    inside = params.get("deductible", dt.date(2025, 6, 1))
    assert inside.money == Decimal("1000.00") and inside.carried_into is None
    later = params.get("deductible", dt.date(2027, 3, 1))
    assert later.money == Decimal("1000.00")
    assert (later.carried_into, later.source_year) == (2027, 2025)


def test_a_value_tied_to_its_year_lapses_with_the_reason() -> None:
    params = _params(CITY)
    assert params.get("premium", dt.date(2025, 12, 31)).money == Decimal("730.00")
    with pytest.raises(NotPublished) as err:
        params.get("premium", dt.date(2026, 1, 1))
    assert "ties its value to 2025" in err.value.reason
    assert "2025" in err.value.reason_zh and err.value.cite == "city-2025 §1"


def test_an_overlay_for_the_later_year_supersedes_and_removes_the_flag() -> None:
    overlay = """
layer = "notice-2026"
[[parameter]]
key = "deductible"
kind = "money"
value = "800.00"
valid_from = 2026-01-01
valid_to = 2026-12-31
cite = "city-2026 notice"
"""
    params = _params(CITY, overlay)
    found = params.get("deductible", dt.date(2026, 5, 1))
    assert found.money == Decimal("800.00") and found.carried_into is None
    # after the overlay's own year (carry = false by default), the latest source lapses
    with pytest.raises(NotPublished):
        params.get("deductible", dt.date(2027, 5, 1))


def test_a_standing_rule_below_beats_a_carried_value_above() -> None:
    province = """
layer = "province"
[[parameter]]
key = "deductible"
kind = "money"
value = "900.00"
valid_from = 2023-01-01
cite = "province standing rule"
"""
    params = ParameterSet(
        [
            parse_parameter_text(province, name="p.toml"),
            parse_parameter_text(CITY, name="c.toml"),
        ]
    )
    assert params.get("deductible", dt.date(2025, 5, 1)).money == Decimal("1000.00")
    in_force = params.get("deductible", dt.date(2026, 5, 1))
    assert in_force.money == Decimal("900.00") and in_force.carried_into is None


def test_carry_needs_an_end_date() -> None:
    text = CITY.replace("valid_to = 2025-12-31\ncarry = true\n", "carry = true\n", 1)
    with pytest.raises(InputError, match="`carry` needs `valid_to`"):
        parse_parameter_text(text, name="bad.toml")


def test_every_bundled_value_with_an_end_states_whether_it_carries() -> None:
    """The choice is read from each source and recorded (docs/interpretations.md)."""
    files = sorted((ROOT / "plugins").glob("*/src/*/**/parameters.toml"))
    files += sorted((ROOT / "plugins").glob("*/src/*/parameters.toml"))
    assert files
    for path in files:
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("parameter", []):
            if "valid_to" in entry:
                assert "carry" in entry, f"{path}: {entry['key']} states no carry"


def test_regions_answer_from_the_first_source_year_through_next_year(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(dates.TODAY_ENV, "2026-11-27")
    info = Registry().region("changzhou").info
    years = {s.scheme: (s.years, s.source_years) for s in info.schemes}
    assert years["resident"] == ((2025, 2026, 2027), (2025,))
    assert years["employee"] == ((2024, 2025, 2026, 2027), (2024,))
    monkeypatch.setenv(dates.TODAY_ENV, "2028-02-01")
    assert Registry().region("changli").info.schemes[0].years == (2025, 2026, 2027, 2028, 2029)


SCENARIO_2026 = {
    "year": 2026,
    "person": {
        "birth_date": "1950-03-02",
        "category": "elderly",
        "hukou": "changzhou",
        "district": "wujin",
    },
    "enrollment": [{"year": 2026, "region": "changzhou", "paid_on": "2025-11-20"}],
    "claims": [
        {"id": "c1", "date": "2026-05-10", "kind": "inpatient", "level": 3, "compliant": "50000"}
    ],
}


def test_a_2026_answer_flags_each_carried_value_once_in_steps_and_notices(
    registry: Registry,
) -> None:
    """changzhou-resident-2025 §三(一): (50000 − 1000) × 70% = 34300.00, on 2025 values."""
    result = evaluate(msgspec.convert(SCENARIO_2026, Scenario), "changzhou", registry=registry)
    claim = result.claims[0]
    assert claim.paid_by("basic_fund") == Decimal("34300.00")
    carried = [n.key for n in result.notices if n.kind == "carried"]
    assert len(carried) == len(set(carried))
    assert {"inpatient.deductible.adult.level3", "inpatient.rate.adult.level3"} <= set(carried)
    assert all(n.source_year == 2025 for n in result.notices if n.kind == "carried")
    deductible = next(s for s in claim.layers[0].steps if "起付标准" in s.label_zh)
    assert deductible.carried_from == 2025
    # the 2026 contribution is a 2025-only value: not published, with the reason
    assert result.premium is None
    lapsed = next(n for n in result.notices if n.key == "premium.elderly")
    assert lapsed.kind == "not_published" and "2025" in lapsed.text_zh


def test_json_and_batch_records_carry_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(SCENARIO_2026), encoding="utf-8")
    out = CliRunner().invoke(main, ["evaluate", str(path), "-r", "changzhou", "--json"])
    assert out.exit_code == 0, out.output
    notices = json.loads(out.stdout)["notices"]
    assert {"kind": "carried", "key": "inpatient.rate.adult.level3"}.items() <= next(
        n for n in notices if n["key"] == "inpatient.rate.adult.level3"
    ).items()
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps(SCENARIO_2026) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    out = CliRunner().invoke(
        main, ["batch", str(lines), "-r", "changzhou", "-o", str(target), "-q"]
    )
    assert out.exit_code == 0, out.output
    record = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert "carried:inpatient.deductible.adult.level3" in record["notices"]


def test_the_year_before_the_first_source_is_refused_naming_it(registry: Registry) -> None:
    early = msgspec.convert({**SCENARIO_2026, "year": 2024, "claims": []}, Scenario)
    result = evaluate(early, "changzhou", registry=registry)
    assert result.status == "error"
    assert "its sources begin with 2025" in (result.error or "")


def test_params_lists_values_in_force_carried_and_lapsed(registry: Registry) -> None:
    params = registry.stack("changzhou", "resident").params
    rows = {v.key: v for v in view(params, dt.date(2027, 3, 1), "premium.")}
    assert rows["premium.elderly"].status == "not_published"
    assert rows["premium.government_pays"].status == "carried"
    out = CliRunner().invoke(
        main,
        ["params", "changzhou", "inpatient.rate.adult", "--on", "2027-03-01", "--scheme",
         "resident", "--lang", "en"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "carried from 2025" in out.stdout and "70%" in out.stdout


def test_regions_code_shows_the_years_and_what_is_carried_into_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(dates.TODAY_ENV, "2026-11-27")
    out = CliRunner().invoke(main, ["regions", "changli"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "answers 可计算 2025–2027" in out.stdout
    assert "2026: 6 carried" in out.stdout and "premium.individual" in out.stdout
