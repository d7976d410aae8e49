"""The command line as users meet it: the commands, clean errors, real plugin discovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yibao.cli import main

EXAMPLE = (
    Path(__file__).parents[1]
    / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised out of the CLI: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_json_has_money_as_decimal_strings() -> None:
    """changzhou-resident-2025 §三(一): (50,000 − 1,000) × 70% = 34,300.00."""
    code, out, _ = run("evaluate", str(EXAMPLE), "--region", "changzhou", "--json")
    assert code == 0
    data = json.loads(out)
    stroke = next(c for c in data["claims"] if c["claim_id"] == "stroke")
    assert stroke["layers"][0] == {
        **stroke["layers"][0],
        "layer": "basic_fund",
        "amount": "34300.00",
    }
    assert data["premium"]["individual"] == "730.00"


def test_evaluate_table_shows_steps_and_citations() -> None:
    code, out, _ = run("evaluate", str(EXAMPLE), "--region", "changzhou", "--lang", "en")
    assert code == 0
    assert "34300.00" in out and "changzhou-resident-2025 §三(一)" in out


def test_compare_and_demo_and_regions_run() -> None:
    assert run("compare", str(EXAMPLE), "--regions", "changzhou")[0] == 0
    assert run("demo")[0] == 0
    code, out, _ = run("regions", "--json")
    assert code == 0
    regions = {r["code"]: r for r in json.loads(out)}
    assert regions["changzhou"]["distribution"] == "yibao-changzhou"


def _write(tmp_path: Path, text: str, name: str = "case.toml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


BASE = """
year = 2025
[person]
birth_date = 1950-01-01
category = "elderly"
hukou = "changzhou"
district = "wujin"
[[enrollment]]
year = 2025
region = "changzhou"
paid_on = 2024-11-01
[[claims]]
id = "c1"
date = 2025-03-01
kind = "inpatient"
compliant = "100.00"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('kind = "inpatient"', 'kind = "inpatient"\ncolour = 1'),
            "$.claims[0]: unknown field `colour`",
        ),
        (('compliant = "100.00"', 'compliant = "-5"'), "`compliant`: expected an amount ≥ 0"),
        (
            ('compliant = "100.00"', 'compliant = "abc"'),
            "$.claims[0].compliant: expected an amount in ASCII digits",
        ),
        (
            ('compliant = "100.00"', 'compliant = "100.00"\ntotal = "50.00"'),
            "`compliant` plus `blood` (100.00) must not exceed `total` (50.00)",
        ),
        (("date = 2025-03-01", "date = 2024-03-01"), "outside the scenario year 2025"),
        (
            ("birth_date = 1950-01-01", 'birth_date = "1950-02-30"'),
            "$.person.birth_date: the date 1950-02-30 does not exist: February 1950 has 28 days",
        ),
    ],
)
def test_bad_scenarios_end_in_one_clear_message(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = _write(tmp_path, BASE.replace(*change))
    code, out, err = run("evaluate", path, "--region", "changzhou")
    assert code == 2
    assert out == ""
    assert err.startswith(f"yibao: error: {path}: ")
    assert expected in err
    assert "Traceback" not in err


def test_unknown_region_and_district_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    code, _, err = run("evaluate", path, "--region", "atlantis")
    assert code == 2 and "unknown region 'atlantis'; installed regions:" in err
    code, out, err = run("evaluate", _write(tmp_path, BASE.replace("wujin", "moon")),
                         "--region", "changzhou", "--json")  # fmt: skip
    assert code == 2 and out == ""  # a wrong input, not a region's failure (issue 20)
    assert "$.person.district: 'moon' is not a district of changzhou (常州)" in err


def test_overlay_supplies_the_waiting_period_and_is_shown(tmp_path: Path) -> None:
    """changzhou-resident-2025 §二(二)2 publishes no waiting-period length; an overlay
    (FICTIONAL: 1 month) supplies it, and the result names the overlay file."""
    late = BASE.replace("paid_on = 2024-11-01", "paid_on = 2025-03-15").replace(
        "date = 2025-03-01", "date = 2025-04-20"
    )
    overlay = _write(tmp_path, """
        layer = "fictional-notice"
        region = "changzhou"
        [[parameter]]
        key = "waiting_period.months"
        kind = "integer"
        value = 1
        valid_from = 2025-01-01
        cite = "FICTIONAL notice for tests"
        """, "overlay.toml")  # fmt: skip
    case = _write(tmp_path, late)
    code, out, _ = run("evaluate", case, "--region", "changzhou", "--json")
    assert json.loads(out)["coverage"]["start"] is None  # not published without the overlay
    code, out, _ = run("evaluate", case, "--region", "changzhou", "--json", "--params", overlay)
    data = json.loads(out)
    assert code == 0
    assert data["coverage"]["start"] == "2025-04-16"  # 2025-03-15 + 1 month + 1 day
    assert data["overlays"] == [overlay]
    assert data["claims"][0]["status"] == "settled"


def test_bad_overlay_is_rejected_with_file_and_key(tmp_path: Path) -> None:
    overlay = _write(tmp_path, """
        layer = "fictional"
        [[parameter]]
        key = "waiting_period.monthz"
        kind = "integer"
        value = 1
        valid_from = 2025-01-01
        cite = "FICTIONAL"
        """, "bad.toml")  # fmt: skip
    code, out, _ = run("evaluate", _write(tmp_path, BASE), "--region", "changzhou", "--json",
                       "--params", overlay)  # fmt: skip
    assert code == 1
    assert "bad.toml: parameter waiting_period.monthz: unknown key" in json.loads(out)["error"]


# --- property: any file either evaluates or ends in one clear message --------------------

toml_values = st.one_of(
    st.integers(-(10**12), 10**12), st.text(max_size=12), st.booleans(),
    st.sampled_from(['"1e400"', '"NaN"', '"99999999999.99"', "2025-02-28", '"2025-13-01"']),
)  # fmt: skip


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> str:
    lines = BASE.strip().splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "retype", "add", "cut"]))
        if action == "drop":
            lines.pop(i)
        elif action == "retype" and "=" in lines[i]:
            key = lines[i].split("=")[0]
            value = draw(toml_values)
            lines[i] = f"{key}= {json.dumps(value) if not isinstance(value, str) else value}"
        elif action == "add":
            lines.insert(i, f"{draw(st.sampled_from(['x', 'level', 'year', 'care']))} = 7")
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        if not lines:
            break
    return "\n".join(lines)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(mutated_scenarios(), st.text(max_size=200)), as_json=st.booleans())
