"""``yibao plugin new``: the scaffold is complete, says it is FICTIONAL, and passes its
own tests as generated (run here against a metadata-only install; the real wheel
install is tests/plugin_kit/test_real_install.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from plugin_kit_helpers import install_fake
from yibao.cli import main
from yibao.params import load_parameter_file
from yibao.scaffold import scaffold

FILES = {
    "pyproject.toml",
    "README.md",
    "src/yibao_mycity/__init__.py",
    "src/yibao_mycity/facts.py",
    "src/yibao_mycity/profiles.py",
    "src/yibao_mycity/resident/__init__.py",
    "src/yibao_mycity/resident/people.py",
    "src/yibao_mycity/resident/coverage.py",
    "src/yibao_mycity/resident/rules.py",
    "src/yibao_mycity/resident/benefits.py",
    "src/yibao_mycity/resident/parameters.toml",
    "src/yibao_mycity/resident/examples/adult-inpatient.toml",
    "tests/test_conformance.py",
    "tests/test_cases.py",
    "tests/cases/adult-inpatient.toml",
}


@pytest.mark.parametrize("province", [None, "jiangsu"])
def test_the_scaffold_is_complete_and_says_it_is_fictional(
    tmp_path: Path, province: str | None
) -> None:
    """The same people / coverage / rules / benefits split as the bundled regions; a region
    on a provincial layer inherits the coverage rule, so it has no coverage.py."""
    root = scaffold("mycity", tmp_path, province=province)
    inherited = {"src/yibao_mycity/resident/coverage.py"} if province else set()
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert files == FILES - inherited
    text = (root / "pyproject.toml").read_text("utf-8")
    project = tomllib.loads(text)
    assert project["project"]["entry-points"]["yibao.regions"] == {"mycity": "yibao_mycity:REGION"}
    assert project["project"]["entry-points"]["yibao.profiles"] == {
        "mycity-mixed": "yibao_mycity.profiles:MIXED"
    }
    assert "tool.uv.sources" not in text and str(Path.home()) not in text  # no absolute paths
    assert ("yibao-jiangsu" in project["project"]["dependencies"]) == (province == "jiangsu")
    params = load_parameter_file(root / "src/yibao_mycity/resident/parameters.toml")
    assert params.params and all(
        p.cite.startswith("mycity-resident-2025 §") and "PLACEHOLDER" in p.cite
        and "FICTIONAL" in (p.note or "")
        for p in params.params
    )  # fmt: skip
    assert "FICTIONAL" in (root / "README.md").read_text("utf-8")
    assert "FICTIONAL" in (root / "src/yibao_mycity/__init__.py").read_text("utf-8")
    assert (root / "tests/test_conformance.py").read_text("utf-8").count("conformance_tests") == 2


def test_the_generated_plugin_passes_its_own_tests(tmp_path: Path) -> None:
    root = scaffold("mycity", tmp_path)
    site = tmp_path / "site"
    install_fake(site, "yibao-mycity", "yibao.regions", "mycity", "yibao_mycity:REGION")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(root / "src")])}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:asyncio"],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "13 passed" in out.stdout


def test_the_chinese_name_is_written_into_the_region(tmp_path: Path) -> None:
    root = scaffold("sutown", tmp_path, name_zh="苏镇")
    region = (root / "src/yibao_sutown/__init__.py").read_text("utf-8")
    assert 'name_zh="苏镇（虚构示例）"' in region
    out = CliRunner().invoke(main, ["plugin", "new", "x", "--name-zh", 'a"b', "-o", str(tmp_path)])
    assert out.exit_code == 2 and "不含引号" in out.stderr and "without quotes" in out.stderr


def test_plugin_new_command(tmp_path: Path) -> None:
    run = CliRunner().invoke
    out = run(main, ["plugin", "new", "su-town", "--province", "jiangsu", "-o", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "yibao-su-town/src/yibao_su_town/__init__.py").is_file()
    assert "yibao plugin check su_town" in out.stdout
    again = run(main, ["plugin", "new", "su-town", "-o", str(tmp_path)])
    assert again.exit_code == 2 and "exists and is not empty" in again.stderr
    bad = run(main, ["plugin", "new", "mycity", "--province", "atlantis", "-o", str(tmp_path)])
    assert (
        bad.exit_code == 2
        and "unknown province 'atlantis'; provincial layers: jiangsu" in bad.stderr
    )
