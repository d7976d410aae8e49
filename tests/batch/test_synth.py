"""yibao synth: the same bytes for the same seed, and the inpatient-one workload."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from decimal import Decimal
from pathlib import Path

import msgspec
from click.testing import CliRunner
from yibao.batch import synth
from yibao.cli import main
from yibao.model import Scenario
from yibao_changzhou import profiles


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    paths = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        path = tmp_path / f"{name}.jsonl"
        result = CliRunner().invoke(
            main, ["synth", "--n", "300", "--seed", str(seed), "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        paths.append(path.read_bytes())
    assert paths[0] == paths[1]
    assert paths[0] != paths[2]


def test_general_lines_are_valid_scenarios_of_every_kind() -> None:
    decoder = msgspec.json.Decoder(Scenario)
    scenarios = [decoder.decode(line) for line in synth.generate("general", 600, seed=2)]
    kinds = Counter(c.kind for s in scenarios for c in s.claims)
    assert set(kinds) == set(profiles.KINDS)
    assert sum(kinds.values()) > 2 * len(scenarios)  # several claims per case
    assert {s.person.scheme for s in scenarios} == {"resident", "employee"}


def test_inpatient_one_reproduces_the_workload() -> None:
    decoder = msgspec.json.Decoder(Scenario)
    n = 8000
    groups: Counter[str] = Counter()
    levels: Counter[int] = Counter()
    care: Counter[str] = Counter()
    amounts = []
    for line in synth.generate("inpatient-one", n, seed=11):
        scenario = decoder.decode(line)
        (claim,) = scenario.claims
        assert claim.kind == "inpatient" and scenario.year == 2025
        person = scenario.person
        assert person.hukou == "changzhou" and person.scheme == "resident"
        groups[_group(scenario)] += 1
        levels[claim.level] += 1
        care[claim.care] += 1
        assert claim.compliant == claim.compliant.quantize(Decimal("0.01"))
        assert Decimal(1000) <= claim.compliant <= Decimal(1_000_000)
        amounts.append(float(claim.compliant))
    _near(groups, {"elderly": 30, "core": 30, "outer": 10, "university": 10, "minor": 20}, n)
    _near(levels, {1: 25, 2: 35, 3: 40}, n)
    _near(care, {"local": 85, "referral": 10, "unreferred": 5}, n)
    assert abs(statistics.median(amounts) / 15_000 - 1) < 0.06
    logs = [math.log(a) for a in amounts if 1000 < a < 1_000_000]
    assert abs(statistics.pstdev(logs) - 1.3) < 0.12  # clipping trims the tails a little


def _group(scenario: Scenario) -> str:
    person = scenario.person
    if person.category == "elderly":
        return "elderly"
    if person.category == "non_working":
        assert person.district in profiles.CORE + profiles.OUTER
        return "core" if person.district in profiles.CORE else "outer"
    if person.student == "university":
        return "university"
    assert person.age_on(scenario.claims[0].date.replace(month=1, day=1)) < 18
    return "minor"


def _near(counts: Counter, expected: dict, n: int, tolerance: float = 0.02) -> None:
    for key, percent in expected.items():
        assert abs(counts[key] / n - percent / 100) < tolerance, (key, counts[key] / n)
