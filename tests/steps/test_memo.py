"""A stack's memo of person-years (:mod:`yibao.memo`) changes no answer.

Single cases and ``compare`` reuse a person-year's phases and its compiled plans from
the second evaluation on. Every answer so given must be the answer decided afresh, byte
for byte, and nothing one parameter set worked out may reach another's answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

import msgspec
import pytest
from yibao import engine
from yibao.batch import synth
from yibao.case import Case
from yibao.dispatch import monitor, relay
from yibao.memo import Memo, memo_for, person_year
from yibao.model import Scenario
from yibao.registry import default_registry, load_overlays

REGIONS = ["changzhou", "xuzhou", "changli"]
ELDERLY = {
    "year": 2025,
    "person": {
        "birth_date": "1958-06-01",
        "category": "elderly",
        "hukou": "changzhou",
        "district": "wujin",
    },
    "enrollment": [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}],
}


def _one_claim(compliant: str, *, year: int = 2025) -> Scenario:
    claim = {"id": "a", "date": f"{year}-08-10", "kind": "inpatient", "level": 3}
    enrolled = [
        {"year": y, "region": "changzhou", "paid_on": f"{y - 1}-11-20"} for y in (2025, year)
    ]
    return msgspec.convert(
        {
            **ELDERLY,
            "year": year,
            "enrollment": list({e["year"]: e for e in enrolled}.values()),
            "claims": [{**claim, "compliant": compliant}],
        },
        type=Scenario,
    )


@contextmanager
def _fresh() -> Iterator[None]:
    """Evaluate without any memo: every phase decided, every plan compiled afresh."""
    with mock.patch.object(engine, "memo_for", lambda params, hook: None):
        yield


def _bytes(value: object) -> bytes:
    return msgspec.json.encode(value)


def _layers(result) -> dict[str, Decimal]:  # type: ignore[no-untyped-def]
    (claim,) = result.claims
    return {p.layer: p.amount for p in claim.layers} | {"patient": claim.patient}


@pytest.mark.parametrize(
    ("compliant", "basic", "critical", "patient"),
    [
        # §三(一): adult column, level 3: deductible 1000, 70%; §四 pays nothing below 20000
        ("15000.00", "9800.00", "0.00", "5200.00"),  # (15000 − 1000) × 70%
        ("60000.00", "41300.00", "0.00", "18700.00"),  # (60000 − 1000) × 70%; 18700 < 20000
        # 199000 × 70% = 139300; §四: (60700 − 20000) × 60% = 24420
        ("200000.00", "139300.00", "24420.00", "36280.00"),
    ],
)
def test_same_person_new_bill_pays_by_changzhou_resident_2025_s3_1_and_s4(
    compliant: str, basic: str, critical: str, patient: str
) -> None:
    """The person is evaluated with another bill each time (kept from the second): each
    answer is worked out by hand, and is the fresh answer byte for byte."""
    registry = default_registry()
    for warm in ("15000.00", "15000.00", "3000.00"):  # seen, then kept, then reused
        engine.evaluate(_one_claim(warm), "changzhou", registry=registry)
    scenario = _one_claim(compliant)
    result = engine.evaluate(scenario, "changzhou", registry=registry)
    assert _layers(result) == {
        "basic_fund": Decimal(basic),
        "critical_illness": Decimal(critical),
        "patient": Decimal(patient),
    }
    with _fresh():
        assert _bytes(result) == _bytes(engine.evaluate(scenario, "changzhou", registry=registry))


@pytest.fixture(scope="module")
def general_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "general.jsonl"
    synth.write_file(path, "general", 120, seed=11)
    return path


@pytest.fixture(scope="module")
def inpatient_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "inpatient.jsonl"
    synth.write_file(path, "inpatient-one", 60, seed=11)
    return path


def _scenarios(*paths: Path) -> list[Scenario]:
    decoder = msgspec.json.Decoder(Scenario)
    return [decoder.decode(line) for path in paths for line in path.read_bytes().splitlines()]


def test_answers_from_the_memo_are_the_fresh_answers(
    general_file: Path, inpatient_file: Path
) -> None:
    """Every synthetic case, in every region and compared: evaluated three times (seen,
    kept, reused), then with its bills halved (the same person-year, new amounts)."""
    registry = default_registry()
    for scenario in _scenarios(general_file, inpatient_file):
        halved = msgspec.structs.replace(
            scenario,
            claims=tuple(
                msgspec.structs.replace(c, compliant=(c.compliant / 2).quantize(Decimal("0.01")))
                for c in scenario.claims
            ),
        )
        for case in (scenario, halved):
            with _fresh():
                expected = _bytes(engine.compare(case, REGIONS, registry=registry))
                alone = [_bytes(engine.evaluate(case, r, registry=registry)) for r in REGIONS]
            for _ in range(3):
                assert _bytes(engine.compare(case, REGIONS, registry=registry)) == expected
                assert [_bytes(engine.evaluate(case, r, registry=registry)) for r in REGIONS] == (
                    alone
                )


def test_notices_of_reused_phases_and_plans_are_said_again() -> None:
    """In 2026 the 2025 values are carried (no later notice is bundled): the answer says
    so for each value it rests on, the phases' and the plans' alike, every time."""
    registry = default_registry()
    scenario = _one_claim("15000.00", year=2026)
    with _fresh():
        expected = engine.evaluate(scenario, "changzhou", registry=registry)
    carried = {n.key for n in expected.notices if n.kind == "carried"}
    assert {"inpatient.rate.adult.level3", "inpatient.deductible.adult.level3"} <= carried
    for _ in range(3):
        assert _bytes(engine.evaluate(scenario, "changzhou", registry=registry)) == (
            _bytes(expected)
        )


OVERLAY = """
layer = "FICTIONAL-memo-test"
region = "changzhou"
scheme = "resident"
[[parameter]]
key = "inpatient.rate.adult.level3"
kind = "rate"
value = "80%"
valid_from = 2025-01-01
valid_to = 2025-12-31
cite = "FICTIONAL test value, in the place of changzhou-resident-2025 §三(一)"
"""


def test_an_overlay_has_its_own_memo(tmp_path: Path) -> None:
    """With and without a (FICTIONAL) overlay raising the level-3 ratio to 80%, in turn:
    neither answer reaches the other's."""
    path = tmp_path / "overlay.toml"
    path.write_text(OVERLAY, encoding="utf-8")
    overlays = load_overlays([path])
    registry = default_registry()
    scenario = _one_claim("15000.00")
    for _ in range(3):
        plain = engine.evaluate(scenario, "changzhou", registry=registry)
        raised = engine.evaluate(scenario, "changzhou", overlays=overlays, registry=registry)
        assert _layers(plain)["basic_fund"] == Decimal("9800.00")  # 14000 × 70%
        assert _layers(raised)["basic_fund"] == Decimal("11200.00")  # 14000 × 80%
    stack = registry.stack("changzhou", "resident")
    overlaid = registry.with_overlays(stack, overlays)
    hook = relay(stack.pm)
    assert memo_for(stack.params, hook) is not memo_for(overlaid.params, hook)


