"""yibao impact: hand-worked totals to the fen, every population format, every runner.

The population of tests/impact/cases/changzhou_level3_deductible_800.toml is worked by
hand from changzhou-resident-2025 §三(一), §三(二)1, §四 (its `working` text); every
test here compares the engine's aggregates with those numbers, or with the same
population read another way.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from impact_helpers import CASES, MAPPING, REFORM, load_case, table_rows, write_csv
from yibao import dates
from yibao.impact.aggregate import Impact, RegionImpact, Side
from yibao.impact.distribution import from_fen
from yibao.impact.run import ImpactConfig, run
from yibao.impact.study import study
from yibao.registry import Registry


def _config(case: dict[str, Any], **kw: Any) -> ImpactConfig:
    return ImpactConfig(regions=(case["region"],), reform=(str(case["reform_path"]),), **kw)


def _check_side(side: Side, want: dict[str, Any]) -> list[str]:
    wrong: list[str] = []

    def check(label: str, got: object, expected: object) -> None:
        if got != expected:
            wrong.append(f"{label}: got {got!r}, worked out {expected!r}")

    total = side.total
    check("bill", total.bill, Decimal(want["bill"]))
    check("layers", total.layers, {k: Decimal(v) for k, v in want["layers"].items()})
    check("patient", total.patient, Decimal(want["patient"]))
    check("premium", side.premium, Decimal(want["premium"]))
    check("reached", side.reached, want["reached"])
    check("limits", side.limits, want["limits"])
    check("above", side.above, {int(k): v for k, v in want["above"].items()})
    for name, i in (("median", 5), ("decile1", 1)):
        if name in want:
            low, high = side.burden.quantile(i, 10)  # type: ignore[misc]
            check(name, [str(from_fen(low)), str(from_fen(high))], want[name])
    for dimension, key in (("category", "by_category_basic"), ("level", "by_level_basic")):
        if key in want:
            got = {v: m.layers["basic_fund"] for v, m in side.by(dimension).items()}
            check(key, got, {k: Decimal(v) for k, v in want[key].items()})
    return wrong


def check_case(impact: Impact, case: dict[str, Any]) -> None:
    expect = case["expect"]
    part: RegionImpact = impact.regions[case["region"]]
    wrong = _check_side(part.baseline, expect["baseline"])
    wrong += [f"reform {w}" for w in _check_side(part.reform, expect["reform"])]
    change = part.change
    got = {
        "lines": impact.lines,
        "bad_lines": impact.bad_lines,
        "people": part.people,
        "excluded": {k: v.lines for k, v in part.excluded.items()},
        "excluded_bill": part.excluded_bill,
        "gain": change.gain,
        "lose": change.lose,
        "same": change.same,
        "gained": change.gained,
        "lost": change.lost,
        "gain_bands": change.gain_bands,
    }
    last = dates.today().year + 1  # the regions answer through next year
    want = {
        **{k: expect[k] for k in got if k in expect},
        "excluded": {k.format(last=last): v for k, v in expect["excluded"].items()},
        "excluded_bill": Decimal(expect["excluded_bill"]),
        "gained": Decimal(expect["gained"]),
        "lost": Decimal(expect["lost"]),
        "gain_bands": {int(k): v for k, v in expect["gain_bands"].items()},
    }
    wrong += [f"{k}: got {got[k]!r}, worked out {want[k]!r}" for k in want if got[k] != want[k]]
    assert not wrong, f"{case['title']}\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_hand_worked_population_matches_to_the_fen(path: Path, tmp_path: Path) -> None:
    """changzhou-resident-2025 §三(一), §三(二)1, §四: each total, count and bucket of the
    case file's `working`, baseline and reform."""
    case = load_case(path)
    population = tmp_path / "population.jsonl"
    population.write_text("\n".join(case["lines"]) + "\n", encoding="utf-8")
    check_case(run(population, _config(case)), case)


def test_every_runner_gives_the_same_aggregates(hand_case: dict, hand_population: Path) -> None:
    """Blocks of one or two lines, in this process, in two worker processes and on an
    in-process Dask cluster: the merged aggregates are the same value."""
    from dask.distributed import Client
    from yibao.impact.run import run_dask

    config = _config(hand_case)
    whole = msgspec.json.encode(run(hand_population, config).regions)
    small = run(hand_population, config, block_bytes=300)
    pooled = run(hand_population, config, jobs=2, block_bytes=300)
    with Client(processes=False, dashboard_address=None) as client:
        dasked = run_dask(hand_population, config, client=client, block_bytes=300)
    for other in (small, pooled, dasked):
        assert msgspec.json.encode(other.regions) == whole
        check_case(other, hand_case)


