"""The compiled batch core (yibao-fastcore) writes the bytes the Python paths write.

`yibao batch` output is compared three ways over the synthetic populations (2025, and
the same people moved to 2026, where values are carried), hand-written lines of every
shape the core's scanner takes or leaves to Python, and three regions: through the
compiled core, through the pure-Python fast path (the extension not importable) and
through the engine (``--no-kernel``); with ``--jobs 2`` and on Dask too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from test_fast_path import _lines
from yibao.batch import batch
from yibao.batch.batch import Config, run
from yibao.steps import compiled as compiled_module

needs_core = pytest.mark.skipif(
    not compiled_module.available(),
    reason="yibao-fastcore's extension is not built here (no C compiler at install); "
    "the pure-Python fast path is tested instead",
)

REGIONS = ("changzhou", "xuzhou", "changli")

BASE = {
    "year": 2025,
    "person": {
        "birth_date": "1964-12-28",
        "category": "elderly",
        "hukou": "changzhou",
        "district": "jintan",
    },
    "enrollment": [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}],
    "claims": [
        {
            "id": "c0",
            "date": "2025-09-11",
            "kind": "inpatient",
            "level": 3,
            "care": "local",
            "compliant": "33040.79",
        }
    ],
}


def _with(**changes: object) -> dict:
    case = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        *parents, last = path.split("__")
        at = case
        for part in parents:
            at = at[int(part)] if part.isdigit() else at[part]
        if value is _DROP:
            del at[last]
        else:
            at[last] = value
    return case


_DROP = object()


def _claim(i: int, kind: str = "inpatient", amount: str = "5000.00", **more: object) -> dict:
    return {"id": f"k{i}", "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "kind": kind,
            "compliant": amount, **more}  # fmt: skip


def _compact(case: dict) -> str:
    return json.dumps(case, ensure_ascii=False, separators=(",", ":"))


EMPLOYEE = {
    "year": 2024,
    "person": {
        "birth_date": "1980-04-12",
        "sex": "male",
        "scheme": "employee",
        "employment": "employee",
        "hukou": "changzhou",
        "contribution_base": "8000.00",
    },
    "enrollment": [
        {"year": 2024, "region": "changzhou", "scheme": "employee", "paid_on": "2023-12-20"}
    ],
}
"""An in-service 常州 employee, 2024 (changzhou-employee-2024)."""


def _employee(*claims: dict, **person: object) -> str:
    case = json.loads(json.dumps(EMPLOYEE))
    for key, value in person.items():
        if value is _DROP:
            del case["person"][key]
        else:
            case["person"][key] = value
    case["claims"] = list(claims)
    return _compact(case)


def _on(date: str, id: str, kind: str, amount: str, *diseases: str, **more: object) -> dict:
    """A claim of 2024 (``date`` month-day)."""
    found = {"id": id, "date": f"2024-{date}", "kind": kind, "compliant": amount, **more}
    return found | ({"diseases": list(diseases)} if diseases else {})


CHRONIC, SPECIAL, GENERAL = "chronic_outpatient", "special_outpatient", "general_outpatient"


def employee_lines() -> list[str]:
    """常州 employees' claims paying the large-amount subsidy and passing cost on from
    the chronic and special rules (the core settles every one)."""
    level3 = {"level": 3, "facility": "hospital"}
    return [
        _employee(
            _on("03-01", "i1", "inpatient", "600000.00", level=3),
            _on("05-01", "i2", "inpatient", "20000.00", level=3),
            _on("06-01", "o1", GENERAL, "12000.00", **level3),
            _on("07-01", "c1", CHRONIC, "2000.00", "diabetes", facility="primary"),
        ),
        _employee(_on("04-04", "s1", SPECIAL, "90000.00", "haemophilia", level=3)),
        # several in a year: limits used up, cost passed on again and again
        _employee(
            _on("01-10", "c1", CHRONIC, "500.00", "hypertension", facility="primary"),
            _on("02-10", "c2", CHRONIC, "800.00", "hypertension", facility="primary"),
            _on("03-10", "o1", GENERAL, "2000.00", facility="primary"),
            _on("04-10", "s1", SPECIAL, "20000.00", "tuberculosis", level=3),
            _on("05-10", "s2", SPECIAL, "3000.00", "tuberculosis", level=3),
            _on("06-10", "c3", CHRONIC, "9000.00", "diabetes", "stroke", level=2),
            _on("07-10", "o2", GENERAL, "120000.00", **level3),
            _on("08-10", "c4", CHRONIC, "300.00", "cancer", "diabetes", level=2),
            _on("09-10", "o3", GENERAL, "800.00", facility="pharmacy"),
            _on("10-10", "i1", "inpatient", "700000.00", level=2, admission=2),
        ),
        _employee(
            _on("02-01", "s1", SPECIAL, "650000.00", "cancer", level=3),
            _on("03-01", "o1", GENERAL, "3000.00", facility="pharmacy"),
            _on("03-02", "o2", GENERAL, "2500.00", facility="pharmacy"),
            _on("04-01", "c1", CHRONIC, "5000.00", "cancer", facility="primary"),
            employment="retired",
            contribution_years=30,
            contribution_base=_DROP,
        ),
        _employee(
            _on("05-05", "a1", SPECIAL, "200000.00", "lupus", level=3),
            _on("06-05", "a2", CHRONIC, "4000.00", "hypertension", "cancer", level=3),
            assistance=["minimum_living"],
        ),
    ]


def employee_lines_not_published() -> list[str]:
    """常州 employees' cost passed on to a rule whose value is not published (a level-1
    hospital's general-outpatient ratio, 表1): the claim is ``not_published``, the year's
    limits as before it."""
    level1 = {"level": 1, "facility": "hospital"}
    return [
        _employee(
            _on("01-10", "c1", CHRONIC, "500.00", "diabetes", facility="primary"),
            _on("02-10", "c2", CHRONIC, "3000.00", "diabetes", **level1),
            _on("03-10", "c3", CHRONIC, "600.00", "diabetes", facility="primary"),
        ),
        _employee(
            _on("04-04", "s1", SPECIAL, "90000.00", "haemophilia", **level1),
            _on("05-04", "s2", SPECIAL, "10000.00", "haemophilia", level=3),
        ),
        # two diseases, one with its own limit: not published (one claim per disease),
        # with the recognition warning the engine gives first
        _employee(_on("06-06", "s3", SPECIAL, "5000.00", "haemophilia", "cancer", level=3)),
    ]


def tricky_lines() -> Iterator[str]:
    """Lines of the shapes the core takes, and of those it must leave to Python."""
    yield _compact(BASE)
    # key order, whitespace, CRLF
    yield json.dumps(dict(reversed(list(BASE.items()))), ensure_ascii=False)
    yield json.dumps(BASE, indent=None, separators=(" , ", " : ")) + "\r"
    yield "\t" + _compact(BASE) + "  "
    # money as written: the core copies the text msgspec would write again
    for amount in ("100", "0.5", "0", "0.00", "1000000000.00", "12.30", "250000.00"):
        yield _compact(_with(claims__0__compliant=amount))
    for amount in ("1000000000.01", "00.5", "1e3", "-5", "12.345", "１２.００", " 12", "+5"):
        yield _compact(_with(claims__0__compliant=amount))
    yield _compact(_with(claims__0__compliant=100.5))
    yield _compact(_with(claims__0__total="40000.00"))
    yield _compact(_with(claims__0__total="40000"))
    yield _compact(_with(claims__0__total="100.00"))
    yield _compact(_with(claims__0__total=None))
    # ids
    yield _compact(_with(claims__0__id="住院一"))
    yield _compact(_with(claims__0__id='c"1'))
    yield _compact(_with(claims__0__id="c\u0001"))
    yield _compact(_with(claims__0__id=""))
    yield _compact(_with(claims__0__id="x" * 200))
    yield _compact(_with(claims__0__id="x" * 201))
    yield _compact(_with(claims=[_claim(1), _claim(1)]))
    yield '{"year":2025,"person":{"birth_date":"1964-12-28"},"claims":[{"id":"c\\u0030",' \
          '"date":"2025-02-01","kind":"inpatient","compliant":"10.00"}]}'  # fmt: skip
    # claims: none, several kinds, many, out of the year, before the birth
    yield _compact(_with(claims=[]))
    yield _compact(_with(claims=_DROP))
    yield _compact(
        _with(
            claims=[
                _claim(1),
                _claim(2, "general_outpatient", "800.00", facility="primary"),
                _claim(3, "general_outpatient", "9000.00", facility="hospital", level=2),
                _claim(4, "chronic_outpatient", "1500.00", diseases=["hypertension"]),
                _claim(5, "chronic_outpatient", "700.00", diseases=["stroke", "diabetes"]),
                _claim(6, "chronic_outpatient", "700.00", diseases=["no-such-disease"]),
                _claim(7, "dual_channel_drug", "3000.00", care="referral"),
                _claim(8, "rare_disease_drug", "3000.00", care="unreferred"),
                _claim(9, "inpatient", "90000.00", admission=2, care="emergency"),
                _claim(10, "inpatient", "9000.00", care="filed_residence", level=1),
                _claim(11, "inpatient", "9000.00", care="non_designated", level=2),
            ]
        )
    )
    yield _compact(
        _with(
            claims=[
                _claim(3, "general_outpatient", "7000.00", facility="primary", care="referral"),
                _claim(1, "dual_channel_drug", "2500.00"),
                _claim(2, "chronic_outpatient", "1300.00", diseases=["hypertension"]),
                _claim(0, "inpatient", "400000.00", level=2),
                _claim(4, "inpatient", "1000.00", level=1),
            ]
        )
    )
    yield _compact(_with(claims=[_claim(1, "maternity", "6000.00")]))
    yield _compact(_with(claims=[_claim(1, "special_outpatient", "6000.00", diseases=["cancer"])]))
    yield _compact(_with(claims=[_claim(1, "pku", "600.00")]))
    yield _compact(_with(claims=[_claim(i, "general_outpatient", "300.00") for i in range(70)]))
    yield _compact(_with(claims=[_claim(i, "general_outpatient", "300.00") for i in range(64)]))
    yield _compact(_with(claims__0__date="2024-12-31"))
    yield _compact(_with(person__birth_date="2025-10-01"))
    # the yearly limit and the critical-illness cap used up (the record names them)
    yield _compact(_with(claims=[_claim(i, "inpatient", "900000.00") for i in range(3)]))
    # care routes and levels
    for care in ("referral", "unreferred", "emergency", "filed_residence", "non_designated"):
        yield _compact(_with(claims__0__care=care))
    for level in (1, 2, 4, "3", 3.0, True):
        yield _compact(_with(claims__0__level=level))
    yield _compact(_with(claims__0__level=_DROP, claims__0__care=_DROP))
    yield _compact(_with(claims__0__admission=3))
    yield _compact(_with(claims__0__admission=0))
    yield _compact(_with(claims__0__facility="pharmacy", claims__0__kind="general_outpatient"))
    # people: the very young, ages around birthdays, no category, assistance, relocation
    for born in ("2025-01-01", "2024-06-30", "2022-01-01", "2022-12-31", "1955-01-01",
                 "1955-01-02", "1956-06-15", "2007-03-01", "1964-02-29"):  # fmt: skip
        yield _compact(_with(person__birth_date=born, claims__0__date="2025-12-30"))
    yield _compact(_with(person__category=_DROP))
    yield _compact(_with(person__category=_DROP, person__birth_date="2010-05-05"))
    yield _compact(_with(person__assistance=["minimum_living"]))
    yield _compact(_with(person__assistance=["minimum_living"], claims__0__compliant="200000.00"))
    yield _compact(_with(person__district="shiqu", person__hukou="xuzhou", person__category=_DROP))
    yield _compact(_with(person__district=_DROP, person__hukou="xuzhou"))
    yield _compact(_with(elsewhere={"xuzhou": {"district": "shiqu"}}))
    # living in 徐州, answered in 常州 as if living there (a relocation notice leads)
    yield _compact(
        _with(
            person__district="shiqu",
            person__hukou="xuzhou",
            elsewhere={"changzhou": {"district": "wujin", "category": "elderly"}},
            enrollment__0__region="xuzhou",
        )
    )
    yield _compact(_with(person__scheme="employee", person__employment="employee",
                         person__contribution_base="6000.00", person__category=_DROP))  # fmt: skip
    # enrolment and events
    yield _compact(_with(enrollment=_DROP))
    yield _compact(_with(enrollment=[]))
    yield _compact(
        _with(
            enrollment=[
                {"year": 2024, "region": "changzhou", "paid_on": "2023-11-20"},
                {"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"},
            ]
        )
    )
    yield _compact(
        _with(enrollment=[{"year": 2025, "region": "changzhou", "paid_on": "2025-03-10"}])
    )
    yield _compact(
        _with(enrollment__0__breaks=[{"first_month": 3, "last_month": 4, "paid_on": "2025-06-01"}])
    )
    yield _compact(_with(events=[{"kind": "hukou_move", "date": "2025-02-01"}]))
    # title
    yield _compact(_with(title="一个标题"))
    yield _compact(_with(title='with "quotes"'))
    yield _compact(_with(title=None))
    yield _compact(_with(title="x" * 1001))
    # not scenarios, or not the core's shape
    yield _compact(BASE)[:-3]
    yield _compact(BASE) + " x"
    yield '{"year":2025,"year":2025,' + _compact(BASE)[1:]
    yield _compact(BASE).replace('"category":"elderly"', '"category":"elderly","sex":"male"')
    yield _compact(BASE).replace('"category":"elderly"', '"category":"elderly","category":"x"')
    yield _compact(_with(person__birth_date="1964-02-30"))
    yield _compact(_with(extra=1))
    yield _compact(_with(year=2025.0))
    yield _compact(_with(year=1900))
    yield _compact(_with(year=2024, claims__0__date="2024-03-01"))
    yield _compact(_with(claims__0__blood="100.00"))
    yield from blood_lines()
    yield _compact(_with(claims__0__injury=True))
    yield _compact(_with(claims__0__injury=False))
    yield _compact(_with(claims__0__excluded="work_injury"))
    yield _compact(_with(claims__0__unknown=1))
    yield _compact(_with(claims__0__diseases=[]))
    # 常州 employees: the large-amount subsidy, cost passed on
    yield from employee_lines()
    yield from employee_lines_not_published()
    yield ""
    yield "   "
    yield "[]"
    yield "null"
    yield _compact(BASE)


def _write(path: Path, lines: list[str], *, bom: bool = False) -> Path:
    text = "\n".join(lines) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
    return path


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Batch as on a machine where the extension is not importable."""
    monkeypatch.setattr(compiled_module, "extension", None)
    batch._compiled.clear()
    yield
    batch._compiled.clear()