def test_a_monitored_stack_keeps_no_memo() -> None:
    """While hook calls are watched every call must be seen: each evaluation asks the
    critical-illness cap again."""
    registry = default_registry()
    stack = registry.stack("changzhou", "resident")
    scenario = _one_claim("15000.00")
    asked: list[str] = []

    def before(name: str, impls: object, kwargs: object) -> None:
        if name == "yibao_critical_illness_cap":
            asked.append(name)

    stop = monitor(stack.pm, before, lambda *args: None)
    try:
        assert memo_for(stack.params, relay(stack.pm)) is None
        for _ in range(3):
            engine.evaluate(scenario, "changzhou", registry=registry)
    finally:
        stop()
    assert len(asked) == 3


def test_a_person_year_is_kept_from_its_second_evaluation() -> None:
    registry = default_registry()
    stack = registry.stack("changzhou", "resident")
    scenario = _one_claim("15000.00")
    memo = Memo(size=2)
    decided: list[object] = []

    def run(case):  # type: ignore[no-untyped-def]
        decided.append(case.scenario.claims)
        return engine.run_phases(case)

    def case():  # type: ignore[no-untyped-def]
        return Case(scenario, stack.info, stack.params, relay(stack.pm))

    key = person_year(scenario)
    assert memo.remember_phases(key, case(), run) is None  # first seen: nothing decided
    kept = memo.remember_phases(key, case(), run)
    assert kept is not None and memo.remember_phases(key, case(), run) is kept
    assert decided == [()]  # decided once, without the claims


