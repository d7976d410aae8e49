"""A scaffolded plugin installed for real: built into a wheel with ``uv build``,
installed beside yibao (built as wheels too) into a fresh virtual environment without
Hypothesis, then seen by ``yibao regions``, evaluating its example, passing ``yibao
plugin check`` and its own tests. The region ``realtown`` is FICTIONAL (the scaffold's
placeholder numbers).

Slowish (a few seconds): marked ``slow``; it runs in ``uv run pytest``, and ``-m "not
slow"`` leaves it out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "YIBAO_PLUGINS", "YIBAO_DISABLE")}  # fmt: skip
    env["COLUMNS"] = "200"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=120)  # fmt: skip


def _ok(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 0, f"{out.args}\n{out.stdout}\n{out.stderr}"
    return out.stdout


def test_a_scaffolded_plugin_builds_installs_and_passes(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    dist = tmp_path / "dist"
    for package in ("yibao", "yibao-jiangsu"):
        _ok(_run([uv, "build", "--wheel", "-q", "--package", package, "-o", str(dist)], cwd=ROOT))
    venv = tmp_path / "venv"
    _ok(_run([uv, "venv", "-q", "--python", sys.executable, str(venv)]))
    python = venv / "bin" / "python"

    def install(*wheels: str) -> None:
        args = [uv, "pip", "install", "-q", "--python", str(python), *wheels]
        if _run([*args, "--offline"]).returncode != 0:  # the cache lacks something: go online
            _ok(_run(args))

    install(*sorted(str(p) for p in dist.glob("*.whl")), "pytest")
    # the installed yibao scaffolds the plugin: its templates ship in the wheel
    new = [str(venv / "bin" / "yibao"), "plugin", "new", "realtown", "--province", "jiangsu"]
    _ok(_run([*new, "-o", str(tmp_path / "src")]))
    plugin = tmp_path / "src" / "yibao-realtown"
    assert "tool.uv.sources" not in (plugin / "pyproject.toml").read_text("utf-8")
    _ok(_run([uv, "build", "--wheel", "-q", "-o", str(dist), str(plugin)]))
    wheels = sorted(p.name.split("-")[0] for p in dist.glob("*.whl"))
    assert wheels == ["yibao", "yibao_jiangsu", "yibao_realtown"]
    install(str(next(dist.glob("yibao_realtown-*.whl"))))
    yibao = str(venv / "bin" / "yibao")

    regions = {r["code"]: r for r in json.loads(_ok(_run([yibao, "regions", "--json"])))}
    assert set(regions) == {"realtown"}  # only what this environment installed
    assert (regions["realtown"]["distribution"], regions["realtown"]["version"]) == (
        "yibao-realtown", "0.1.0")  # fmt: skip
    assert regions["realtown"]["status"] == "ok"

    example = plugin / "src/yibao_realtown/resident/examples/adult-inpatient.toml"
    result = json.loads(_ok(_run([yibao, "evaluate", str(example), "-r", "realtown", "--json"])))
    stay = next(c for c in result["claims"] if c["claim_id"] == "stay")
    assert stay["layers"][0]["amount"] == "13440.00" and stay["patient"] == "8560.00"

    check = _ok(_run([yibao, "plugin", "check", "realtown"]))
    assert "verdict: PASS" in check, check
    assert "no personas installed" in check  # skipped, with the reason

    layers = json.loads(_ok(_run([yibao, "regions", "realtown", "--layers", "--json"])))
    assert [x["distribution"] for x in layers[0]["layers"]] == ["yibao-jiangsu", "yibao-realtown"]

    tests = _run([str(python), "-m", "pytest", "-p", "no:cacheprovider"], cwd=plugin)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    # hypothesis and yibao_reports are absent: their tests skip with the reason
    assert "10 passed, 2 skipped" in tests.stdout, tests.stdout