def test_a_claims_table_gives_the_same_totals_and_names_bad_rows(
    hand_case: dict, tmp_path: Path, registry: Registry
) -> None:
    """The same people as a flat CSV extract (one row per settlement, people's rows not
    together, dates as 20250310 or 2025-03-10, codes translated by the mapping); plus bad
    rows, each reported with its row number while the run goes on."""
    rows = table_rows(hand_case)
    bad = [
        {**rows[0], "psn_no": "PX", "setl_id": "X1", "inscp_amt": "12.345"},  # row 2 + n
        {**rows[0], "psn_no": "PX", "setl_id": "X2"},
        {**rows[0], "psn_no": "PY", "setl_id": "Y1", "med_type": "牙科"},
        {**rows[0], "psn_no": "PZ", "setl_id": "Z1"},
        {**rows[0], "psn_no": "PZ", "setl_id": "Z2", "district": "xinbei"},
    ]
    table = write_csv(tmp_path / "claims.csv", rows + bad)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    found = study(table, regions=["changzhou"], registry=registry, reform=[REFORM], columns=mapping)
    expect = hand_case["expect"]
    part = found.impact.regions["changzhou"]
    assert part.people == expect["people"]
    assert found.impact.lines == expect["lines"] - 1  # the raw bad line has no row here
    first = len(rows) + 2  # the header is row 1
    assert {k: v.lines for k, v in found.population.bad_rows.items()} == {
        "claim.compliant: expected at most two decimal places (whole fen), got 12.345": [first],
        "another row of the same person is bad": [first + 1],
        "claim.kind: Invalid enum value '牙科'": [first + 2],
        "rows of one person differ in person.district": [first + 3, first + 4],
    }
    assert found.population.rows == len(rows) + len(bad)
    for side in ("baseline", "reform"):
        got, want = getattr(part, side), expect[side]
        assert got.total.layers == {k: Decimal(v) for k, v in want["layers"].items()}
        assert got.total.patient == Decimal(want["patient"])
    assert (part.change.gain, part.change.same, part.change.gained) == (6, 4, Decimal("698.00"))
    # Left-out people are named by person id and rows, not by converted line numbers.
    row = {r["psn_no"]: i for i, r in enumerate(rows, start=2)}
    places = {found.places[n] for e in part.excluded.values() for n in e.lines}
    assert places == {f"person P8 (row {row['P8']})", f"person P13 (row {row['P13']})"}


def test_a_parquet_table_reads_like_the_csv(
    hand_case: dict, tmp_path: Path, registry: Registry
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = table_rows(hand_case)
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    columns["inscp_amt"] = [Decimal(v) for v in columns["inscp_amt"]]  # typed money
    columns["hosp_lv"] = [int(v) for v in columns["hosp_lv"]]
    pq.write_table(pa.table(columns), tmp_path / "claims.parquet")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    found = study(
        tmp_path / "claims.parquet",
        regions=["changzhou"],
        registry=registry,
        reform=[REFORM],
        columns=mapping,
    )
    part = found.impact.regions["changzhou"]
    assert part.people == 10 and not found.population.bad_rows
    assert part.reform.total.layers["basic_fund"] == Decimal("447330.00")
    row = {r["psn_no"]: i for i, r in enumerate(rows, start=1)}  # Parquet: from row 1
    assert set(found.places.values()) == {
        f"person P8 (row {row['P8']})",
        f"person P13 (row {row['P13']})",
    }


def test_scheme_filter_and_year_move_count_people_aside(
    hand_case: dict, hand_population: Path
) -> None:
    """--scheme employee leaves every resident aside (counted, not compared); --year 2024
    moves the 2025 people to a year 常州's resident rules do not cover: region errors,
    counted with the reason, never zero outlays."""
    aside = run(hand_population, _config(hand_case, scheme="employee"))
    assert {k: (v.count, v.lines) for k, v in aside.outside.items()} == {
        "scheme resident": (12, [1, 2, 3, 4, 5])
    }
    assert aside.regions["changzhou"].people == 0
    moved = run(hand_population, _config(hand_case, year=2024))
    part = moved.regions["changzhou"]
    assert part.people == 0
    reasons = {k: v.count for k, v in part.excluded.items()}
    last = dates.today().year + 1
    assert reasons == {
        f"error: changzhou (resident) cannot answer 2024: its sources begin with 2025: it "
        f"answers 2025–{last}; changzhou（resident）无法计算2024年度：可计算2025–{last}年度": 12
    }
    assert part.baseline.total.funds == 0 and part.excluded_bill > 0
