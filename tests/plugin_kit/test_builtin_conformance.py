"""Every built-in region passes the conformance kit (``yibao plugin check``).

徐州 and 昌黎 publish no benefit values in their bundled sources, so every claim there
ends as not_published; they are checked again with the FICTIONAL benefit overlays the
repository keeps for tests, so the settlement invariants have claims to work on.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from yibao.registry import Registry
from yibao.testing import CHECKS, Kit

ROOT = Path(__file__).parents[2]
BUILT_IN = ("changzhou", "xuzhou", "changli")
FICTIONAL_OVERLAYS = {
    "xuzhou": ROOT / "tests/overlays/xuzhou-fictional.toml",
    "changli": ROOT / "plugins/changli/overlays/fictional-benefits.toml",
}
SETTLING = ("invariants", "monotonic", "limits", "hook-types", "money")


@functools.cache
def kit(code: str, overlay: bool = False) -> Kit:
    params = [FICTIONAL_OVERLAYS[code]] if overlay else []
    return Kit(code, registry=Registry(), examples=30, params=params)


def test_every_built_in_region_is_installed() -> None:
    assert set(BUILT_IN) <= set(Registry().codes())


@pytest.mark.parametrize("check", list(CHECKS))
@pytest.mark.parametrize("code", BUILT_IN)
def test_built_in_region_conforms(code: str, check: str) -> None:
    result = kit(code).run(check)
    if result.status == "skip":
        pytest.skip(result.summary)
    assert result.status == "pass", result.report()


@pytest.mark.parametrize("check", SETTLING)
@pytest.mark.parametrize("code", sorted(FICTIONAL_OVERLAYS))
def test_built_in_region_conforms_with_fictional_benefits(code: str, check: str) -> None:
    result = kit(code, overlay=True).run(check)
    assert result.status == "pass", result.report()
    if check == "invariants":
        settled = re.search(r"\b(\d+) settled", result.summary)
        assert settled and int(settled.group(1)) > 0, result.summary
