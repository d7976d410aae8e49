"""The fuzz suite: mutated scenarios, overlays and batch lines through the CLI.

Hypothesis mutates the hand-worked cases, the bundled examples and the personas (and
the regions' own parameters, as overlays), then runs ``yibao evaluate``, ``compare`` and
``batch`` in-process and holds every run to docs/reliability.md:

- exit status 0, 1 or 2 only, and never "internal error";
- no printed answer breaks a settlement invariant (:mod:`yibao.invariants`), and the
  bundled parameters never lead to a withheld ("impossible") answer;
- every run ends within :data:`SECONDS` and the process grows by at most :data:`GROWTH`.

Bounded for CI (about 2,000 examples, derandomised). The long profile is on demand::

    YIBAO_FUZZ_EXAMPLES=10000 YIBAO_FUZZ_REPORT=fuzz.json \
        uv run pytest tests/reliability/test_fuzz.py

(``YIBAO_FUZZ_EXAMPLES`` examples per test and region, random; the report file gets
each test's counts, exit statuses, slowest run and memory.)
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import resource
import tempfile
import time
import tomllib
import typing
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yibao import model
from yibao.invariants import payments_problem, violations
from yibao.results import RegionResult
from yibao.scenario_io import json_decoder, scenario_type

ROOT = Path(__file__).parents[2]
LONG = int(os.environ.get("YIBAO_FUZZ_EXAMPLES", "0"))
REGIONS = ("changzhou", "xuzhou", "changli")
SECONDS = 30.0
"""The longest any one run may take (a 10,000-claim scenario takes about two)."""
GROWTH = 512 * 1024 * 1024
"""How much the test process may grow over one fuzz test (bytes of peak RSS)."""
FICTIONAL_OVERLAYS = {
    "xuzhou": ROOT / "tests/overlays/xuzhou-fictional.toml",
    "changli": ROOT / "plugins/changli/overlays/fictional-benefits.toml",
}
"""FICTIONAL values for numbers a region's sources do not publish, so mutated overlays
on these regions reach their settlement rules."""


def _examples(ci: int) -> settings:
    """``ci`` derandomised examples in CI; ``YIBAO_FUZZ_EXAMPLES`` random ones on demand."""
    return settings(
        max_examples=LONG or ci,
        derandomize=not LONG,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# -------------------------------------------------------------------------------------
# What is mutated
# -------------------------------------------------------------------------------------


def _to_json(value: Any) -> Any:
    """A TOML document as JSON would hold it (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _pool() -> list[tuple[str | None, dict[str, Any]]]:
    """``(region the case was worked for, scenario as a JSON document)``: every
    hand-worked case, bundled example and persona."""
    out = []
    for path in sorted((ROOT / "tests/cases").glob("*/*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        out.append((doc.get("region"), _to_json(doc["scenario"])))
    for path in sorted(ROOT.glob("plugins/*/src/*/*/examples/*.toml")):
        out.append((path.parts[-5], _to_json(tomllib.loads(path.read_text(encoding="utf-8")))))
    for path in sorted((ROOT / "reports/src/yibao_reports/personas").glob("*.toml")):
        out.append((None, _to_json(tomllib.loads(path.read_text(encoding="utf-8")))))
    return out


POOL = _pool()


def _choices(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


ENUMS: dict[str, tuple[Any, ...]] = {
    "claims.kind": _choices(model.ClaimKind),
    "events.kind": _choices(model.EventKind),
    "care": _choices(model.Care),
    "facility": _choices(model.Facility),
    "scheme": _choices(model.Scheme),
    "student": _choices(model.Student),
    "employment": _choices(model.Employment),
    "sex": _choices(model.Sex),
    "excluded": _choices(model.Exclusion),
    "assistance": _choices(model.Assistance),
    "hukou": (*REGIONS, "beijing"),
    "region": (*REGIONS, "beijing"),
    "district": ("wujin", "tianning", "shiqu", "changli", "nowhere"),
    "category": ("elderly", "non_working", "university", "minor", "adult", "retiree"),
}
MONEY_FIELDS = {"compliant", "total", "blood", "contribution_base"}
DATE_FIELDS = {"birth_date", "date", "paid_on"}
BOOL_FIELDS = {"student_certified", "hmt_resident", "foreigner_permanent_residence",
               "insured_elsewhere", "reimbursed", "incentive_used", "other_province",
               "injury", "filed_before_admission"}  # fmt: skip
INT_FIELDS = {"year": (2022, 2028), "level": (0, 4), "admission": (0, 367),
              "disability_grade": (0, 5), "contribution_years": (-1, 81),
              "emergency_filed_after_days": (-1, 367),
              "months_since_transplant": (-1, 1201)}  # fmt: skip

HOSTILE: list[Any] = [
    None, True, 0, -1, 10**30, 1.5, "", " ", "0", "-0", "abc", "１２.００", "٣", "1_000",
    "1e2", "NaN", "Infinity", "9" * 40, "[/]", "[bold red]x[/]", "\x1b[2J", "\u202e", "\x00",
    "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "2025-02-30", "2025-13-01",
    "1900-01-01", "2101-01-01", "2025-01-01T00:00:00", [], {}, ["x"], {"a": 1}, "x" * 300,
]  # fmt: skip

money_text = st.one_of(
    st.integers(0, 2_000_000).map(lambda n: f"{n}.00"),
    st.decimals(0, 600_000, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["0", "0.01", "1000000000.00", "1000000000.01", "500000.00"]),
)
dates = st.dates(dt.date(1949, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
near_dates = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)).map(dt.date.isoformat)


def _valid_value(key: str, within: str = "") -> st.SearchStrategy[Any]:
    """A plausible value for field ``key`` (of an item of the list ``within``): the
    kind of input a form or a synthesiser would give, to explore what the rules do."""
    key = f"{within}.{key}" if f"{within}.{key}" in ENUMS else key
    if key in ENUMS:
        values = st.sampled_from(ENUMS[key])
        return st.lists(values, max_size=3, unique=True) if key == "assistance" else values
    if key in MONEY_FIELDS:
        return money_text
    if key in DATE_FIELDS:
        return st.one_of(near_dates, dates)
    if key in BOOL_FIELDS:
        return st.booleans()
    if key in INT_FIELDS:
        low, high = INT_FIELDS[key]
        return st.integers(low, high)
    return st.sampled_from(HOSTILE).map(copy.deepcopy)


def _moved(doc: Any, years: int) -> Any:
    """``doc`` moved ``years`` in time: the scenario's and enrolment years, every date."""
    if isinstance(doc, dict):
        return {
            k: v + years if k == "year" and isinstance(v, int) and not isinstance(v, bool)
            else _moved(v, years)
            for k, v in doc.items()
        }  # fmt: skip
    if isinstance(doc, list):
        return [_moved(v, years) for v in doc]
    if isinstance(doc, str) and len(doc) == 10 and doc[4] == "-" and doc[:4].isdigit():
        try:
            day = dt.date.fromisoformat(doc)
            return day.replace(year=day.year + years).isoformat()
        except ValueError:
            return doc
    return doc


def _paths(doc: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*here, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*here, i))
    return out


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, region: str | None = None) -> dict[str, Any]:
    """A scenario document from the pool (one worked for ``region`` when given) with up
    to four mutations: mostly a plausible value for a field (what a form or a
    synthesiser could give, to explore the rules), else a hostile value, a field
    removed or unknown, a list entry repeated, or the whole year moved."""
    pool = [doc for r, doc in POOL if region is None or r in (region, None)]
    doc = json.loads(json.dumps(draw(st.sampled_from(pool))))
    for _ in range(draw(st.integers(0, 4))):
        paths = _paths(doc)
        leaves = [p for p in paths if p and not isinstance(_at(doc, p), dict | list)]
        op = draw(st.sampled_from(["valid"] * 8 + ["repeat"] * 2 + ["year"] * 2
                                  + ["hostile", "drop", "unknown"]))  # fmt: skip
        if op == "year":
            doc = _moved(doc, draw(st.sampled_from([-2, -1, 1, 2])))
        elif op == "repeat":
            lists = [p for p in paths if isinstance(_at(doc, p), list) and _at(doc, p)]
            if lists:
                node = _at(doc, draw(st.sampled_from(lists)))
                copied = json.loads(json.dumps(draw(st.sampled_from(node))))
                if isinstance(copied, dict) and "id" in copied and draw(st.booleans()):
                    copied["id"] = f"{copied['id']}-{len(node)}"  # else: a repeated id
                node.append(copied)
        elif op == "unknown":
            dicts = [p for p in paths if isinstance(_at(doc, p), dict)]
            _at(doc, draw(st.sampled_from(dicts)))["colour"] = "red"
        elif leaves:
            path = draw(st.sampled_from(leaves))
            parent, key = _at(doc, path[:-1]), path[-1]
            name = str(key if isinstance(key, str) else path[-2])
            if op == "drop" and isinstance(parent, dict):
                del parent[key]
            elif op == "hostile":
                parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
            elif name == "date" and isinstance(doc.get("year"), int) and draw(st.booleans()):
                year = min(max(doc["year"], 1949), 2100)  # mostly within the scenario's year
                day = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
                parent[key] = day.isoformat()
            else:
                parent[key] = draw(_valid_value(name, str(path[0])))
    return doc


# -------------------------------------------------------------------------------------
# Overlays: the regions' own parameters, mutated
# -------------------------------------------------------------------------------------


def _params(region: str) -> list[tuple[str | None, Any]]:
    """``(scheme, parameter)`` of every bundled parameter of ``region``."""
    from yibao.registry import Registry

    registry = Registry()
    out = []
    for scheme in registry.region(region).layers:
        for f in registry.stack(region, scheme).params.files:
            out += [(scheme, p) for p in f.params]
    return out


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


rates = st.one_of(
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.sampled_from(["0%", "100%", "99.5%", "-0%", "101%", "1e2%", "５０%", "50"]),
)


def _band_list(draw: st.DrawFn) -> list[dict[str, str]]:
    cuts = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=1, max_size=4, unique=True)))
    bands = []
    for i, above in enumerate(cuts):
        band = {"above": str(above), "rate": draw(rates)}
        if i + 1 < len(cuts):
            band["upto"] = str(cuts[i + 1])
        bands.append(band)
    return bands


