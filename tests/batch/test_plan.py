"""Settlement plans answer exactly what the per-claim engine (pluggy dispatch) answers."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from yibao import engine
from yibao.batch import batch
from yibao.batch.batch import Config
from yibao.batch.plan import Planner
from yibao.dispatch import FastRelay
from yibao.model import Scenario
from yibao.registry import default_registry

REGIONS = ["changzhou", "xuzhou", "changli"]


@pytest.fixture
def pluggy_dispatch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the engine call every hook through pluggy itself (the per-claim path)."""
    monkeypatch.setattr(engine, "relay", lambda pm: pm.hook)


def _scenarios(*paths: Path) -> list[Scenario]:
    decoder = msgspec.json.Decoder(Scenario)
    return [decoder.decode(line) for path in paths for line in path.read_bytes().splitlines()]


def test_plan_answers_are_byte_identical(
    general_file: Path, inpatient_file: Path, pluggy_dispatch: None
) -> None:
    registry = default_registry()
    encode = msgspec.json.encode
    for relocate, memo in ((True, 0), (False, 4096)):
        planner = Planner(registry, relocate=relocate, memo_size=memo)
        for scenario in _scenarios(general_file, inpatient_file):
            expected = engine.compare(scenario, REGIONS, registry=registry, relocate=relocate)
            assert encode(planner.results(scenario, REGIONS)) == encode(expected.results)
    assert isinstance(planner.plan("changzhou", "resident").relay, FastRelay)


def test_batch_output_with_and_without_plans_is_identical(
    general_file: Path, tmp_path: Path, pluggy_dispatch: None
) -> None:
    outs = []
    for plan, memo in ((True, 0), (True, 64), (False, 0)):
        out = tmp_path / f"plan-{plan}-{memo}.jsonl"
        config = Config(regions=tuple(REGIONS), explain=True, plan=plan, memo=memo)
        batch.run(general_file, out, config)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_person_year_memo_does_not_leak_between_claims(pluggy_dispatch: None) -> None:
    base = {
        "year": 2025,
        "person": {"birth_date": "1950-03-01", "category": "elderly", "hukou": "changzhou"},
        "enrollment": [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}],
    }
    planner = Planner(default_registry(), relocate=False, memo_size=16)
    for amount in ("1200.00", "350000.00", "88.00"):
        claim = {"id": "a", "date": "2025-08-01", "kind": "inpatient", "compliant": amount}
        scenario = msgspec.convert({**base, "claims": [claim]}, type=Scenario)
        expected = engine.evaluate(scenario, "changzhou")
        assert msgspec.json.encode(planner.evaluate(scenario, "changzhou")) == (
            msgspec.json.encode(expected)
        )
    assert planner.plan("changzhou", "resident").hits == 2