def _three_ways(source: Path, tmp_path: Path, regions: tuple[str, ...], **options: object):
    """Run ``source`` compiled, in pure Python and through the engine; their outputs
    and summaries."""
    out = {}
    for how in ("compiled", "python", "engine"):
        target = tmp_path / f"{how}.jsonl"
        batch._compiled.clear()
        saved = compiled_module.extension
        if how != "compiled":
            compiled_module.extension = None
        try:
            config = Config(regions=regions, kernel=how != "engine")
            summary = run(source, target, config, **options)  # type: ignore[arg-type]
        finally:
            compiled_module.extension = saved
            batch._compiled.clear()
        summary.seconds = None
        out[how] = (target.read_bytes(), msgspec.json.encode(summary))
    return out


def _assert_same(out: dict) -> None:
    compiled, python, engine = out["compiled"], out["python"], out["engine"]
    for name, (data, summary) in (("python", python), ("engine", engine)):
        if data != compiled[0]:
            for a, b in zip(compiled[0].splitlines(), data.splitlines(), strict=False):
                assert a == b, f"compiled and {name} differ"
        assert data == compiled[0], f"compiled and {name} differ"
        assert summary == compiled[1], f"compiled and {name} summaries differ"


@needs_core
@pytest.mark.parametrize("year_shift", [0, 1])
@pytest.mark.parametrize("profile", ["general", "inpatient-one"])
def test_synthetic_populations_three_ways(tmp_path: Path, profile: str, year_shift: int) -> None:
    source = _write(tmp_path / "in.jsonl", _lines(profile, 400, 11, year_shift))
    out = _three_ways(source, tmp_path, REGIONS)
    _assert_same(out)
    assert out["compiled"][0].count(b"\n") == 3 * 400