@st.composite
def overlay_entry(draw: st.DrawFn, params: list[tuple[str | None, Any]]) -> tuple[str, str]:
    """``(scheme, TOML of one [[parameter]])``: a bundled parameter with a new value of
    its kind (mostly plausible, sometimes not) over a drawn date range."""
    scheme, p = draw(st.sampled_from(params))
    kind = p.kind
    last = p.key.rsplit(".", 1)[-1]
    integers = (
        st.integers(1, 12) if "month" in last and not last.endswith("months")
        else st.integers(1, 31) if "day" in last and not last.endswith("days")
        else st.integers(2023, 2027) if last.endswith("year")
        else st.integers(0, 40)
    )  # fmt: skip
    plausible = {
        "money": money_text,
        "rate": rates,
        "integer": st.one_of(integers, st.integers(-2, 40)),
        "flag": st.booleans(),
        "text": st.sampled_from(["cost", "payment", "none", "", "x"]),
        "date": st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
        "list": st.lists(st.sampled_from([*ENUMS["claims.kind"], "x"]), max_size=4),
        "bands": st.composite(lambda d: _band_list(d))(),
    }[kind]
    value = draw(st.one_of(*[plausible] * 4, st.sampled_from(HOSTILE[:20])))
    start = draw(st.sampled_from(["2023-01-01", "2024-01-01", "2025-01-01", "2025-07-01"]))
    end = draw(st.sampled_from(["", "2025-12-31", "2026-06-30", "2030-12-31"]))
    entry = (
        f'[[parameter]]\nkey = {json.dumps(p.key)}\nkind = "{kind}"\nvalue = {_toml(value)}\n'
        f'valid_from = {start}\n{f"valid_to = {end}" if end else ""}\ncite = "FUZZ"\n'
    )
    return scheme or "", entry


