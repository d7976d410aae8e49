"""Shared fixtures: the registry, and headless Chromium for the HTML reports."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from yibao.registry import Registry

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def registry() -> Registry:
    """One registry of the installed regions for the whole run (stacks are cached)."""
    return Registry()


def _chromium(tmp_path: Path, output: str, page: Path, *extra: str) -> str:
    """Run headless Chromium on ``page`` with a fresh profile; its stderr."""
    home = tmp_path / "chromium-home"
    home.mkdir(exist_ok=True)
    done = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", f"--user-data-dir={home}", output, *extra,
         page.as_uri()],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(home)},
    )  # fmt: skip
    return done.stderr


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Path, int], Path]:
    """``screenshot(page, height)``: a PNG of the HTML ``page`` taken by headless Chromium
    at 1280 × ``height`` (skips when /usr/bin/chromium is not installed; Debian:
    apt-get install chromium). ``YIBAO_SCREENSHOT=FILE`` keeps a copy to look at."""
    _need_chromium()

    def take(page: Path, height: int) -> Path:
        shot = tmp_path / f"{page.stem}.png"
        err = _chromium(tmp_path, f"--screenshot={shot}", page, f"--window-size=1280,{height}")
        assert shot.exists() and shot.stat().st_size > 20_000, err[-2000:]
        keep = os.environ.get("YIBAO_SCREENSHOT")
        if keep:
            shutil.copy(shot, keep)
        return shot

    return take


@pytest.fixture
def print_to_pdf(tmp_path: Path) -> Callable[[Path], Path]:
    """``print_to_pdf(page)``: the HTML ``page`` printed by headless Chromium, as a PDF
    (as a reader's "Print", without the browser's own header and footer; skips without
    Chromium). ``YIBAO_PRINT=FILE`` keeps a copy to look at (``pdftoppm -png``)."""
    _need_chromium()

    def take(page: Path) -> Path:
        pdf = tmp_path / f"{page.stem}.pdf"
        err = _chromium(tmp_path, f"--print-to-pdf={pdf}", page, "--no-pdf-header-footer")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), err[-2000:]
        keep = os.environ.get("YIBAO_PRINT")
        if keep:
            shutil.copy(pdf, keep)
        return pdf

    return take