@needs_core
def test_the_core_settles_the_common_shape() -> None:
    """Every inpatient-one line is the core's (none left to Python), and the general
    population's lines whose every claim is of a kind gated per plan."""
    config = Config(regions=("changzhou",))
    batch._compiled.clear()
    data = "\n".join(_lines("inpatient-one", 300, 3, 0)).encode()
    batch.process_block(data, 1, config)
    core = batch.compiled(config)
    assert core is not None
    assert core.core.compiled == 300
    batch._compiled.clear()


@needs_core
def test_the_core_settles_changzhou_employees(tmp_path: Path) -> None:
    """The core settles 常州 employees' large-amount subsidy and the cost the chronic and
    special rules pass on, in the bytes the Python fast path and the engine write.

    Worked by hand from changzhou-employee-2024, an in-service employee in 2024:

    - i1, first admission, level 3, 600,000.00 (§四(一)): deductible 1,000; the fund pays
      90% of 1,000–150,000 = 134,100.00 and 95% of 150,000–500,000 = 332,500.00, basic
      466,600.00; 职工大额医疗补助 95% of 500,000–600,000 = 95,000.00.
    - i2, second admission, level 3, 20,000.00: deductible 600; the year's cost
      600,600–620,000 lies above 500,000: basic 0.00, the subsidy 19,400 × 95% = 18,430.00.
    - o1, general outpatient, level-3 hospital, 12,000.00 (§四(二)1 表1, 表2): deductible
      600, limit 9,000, 60%: (9,000 − 600) × 60% = 5,040.00; 表2 pays 60% of the year's
      cost 11,000–12,000 = 600.00.
    - c1, chronic (diabetes), 基层, 2,000.00 (§四(二)2.3): 80% = 1,600 is cut to the fund
      limit 800 → 800.00; that room covers 800 ÷ 80% = 1,000 of cost, the other 1,000 is
      settled as general outpatient (§四(二)): the year's outpatient cost 12,000–13,000 is
      past the 9,000 limit (0.00 more) and in 表2's band: 1,000 × 60% = 600.00.

    And s1, haemophilia, level 3, 90,000.00 (§四(二)3.3: limit 60,000 a year, 90% to
    150,000): 54,000; the 30,000 above the limit passes on — not to the chronic rule
    (haemophilia is no chronic disease, §四(二)2.1), to general outpatient: 5,040, basic
    59,040.00; 表2: (30,000 − 11,000) × 60% = 11,400.00.

    A value not published met on cost passed on (diabetes, fund limit 800): c1 基层 500 ×
    80% = 400.00; c2 at a level-1 hospital, 3,000 × 70% = 2,100 over the 400 left: the
    cost beyond goes to general outpatient, whose level-1 ratio 表1 does not give — c2 is
    not published and uses up nothing; c3 基层 600 × 80% = 480 is cut to the 400 still
    left → 400.00.
    """
    lines = employee_lines() + employee_lines_not_published()
    config = Config(regions=("changzhou",))
    batch._compiled.clear()
    block = batch.process_block("\n".join(lines).encode(), 1, config)
    core = batch.compiled(config)
    assert core is not None
    assert core.core.compiled == len(lines)  # none left to Python
    batch._compiled.clear()
    records = [json.loads(line) for line in bytes(block.data).splitlines()]
    paid = {c["id"]: c["layers"] for c in records[0]["claims"]}
    expected = {
        "i1": ("466600.00", "95000.00"),
        "i2": ("0.00", "18430.00"),
        "o1": ("5040.00", "600.00"),
        "c1": ("800.00", "600.00"),
    }
    for claim, (basic, large) in expected.items():
        assert (paid[claim]["basic_fund"], paid[claim]["large_amount_subsidy"]) == (basic, large)
    (s1,) = records[1]["claims"]
    assert (s1["layers"]["basic_fund"], s1["layers"]["large_amount_subsidy"]) == (
        "59040.00",
        "11400.00",
    )
    c1, c2, c3 = records[len(employee_lines())]["claims"]
    assert c2["status"] == "not_published"
    assert (c1["layers"]["basic_fund"], c3["layers"]["basic_fund"]) == ("400.00", "400.00")
    source = _write(tmp_path / "in.jsonl", lines)
    _assert_same(_three_ways(source, tmp_path, ("changzhou",)))


