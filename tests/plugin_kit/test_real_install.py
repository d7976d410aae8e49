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
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Installed:
    """The fresh environment with realtown's wheel in it, and the scaffolded source."""

    tmp: Path
    python: Path
    yibao: str
    plugin: Path

    @property
    def example(self) -> Path:
        return self.plugin / "src/yibao_realtown/resident/examples/adult-inpatient.toml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """yibao's wheels and the scaffolded realtown's, built and installed into a fresh
    virtual environment (once for this module's tests)."""
    tmp_path = tmp_path_factory.mktemp("real-install")
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
    return Installed(tmp_path, python, str(venv / "bin" / "yibao"), plugin)


def test_a_scaffolded_plugin_builds_installs_and_passes(installed: Installed) -> None:
    tmp_path, python, yibao, plugin = (
        installed.tmp, installed.python, installed.yibao, installed.plugin)  # fmt: skip
    regions = {r["code"]: r for r in json.loads(_ok(_run([yibao, "regions", "--json"])))}
    assert set(regions) == {"realtown", "changzhou"}  # only what this environment installed
    assert regions["realtown"]["info"]["name_zh"] == "实镇（虚构示例）"
    assert (regions["realtown"]["distribution"], regions["realtown"]["version"]) == (
        "yibao-realtown", "0.1.0")  # fmt: skip
    assert regions["realtown"]["status"] == "ok"

    example = installed.example
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
    assert "11 passed, 2 skipped" in tests.stdout, tests.stdout


def test_the_installed_tui_explains_the_day_surgery_claim(
    installed: Installed, tmp_path: Path
) -> None:
    """The installed ``yibao tui`` at 80×24, driven in tmux as a clerk would: F7 goes to
    the claims table, down to the third claim (the scaffold's day surgery, 日间手术),
    ``e`` explains it. The worked case (tests/cases/adult-inpatient.toml of the
    scaffold, FICTIONAL placeholder numbers): (5000.00 − the day-surgery deductible
    100.00) × 70% = 3430.00 from the fund, 1570.00 left to the patient."""
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("tmux is not on PATH")
    home = tmp_path / "home"
    env = {
        "HOME": str(home),  # no config file or autosave of the developer's, none left
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".state"),
        "XDG_DATA_HOME": str(home / ".data"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "TERM": "xterm-256color",
        "COLUMNS": "80",  # not _run's 200: Textual would lay dialogs out for 200 columns
        "LINES": "24",
        "LANG": "C.UTF-8",
    }
    home.mkdir()
    socket = str(tmp_path / "tmux.sock")

    def tmux_do(*args: str) -> str:
        return _ok(_run([tmux, "-S", socket, *args]))

    def screen_until(text: str) -> str:
        """The pane as text once it shows ``text`` (or failing after 60 s)."""
        shown = ""
        for _ in range(240):
            shown = tmux_do("capture-pane", "-p", "-t", "t")
            if text in shown:
                return shown
            time.sleep(0.25)
        raise AssertionError(f"{text!r} not on the screen:\n{shown}")

    flags = [f"-e{k}={v}" for k, v in env.items()]
    tmux_do("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "80", "-y", "24", *flags,
            f"{installed.yibao} tui {installed.example}")  # fmt: skip
    try:
        screen_until("实镇")  # it starts on the case's region
        tmux_do("send-keys", "-t", "t", "F7")
        screen_until("e 说明")  # the claims table's keys: the focus is there
        tmux_do("send-keys", "-t", "t", "Down", "Down", "e")
        shown = screen_until("3,430.00")  # the explanation's title: what the fund pays
    finally:
        _run([tmux, "-S", socket, "kill-server"])
    assert "数字说明" in shown and "2025-05-20" in shown, shown  # of the day claim
    assert "日间手术" in shown, shown  # its own deductible, the region's declared fact
    assert "4900.00 × 70%" in shown, shown  # (5000.00 − 100.00) × 70%
    # the status line fits 80 columns with this long region name: the hint is short
    assert "设本柜台地区：F1" in shown.splitlines()[0], shown
