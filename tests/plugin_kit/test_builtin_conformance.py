"""Every built-in region passes the conformance kit (``yibao plugin check``).

徐州 and 昌黎 publish no benefit values in their bundled sources, so every claim there
ends as not_published; they are checked again with the FICTIONAL benefit overlays the
repository keeps for tests, so the settlement invariants have claims to work on.
"""

from __future__ import annotations

import dataclasses
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
SETTLING = ("invariants", "monotonic", "limits", "fast-path", "hook-types", "money")


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


@pytest.mark.parametrize("code", BUILT_IN)
def test_the_fast_path_check_settles_in_every_scheme(code: str) -> None:
    """The fast-path check compares what batch's declared rules settle themselves: in
    every scheme of every built-in region (both of 常州's) some scenarios are."""
    result = kit(code).run("fast-path")
    settled = dict(re.findall(r"(\w+) (\d+)", result.summary.split("declared rules: ")[1]))
    assert set(settled) >= set(kit(code).stacks()), result.summary
    assert all(int(settled[s]) > 0 for s in kit(code).stacks()), result.summary


@pytest.mark.parametrize(("overlay_age", "age"), [(None, 69), (65, 64)])
def test_the_kit_finds_a_forgotten_birthday_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overlay_age: int | None, age: int
) -> None:
    """徐州 waives the premium from the 70th birthday (第九条(四)), so of two people aged
    69 on 1 January 2025 paying on 2025-06-15 the one born 1955-01-02 pays nothing and the
    one born 1955-12-30, still 69 that day, pays the standard premium, which 徐州
    publishes only yearly (第九条(一): the engine's premium is —). Its settlement without
    ``birthday_params`` keys person-years by the age on 1 January alone, so batch gave
    the second the first's 0.00: the check must name age 69. With a FICTIONAL overlay
    lowering the age to 65 (through ``--params``, the kit's overlays) it names 64."""
    import yibao_xuzhou.resident.rules as rules

    forgetful = dataclasses.replace(rules.SETTLEMENT, birthday_params=())
    monkeypatch.setattr(rules, "SETTLEMENT", forgetful)
    params = []
    if overlay_age is not None:
        params.append(tmp_path / "xuzhou-free-age.toml")
        params[0].write_text(
            'layer = "FICTIONAL-xuzhou-free-age"\nregion = "xuzhou"\nscheme = "resident"\n'
            'marked = "fictional"\n\n[[parameter]]\nkey = "premium.elderly_free_age"\n'
            f'kind = "integer"\nvalue = {overlay_age}\nvalid_from = 2024-01-01\n'
            'valid_to = 2027-12-31\ncite = "FICTIONAL test value"\n',
            encoding="utf-8",
        )
    result = Kit("xuzhou", registry=Registry(), examples=30, params=params).run("fast-path")
    assert result.status == "fail", result.report()
    born = f"{2025 - age - 1}-12-30"
    assert any(
        f"aged {age} on 1 January, born {born}, paid 2025-06-15: premium: fast path 0.00, "
        "engine —" in f
        for f in result.findings
    ), result.report()
    fix = (
        f"a birthday at age {age + 1} during the year changes an answer — name the "
        f"parameter giving {age + 1} in Settlement.birthday_params, or the age {age} in "
        "birthday_ages"
    )
    assert all(f"aged {age} on 1 January" in f and fix in f for f in result.findings)


def test_the_kit_finds_a_newborn_window_too_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """徐州 covers a child paying within 12 months of birth from the day after payment,
    and one paying later only after the general two-month wait (第十条(三)). A settlement
    declaring only the 3-month window keys two children of one age on 1 January paying
    on one day as one person-year, although one is within 12 months of birth and the
    other is not: the check must say so and point at Settlement.newborn_window."""
    import yibao_xuzhou.resident.rules as rules

    short = dataclasses.replace(
        rules.SETTLEMENT, newborn_window={"newborn.from_birth_months": "months"}
    )
    monkeypatch.setattr(rules, "SETTLEMENT", short)
    result = Kit("xuzhou", registry=Registry(), examples=30).run("fast-path")
    assert result.status == "fail", result.report()
    assert all("Settlement.newborn_window" in f for f in result.findings), result.report()
    assert any("cover_from" in f for f in result.findings), result.report()