@needs_core
@pytest.mark.parametrize("region", ["xuzhou", "changli"])
def test_the_core_answers_claims_not_published(tmp_path: Path, region: str) -> None:
    """徐州 and 昌黎 publish no benefit values without an overlay (xuzhou-resident-
    measures-2023 第十三条, changli-resident-2025 九、十 leave the amounts to yearly
    notices), so a claim stops at its first rule with a gap: ``not_published``, the
    layers before it, the notice dated by the claim. The core answers most such claims
    itself, in the bytes the Python fast path and the engine write."""
    lines = _lines("general", 300, 7, 0)
    batch._compiled.clear()
    block = batch.process_block("\n".join(lines).encode(), 1, Config(regions=(region,)))
    core = batch.compiled(Config(regions=(region,)))
    assert core is not None
    unpublished = bytes(block.data).count(b'"status":"not_published"')
    assert block.summary.regions[region].claims["not_published"] == unpublished
    assert core.unpublished >= unpublished * 3 // 4 > 0
    batch._compiled.clear()
    _assert_same(_three_ways(_write(tmp_path / "in.jsonl", lines), tmp_path, (region,)))


@needs_core
@pytest.mark.parametrize("bom", [False, True])
def test_hand_written_lines_three_ways(tmp_path: Path, bom: bool) -> None:
    lines = list(tricky_lines())
    source = _write(tmp_path / "in.jsonl", lines, bom=bom)
    _assert_same(_three_ways(source, tmp_path, REGIONS))
    _assert_same(_three_ways(source, tmp_path, ("changzhou",), block_bytes=2048))


