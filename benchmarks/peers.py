"""The peers of issue 19, measured side by side with yibao (../shared/peers, README there).

    uv run python benchmarks/peers.py [--n 1000000]     # both peers once, JSON

- ``scalar``: the bare Python Decimal loop of the 常州 inpatient rule
  (``scalar_cz.settle_all``) over claims already built as dicts, in memory;
- ``openfisca``: OpenFisca-Core 46, vectorised, idiomatic (parameter fancy indexing),
  integer cents, in memory — the simulation built from the input arrays and the three
  outputs computed.

The folder is found at ``$YIBAO_PEERS``, else ``../shared/peers`` or ``../../shared/peers``
beside the repository. The scalar peer runs with this environment's Python (it needs
only numpy, to draw its claims); OpenFisca runs in a virtual environment of its own
under ``$YIBAO_BENCH_DATA`` (default /tmp/yibao-bench), made on first use with uv from
the folder's ``requirements.txt`` (a copy of the read-only folder is installed). Each
measurement is a fresh child process; it reports the CPU time (user + system) and the
wall time of the timed part only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(os.environ.get("YIBAO_BENCH_DATA", "/tmp/yibao-bench"))
"""Where the OpenFisca environment is made (as benchmarks/_common.py keeps inputs)."""
REPO = Path(__file__).resolve().parent.parent
KINDS = ("scalar", "openfisca")


def folder() -> Path | None:
    """The peers' folder, or ``None`` when it is not there."""
    candidates = [os.environ.get("YIBAO_PEERS")] if os.environ.get("YIBAO_PEERS") else []
    candidates += [
        str(REPO.parent / "shared" / "peers"),
        str(REPO.parent.parent / "shared" / "peers"),
    ]
    for candidate in candidates:
        path = Path(candidate)
        if (path / "scalar_cz.py").is_file() and (path / "bench.py").is_file():
            return path
    return None


def _python(kind: str, peers: Path) -> str:
    """The interpreter that runs ``kind``: this one, or the OpenFisca environment."""
    if kind == "scalar":
        return sys.executable
    env = DATA / "peers-venv"
    python = env / "bin" / "python"
    if not python.exists():
        uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "peers"
            shutil.copytree(peers, copy, ignore=shutil.ignore_patterns("*.egg-info", "build"))
            subprocess.run(
                [uv, "venv", "--quiet", "--python", sys.executable, str(env)], check=True
            )
            subprocess.run(
                [uv, "pip", "install", "--quiet", "--python", str(python),
                 "-r", str(copy / "requirements.txt"), str(copy)],
                check=True,
            )  # fmt: skip
    return str(python)


def measure(kind: str, n: int, peers: Path) -> dict:
    """One measurement of ``kind`` on ``n`` claims, in a fresh child process."""
    command = [
        _python(kind, peers),
        __file__,
        "--child",
        kind,
        "--n",
        str(n),
        "--peers",
        str(peers),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(kind: str, n: int, peers: Path) -> dict:
    sys.path.insert(0, str(peers))
    import bench  # the peers' own generator and OpenFisca driver

    if kind == "scalar":
        import scalar_cz

        claims = bench.to_dicts(bench.generate(n))
        cpu, wall = _cpu(), time.perf_counter()
        scalar_cz.settle_all(claims)
    else:
        tbs = bench.tax_benefit_system("base")
        claims = bench.generate(n)
        cpu, wall = _cpu(), time.perf_counter()
        bench.openfisca_settle(tbs, claims)
    return {"kind": kind, "n": n, "cpu_s": _cpu() - cpu, "wall_s": time.perf_counter() - wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--child", choices=KINDS)
    parser.add_argument("--peers")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.n, Path(args.peers))))
        return
    peers = folder()
    if peers is None:
        raise SystemExit("the peers' folder is not here (set YIBAO_PEERS)")
    print(json.dumps([measure(kind, args.n, peers) for kind in KINDS], indent=2))


if __name__ == "__main__":
    main()
