"""The plugin-kit tests' marker: ``slow`` for the real-install test (it still runs by
default; ``-m "not slow"`` leaves it out)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds wheels and a virtual environment (deselect with -m 'not slow')"
    )
