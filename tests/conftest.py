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


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Path, int], Path]:
    """``screenshot(page, height)``: a PNG of the HTML ``page`` taken by headless Chromium
    at 1280 × ``height`` (skips when /usr/bin/chromium is not installed; Debian:
    apt-get install chromium). ``YIBAO_SCREENSHOT=FILE`` keeps a copy to look at."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (Debian: apt-get install chromium)")

    def take(page: Path, height: int) -> Path:
        shot, home = tmp_path / f"{page.stem}.png", tmp_path / "chromium-home"
        home.mkdir(exist_ok=True)
        done = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={home}",
             f"--screenshot={shot}", f"--window-size=1280,{height}", page.as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(home)},
        )  # fmt: skip
        assert shot.exists() and shot.stat().st_size > 20_000, done.stderr[-2000:]
        keep = os.environ.get("YIBAO_SCREENSHOT")
        if keep:
            shutil.copy(shot, keep)
        return shot

    return take