def test_any_file_evaluates_or_ends_in_one_clear_message(
    tmp_path: Path, text: str, as_json: bool
) -> None:
    name = "fuzz.json" if as_json else "fuzz.toml"
    path = tmp_path / name
    path.write_text(json.dumps({"year": text}) if as_json and len(text) < 5 else text,
                    encoding="utf-8", errors="surrogatepass")  # fmt: skip
    code, _, err = run("evaluate", str(path), "--region", "changzhou")
    assert code in (0, 1, 2), err
    if code == 2:
        assert err.startswith(f"yibao: error: {path}") and err.count("\n") == 1


# --- real entry-point discovery -----------------------------------------------------------


def test_a_plugin_installed_into_the_environment_appears(tmp_path: Path) -> None:
    """A FICTIONAL region installed with its distribution metadata is discovered, and a
    broken one is listed as broken without hiding the others."""
    site = tmp_path / "site"
    (site / "fictional_region").mkdir(parents=True)
    (site / "fictional_region" / "__init__.py").write_text(textwrap.dedent("""
        from yibao.registry import RegionPlugin
        from yibao.results import RegionInfo, SchemeInfo
        REGION = RegionPlugin(
            info=RegionInfo(code="fictional", name_zh="虚构", name_en="Fictional (test only)",
                            schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=()),)),
            layers={"resident": ()},
        )
        """))  # fmt: skip
    (site / "broken_region.py").write_text("raise ImportError('fictional import failure')\n")
    for name, target in (("fictional", "fictional_region:REGION"), ("broken", "broken_region:X")):
        info = site / f"yibao_{name}_test-0.0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: yibao-{name}-test\nVersion: 0.0.1\n"
        )
        (info / "entry_points.txt").write_text(f"[yibao.regions]\n{name} = {target}\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-m", "yibao.cli", "regions", "--json"],
                         capture_output=True, text=True, env=env, check=True).stdout  # fmt: skip
    regions = {r["code"]: r for r in json.loads(out)}
    assert regions["fictional"]["distribution"] == "yibao-fictional-test"
    assert regions["fictional"]["status"] == "ok"
    assert regions["broken"]["status"] == "broken"
    assert "fictional import failure" in regions["broken"]["error"]
    assert regions["changzhou"]["status"] == "ok"


def test_the_engine_imports_no_terminal_libraries() -> None:
    """Heavy UI imports stay off the engine's path (batch and tests import it alone)."""
    code = (
        "import sys, yibao.engine, yibao.scenario_io; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'textual', 'click')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
