"""Helpers the benchmark scripts share: synthetic inputs, timing, the yibao executable."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

from yibao.batch import synth

DATA = Path(os.environ.get("YIBAO_BENCH_DATA", "/tmp/yibao-bench"))


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def dataset(profile: str, n: int, seed: int = 1) -> Path:
    """The synthetic input ``profile``/``n``/``seed``, generated once and kept in DATA."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{profile}-{n}-{seed}.jsonl"
    if not path.exists():
        synth.write_file(path, profile, n, seed)
    return path


def yibao_exe() -> str:
    """The ``yibao`` script of this environment (not ``uv run``, which adds its own time)."""
    here = Path(sys.executable).with_name("yibao")
    return str(here) if here.exists() else shutil.which("yibao") or "yibao"


def child_environment() -> dict[str, str]:
    """The environment of a measured child: this one, except that Python may keep the
    bytecode it compiles (an installed yibao has it; ``PYTHONDONTWRITEBYTECODE``, set in
    some shells and CI images, would make every child compile its sources again, about
    0.25 CPU-seconds of start-up)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class Run(NamedTuple):
    wall: float
    """Wall-clock seconds."""
    cpu: float
    """User + system CPU seconds of the child and its workers."""
    peak_kib: int
    """Peak resident set of the child (the largest single process), KiB."""


def run_cli(args: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``yibao ARGS`` in a child process (``env`` added to the environment) and
    measure it."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [yibao_exe(), *args],
        stdout=subprocess.DEVNULL,
        env={**child_environment(), **(env or {})},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"yibao {' '.join(args)} failed with {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def median(values: list[float]) -> float:
    return statistics.median(values)


def self_peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
