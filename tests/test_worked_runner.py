"""``yibao test PATH…``: the worked-case runner third parties use (docs/cases.md).

The amounts are the hand-worked ones of
tests/cases/changzhou-resident/inpatient_elderly_level3.toml (changzhou-resident-2025
§三(一)): an elderly resident's level-3 admission of 50,000.00, deductible 1,000,
70% → basic fund (50,000 − 1,000) × 70% = 34,300.00, patient 15,700.00.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from yibao.cli import main
from yibao.worked import load_case

CASES = Path(__file__).parent / "cases"
LEVEL3 = CASES / "changzhou-resident/inpatient_elderly_level3.toml"
YIBAO = Path(sys.executable).with_name("yibao")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["test", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def _wrong(tmp_path: Path) -> Path:
    """The level-3 case with a wrong basic-fund amount written down (34,200.00)."""
    text = LEVEL3.read_text("utf-8").replace('basic_fund = "34300.00"', 'basic_fund = "34200.00"')
    path = tmp_path / "wrong.toml"
    path.write_text(text, "utf-8")
    return path


def test_a_passing_case_passes_with_exit_0() -> None:
    code, out, _ = run(str(LEVEL3))
    assert code == 0
    assert out.splitlines()[0].startswith(f"PASS  {LEVEL3}")
    assert out.splitlines()[-1] == "1 passed, 0 failed, 0 errors"


def test_a_failing_case_shows_the_values_that_differ_and_exits_1(tmp_path: Path) -> None:
    code, out, _ = run(str(LEVEL3), str(_wrong(tmp_path)))
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "1 passed, 1 failed, 0 errors"
    assert any(line.split() == ["c1.basic_fund", "34200.00", "34300.00"] for line in lines)
    assert any(line.split() == ["totals.basic_fund", "34200.00", "34300.00"] for line in lines)
    assert "(50000.00 − 1000) × 70%" in out  # the case's own working is shown
    assert not any("c1.patient" in line for line in lines)  # 15700.00 is right


def test_json_output_lists_every_case(tmp_path: Path) -> None:
    code, out, _ = run(str(_wrong(tmp_path)), "--json")
    assert code == 1
    doc = json.loads(out)
    assert (doc["passed"], doc["failed"], doc["errors"]) == (0, 1, 0)
    (case,) = doc["cases"]
    assert case["status"] == "fail" and case["cite"] == "changzhou-resident-2025 §三(一)"
    assert {"field": "c1.basic_fund", "expected": "34200.00", "got": "34300.00"} in case[
        "differences"
    ]


def test_a_json_case_file_runs_like_its_toml(tmp_path: Path) -> None:
    doc = tomllib.loads(LEVEL3.read_text("utf-8"))
    path = tmp_path / "level3.json"
    path.write_text(json.dumps(doc, default=str, ensure_ascii=False), "utf-8")
    assert load_case(path) == load_case(LEVEL3)
    code, out, _ = run(str(path))
    assert code == 0, out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('basic_fund = "34300.00"', "basic_fund = 34300"),
         '$.expect.claims.c1.basic_fund: expected a decimal string such as "730.00", got 34300'),
        (('status = "settled"', 'status = "paid"'),
         "$.expect.claims.c1.status: expected one of settled, not_covered"),
        (("compliant = ", "compliment = "),
         "$.scenario.claims[0]: unknown field `compliment`"),
        (("cite = ", "# cite = "), "the required field `cite` is missing"),
    ],
)  # fmt: skip
def test_a_malformed_case_is_an_error_naming_the_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = LEVEL3.read_text("utf-8")
    assert change[0] in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(change[0], change[1], 1), "utf-8")
    code, out, _ = run(str(path))
    assert code == 1
    assert out.splitlines()[0] == f"ERROR {path}"
    assert message in out
    assert out.splitlines()[-1] == "0 passed, 0 failed, 1 errors"


def test_a_case_that_checks_nothing_is_an_error(tmp_path: Path) -> None:
    text = LEVEL3.read_text("utf-8")
    path = tmp_path / "empty.toml"
    path.write_text(text[: text.index("[expect]")] + "[expect]\n", "utf-8")
    code, out, _ = run(str(path))
    assert code == 1 and "the case checks nothing" in out


def test_an_unknown_region_is_that_case_s_error_only(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text(
        LEVEL3.read_text("utf-8").replace('region = "changzhou"', 'region = "atlantis"')
    )
    code, out, _ = run(str(path), str(LEVEL3))
    assert code == 1
    assert "unknown region 'atlantis'; installed regions:" in out
    assert out.splitlines()[-1] == "1 passed, 0 failed, 1 errors"


def test_a_missing_path_or_an_empty_folder_exits_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in err
    code, _, err = run(str(tmp_path))
    assert code == 2 and "no case files" in err


def test_the_installed_command_runs_a_folder_of_cases() -> None:
    """The repository's own cases, through the installed ``yibao`` script."""
    out = subprocess.run(
        [str(YIBAO), "test", "-q", str(CASES / "xuzhou-resident")],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    count = len(list((CASES / "xuzhou-resident").glob("*.toml")))
    assert out.stdout.strip() == f"{count} passed, 0 failed, 0 errors"
