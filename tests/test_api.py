"""The Python API (docs/api.md): the same answers and bytes as the CLI, the notebook
example in the docs runs as shown, the reference builds from the docstrings, and the
committed JSON Schemas are the model's."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yibao
from click.testing import CliRunner
from yibao import api
from yibao.cli import main
from yibao.errors import InputError, UnknownRegion
from yibao.jsonformat import schema, schema_types, to_json

ROOT = Path(__file__).parents[1]
STROKE = (
    ROOT / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)


def cli_json(*args: str) -> str:
    out = CliRunner().invoke(main, [*args, "--json"])
    return out.stdout


def test_the_api_is_importable_from_yibao_without_loading_the_engine() -> None:
    code = (
        "import sys, yibao; from yibao import hookimpl; "
        "print('yibao.engine' in sys.modules, callable(yibao.evaluate))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True"], done.stderr
    assert set(yibao.__all__) >= {"evaluate", "compare", "regions", "parameters", "to_json"}


def test_evaluate_gives_the_cli_s_bytes() -> None:
    """changzhou-resident-2025 §三(一): (50,000 − 1,000) × 70% = 34,300.00."""
    result = yibao.evaluate(STROKE, "changzhou")
    assert str(result.claims[0].paid_by("basic_fund")) == "34300.00"
    assert to_json(result).decode() == cli_json("evaluate", str(STROKE), "-r", "changzhou")


def test_compare_and_regions_give_the_cli_s_bytes() -> None:
    codes = ["changzhou", "xuzhou"]
    found = yibao.compare(str(STROKE), codes)
    assert [r.region for r in found.results] == codes
    assert to_json(found).decode() == cli_json("compare", str(STROKE), "-r", "changzhou,xuzhou")
    assert to_json(yibao.regions()).decode() == cli_json("regions")
    assert to_json(yibao.regions("xuzhou")).decode() == cli_json("regions", "xuzhou")


def test_a_mapping_is_checked_with_field_paths() -> None:
    with pytest.raises(InputError, match=r"^scenario: \$\.person\.birth_date: "):
        yibao.evaluate({"year": 2025, "person": {"birth_date": "yesterday"}}, "changzhou")
    with pytest.raises(UnknownRegion):
        yibao.evaluate(STROKE, "atlantis")
    with pytest.raises(UnknownRegion):
        yibao.compare(STROKE, ["changzhou", "atlantis"])


def test_an_overlay_shows_in_the_parameters_with_its_file(tmp_path: Path) -> None:
    """A FICTIONAL overlay value for the level-3 deductible, looked up with its origin."""
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(
        'layer = "test-overlay"\nregion = "changzhou"\nscheme = "resident"\n'
        '[[parameter]]\nkey = "inpatient.deductible.adult.level3"\nkind = "money"\n'
        'value = "900.00"\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\n'
        'cite = "FICTIONAL test overlay §1"\n'
    )
    key = "inpatient.deductible.adult.level3"
    on = dt.date(2025, 5, 1)
    found = yibao.parameters("changzhou", on=on, scheme="resident", prefix=key, params=[overlay])
    (value,) = found.schemes[0].parameters
    assert (value.status, str(value.value), value.layer, value.origin) == (
        "in_force", "900.00", "test-overlay", str(overlay))  # fmt: skip
    assert found.schemes[0].overlays == (str(overlay),)
    result = yibao.evaluate(STROKE, "changzhou", params=[overlay])
    assert str(result.claims[0].paid_by("basic_fund")) == "34370.00"  # (50000 − 900) × 70%


def test_parameters_of_every_scheme_by_default() -> None:
    found = yibao.parameters("changzhou", on=dt.date(2025, 6, 1))
    assert [s.scheme for s in found.schemes] == ["resident", "employee"]
    assert found.format_version == yibao.FORMAT_VERSION


def test_the_notebook_example_in_the_docs_runs_as_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failed, tried = doctest.testfile(str(ROOT / "docs/api.md"), module_relative=False,
                                     optionflags=flags, verbose=False)  # fmt: skip
    assert tried >= 10 and failed == 0


def test_the_api_reference_builds_from_the_docstrings(tmp_path: Path) -> None:
    """What CI builds: pdoc's HTML reference of the API and the result model."""
    done = subprocess.run(
        [sys.executable, "-m", "pdoc", "yibao.api", "yibao.results", "yibao.worked",
         "-o", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "yibao/api.html").read_text("utf-8")
    for name in ("evaluate", "compare", "regions", "parameters"):
        assert f'id="{name}"' in page
    assert "Evaluate a scenario in one region" in page
    for name in api.__all__:
        assert getattr(api, name).__doc__, f"yibao.api.{name} has no docstring"


@pytest.mark.parametrize("name", list(schema_types()))
def test_the_committed_schema_is_the_model_s(name: str) -> None:
    path = ROOT / "docs/schema" / f"{name}.schema.json"
    assert json.loads(path.read_text("utf-8")) == json.loads(to_json(schema(name))), (
        f"{path} differs from the model: a change to the result format is a versioned "
        "change (docs/results.md). Set FORMAT_VERSION, then run "
        "`uv run python -m yibao.jsonformat docs/schema`."
    )


def test_results_carry_the_format_version() -> None:
    result = yibao.evaluate(STROKE, "changzhou")
    document = json.loads(to_json(result))
    assert (
        next(iter(document)) == "format_version"
        and document["format_version"] == yibao.FORMAT_VERSION
    )
    assert (
        json.loads(to_json(yibao.compare(STROKE, ["changzhou"])))["format_version"]
        == yibao.FORMAT_VERSION
    )
