"""In-process latency: one scenario with one claim, with its explanation; and a
three-region compare of a typical case (what the TUI recomputes on every edit).

    uv run python benchmarks/bench_single.py [--repeat 2000] [--rounds 5]

CPU time (``time.process_time_ns``) per answer, in microseconds: the median over rounds
of the mean over a batch of calls (one call is too short for the CPU clock).

- **same person, new bill**: the person-year is evaluated again with another amount
  each call (a TUI edit, a service answering one household), so the stack's memo of
  person-years (:mod:`yibao.memo`) answers the phases and keeps the plans;
- **a new person every call**: each call a person-year the memo has not seen (more of
  them than it keeps), so everything is decided afresh — the cold path.

The peer in the same run, where ``/work/shared/peers`` (or ``$YIBAO_PEERS``) is present:
its scalar Decimal settlement of one inpatient claim (no explanation, no plugins), so
the ratio holds on a noisy machine. Not a timed test: record the numbers in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

import msgspec
from yibao.engine import compare, evaluate
from yibao.model import Scenario
from yibao.registry import default_registry
from yibao.scenario_io import load_scenario

ONE_CLAIM = {
    "year": 2025,
    "person": {
        "birth_date": "1958-06-01",
        "category": "elderly",
        "hukou": "changzhou",
        "district": "wujin",
    },
    "enrollment": [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}],
    "claims": [
        {"id": "a", "date": "2025-08-10", "kind": "inpatient", "level": 3, "compliant": "15000.00"}
    ],
}
TYPICAL = (
    Path(__file__).parents[1]
    / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)
PEERS = Path(os.environ.get("YIBAO_PEERS", "/work/shared/peers"))


def _cpu_us(run, batches: list[list]) -> float:
    """Median over the batches (one per round) of the CPU time per call of ``run``."""
    per_round = []
    for cases in batches:
        start = time.process_time_ns()
        for case in cases:
            run(case)
        per_round.append((time.process_time_ns() - start) / len(cases))
    return statistics.median(per_round) / 1000


def _with_amounts(n: int) -> list[Scenario]:
    """The one-claim case with ``n`` different amounts (the same person-year)."""
    out = []
    for i in range(n):
        claim = {**ONE_CLAIM["claims"][0], "compliant": f"{8000 + 37 * i}.{i % 100:02d}"}
        out.append(msgspec.convert({**ONE_CLAIM, "claims": [claim]}, type=Scenario))
    return out


def _new_people(scenario: Scenario, n: int) -> list[Scenario]:
    """``scenario`` for ``n`` people born on different days before its person, each a
    person-year no memo has seen."""
    born = scenario.person.birth_date
    return [
        msgspec.structs.replace(
            scenario,
            person=msgspec.structs.replace(scenario.person, birth_date=born - dt.timedelta(days=i)),
        )
        for i in range(1, n + 1)
    ]


def _batches(cases: list, rounds: int) -> list[list]:
    """``cases`` cut into ``rounds`` batches."""
    size = len(cases) // rounds
    return [cases[i * size : (i + 1) * size] for i in range(rounds)]


def _peer():
    """The peers' scalar Decimal settlement of one claim, or ``None`` when absent."""
    path = PEERS / "scalar_cz.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("scalar_cz", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.settle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    registry = default_registry()
    rounds = args.rounds
    same = _with_amounts(args.repeat)
    typical = load_scenario(TYPICAL)
    regions = ["changzhou", "xuzhou", "changli"]
    evaluate(same[0], "changzhou", registry=registry)  # build the stacks once
    compare(typical, regions, registry=registry)
    evaluate(same[0], "changzhou", registry=registry)  # seen twice: kept from now on
    compare(typical, regions, registry=registry)
    people = _batches(_new_people(same[0], rounds * args.repeat), rounds)
    new_typical = _batches(_new_people(typical, rounds * (args.repeat // 4)), rounds)

    def one(scenario: Scenario) -> object:
        return evaluate(scenario, "changzhou", registry=registry)

    def three_regions(scenario: Scenario) -> object:
        return compare(scenario, regions, registry=registry)

    single = _cpu_us(one, [same] * rounds)
    cold = _cpu_us(one, people)
    three = _cpu_us(three_regions, [[typical] * (args.repeat // 4)] * rounds)
    three_cold = _cpu_us(three_regions, new_typical)
    encode = msgspec.json.Encoder()
    results = [one(s) for s in same]
    json_us = _cpu_us(encode.encode, [results] * rounds)
    print(f"single case with explanation, same person, new bill: {single:.1f} us (target <= 50 us)")
    print(f"single case with explanation, a new person every call: {cold:.1f} us")
    print(f"  + JSON encoding of the explained result: {json_us:.1f} us")
    print(f"three-region compare of {TYPICAL.name}: {three:.1f} us (target <= 1000 us)")
    print(f"  the same with a new person every call: {three_cold:.1f} us")
    settle = _peer()
    if settle is None:
        print(f"peer: {PEERS} not present, no same-run peer")
        return
    claim = {"category": "elderly", "level": 3, "care": "local", "compliant": Decimal("15000.00")}
    peer = _cpu_us(settle, [[claim] * args.repeat] * rounds)
    print(f"peer, scalar Decimal settlement of the claim (no explanation): {peer:.2f} us")
    print(f"  ratios: same person {single / peer:.1f}x, new person {cold / peer:.1f}x the peer")


if __name__ == "__main__":
    main()