@needs_core
def test_jobs_two_and_dask_run_the_same_core(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    from yibao.batch import dask_runner

    lines = _lines("general", 300, 4, 0) + list(tricky_lines()) + _lines("inpatient-one", 300, 4, 1)
    source = _write(tmp_path / "in.jsonl", lines)
    config = Config(regions=("changzhou", "xuzhou"))
    one, two, dask = tmp_path / "one.jsonl", tmp_path / "two.jsonl", tmp_path / "dask.jsonl"
    batch._compiled.clear()
    expected = run(source, one, config)
    run(source, two, config, jobs=2, block_bytes=8192)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = dask_runner.run(source, dask, config, client=client, block_bytes=8192)
    assert two.read_bytes() == one.read_bytes()
    assert dask.read_bytes() == one.read_bytes()
    assert got.regions == expected.regions
    compiled = batch.compiled(config)
    assert compiled is not None and compiled.core.compiled > 0
    batch._compiled.clear()


def test_without_the_extension_batch_is_pure_python(tmp_path: Path, pure_python: None) -> None:
    """Where the extension cannot be imported, no compiled core is used and the fast path
    in Python answers (its bytes are the engine's: test_fast_path.py)."""
    assert not compiled_module.available()
    assert batch.compiled(Config(regions=("changzhou",))) is None
    source = _write(tmp_path / "in.jsonl", list(tricky_lines()))
    fast, slow = tmp_path / "fast.jsonl", tmp_path / "slow.jsonl"
    run(source, fast, Config(regions=REGIONS))
    run(source, slow, Config(regions=REGIONS, kernel=False))
    assert fast.read_bytes() == slow.read_bytes()


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"YIBAO_NO_FASTCORE": "1"}, id="switched-off"),
        pytest.param({"YIBAO_TEST_BLOCK_FASTCORE": "1"}, id="not-importable"),
    ],
)
def test_a_process_without_the_core_writes_the_same_bytes(
    tmp_path: Path, how: dict[str, str]
) -> None:
    """The CLI in a fresh process, the extension switched off or its import failing,
    writes what the CLI with it writes (or, where it is not built, what the engine
    writes)."""
    source = _write(tmp_path / "in.jsonl", _lines("general", 150, 9, 0) + list(tricky_lines()))
    block = (
        "import sys, runpy; sys.modules['yibao_fastcore._core'] = None; "
        "sys.argv = ['yibao'] + sys.argv[1:]; runpy.run_module('yibao.cli', run_name='__main__')"
    )

    def cli(target: Path, env: dict[str, str], *extra: str) -> None:
        args = ["batch", str(source), "-r", ",".join(REGIONS), "-o", str(target), "-q", *extra]
        if env.get("YIBAO_TEST_BLOCK_FASTCORE"):
            command = [sys.executable, "-c", block, *args]
        else:
            command = [sys.executable, "-m", "yibao.cli", *args]
        probe = "import yibao.steps.compiled as c; print(c.available())"
        done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
        if env:
            code = (
                probe
                if not env.get("YIBAO_TEST_BLOCK_FASTCORE")
                else ("import sys; sys.modules['yibao_fastcore._core'] = None; " + probe)
            )
            seen = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                                  capture_output=True, text=True)  # fmt: skip
            assert seen.stdout.strip() == "False", seen.stderr

    with_core, without, engine = (tmp_path / f"{n}.jsonl" for n in ("with", "without", "engine"))
    cli(with_core, {})
    cli(without, how)
    cli(engine, how, "--no-kernel")
    assert without.read_bytes() == with_core.read_bytes() == engine.read_bytes()


