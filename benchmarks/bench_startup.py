"""Start-up of ``yibao --help`` (target ≤ 150 ms), beside the interpreter alone and
``import click`` measured in the same run: medians of ``--repeat`` runs, CPU time of
the child (user + system) and wall time.

uv run python benchmarks/bench_startup.py [--repeat 21]

Bytecode matters: with ``PYTHONDONTWRITEBYTECODE`` set every module is compiled again
on every run, so the benchmark runs without it (the first, unmeasured run writes it).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

from _common import machine, median, yibao_exe


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One run's CPU seconds (user + system of the child) and wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "yibao --help": [yibao_exe(), "--help"],
    }
    for cmd in commands.values():
        _run(cmd, env)  # warm the page cache and write any missing bytecode
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # interleaved, so load hurts each alike
        for name, cmd in commands.items():
            runs[name].append(_run(cmd, env))
    print(machine())
    for name, found in runs.items():
        cpu = median([c for c, _ in found]) * 1000
        wall = median([w for _, w in found]) * 1000
        low = min(c for c, _ in found) * 1000
        print(f"{name:28} CPU median {cpu:4.0f} ms (min {low:4.0f}), wall median {wall:4.0f} ms")
    print("target: yibao --help ≤ 150 ms")


if __name__ == "__main__":
    main()