def test_a_phase_that_raises_is_not_remembered() -> None:
    memo = Memo(at_once=True)
    scenario = _one_claim("15000.00")
    stack = default_registry().stack("changzhou", "resident")

    def broken(case):  # type: ignore[no-untyped-def]
        raise RuntimeError("a plugin bug")

    case = Case(scenario, stack.info, stack.params, relay(stack.pm))
    with pytest.raises(RuntimeError):
        memo.remember_phases(person_year(scenario), case, broken)
    assert memo.phases == {}
    assert case.scenario is scenario  # the claims are given back


def test_memo_stays_bounded() -> None:
    memo = Memo(size=4, at_once=True)
    stack = default_registry().stack("changzhou", "resident")
    for day in range(1, 12):
        scenario = msgspec.convert(
            {**ELDERLY, "person": {**ELDERLY["person"], "birth_date": f"1958-06-{day:02d}"}},
            type=Scenario,
        )
        case = Case(scenario, stack.info, stack.params, relay(stack.pm))
        memo.remember_phases(person_year(scenario), case, engine.run_phases)
        assert len(memo.phases) <= 4


WORKED = sorted((Path(__file__).parents[1] / "cases").glob("*/*.toml"))


def test_worked_cases_from_the_memo_are_the_fresh_answers() -> None:
    """Every hand-worked case (tests/cases/: the amounts their files cite) gives, from
    the memo, the fresh answer byte for byte — declared rules of every step kind
    included: windows and subsidies, cost passed on, partial answers, not-published
    values."""
    from yibao.scenario_io import scenario_type

    registry = default_registry()
    checked = 0
    for path in WORKED:
        worked = msgspec.toml.decode(path.read_bytes())
        if "scenario" not in worked or "region" not in worked:
            continue
        try:
            scenario = msgspec.convert(worked["scenario"], type=scenario_type(), strict=False)
        except msgspec.ValidationError:
            continue  # a case about bad input: nothing to settle
        region = worked["region"]
        with _fresh():
            expected = _bytes(engine.evaluate(scenario, region, registry=registry))
        for _ in range(3):
            found = _bytes(engine.evaluate(scenario, region, registry=registry))
            assert found == expected, path.name
        checked += 1
    assert checked > len(WORKED) * 0.9  # nearly every file is a case to settle


def test_kept_partial_plans_hold_no_traceback() -> None:
    """昌黎's source lists what the fund pays for but gives no deductible or ratio
    (changli-resident-2025 九), so its inpatient plan is a partial answer carrying the
    gaps — exceptions. Kept in the memo with their tracebacks they would
    hold the frames that compiled them, and with them the case and its claims, for as
    long as the memo lives (the HTTP service's lifetime)."""
    import gc

    from yibao.api import evaluate
    from yibao.steps.plan import Unsettled

    example = Path(__file__).parents[2] / "plugins/changli/src/yibao_changli/resident"
    case = example / "examples/newborn-emergency-out-of-area.toml"
    for _ in range(2):  # kept from the second evaluation
        result = evaluate(case, "changli")
    assert "not_published" in [c.status for c in result.claims]
    gc.collect()
    kept = [o for o in gc.get_objects() if isinstance(o, Unsettled)]
    assert kept, "no partial plan was kept: the test no longer reaches the memo"
    assert [g for u in kept for g in u.gaps if g.__traceback__ is not None] == []
