"""Hook layering: a city answer overrides its province, a wrapper adjusts, regions stay apart.

The regions here are FICTIONAL test stacks built in-process; they exist only to
exercise the plugin mechanics and carry no real policy. The last test reads the
installed regions' own years.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import msgspec
import pytest
from yibao import dates, hookimpl
from yibao.engine import compare, evaluate
from yibao.model import Scenario
from yibao.registry import OverlayPlugin, RegionPlugin, Registry
from yibao.results import Eligibility, Premium, RegionInfo, SchemeInfo


def _info(code: str, layers: tuple[str, ...]) -> RegionInfo:
    return RegionInfo(
        code=code, name_zh=code, name_en=f"{code} (fictional)",
        schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=layers),),
    )  # fmt: skip


def _premium(amount: str) -> Premium:
    return Premium(individual=Decimal(amount))


province = SimpleNamespace(
    LAYER_NAME="fictional-province",
    yibao_eligibility=hookimpl(lambda case: Eligibility(eligible=True, category="any")),
    yibao_premium=hookimpl(lambda case: _premium("100.00")),
)
city_override = SimpleNamespace(
    LAYER_NAME="fictional-city", yibao_premium=hookimpl(lambda case: _premium("120.00"))
)
city_inherit = SimpleNamespace(
    LAYER_NAME="fictional-city-inherits", yibao_premium=hookimpl(lambda case: None)
)


def _wrapper(case):
    below = yield
    return _premium(str(below.individual + Decimal("5.00")))


city_wrapper = SimpleNamespace(
    LAYER_NAME="fictional-wrapper", yibao_premium=hookimpl(wrapper=True)(_wrapper)
)


def _broken(case):
    raise ZeroDivisionError("fictional plugin bug")


broken_city = SimpleNamespace(LAYER_NAME="fictional-broken", yibao_premium=hookimpl(_broken))

SCENARIO = msgspec.convert({"year": 2025, "person": {"birth_date": "1980-01-01"}}, type=Scenario)


def _registry(**layers: tuple[object, ...]) -> Registry:
    return Registry.from_plugins(
        {
            code: RegionPlugin(info=_info(code, tuple(lay.LAYER_NAME for lay in stack)),
                               layers={"resident": stack})
            for code, stack in layers.items()
        }
    )  # fmt: skip


def test_city_answer_overrides_the_province() -> None:
    registry = _registry(a=(province, city_override))
    assert evaluate(SCENARIO, "a", registry=registry).premium.individual == Decimal("120.00")


def test_city_returning_none_inherits_the_province() -> None:
    registry = _registry(a=(province, city_inherit))
    assert evaluate(SCENARIO, "a", registry=registry).premium.individual == Decimal("100.00")


def test_wrapper_adjusts_the_answer_below_it() -> None:
    registry = _registry(a=(province, city_override, city_wrapper))
    assert evaluate(SCENARIO, "a", registry=registry).premium.individual == Decimal("125.00")


def test_installed_overlay_stacks_on_top_of_a_region() -> None:
    registry = Registry.from_plugins(
        {"a": RegionPlugin(info=_info("a", ("p",)), layers={"resident": (province,)})},
        overlays=[OverlayPlugin(region="a", plugin=city_wrapper)],
    )
    assert evaluate(SCENARIO, "a", registry=registry).premium.individual == Decimal("105.00")


def test_one_region_failing_does_not_spoil_the_others() -> None:
    registry = _registry(a=(province, broken_city), b=(province, city_override))
    results = compare(SCENARIO, ["a", "b"], registry=registry).results
    assert results[0].status == "error"
    assert "ZeroDivisionError: fictional plugin bug" in results[0].error
    assert results[1].status == "ok"
    assert results[1].premium.individual == Decimal("120.00")


def test_regions_do_not_answer_for_each_other() -> None:
    registry = _registry(a=(province,), b=(province, city_override))
    assert evaluate(SCENARIO, "a", registry=registry).premium.individual == Decimal("100.00")
    assert evaluate(SCENARIO, "b", registry=registry).premium.individual == Decimal("120.00")


def test_unknown_region_is_an_error_naming_the_installed_ones() -> None:
    result = evaluate(SCENARIO, "nowhere", registry=_registry(a=(province,)))
    assert result.status == "error"
    assert "unknown region 'nowhere'; installed regions: a" in result.error


def test_year_outside_the_answered_years_is_that_regions_error() -> None:
    """A region answers from its first source year through next year; outside that,
    that region's own error names the years it answers."""
    next_year = dates.today().year + 1
    later = msgspec.structs.replace(SCENARIO, year=next_year + 1)
    result = evaluate(later, "a", registry=_registry(a=(province,)))
    assert result.status == "error"
    assert f"cannot answer {next_year + 1}: it answers 2025–{next_year}" in result.error
    earlier = msgspec.structs.replace(SCENARIO, year=2024)
    result = evaluate(earlier, "a", registry=_registry(a=(province,)))
    assert f"its sources begin with 2025: it answers 2025–{next_year}" in result.error


# --- the installed regions' years (issue #17) ---------------------------------------------


@pytest.mark.parametrize(
    ("region", "scheme", "first"),
    [
        ("changzhou", "resident", 2025),
        ("changzhou", "employee", 2024),
        ("changli", "resident", 2025),
    ],
)
def test_installed_region_refuses_the_year_before_its_first_source(
    registry: Registry, region: str, scheme: str, first: int
) -> None:
    """Each installed scheme's earliest source is its first year — changzhou-resident-2025
    (2025年度), changzhou-employee-2024 (2024年度), changli-resident-2025 (2025年度); 徐州's
    is in tests/test_xuzhou.py. The year before is refused, naming the years the scheme
    answers (first source year through next year, in English and Chinese); next year
    itself is answered."""
    next_year = dates.today().year + 1
    person = {"birth_date": "1980-01-01", "scheme": scheme, "hukou": region}
    before = msgspec.convert({"year": first - 1, "person": person}, type=Scenario)
    result = evaluate(before, region, registry=registry)
    assert result.status == "error"
    assert (
        f"{region} ({scheme}) cannot answer {first - 1}: its sources begin with {first}: "
        f"it answers {first}–{next_year}"
    ) in (result.error or "")
    assert f"无法计算{first - 1}年度：可计算{first}–{next_year}年度" in (result.error or "")
    latest = msgspec.structs.replace(before, year=next_year)
    assert evaluate(latest, region, registry=registry).status == "ok"
