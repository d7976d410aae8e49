"""The general synthetic population in each region: claims per CPU-second of
``yibao batch``, and which cases batch's fast path (declared rules, whole fen) settles.

    uv run python benchmarks/bench_regions.py [--n 20000] [--repeat 3]

For each region, the ``general`` population (常州 residents and employees, as if living
in the region, as ``yibao batch -r REGION`` moves them) is settled by ``yibao batch
--jobs 1`` in a child process: the median CPU seconds over ``--repeat`` runs, with the
fast path and with ``--no-kernel`` (every case through the engine). Then, in process,
each case is sorted by who answers it: the fast path, or the engine and why (the first
reason :class:`yibao.steps.batch.FastPath` has to decline). Not a timed test: record the
numbers in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

import msgspec
from _common import dataset, machine, median, run_cli
from yibao.batch.plan import Plan, Planner
from yibao.facts import fact
from yibao.model import Scenario
from yibao.registry import default_registry

REGIONS = ("changzhou", "xuzhou", "changli")


def _claims(path: Path) -> int:
    return sum(line.count(b'"kind":') for line in path.read_bytes().splitlines())


def _cpu(source: Path, region: str, extra: list[str], repeat: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        args = ["batch", str(source), "-r", region, "-o", str(out), "-q", *extra]
        return median([run_cli(args).cpu for _ in range(repeat)])


def _who(planner: Planner, scenario: Scenario, region: str) -> str:
    """Who answers ``scenario`` in ``region``: ``fast path``, or why the engine does."""
    ((code, moved, lead),) = planner._relocated(scenario, [region])
    found = planner._lookup(code, moved.person.scheme)
    if not isinstance(found, Plan):
        return f"engine: no {moved.person.scheme} scheme here"
    fast = found.fast
    if fast is None:
        return "engine: no declared settlement"
    for claim in moved.claims:
        if claim.kind not in fast.settlement.kinds:
            return f"engine: {claim.kind} not declared"
        if claim.excluded is not None:
            return "engine: excluded costs"
        if any(fact(claim, name) is not None for name in fast._facts):
            return "engine: a claim fact"
    before = fast.settled
    fast.record(moved, 1, lead)
    if fast.settled > before:
        return f"fast path: {moved.person.scheme}"
    return f"engine: {moved.person.scheme} phases, cover or a gap on another date"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = dataset("general", args.n)
    claims = _claims(source)
    decoder = msgspec.json.Decoder(Scenario)
    scenarios = [decoder.decode(line) for line in source.read_bytes().splitlines()]
    print(machine())
    print(f"general, {args.n} cases, {claims} claims; yibao batch --jobs 1, median CPU")
    out = {}
    for region in REGIONS:
        fast = _cpu(source, region, [], args.repeat)
        slow = _cpu(source, region, ["--no-kernel"], args.repeat)
        planner = Planner(default_registry(), kernel=True)
        shares: Counter[str] = Counter()
        claim_shares: Counter[str] = Counter()
        for scenario in scenarios:
            who = _who(planner, scenario, region)
            shares[who] += 1
            claim_shares[who] += len(scenario.claims)
        out[region] = {
            "claims_per_cpu_s": round(claims / fast),
            "claims_per_cpu_s_no_kernel": round(claims / slow),
            "cpu_s": round(fast, 2),
            "cpu_s_no_kernel": round(slow, 2),
            "claims_by_who": dict(claim_shares.most_common()),
            "cases_by_who": dict(shares.most_common()),
        }
        print(f"\n{region}: {claims / fast:,.0f} claims/CPU-s ({fast:.2f} s); "
              f"--no-kernel {claims / slow:,.0f} ({slow:.2f} s)")  # fmt: skip
        for who, n in claim_shares.most_common():
            print(f"  {who:55} {n / claims:6.1%} of claims ({shares[who]} cases)")
    print("\n" + json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
