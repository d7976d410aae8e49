"""Comparing regions asks "what if this person lived there?" (yibao.whatif)."""

from __future__ import annotations

import msgspec
from yibao.engine import compare
from yibao.model import Scenario
from yibao.whatif import relocate

CHANGZHOU_ELDER = {
    "year": 2025,
    "person": {
        "birth_date": "1952-03-02",
        "hukou": "changzhou",
        "district": "wujin",
        "category": "elderly",
    },
    "enrollment": [
        {"year": 2024, "region": "changzhou", "paid_on": "2023-11-20"},
        {"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"},
    ],
    "elsewhere": {"xuzhou": {"district": "shiqu"}},
}


def _scenario() -> Scenario:
    return msgspec.convert(CHANGZHOU_ELDER, Scenario, strict=False)


def test_relocate_moves_home_fields_and_takes_the_target_district() -> None:
    moved = relocate(_scenario(), "xuzhou", "changzhou")
    assert moved.person.hukou == "xuzhou"
    assert moved.person.district == "shiqu"
    assert moved.person.category is None  # 常州's category word means nothing in 徐州
    assert [e.region for e in moved.enrollment] == ["xuzhou", "xuzhou"]


def test_relocate_without_an_elsewhere_entry_leaves_the_district_open() -> None:
    moved = relocate(_scenario(), "changli", "changzhou")
    assert moved.person.district is None
    assert moved.person.hukou == "changli"


def test_relocate_to_the_home_region_changes_nothing() -> None:
    scenario = _scenario()
    assert relocate(scenario, "changzhou", "changzhou") is scenario


def test_compare_relocates_by_default_and_says_so() -> None:
    comparison = compare(_scenario(), ["changzhou", "xuzhou"])
    home, other = comparison.results
    assert home.status == "ok" and home.eligibility.category == "elderly"
    assert not any("as if" in n.text_en for n in home.notices)
    assert other.status == "ok", other.error
    assert "as if the person lived in xuzhou instead of changzhou" in other.notices[0].text_en


def test_compare_as_given_reports_the_foreign_district() -> None:
    comparison = compare(_scenario(), ["xuzhou"], relocate=False)
    (result,) = comparison.results
    assert result.status == "error"
    assert "'wujin' is not a district of xuzhou" in result.error
