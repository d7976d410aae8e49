"""Fixtures for the reliability tests (docs/reliability.md): the CLI run in-process with
a private registry, and FICTIONAL plugins installed into a temporary site directory.

Every region and overlay built here is FICTIONAL: it exists only to exercise yibao's
failure handling and carries no real policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """``cli(*args)`` → ``(exit status, stdout, stderr)`` of ``yibao ARGS`` in-process,
    with a fresh process-wide registry (the suite's own is put back afterwards) and the
    default time limit."""
    import yibao.registry
    from yibao.cli import main
    from yibao.deadline import set_region_timeout

    monkeypatch.setattr(yibao.registry, "_default", None)
    monkeypatch.setenv("COLUMNS", "120")
    for name in ("YIBAO_PLUGINS", "YIBAO_DISABLE", "YIBAO_NO_INSTALLED_OVERLAYS"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [str(a) for a in args], input=input)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"raised out of the CLI: {result.exception!r}"
        )
        return result.exit_code, result.stdout, result.stderr

    yield run
    set_region_timeout(None)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site directory on ``sys.path`` (entry points found there load)."""
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    return path
