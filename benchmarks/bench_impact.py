"""``yibao impact`` (baseline and reform) against one ``yibao batch`` run of the same people.

    uv run python benchmarks/bench_impact.py [--n 1000000] [--pairs 3] [--jobs 1]
    uv run python benchmarks/bench_impact.py --memory 10000,100000,1000000

Issue 23's target: both runs of an impact study together take at most twice one batch
run's time, and memory stays flat in the population size. Each pair runs, in child
processes and one after the other (so machine noise hurts both alike), ``yibao batch
INPUT -r changzhou -o OUT.jsonl`` and ``yibao impact INPUT -r changzhou --reform
<the bundled example> -o OUT.json`` on ``inpatient-one``; the script prints each pair's
CPU and wall times, their ratios, and the medians. ``--memory`` prints the peak RSS of
``yibao impact`` at each size.

Inputs are generated once into $YIBAO_BENCH_DATA (default /tmp/yibao-bench).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import Run, dataset, machine, run_cli

REFORM = (
    Path(__file__).parents[1]
    / "plugins/changzhou/src/yibao_changzhou/resident/reforms/level3-deductible-800.toml"
)


def _pair(source: Path, jobs: int, tmp: Path) -> tuple[Run, Run]:
    jobs_args = ["--jobs", str(jobs)]
    batch = run_cli(
        ["batch", str(source), "-r", "changzhou", "-o", str(tmp / "o.jsonl"), "-q", *jobs_args]
    )
    impact = run_cli(
        ["impact", str(source), "-r", "changzhou", "--reform", str(REFORM),
         "-o", str(tmp / "o.json"), "-q", *jobs_args]
    )  # fmt: skip
    return batch, impact


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--memory", help="Sizes for peak RSS of yibao impact, comma-separated.")
    args = parser.parse_args()
    print(machine())
    if args.memory:
        for n in (int(s) for s in args.memory.split(",")):
            source = dataset("inpatient-one", n)
            with tempfile.TemporaryDirectory() as tmp:
                found = run_cli(["impact", str(source), "-r", "changzhou", "--reform",
                                 str(REFORM), "-o", str(Path(tmp) / "o.json"), "-q"])  # fmt: skip
            print(f"{n:>9} people: peak RSS {found.peak_kib / 1024:6.1f} MiB, "
                  f"{found.wall:7.1f} s wall, {found.cpu:7.1f} s CPU")  # fmt: skip
        return
    source = dataset("inpatient-one", args.n)
    cpu_ratios, wall_ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.pairs):
            batch, impact = _pair(source, args.jobs, Path(tmp))
            cpu_ratios.append(impact.cpu / batch.cpu)
            wall_ratios.append(impact.wall / batch.wall)
            print(
                f"pair {i + 1}: batch {batch.cpu:.1f} s CPU / {batch.wall:.1f} s wall, "
                f"{batch.peak_kib / 1024:.0f} MiB; impact {impact.cpu:.1f} s CPU / "
                f"{impact.wall:.1f} s wall, {impact.peak_kib / 1024:.0f} MiB; "
                f"ratio CPU {cpu_ratios[-1]:.2f}, wall {wall_ratios[-1]:.2f}"
            )
    print(
        f"inpatient-one, {args.n:,} people, --jobs {args.jobs}: impact / batch median ratio "
        f"CPU {statistics.median(cpu_ratios):.2f}, wall {statistics.median(wall_ratios):.2f} "
        "(target ≤ 2)"
    )


if __name__ == "__main__":
    main()
