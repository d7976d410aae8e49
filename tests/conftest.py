"""Shared fixtures: scenario builders used across the suite."""

from __future__ import annotations

import pytest
from yibao.registry import Registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """One registry of the installed regions for the whole run (stacks are cached)."""
    return Registry()
