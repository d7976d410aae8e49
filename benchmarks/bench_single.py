"""In-process latency: one scenario with one claim, with its explanation; and a
three-region compare of a typical case (what the TUI recomputes on every edit).

    uv run python benchmarks/bench_single.py [--repeat 2000]

Prints medians in microseconds. Not a timed test: run it on a quiet machine and record
the numbers in docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
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


def _median_us(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    registry = default_registry()
    one = msgspec.convert(ONE_CLAIM, type=Scenario)
    typical = load_scenario(TYPICAL)
    regions = ["changzhou", "xuzhou", "changli"]
    evaluate(one, "changzhou", registry=registry)  # build the stacks once
    compare(typical, regions, registry=registry)
    single = _median_us(lambda: evaluate(one, "changzhou", registry=registry), args.repeat)
    three = _median_us(lambda: compare(typical, regions, registry=registry), args.repeat // 4)
    encode = msgspec.json.Encoder()
    result = evaluate(one, "changzhou", registry=registry)
    json_us = _median_us(lambda: encode.encode(result), args.repeat)
    print(f"single case with explanation: median {single:.1f} us (target <= 50 us)")
    print(f"  + JSON encoding of the explained result: median {json_us:.1f} us")
    print(f"three-region compare of {TYPICAL.name}: median {three:.1f} us (target <= 1000 us)")


if __name__ == "__main__":
    main()
