"""Shared fixtures for the batch tests: small synthetic inputs written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from yibao.batch import synth


@pytest.fixture(scope="session")
def general_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "general.jsonl"
    synth.write_file(path, "general", 240, seed=7)
    return path


@pytest.fixture(scope="session")
def inpatient_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "inpatient.jsonl"
    synth.write_file(path, "inpatient-one", 200, seed=7)
    return path
