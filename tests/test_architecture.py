"""The rooms of the architecture and what each may import (docs/architecture.md).

The import contract lives in pyproject.toml ([tool.importlinter]); this runs it, so a
core module importing a region, a region importing another, or the engine importing
a terminal library fails the tests. ``uv run lint-imports`` prints the same report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

ROOT = Path(__file__).parent.parent


def test_the_import_contract_holds(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert status == EXIT_STATUS_SUCCESS, report
    assert "0 broken" in report
