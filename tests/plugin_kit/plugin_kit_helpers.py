"""Helpers for the plugin-kit tests: FICTIONAL regions installed for real.

Every region built with these is FICTIONAL: it exists only to exercise yibao's plugin
machinery and carries no real policy.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def install_fake(site: Path, dist: str, group: str, name: str, target: str) -> None:
    """Make ``site`` hold the metadata of an installed distribution ``dist`` with one
    entry point (its code goes in ``site`` too, on ``PYTHONPATH``)."""
    info = site / f"{dist.replace('-', '_')}-0.0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
    (info / "entry_points.txt").write_text(f"[{group}]\n{name} = {target}\n")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def yibao(*args: str, site: Path | None = None, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``python -m yibao.cli ARGS`` with ``site`` on the path."""
    environ = {**os.environ, **(env or {})}
    if site is not None:
        environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(site), environ.get("PYTHONPATH", "")) if p
        )
    return subprocess.run([sys.executable, "-m", "yibao.cli", *args], capture_output=True,
                          text=True, env=environ, cwd=cwd, check=False)  # fmt: skip