def _resident(
    born: str, claims: list[dict], enrollment: list[dict] | None = None, category: object = _DROP
) -> str:
    case = _with(person__birth_date=born, person__category=category, claims=claims)
    if enrollment is not None:
        case["enrollment"] = enrollment
    return _compact(case)


_TWO_YEARS = [
    {"year": 2024, "region": "changzhou", "paid_on": "2023-11-20"},
    {"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"},
]


def _records(block: batch.Block) -> list[dict]:
    return [json.loads(line) for line in bytes(block.data).splitlines()]


@needs_core
def test_pku_limits_follow_the_age_at_the_claim_in_the_core(tmp_path: Path) -> None:
    """changzhou-resident-2025 §三5.4: PKU care of minors is paid at 75% within a yearly
    cost limit of 15,000 at ages 0–6 and 20,000 at 7–13, the band by the age at the
    claim. A child turning 7 on 2025-06-15: a claim of 20,000 on 2025-03-01 (age 6)
    pays 75% × 15,000 = 11,250.00; a claim of 10,000 on 2025-09-01 (age 7) has
    20,000 − 15,000 = 5,000 of the limit left: 75% × 5,000 = 3,750.00. An adult's PKU
    claim is refused: the patient bears the whole 600.00."""
    child = _resident("2018-06-15", [
        {"id": "a", "date": "2025-03-01", "kind": "pku", "compliant": "20000.00"},
        {"id": "b", "date": "2025-09-01", "kind": "pku", "compliant": "10000.00"},
    ])  # fmt: skip
    adult = _resident("1980-02-02", [
        {"id": "c", "date": "2025-05-05", "kind": "pku", "compliant": "600.00"},
    ], category="non_working")  # fmt: skip
    config = Config(regions=("changzhou",))
    batch._compiled.clear()
    block = batch.process_block(f"{child}\n{adult}\n".encode(), 1, config)
    core = batch.compiled(config)
    assert core is not None and core.core.compiled == 2  # both lines settled in the core
    first, second = _records(block)
    paid = {c["id"]: c["layers"]["basic_fund"] for c in first["claims"]}
    assert paid == {"a": "11250.00", "b": "3750.00"}
    (refused,) = second["claims"]
    assert (refused["status"], refused["patient"], refused.get("layers")) == (
        "refused", "600.00", None
    )  # fmt: skip
    assert block.summary.regions["changzhou"].claims == {"settled": 2, "refused": 1}
    batch._compiled.clear()
    # the refusal first: the summary counts statuses in one order whichever path met them
    _assert_same(_three_ways(_write(tmp_path / "in.jsonl", [adult, child]), tmp_path,
                             ("changzhou",)))  # fmt: skip


@needs_core
def test_the_maternity_waiting_period_in_the_core(tmp_path: Path) -> None:
    """changzhou-resident-2025 §三5.1: maternity costs are paid after one year of
    continuous resident enrolment. Enrolled in 2024 and 2025, a delivery in 2025 is
    settled; enrolled from 2025 only, it is refused (the patient bears the whole
    8,000.00). Both lines are answered in the core, as the Python paths answer them."""
    delivery = [{"id": "m", "date": "2025-04-10", "kind": "maternity", "compliant": "8000.00"}]
    waited = _resident("1995-03-03", delivery, _TWO_YEARS, "non_working")
    early = _resident("1995-03-03", delivery, _TWO_YEARS[1:], "non_working")
    config = Config(regions=("changzhou",))
    batch._compiled.clear()
    block = batch.process_block(f"{waited}\n{early}\n".encode(), 1, config)
    core = batch.compiled(config)
    assert core is not None and core.core.compiled == 2
    paid, refused = (r["claims"][0] for r in _records(block))
    assert paid["status"] == "settled" and paid["layers"]["basic_fund"] != "0.00"
    assert (refused["status"], refused["patient"]) == ("refused", "8000.00")
    batch._compiled.clear()
    _assert_same(_three_ways(_write(tmp_path / "in.jsonl", [waited, early]), tmp_path,
                             ("changzhou",)))  # fmt: skip


def _blood(claim: dict, **person: object) -> str:
    base = {"birth_date": "1980-03-03", "category": "non_working", "hukou": "changzhou",
            "district": "jintan", **person}  # fmt: skip
    base = {k: v for k, v in base.items() if v is not _DROP}
    return _compact({"year": 2025, "person": base, "enrollment": BASE["enrollment"],
                     "claims": [{"id": "b", "date": "2025-05-05", "kind": "inpatient",
                                 "level": 3, **claim}]})  # fmt: skip


