"""End-to-end batch throughput, JSON Lines file in → file out, beside the peers.

    uv run python benchmarks/bench_batch.py [--n 1000000] [--general-n 100000] [--rounds 3]
        [--general-regions changzhou,xuzhou,changli]
        [--python-n 200000] [--engine-n 50000] [--json]

Each round runs, one after the other (so noise on the shared machine hurts each alike),
each in a fresh child process:

- the peers (benchmarks/peers.py), when their folder is present: the bare Decimal
  loop and OpenFisca's vectorised idiomatic run, on ``--n`` claims in memory;
- ``yibao batch`` on ``inpatient-one`` (the issue's workload), ``--n`` cases,
  ``--jobs 1`` and ``--jobs 2``: the whole process, start-up included, CPU time of the
  process and its workers (what one free core would do) and wall time;
- ``yibao batch`` on the ``general`` population, ``--general-n`` cases, in claims, in
  each of ``--general-regions``;
- optionally the pure-Python fast path (``YIBAO_NO_FASTCORE=1``, ``--python-n``) and
  the engine (``--no-kernel``, ``--engine-n``), for comparison.

Ratios are taken within each round, then the median over rounds is printed. Targets
(docs/performance.md): inpatient-one ≥ 200,000 cases per CPU-second and ≥ 0.5× the bare
Decimal loop; general ≥ 50,000 claims per CPU-second; ``--jobs 2`` ≥ 1.8× ``--jobs 1``
(wall) at 1,000,000 cases; peak memory ≤ 200 MiB. Inputs are generated once into
$YIBAO_BENCH_DATA (default /tmp/yibao-bench).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import peers
from _common import Run, dataset, machine, run_cli


def _claims(path: Path) -> int:
    with path.open("rb") as lines:  # streamed: this process's size would be the child's peak
        return sum(line.count(b'"kind":') for line in lines)


def _batch(
    source: Path, *extra: str, env: dict[str, str] | None = None, region: str = "changzhou"
) -> Run:
    with tempfile.TemporaryDirectory() as tmp:  # a fresh target: no old file to free
        out = Path(tmp) / "out.jsonl"
        return run_cli(["batch", str(source), "-r", region, "-o", str(out), "-q", *extra],
                       env=env)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--general-n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-n", type=int, default=0, help="also the pure-Python path")
    parser.add_argument("--engine-n", type=int, default=0, help="also --no-kernel")
    parser.add_argument("--no-jobs2", action="store_true")
    parser.add_argument(
        "--general-regions", default="changzhou", help="regions the general population runs in"
    )
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    args = parser.parse_args()
    n = args.n
    one = dataset("inpatient-one", n)
    general = dataset("general", args.general_n)
    claims = _claims(general)
    regions = args.general_regions.split(",")
    folder = peers.folder()
    rounds = []
    for number in range(1, args.rounds + 1):
        got: dict[str, dict] = {}
        if folder is not None:
            for kind in peers.KINDS:
                got[kind] = peers.measure(kind, n, folder)
        for name, source, extra, env, region in (
            ("jobs1", one, ["-j", "1"], None, "changzhou"),
            ("jobs2", one, ["-j", "2"], None, "changzhou"),
            *((f"general-{code}", general, ["-j", "1"], None, code) for code in regions),
            ("python", dataset("inpatient-one", args.python_n) if args.python_n else None,
             ["-j", "1"], {"YIBAO_NO_FASTCORE": "1"}, "changzhou"),
            ("engine", dataset("inpatient-one", args.engine_n) if args.engine_n else None,
             ["-j", "1", "--no-kernel"], None, "changzhou"),
        ):  # fmt: skip
            if source is None or (name == "jobs2" and args.no_jobs2):
                continue
            run = _batch(source, *extra, env=env, region=region)
            got[name] = {"cpu_s": run.cpu, "wall_s": run.wall, "peak_mib": run.peak_kib / 1024}
        rounds.append(got)
        if not args.json:
            print(f"round {number}: " + ", ".join(
                f"{k} {v['cpu_s']:.2f} CPU-s / {v['wall_s']:.2f} s" for k, v in got.items()
            ), flush=True)  # fmt: skip

    def med(name: str, key: str, scale: float = 1.0) -> float:
        return statistics.median(r[name][key] for r in rounds) * scale

    def ratio(f) -> float:  # type: ignore[no-untyped-def]
        return statistics.median(f(r) for r in rounds)

    report: dict[str, object] = {"machine": machine(), "n": n, "rounds": rounds,
                                 "peers": str(folder) if folder else None}  # fmt: skip
    lines = [machine(), f"{args.rounds} rounds; medians (CPU = user + system of the whole process;"
             " yibao's children keep their bytecode: PYTHONDONTWRITEBYTECODE unset)"]  # fmt: skip
    rate = ratio(lambda r: n / r["jobs1"]["cpu_s"])
    lines.append(
        f"inpatient-one, {n:,} cases, --jobs 1: {rate:,.0f} cases per CPU-second "
        f"(target 200,000), {ratio(lambda r: n / r['jobs1']['wall_s']):,.0f}/s wall, "
        f"peak {med('jobs1', 'peak_mib'):.0f} MiB (target 200)"
    )
    if folder is None:
        lines.append("peers: their folder is not here (../shared/peers or $YIBAO_PEERS): not run")
    else:
        scalar = ratio(lambda r: r["scalar"]["cpu_s"] / r["jobs1"]["cpu_s"])
        fisca = ratio(lambda r: r["openfisca"]["cpu_s"] / r["jobs1"]["cpu_s"])
        lines.append(
            f"  bare Decimal loop (in memory): {ratio(lambda r: n / r['scalar']['cpu_s']):,.0f} "
            f"claims per CPU-second; yibao file → file is {scalar:.2f}x it (target 0.5)"
        )
        lines.append(
            f"  OpenFisca vectorised, idiomatic (in memory): "
            f"{ratio(lambda r: n / r['openfisca']['cpu_s']):,.0f} claims per CPU-second; "
            f"yibao is {fisca:.2f}x it (moonshot 1.0)"
        )
    if not args.no_jobs2:
        wall = ratio(lambda r: r["jobs1"]["wall_s"] / r["jobs2"]["wall_s"])
        cpu = ratio(lambda r: r["jobs2"]["cpu_s"] / r["jobs1"]["cpu_s"])
        lines.append(
            f"  --jobs 2: wall {wall:.2f}x --jobs 1 (target 1.8); CPU {cpu:.2f}x --jobs 1's, "
            f"so at most {2 / cpu:.2f}x on two free cores"
        )
    for code in regions:
        lines.append(
            f"general, {args.general_n:,} cases, {claims:,} claims, -r {code}: "
            f"{ratio(lambda r, c=code: claims / r[f'general-{c}']['cpu_s']):,.0f} claims per "
            "CPU-second (target 50,000)"
        )
    if args.python_n:
        lines.append(f"  pure-Python fast path, inpatient-one {args.python_n:,}: "
                     f"{ratio(lambda r: args.python_n / r['python']['cpu_s']):,.0f} "
                     "cases per CPU-second")  # fmt: skip
    if args.engine_n:
        lines.append(f"  engine (--no-kernel), inpatient-one {args.engine_n:,}: "
                     f"{ratio(lambda r: args.engine_n / r['engine']['cpu_s']):,.0f} "
                     "cases per CPU-second")  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print("\n".join(lines))


if __name__ == "__main__":
    main()
