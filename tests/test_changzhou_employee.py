"""常州 employee scheme 2024: rules a worked-case file cannot express (changzhou-employee-2024).

Amounts are worked by hand in each docstring.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from yibao.engine import evaluate
from yibao.model import Scenario
from yibao.registry import Registry
from yibao.scenario_io import scenario_type

SRC = "changzhou-employee-2024"


def _scenario(person: dict, claims: list | None = None, year: int = 2024, **extra) -> Scenario:
    base = {"birth_date": "1980-04-12", "sex": "male", "scheme": "employee", "hukou": "changzhou"}
    return msgspec.convert(
        {
            "year": year,
            "person": {**base, **person},
            "enrollment": [
                {"year": year, "region": "changzhou", "scheme": "employee", "paid_on": "2023-12-20"}
            ],
            "claims": claims or [],
            **extra,
        },
        type=scenario_type(),
        strict=False,
    )


def test_premium_steps_show_monthly_yearly_and_clamping(registry: Registry) -> None:
    """§二(二)(三): base 3,000 raised to the lower limit 4,879 with a step saying so;
    employer 4,879 × 8.8% = 429.352 → 429.35 a month, 5,152.20 a year."""
    result = evaluate(
        _scenario({"employment": "employee", "contribution_base": "3000.00"}),
        "changzhou",
        registry=registry,
    )
    premium = result.premium
    assert premium is not None
    labels = {s.label_en: s for s in premium.steps}
    assert labels["base below the lower limit: raised to it"].value == "4879.00"
    assert labels["employer, monthly"].value == "429.35"
    assert labels["employee, monthly"].value == "97.58"
    parts = {p.payer: p.amount for p in premium.parts}
    assert parts == {"employer": Decimal("5152.20"), "individual": Decimal("1170.96")}


def test_premium_missing_limits_for_another_year_name_the_number(registry: Registry) -> None:
    """§二(二): the limits are set each year by the province; only 2024's are bundled,
    so a 2025 lookup raises NotPublished naming premium.base.lower."""
    from yibao.case import Case
    from yibao.errors import NotPublished
    from yibao_changzhou.employee.people import yibao_premium

    stack = registry.stack("changzhou", "employee")
    case = Case(
        _scenario({"employment": "flexible"}, year=2025), stack.info, stack.params, stack.pm.hook
    )
    with pytest.raises(NotPublished) as err:
        yibao_premium(case)
    assert err.value.key == "premium.base.lower"
    assert "38号" in err.value.reason


def test_employee_without_base_says_what_is_missing(registry: Registry) -> None:
    """§二(二): an employee's contribution needs person.contribution_base."""
    result = evaluate(_scenario({"employment": "employee"}), "changzhou", registry=registry)
    assert result.premium is None
    assert any(n.key == "person.contribution_base" for n in result.notices)


def test_retiree_short_of_minimum_years_needs_top_up(registry: Registry) -> None:
    """§三(四): a man needs 25 years; with 20 he must top up 5 years at 8% of a base the
    source does not publish — reported as a step, a warning and an unknown premium."""
    result = evaluate(
        _scenario({"employment": "retired", "contribution_years": 20}),
        "changzhou",
        registry=registry,
    )
    assert result.eligibility is not None and result.eligibility.category == "retired"
    texts = " ".join(s.label_en for s in result.eligibility.steps)
    assert "top-up of 5 years" in texts and "8%" in texts
    assert result.premium is not None and result.premium.individual is None
    assert any(n.key == "retirement.top_up_base" and n.kind == "warning" for n in result.notices)


def test_veteran_inpatient_deductible_is_the_merged_retiree_cell(registry: Registry) -> None:
    """§四(一): the 建国前老工人 row prints no deductible; the cell is read as merged with the
    退休人员 cell above it (800 for a first level-3 admission). A 200,000 admission:
    (150,000 − 800) × 96% = 143,232 + 50,000 × 100% = 50,000 → 193,232.00."""
    claim = {
        "id": "c1",
        "date": "2024-05-02",
        "kind": "inpatient",
        "level": 3,
        "compliant": "200000.00",
    }
    result = evaluate(
        _scenario(
            {"employment": "retired", "category": "veteran_pre_1949", "contribution_years": 40},
            [claim],
        ),
        "changzhou",
        registry=registry,
    )
    (settled,) = result.claims
    assert settled.status == "settled"
    assert settled.paid_by("basic_fund") == Decimal("193232.00")