def blood_lines() -> list[str]:
    """Claims with blood-use items: in the scope for the three blood diseases, outside it
    for others (a warning when no disease is named), amounts written every way."""
    return [
        _blood({"compliant": "20000.00", "blood": "1000.00", "diseases": ["haemophilia"]}),
        _blood({"compliant": "5000", "blood": "100.5", "diseases": ["aplastic_anaemia"]}),
        _blood({"compliant": "5000", "blood": "100", "diseases": ["haematological_malignancy"]}),
        _blood({"compliant": "5000.1", "blood": "0.25", "diseases": ["haemophilia"]}),
        _blood({"compliant": "3000.00", "blood": "0.00", "diseases": ["haemophilia"]}),
        _blood(
            {
                "compliant": "3000.00",
                "blood": "999.99",
                "total": "4500.00",
                "diseases": ["haemophilia", "cancer"],
            }
        ),
        _blood({"compliant": "3000.00", "blood": "500.00", "total": "3400.00"}),  # above total
        _blood({"compliant": "8000.00", "blood": "500.00", "diseases": ["stroke"]}),
        _blood({"compliant": "8000.00", "blood": "500.00"}),
        _blood(
            {
                "compliant": "8000.00",
                "blood": "500.00",
                "care": "referral",
                "diseases": ["haemophilia"],
            }
        ),
        _blood(
            {
                "compliant": "900.00",
                "blood": "80.00",
                "kind": "general_outpatient",
                "facility": "primary",
                "diseases": ["haemophilia"],
            }
        ),
        _blood(
            {"compliant": "9000.00", "blood": "700.00", "diseases": ["haemophilia"]},
            scheme="employee",
            employment="employee",
            contribution_base="6000.00",
            category=_DROP,
        ),
        _blood({"compliant": "9000.00", "blood": None, "diseases": ["haemophilia"]}),
    ]


@needs_core
def test_blood_use_items_in_the_core(tmp_path: Path) -> None:
    """changzhou-resident-2025 §三5.3: for the three blood diseases, blood-use items enter
    the fund's scope after the patient pays 40% of them first. An adult's level-3
    admission of 20,000.00 for haemophilia with 1,000.00 of blood items: 1,000 − 400 =
    600.00 enters, so the fund pays (20,600 − 1,000 deductible) × 70% = 13,720.00 (§三
    (一)) and the bill is 21,000.00. With 5000 compliant and 100.5 of blood items the
    bill is written 5100.5 (the Decimal sum), and 60.30 enters: (5,060.30 − 1,000) ×
    70% = 2,842.21. The core settles both, in the bytes the Python paths write."""
    lines = blood_lines()
    config = Config(regions=("changzhou",))
    batch._compiled.clear()
    block = batch.process_block("\n".join(lines[:2]).encode(), 1, config)
    core = batch.compiled(config)
    assert core is not None and core.core.compiled == 2
    first, second = (r["claims"][0] for r in _records(block))
    assert (first["bill"], first["layers"]["basic_fund"]) == ("21000.00", "13720.00")
    assert (second["bill"], second["layers"]["basic_fund"]) == ("5100.5", "2842.21")
    batch._compiled.clear()
    for regions in (("changzhou",), REGIONS):
        _assert_same(_three_ways(_write(tmp_path / "in.jsonl", lines), tmp_path, regions))


def birthday_lines() -> list[str]:
    """At every age on 1 January from 0 to 100, people born early and late in the year
    (so one has the birthday before the payment, the other after), paying before the
    year and during it, with a claim between the two birthdays. The person-year key
    keeps the birth date only at the ages where a birthday in the year changes an answer;
    every age of every region is tried, so an age a region forgot to name shows."""
    lines = []
    for age in range(101):
        born = 2025 - age - 1
        for birthday in ("01-02", "12-30"):
            for paid in ("2024-11-20", "2025-06-15"):
                lines.append(_paying(f"{born}-{birthday}", paid, "xuzhou"))
    return lines


def _paying(born: str, paid: str, region: str, **person: str) -> str:
    """A line: someone born on ``born`` whose 2025 contribution to ``region`` arrived on
    ``paid``, with one 12,000.00 inpatient claim on 2025-09-01."""
    scenario = {
        "year": 2025,
        "person": {"birth_date": born, "hukou": region, **person},
        "enrollment": [{"year": 2025, "region": region, "paid_on": paid}],
        "claims": [{"id": "c", "date": "2025-09-01", "kind": "inpatient", "level": 2,
                    "care": "local", "compliant": "12000.00"}],
    }  # fmt: skip
    return _compact(scenario)


