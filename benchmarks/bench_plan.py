"""A/B of the settlement paths on the same input, in one process, by CPU time:

- ``pluggy``: the engine dispatching every hook through pluggy (the path before plans);
- ``engine``: the engine with hooks resolved once (``yibao.dispatch``; ``--no-plan``);
- ``plan``: settlement plans (the default of ``yibao batch``);
- ``plan+memo``: plans with a 4,096 person-year memo (``--memo 4096``).

    uv run python benchmarks/bench_plan.py [--n 5000] [--rounds 3] [--profile inpatient-one]

Rounds alternate the paths so that a noisy machine hurts each alike; medians printed.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import dataset
from yibao import engine
from yibao.batch import batch, plan
from yibao.dispatch import relay


def _cpu(data: bytes, config: batch.Config) -> float:
    batch._answerers.clear()
    start = time.process_time()
    batch.process_block(data, 1, config)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default="inpatient-one")
    args = parser.parse_args()
    data = dataset(args.profile, args.n).read_bytes()
    regions = ("changzhou",)
    paths = {
        "pluggy": (batch.Config(regions=regions, plan=False), lambda pm: pm.hook),
        "engine": (batch.Config(regions=regions, plan=False), relay),
        "plan": (batch.Config(regions=regions, plan=True), relay),
        "plan+memo": (batch.Config(regions=regions, plan=True, memo=4096), relay),
    }
    batch.process_block(data[:20000], 1, paths["plan"][0])  # build the stacks
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, (config, dispatch) in paths.items():
            engine.relay = plan.relay = dispatch  # type: ignore[assignment]
            times[name].append(_cpu(data, config))
    base = statistics.median(times["pluggy"])
    for name, values in times.items():
        cpu = statistics.median(values)
        print(
            f"{name:>9}: {args.n / cpu:8,.0f} cases per CPU-second "
            f"({cpu / args.n * 1e6:6.1f} us/case, {base / cpu:.2f}x pluggy)"
        )


if __name__ == "__main__":
    main()