def test_admission_counted_from_ledger_in_date_order(registry: Registry) -> None:
    """§四(一): without claim.admission, admissions are counted in date order; claims
    listed out of order: the earlier (level 2, 10,000) is first → (10,000 − 600) × 90%
    = 8,460; the later (20,000) second → deductible 360, 19,640 × 90% = 17,676."""
    claims = [
        {
            "id": "late",
            "date": "2024-07-01",
            "kind": "inpatient",
            "level": 2,
            "compliant": "20000.00",
        },
        {
            "id": "early",
            "date": "2024-03-01",
            "kind": "inpatient",
            "level": 2,
            "compliant": "10000.00",
        },
    ]
    result = evaluate(
        _scenario({"employment": "employee", "contribution_base": "8000.00"}, claims),
        "changzhou",
        registry=registry,
    )
    paid = {c.claim_id: c.paid_by("basic_fund") for c in result.claims}
    assert paid == {"early": Decimal("8460.00"), "late": Decimal("17676.00")}


def test_every_parameter_cites_the_source_and_is_dated() -> None:
    """Every number in the layer's parameters.toml cites a section and a 2024 date range."""
    from yibao_changzhou.employee import yibao_parameter_files

    (path,) = yibao_parameter_files()
    from yibao.params import load_parameter_file

    loaded = load_parameter_file(path)
    for p in loaded.params:
        assert p.cite.strip() and "§" in p.cite, p.key
        assert p.valid_from == dt.date(2024, 1, 1) and p.valid_to == dt.date(2024, 12, 31), p.key


CASES = Path(__file__).parent / "cases" / "changzhou-employee"


@pytest.mark.parametrize(
    ("name", "claim", "basic_fund"),
    [
        # c2: chronic pays its remaining 240.00 fund limit, covering 342.86 of cost; the
        # other 657.14 passes to general outpatient: (657.14 − 600) × 70% = 40.00 → 280.00
        ("chronic_fund_limit_reached.toml", "c2", "280.00"),
        # the pharmacy's part of the year's cost within 3,000, after a primary visit
        ("clauses-pharmacy-after-primary-visit.toml", None, None),
        ("review-outpatient-after-special-overflow.toml", None, None),
        ("review-special-cancer-retired-above-500000.toml", None, None),
    ],
)
def test_the_fast_path_settles_employees_from_the_declared_rules(
    registry: Registry, name: str, claim: str | None, basic_fund: str | None
) -> None:
    """§四(一), §四(二): employees' inpatient, special (with its disease limit passing
    cost on), chronic (a fund limit passing cost on) and general-outpatient claims are
    settled by batch's fast path from :mod:`yibao_changzhou.employee.rules`, with the
    engine's record byte for byte; the hand-worked amounts are each file's."""
    from yibao.batch.plan import Planner

    worked = msgspec.toml.decode((CASES / name).read_bytes())
    scenario = msgspec.convert(worked["scenario"], type=scenario_type(), strict=False)
    out = {}
    for kernel in (True, False):
        planner = Planner(registry, relocate=False, kernel=kernel)
        (found,) = planner.records(scenario, ["changzhou"], 1)
        out[kernel] = found
        fast = planner.plan("changzhou", "employee").fast
        assert (fast.settled if fast else 0) == (1 if kernel else 0)
    assert msgspec.json.encode(out[True]) == msgspec.json.encode(out[False])
    for line in out[True].claims:
        expected = worked["expect"]["claims"].get(line.id, {})
        if "basic_fund" in expected:
            assert line.layers["basic_fund"] == Decimal(expected["basic_fund"])
    if claim is not None:
        (line,) = [c for c in out[True].claims if c.id == claim]
        assert line.layers["basic_fund"] == Decimal(basic_fund)
