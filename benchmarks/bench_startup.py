"""Start-up time of ``yibao --help`` (target ≤ 300 ms): median of ``--repeat`` runs.

uv run python benchmarks/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import subprocess
import time

from _common import machine, median, yibao_exe


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    exe = yibao_exe()
    subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)  # warm the cache
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    print(machine())
    mid, low = median(times) * 1000, min(times) * 1000
    print(f"yibao --help: median {mid:.0f} ms, min {low:.0f} ms (target 300 ms)")


if __name__ == "__main__":
    main()
