"""Peak memory of ``yibao batch`` against the number of cases (it should be flat).

    uv run python benchmarks/bench_memory.py [--sizes 10000,100000,1000000]

Runs ``yibao batch`` on ``inpatient-one`` inputs of each size in a child process and
prints the child's peak resident set size (target ≤ 200 MiB at 1,000,000 cases).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import dataset, machine, run_cli


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    for n in (int(s) for s in args.sizes.split(",")):
        source = dataset("inpatient-one", n)
        with tempfile.TemporaryDirectory() as tmp:
            wall, _, peak = run_cli(
                ["batch", str(source), "-r", "changzhou", "-o", str(Path(tmp) / "o.jsonl"),
                 "-q", "--jobs", str(args.jobs)]
            )  # fmt: skip
        print(
            f"{n:>9} cases: peak RSS {peak / 1024:6.1f} MiB, {wall:7.1f} s, {n / wall:,.0f} cases/s"
        )


if __name__ == "__main__":
    main()
