"""End-to-end batch throughput: JSON Lines file in, JSON Lines file out, via the CLI.

    uv run python benchmarks/bench_batch.py [--n 100000] [--general-n 20000] [--repeat 3]

Measures, each as the median of ``--repeat`` runs of ``yibao batch`` in a child process:

- ``inpatient-one`` (the issue's workload), ``--jobs 1``: cases/s (target ≥ 200,000);
- the same with ``--jobs 2``: the ratio to ``--jobs 1`` (target ≥ 1.8);
- the ``general`` population, ``--jobs 1``: claims/s (target ≥ 50,000);
- ``inpatient-one`` with ``--no-kernel`` (plans, every case through the engine) and
  ``--no-plan`` (the per-claim engine path) for comparison.

Inputs are generated once into $YIBAO_BENCH_DATA (default /tmp/yibao-bench).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import dataset, machine, median, run_cli


def _claims(path: Path) -> int:
    return sum(line.count(b'"kind":') for line in path.read_bytes().splitlines())


def _time(source: Path, extra: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``yibao batch SOURCE -r changzhou EXTRA``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        runs = [
            run_cli(["batch", str(source), "-r", "changzhou", "-o", str(out), "-q", *extra])
            for _ in range(repeat)
        ]
    return median([r.wall for r in runs]), median([r.cpu for r in runs])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--general-n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    args = parser.parse_args()
    one = dataset("inpatient-one", args.n)
    general = dataset("general", args.general_n)
    claims = _claims(general)
    (w1, c1), (w2, c2) = _time(one, ["-j", "1"], args.repeat), _time(one, ["-j", "2"], args.repeat)
    wk, ck = _time(one, ["-j", "1", "--no-kernel"], args.repeat)
    wn, cn = _time(one, ["-j", "1", "--no-plan"], args.repeat)
    wg, cg = _time(general, ["-j", "1"], args.repeat)
    numbers = {
        "machine": machine(),
        "inpatient_one": {"cases": args.n, "jobs1_wall_s": w1, "jobs1_cpu_s": c1,
                          "jobs2_wall_s": w2, "jobs2_cpu_s": c2,
                          "no_kernel_wall_s": wk, "no_kernel_cpu_s": ck,
                          "no_plan_wall_s": wn, "no_plan_cpu_s": cn},
        "general": {"cases": args.general_n, "claims": claims, "wall_s": wg, "cpu_s": cg},
    }  # fmt: skip
    if args.json:
        print(json.dumps(numbers, indent=2))
        return
    n = args.n
    print(numbers["machine"])
    print(
        f"inpatient-one, {n} cases, jobs 1: {n / w1:,.0f} cases/s wall, "
        f"{n / c1:,.0f} cases per CPU-second (target 200,000)"
    )
    print(
        f"  jobs 2: {n / w2:,.0f} cases/s wall; wall ratio jobs2/jobs1 {w1 / w2:.2f} "
        f"(target 1.8); CPU used {c2 / c1:.2f}x jobs 1's, so the ratio on two free cores "
        f"is at most {2 * c1 / c2:.2f}"
    )
    print(f"  --no-kernel: {n / wk:,.0f} cases/s wall, {n / ck:,.0f} per CPU-second")
    print(f"  --no-plan: {n / wn:,.0f} cases/s wall, {n / cn:,.0f} per CPU-second")
    print(f"general, {args.general_n} cases, {claims} claims: {claims / wg:,.0f} claims/s wall, "
          f"{claims / cg:,.0f} per CPU-second (target 50,000)")  # fmt: skip


if __name__ == "__main__":
    main()