def test_a_birthday_in_the_year_three_ways(tmp_path: Path) -> None:
    """徐州 waives the premium from the 70th birthday (第九条(四)) and covers someone
    paying after it from that day (第十条(六)), so two people aged 69 on 1 January with
    their birthdays on either side of the payment get different answers; batch must not
    give the second the first's (it did, from a key holding only the age)."""
    source = _write(tmp_path / "in.jsonl", birthday_lines())
    out = _three_ways(source, tmp_path, REGIONS)
    _assert_same(out)
    records = [json.loads(line) for line in out["engine"][0].splitlines()]
    xuzhou = {(r["line"]): r for r in records if r["region"] == "xuzhou"}
    # age 69 on 1 January 2025 is lines 277–280 (4 lines per age, from age 0)
    early_late_paid, late_late_paid = xuzhou[4 * 69 + 2], xuzhou[4 * 69 + 4]
    # born 1955-01-02: 70 on 2025-01-02, before paying on 2025-06-15 — premium waived,
    # covered from the birthday
    assert early_late_paid["premium"] == "0.00"
    assert early_late_paid["cover_from"] == "2025-01-02"
    # born 1955-12-30: still 69 when paying on 2025-06-15 — a late payment's two-month
    # wait (第十条(二)): covered from 2025-08-16
    assert "premium" not in late_late_paid or late_late_paid["premium"] != "0.00"
    assert late_late_paid["cover_from"] == "2025-08-16"


def test_a_birthday_age_an_overlay_changes(tmp_path: Path) -> None:
    """The ages come from the stack's parameters: an overlay lowering 徐州's waiver age to
    a made-up 65 makes 64-year-olds' birthdays count, and batch still gives the engine's
    records (of two 64-year-olds paying on 2025-06-15, the one already 65 is waived)."""
    overlay = tmp_path / "xuzhou-65.toml"
    overlay.write_text(
        'layer = "FICTIONAL-xuzhou-free-age-65"\nregion = "xuzhou"\nscheme = "resident"\n'
        'marked = "fictional"\n\n[[parameter]]\nkey = "premium.elderly_free_age"\n'
        'kind = "integer"\nvalue = 65\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\n'
        'cite = "FICTIONAL test value"\n',
        encoding="utf-8",
    )
    source = _write(tmp_path / "in.jsonl", birthday_lines())
    outputs = []
    for kernel in (True, False):
        target = tmp_path / f"{kernel}.jsonl"
        batch._compiled.clear()
        config = Config(regions=("xuzhou",), kernel=kernel, overlays=(str(overlay),))
        run(source, target, config)
        outputs.append(target.read_bytes())
    batch._compiled.clear()
    assert outputs[0] == outputs[1]
    records = [json.loads(line) for line in outputs[1].splitlines()]
    early, late = records[4 * 64 + 1], records[4 * 64 + 3]  # paying 2025-06-15
    assert (early["premium"], early["cover_from"]) == ("0.00", "2025-01-02")
    assert late["cover_from"] == "2025-08-16"


FIXED_PAYMENTS = {"2024-03-10", "2024-06-10", "2024-09-10", "2024-11-20", "2025-01-10",
                  "2025-02-15", "2025-04-10", "2025-06-15", "2025-08-10"}  # fmt: skip
"""Payment days shared by children of different ages: one may be inside a window, the
other outside it, under one age on 1 January (what a too-short window would mix up)."""


def newborn_lines() -> list[str]:
    """Children born from 2023 to mid-2025, each paying on days around the regions'
    newborn windows (90 days: 常州 §二(二)1, 昌黎 三; 3 and 12 months: 徐州 第十条(三)),
    and on days shared by all of them."""
    import datetime as dt

    lines = []
    first = dt.date(2023, 1, 1)
    for step in range(0, 912, 19):
        born = first + dt.timedelta(days=step)
        after = (0, 45, 89, 90, 91, 92, 120, 300, 365, 366, 372, 373, 400)
        paid_days = {(born + dt.timedelta(days=d)).isoformat() for d in after}
        for paid in sorted(paid_days | FIXED_PAYMENTS):
            lines.append(_paying(born.isoformat(), paid, "changzhou", district="wujin"))
    return lines


def test_newborns_three_ways(tmp_path: Path) -> None:
    """The person-year key keeps a child's birth date only where a payment falls within
    the region's newborn window after birth (``Settlement.newborn_window``), or the
    child is born in the year: every child of the sweep gets the engine's record, with
    one memo across all of them."""
    lines = newborn_lines()
    source = _write(tmp_path / "in.jsonl", lines)
    out = _three_ways(source, tmp_path, REGIONS)
    _assert_same(out)
    records = {(r["line"], r["region"]): r for r in map(json.loads, out["engine"][0].splitlines())}
    index = {line: number for number, line in enumerate(lines, start=1)}

    def answer(region: str, born: str, paid: str) -> dict:
        for line, number in index.items():
            if f'"birth_date":"{born}"' in line and f'"paid_on":"{paid}"' in line:
                return records[number, region]
        raise AssertionError(f"no line born {born} paid {paid}")

    # born 2025-01-30, paid 89 days later: within 90 days, covered from birth (常州 §二(二)1)
    assert answer("changzhou", "2025-01-30", "2025-04-29")["cover_from"] == "2025-01-30"
    # 徐州: paid 120 days after birth (3-12 months): from the day after payment (第十条(三))
    assert answer("xuzhou", "2025-01-30", "2025-05-30")["cover_from"] == "2025-05-31"