# -------------------------------------------------------------------------------------
# Running the CLI and judging what it did
# -------------------------------------------------------------------------------------


class Stats:
    """What one fuzz test saw: exit statuses, outcomes, the slowest run, memory."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.statuses: Counter[int] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.slowest = 0.0
        self.start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def run(self, *args: str, expect: set[int] = frozenset({0, 1, 2})) -> tuple[int, str, str]:  # type: ignore[assignment]
        started = time.perf_counter()
        result = CliRunner().invoke(_main(), list(args))
        took = time.perf_counter() - started
        self.slowest = max(self.slowest, took)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"raised out of the CLI: {result.exception!r}"
        )
        self.statuses[result.exit_code] += 1
        assert result.exit_code in expect, (result.exit_code, result.stderr[-2000:])
        assert "internal error" not in result.stderr, result.stderr[-2000:]
        assert took < SECONDS, f"{took:.1f} s for {args}"
        return result.exit_code, result.stdout, result.stderr

    def finish(self) -> None:
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self.start_rss
        assert grown < GROWTH, f"the process grew by {grown / 2**20:.0f} MiB"
        report = os.environ.get("YIBAO_FUZZ_REPORT")
        if not report:
            return
        path = Path(report)
        found = json.loads(path.read_text()) if path.exists() else {}
        found[self.name] = {
            "runs": sum(self.statuses.values()),
            "exit_statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "outcomes": dict(sorted(self.outcomes.items())),
            "slowest_s": round(self.slowest, 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "rss_growth_mib": round(grown / 2**20),
        }
        path.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")


def _main() -> Any:
    from yibao.cli import main

    return main


@pytest.fixture(autouse=True)
def _fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    import yibao.registry

    monkeypatch.setattr(yibao.registry, "_default", None)
    for name in ("YIBAO_PLUGINS", "YIBAO_DISABLE", "YIBAO_NO_INSTALLED_OVERLAYS"):
        monkeypatch.delenv(name, raising=False)


def check_answers(stats: Stats, doc: dict[str, Any], results: list[Any], *, bundled: bool) -> None:
    """No answer breaks an invariant; with the bundled parameters none is withheld."""
    scenario = json_decoder(scenario_type()).decode(json.dumps(doc).encode())
    for raw in results:
        result = msgspec.convert(raw, type=RegionResult)
        if result.status == "error":
            withheld = (result.error or "").startswith("impossible answer")
            stats.outcomes["withheld" if withheld else "region error"] += 1
            assert not (withheld and bundled), result.error
            continue
        stats.outcomes["answered"] += 1
        stats.outcomes.update(c.status for c in result.claims)
        found = [str(v) for v in violations(result, scenario)]
        assert not found, found


def _evaluate(stats: Stats, doc: dict[str, Any], region: str, *params: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        flags = [a for p in params for a in ("--params", p)]
        code, out, _ = stats.run("evaluate", str(path), "-r", region, "--json", *flags)
        if code == 2:
            stats.outcomes["bad input"] += 1
            return
        check_answers(stats, doc, [json.loads(out)], bundled=not params)


# -------------------------------------------------------------------------------------
# The tests
# -------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", REGIONS)
def test_fuzz_evaluate_mutated_scenarios(region: str) -> None:
    stats = Stats(f"evaluate:{region}")

    @_examples(250)
    @given(doc=mutated(region))
    def run(doc: dict[str, Any]) -> None:
        overlay = FICTIONAL_OVERLAYS.get(region)
        _evaluate(stats, doc, region, *([str(overlay)] if overlay else []))

    run()
    stats.finish()


@pytest.mark.parametrize("region", REGIONS)
def test_fuzz_overlays_mutated_from_the_regions_own_parameters(region: str) -> None:
    stats = Stats(f"overlay:{region}")
    params = _params(region)
    own: dict[str, list[dict[str, Any]]] = {}
    for r, doc in POOL:  # the region's own cases, by scheme: the overlay amends theirs
        if r == region:
            own.setdefault(doc.get("person", {}).get("scheme", "resident"), []).append(doc)

    entries = st.lists(
        overlay_entry(params), min_size=1, max_size=3, unique_by=lambda e: e[1].split("\n")[1]
    )  # one entry per key

    @_examples(200)
    @given(entries=entries, data=st.data())
    def run(entries: list[tuple[str, str]], data: st.DataObject) -> None:
        scheme = entries[0][0]
        doc = data.draw(st.sampled_from(own.get(scheme) or [d for ds in own.values() for d in ds]))
        body = "\n".join(e for s, e in entries if s == scheme)
        text = f'layer = "fuzz"\nregion = "{region}"\nscheme = "{scheme}"\n\n{body}'
        with tempfile.TemporaryDirectory() as tmp:
            overlay = Path(tmp) / "fuzz.toml"
            overlay.write_text(text, encoding="utf-8")
            fictional = FICTIONAL_OVERLAYS.get(region)
            _evaluate(stats, doc, region, *([str(fictional)] if fictional else []), str(overlay))

    run()
    stats.finish()


def test_fuzz_compare_relocates_mutated_scenarios_everywhere() -> None:
    stats = Stats("compare:all")

    @_examples(300)
    @given(doc=mutated())
    def run(doc: dict[str, Any]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "case.json"
            path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            code, out, _ = stats.run("compare", str(path), "--json")
            if code == 2:
                stats.outcomes["bad input"] += 1
                return
            assert code == 0
            results = json.loads(out)["results"]
            assert [r["region"] for r in results] == sorted(REGIONS)
            for result in results:
                check_claims_only(stats, result)
            stats.run("compare", str(path), "--lang", "en")  # the terminal rendering too

    run()
    stats.finish()


def check_claims_only(stats: Stats, raw: dict[str, Any]) -> None:
    """A compare result's claims keep the invariants. Each region answers its own
    relocated scenario, which is not printed, so the bill stands for the ceiling
    (compliant + blood ≤ bill): a negative patient share is never missed."""
    result = msgspec.convert(raw, type=RegionResult)
    if result.status == "error":
        withheld = (result.error or "").startswith("impossible answer")
        stats.outcomes["withheld" if withheld else "region error"] += 1
        assert not withheld, result.error
        return
    stats.outcomes["answered"] += 1
    for c in result.claims:
        if c.status == "settled":
            problem = payments_problem(c.bill, c.bill, ((p.layer, p.amount) for p in c.layers))
            assert problem is None and c.patient is not None and c.patient >= 0, str(problem)


@st.composite
def batch_lines(draw: st.DrawFn, region: str) -> bytes:
    """A few JSON lines: mutated scenarios, some broken at the byte level (invalid
    UTF-8, truncated, a repeated key, a BOM, a blank line)."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        raw = json.dumps(draw(mutated(region)), ensure_ascii=False).encode()
        damage = draw(st.sampled_from(["none", "none", "none", "utf8", "cut", "dup", "bom",
                                       "blank"]))  # fmt: skip
        if damage == "utf8":
            at = draw(st.integers(0, len(raw)))
            raw = raw[:at] + b"\xff\xfe" + raw[at:]
        elif damage == "cut":
            raw = raw[: draw(st.integers(0, len(raw)))]
        elif damage == "dup":
            raw = raw.replace(b'{"year"', b'{"year": 2025, "year"', 1)
        elif damage == "bom":
            raw = b"\xef\xbb\xbf" + raw
        elif damage == "blank":
            raw = b"   "
        lines.append(raw.replace(b"\n", b" "))
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("region", REGIONS)
def test_fuzz_batch_lines(region: str) -> None:
    stats = Stats(f"batch:{region}")

    @_examples(60)
    @given(data=batch_lines(region), jobs=st.sampled_from(["1", "1", "2"]),
           kernel=st.booleans())  # fmt: skip
    def run(data: bytes, jobs: str, kernel: bool) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
            source.write_bytes(data)
            flags = [] if kernel else ["--no-kernel"]
            code, _, err = stats.run(
                "batch", str(source), "-r", region, "-o", str(target), "-j", jobs, *flags,
                expect={0, 1},
            )  # fmt: skip
            records = [json.loads(x) for x in target.read_bytes().splitlines()]
            assert len(records) == sum(1 for x in data.split(b"\n") if x.strip())
            assert (code == 1) == any(r["status"] == "bad_input" for r in records), err
            for r in records:
                stats.outcomes[r["status"]] += 1
                assert not (r.get("error") or "").startswith("impossible answer"), r["error"]
                for c in r.get("claims", ()):
                    if c["status"] != "settled":
                        continue
                    paid = [(k, Decimal(v)) for k, v in c["layers"].items()]
                    bill = Decimal(c["bill"])
                    assert payments_problem(bill, bill, paid) is None
                    assert Decimal(c["patient"]) == bill - sum((a for _, a in paid), Decimal(0))

    run()
    stats.finish()
