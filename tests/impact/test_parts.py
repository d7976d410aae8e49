"""The pieces of an impact study: the burden histogram, the rule changes, --year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from impact_helpers import REFORM
from yibao.errors import InputError
from yibao.impact.distribution import Histogram, bucket_of, bucket_width, from_fen, to_fen
from yibao.impact.population import shift_year
from yibao.impact.study import check_rules
from yibao.model import Scenario
from yibao.registry import Registry, load_overlays

# --- the histogram -----------------------------------------------------------------------


def test_buckets_are_exact_below_ten_yuan_and_at_most_one_percent_wide_above() -> None:
    assert [bucket_of(f) for f in (0, 1, 999)] == [0, 1, 999]
    assert bucket_of(1_000) == 1_000 and bucket_width(1_000) == 10  # 10.00–10.10 yuan
    assert bucket_of(590_000) == 590_000 and bucket_of(590_999) == 590_000
    assert bucket_width(590_000) == 1_000  # 5,900–5,910 yuan
    for fen in (1_000, 9_999, 123_456, 99_999_999, 10**10):
        assert bucket_of(fen) <= fen < bucket_of(fen) + bucket_width(fen)
        assert bucket_width(fen) * 100 <= bucket_of(fen)


def test_deciles_by_the_nearest_rank_rule() -> None:
    """Ten people, 1 … 10 fen: decile i is the i-th smallest (rank ⌈10·i/10⌉ = i)."""
    histogram = Histogram()
    for fen in range(10, 0, -1):
        histogram.add(fen)
    assert histogram.deciles() == [(i, i + 1) for i in range(1, 10)]
    assert histogram.quantile(1, 2) == (5, 6)
    assert Histogram().quantile(1, 2) is None


def test_histograms_merge_to_the_same_counts_in_any_order() -> None:
    amounts = [0, 5, 1_234, 1_234, 987_654, 50_000_000]
    whole, left, right = Histogram(), Histogram(), Histogram()
    for i, fen in enumerate(amounts):
        whole.add(fen)
        (left if i % 2 else right).add(fen)
    right.merge(left)
    assert right.counts == whole.counts
    assert whole.between(1, 1_000_000) == 4
    with pytest.raises(ValueError, match="not a bucket edge"):
        whole.between(1_000_001, None)


def test_fen_conversions_refuse_what_is_not_whole_fen() -> None:
    assert to_fen(Decimal("15700.00")) == 1_570_000 and from_fen(1_570_000) == Decimal("15700.00")
    with pytest.raises(ValueError, match="whole number of fen"):
        to_fen(Decimal("0.005"))


# --- what the reform changes ---------------------------------------------------------------


def test_the_example_reform_changes_one_cited_value(registry: Registry) -> None:
    """changzhou-resident-2025 §三(一): 1,000 a level-3 admission for adults, replaced by the
    example reform's 800 (marked FICTIONAL where it is cited); nothing else changes, and
    other regions and schemes are untouched."""
    rules, errors = check_rules(
        registry, ["changzhou", "xuzhou"], [], load_overlays([REFORM])
    )  # fmt: skip
    assert not errors
    by = {(r.region, r.scheme): r for r in rules}
    (change,) = by["changzhou", "resident"].changes
    assert change.key == "inpatient.deductible.adult.level3"
    assert [(o.value, o.cite, o.origin) for o in change.old] == [
        ("1000.00", "changzhou-resident-2025 §三(一)", "bundled")
    ]
    assert change.new.value == "800.00" and "FICTIONAL" in change.new.cite
    assert change.new.origin == str(REFORM) and not change.same
    assert by["changzhou", "resident"].reform_overlays == (str(REFORM),)
    for other in (("changzhou", "employee"), ("xuzhou", "resident")):
        assert by[other].changes == () and by[other].reform_overlays == ()
    gaps = {g.key: (g.baseline, g.reform) for g in by["xuzhou", "resident"].unpublished}
    assert gaps["inpatient.deductible.level3"] == (True, True)


def test_a_baseline_overlay_fills_values_and_says_so(registry: Registry) -> None:
    xuzhou = Path(__file__).parents[1] / "overlays" / "xuzhou-fictional.toml"
    rules, _ = check_rules(registry, ["xuzhou"], load_overlays([xuzhou]), [])
    (resident,) = [r for r in rules if r.scheme == "resident"]
    assert resident.baseline_overlays == (str(xuzhou),)
    filled = dict(resident.baseline_values)
    assert filled["inpatient.deductible.level1"].value == "300.00"
    assert "inpatient.deductible.level1" not in {g.key for g in resident.unpublished}


def test_an_overlay_a_region_cannot_take_names_the_file_and_the_region(
    registry: Registry, tmp_path: Path
) -> None:
    bad = tmp_path / "reform.toml"
    bad.write_text(
        'layer = "x"\n[[parameter]]\nkey = "inpatient.deductible.adult.level3"\nkind = "money"\n'
        'value = "800.00"\nvalid_from = 2025-01-01\ncite = "FICTIONAL"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"unknown key for this region.*\(region changzhou, scheme employee\); an overlay",
    ):
        check_rules(registry, ["changzhou", "xuzhou"], [], load_overlays([bad]))


# --- --year ----------------------------------------------------------------------------------


def test_year_moves_every_date_and_keeps_ages() -> None:
    scenario = msgspec.json.decode(
        b'{"year":2024,"person":{"birth_date":"2000-02-29"},'
        b'"enrollment":[{"year":2024,"region":"changzhou","paid_on":"2023-11-20"},'
        b'{"year":2023,"region":"changzhou"}],'
        b'"events":[{"kind":"graduation","date":"2024-06-30"}],'
        b'"claims":[{"id":"c","date":"2024-02-29","kind":"inpatient","compliant":"1.00"}]}',
        type=Scenario,
    )
    moved = shift_year(scenario, 2025, 1)
    assert moved.year == 2025
    assert moved.person.birth_date == dt.date(2001, 2, 28)
    assert [e.year for e in moved.enrollment] == [2025, 2024]
    assert moved.enrollment[0].paid_on == dt.date(2024, 11, 20)
    assert moved.events[0].date == dt.date(2025, 6, 30)
    assert moved.claims[0].date == dt.date(2025, 2, 28)
    assert shift_year(scenario, 2024, 1) is scenario
    with pytest.raises(InputError, match="line 7: moved to 2101"):
        shift_year(moved, 2101, 7)  # beyond the years a scenario may have
