"""A new region arrives as a wheel and nothing else (issue 18's test).

``yibao plugin new`` scaffolds the FICTIONAL region ``realtown`` (实镇) on the Jiangsu
layer: it declares its own claim fact (``day_surgery``) and its own synthetic population
(``realtown-mixed``). Built into a wheel with ``uv build`` and installed beside yibao's
own wheels (core, Jiangsu, 常州 to compare with, the TUI) into a fresh virtual
environment without Hypothesis, it is seen by ``yibao regions``, evaluates its example
(the declared fact changes the deductible), is compared with 常州, batches its own
population, shows its fact in the TUI's claim form, passes ``yibao plugin check`` and
its own tests — with nothing in core, the TUI or reports changed for it.

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
    for package in ("yibao", "yibao-jiangsu", "yibao-changzhou", "yibao-tui"):
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
    new = [str(venv / "bin" / "yibao"), "plugin", "new", "realtown", "--province", "jiangsu",
           "--name-zh", "实镇"]  # fmt: skip
    _ok(_run([*new, "-o", str(tmp_path / "src")]))
    plugin = tmp_path / "src" / "yibao-realtown"
    assert "tool.uv.sources" not in (plugin / "pyproject.toml").read_text("utf-8")
    _ok(_run([uv, "build", "--wheel", "-q", "-o", str(dist), str(plugin)]))
    wheels = sorted(p.name.split("-")[0] for p in dist.glob("*.whl"))
    assert wheels == ["yibao", "yibao_changzhou", "yibao_jiangsu", "yibao_realtown", "yibao_tui"]
    install(str(next(dist.glob("yibao_realtown-*.whl"))))
    yibao = str(venv / "bin" / "yibao")

    regions = {r["code"]: r for r in json.loads(_ok(_run([yibao, "regions", "--json"])))}
    assert set(regions) == {"realtown", "changzhou"}  # only what this environment installed
    assert regions["realtown"]["info"]["name_zh"] == "实镇（虚构示例）"
    assert (regions["realtown"]["distribution"], regions["realtown"]["version"]) == (
        "yibao-realtown", "0.1.0")  # fmt: skip
    assert regions["realtown"]["status"] == "ok"

    example = plugin / "src/yibao_realtown/resident/examples/adult-inpatient.toml"
    result = json.loads(_ok(_run([yibao, "evaluate", str(example), "-r", "realtown", "--json"])))
    claims = {c["claim_id"]: c for c in result["claims"]}
    assert claims["stay"]["layers"][0]["amount"] == "13440.00"
    assert claims["stay"]["patient"] == "8560.00"
    # day surgery (the region's own fact): (5000.00 − its deductible 100.00) × 70%
    assert claims["day"]["layers"][0]["amount"] == "3430.00"
    assert claims["day"]["patient"] == "1570.00"

    compared = json.loads(
        _ok(_run([yibao, "compare", str(example), "-r", "realtown,changzhou", "--json"]))
    )
    assert [r["region"] for r in compared["results"]] == ["realtown", "changzhou"]
    assert compared["results"][0]["claims"][0]["layers"][0]["amount"] == "13440.00"

    people, answers = tmp_path / "people.jsonl", tmp_path / "answers.jsonl"
    _ok(_run([yibao, "synth", "--profile", "realtown-mixed", "-n", "200", "-o", str(people)]))
    assert '"day_surgery":true' in people.read_text("utf-8")  # the profile states the fact
    _ok(_run([yibao, "batch", str(people), "-r", "realtown", "-o", str(answers)]))
    records = [json.loads(line) for line in answers.read_text("utf-8").splitlines()]
    assert len(records) == 200 and {r["status"] for r in records} == {"ok"}

    check = _ok(_run([yibao, "plugin", "check", "realtown"]))
    assert "verdict: PASS" in check, check
    assert "no personas installed" in check  # skipped, with the reason

    layers = json.loads(_ok(_run([yibao, "regions", "realtown", "--layers", "--json"])))
    assert [x["distribution"] for x in layers[0]["layers"]] == ["yibao-jiangsu", "yibao-realtown"]

    tests = _run([str(python), "-m", "pytest", "-p", "no:cacheprovider"], cwd=plugin)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    # hypothesis and yibao_reports are absent: their tests skip with the reason
    assert "10 passed, 2 skipped" in tests.stdout, tests.stdout
