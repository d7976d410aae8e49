"""yibao impact as a user runs it: every report format, side by side regions, errors,
determinism, and the HTML in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from impact_helpers import DOCS, REFORM, table_rows, write_csv
from yibao.cli import main

XUZHOU = Path(__file__).parents[1] / "overlays" / "xuzhou-fictional.toml"


def impact(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["impact", *args], terminal_width=80)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised out of the CLI: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


def report(population: Path, target: Path, *extra: str) -> str:
    code, _, err = impact(str(population), "-r", "changzhou", "--reform", str(REFORM),
                          "-o", str(target), *extra)  # fmt: skip
    assert code == 0, err
    return err


class _Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.svgs = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"])  # type: ignore[arg-type]
        self.svgs += tag == "svg"
        self.scripts += tag == "script"


def test_html_report_is_self_contained_and_says_the_reform_is_fictional(
    hand_population: Path, tmp_path: Path
) -> None:
    page = tmp_path / "impact.html"
    summary = report(hand_population, page, "--lang", "en")
    text = page.read_text(encoding="utf-8")
    parts = _Parts()
    parts.feed(text)
    assert parts.scripts == 0 and parts.svgs == 3
    for section in ("rules", "people", "outlays", "by.level", "burden", "gains", "thresholds",
                    "left-out", "chart-outlay", "chart-burden", "chart-gains"):  # fmt: skip
        assert section in parts.ids
    assert "marked fictional or hypothetical" in text
    assert "FICTIONAL example reform" in text
    assert "+910.00 (+0.2%)" in text  # basic fund, worked out in the case file
    assert "-212.00 (-0.2%)" in text  # critical illness
    assert "5900.00–5910.00" in text  # the baseline median's bucket
    assert "claims not settled (undetermined) — line 8" in text
    # The terminal summary fits 80 columns.
    assert all(len(line) <= 80 for line in summary.splitlines())
    assert "pay less 6, more 0, unchanged 4" in summary


def test_the_same_inputs_give_the_same_bytes(hand_population: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    report(hand_population, first)
    report(hand_population, second)
    assert first.read_bytes() == second.read_bytes()


def test_markdown_json_and_csv(hand_population: Path, tmp_path: Path) -> None:
    md = tmp_path / "impact.md"
    report(hand_population, md, "--lang", "en")
    text = md.read_text(encoding="utf-8")
    assert "| bills | 686,400.00 | 686,400.00 | 0 |" in text
    for chart in ("outlay", "burden", "gains"):
        assert (tmp_path / f"impact-{chart}.svg").exists()
        assert f"(impact-{chart}.svg)" in text

    data = tmp_path / "impact.json"
    report(hand_population, data)
    doc = json.loads(data.read_text(encoding="utf-8"))
    assert doc["yibao_impact"] == 1
    part = doc["impact"]["regions"]["changzhou"]
    assert part["people"] == 10 and part["change"]["gained"] == "698.00"
    assert doc["derived"]["changzhou"]["baseline"]["deciles"][4] == ["5900.00", "5910.00"]
    assert doc["derived"]["changzhou"]["baseline"]["mean_burden"] == "14654.00"

    table = tmp_path / "impact.csv"
    report(hand_population, table)
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    basic = next(r for r in rows if r["item"] == "layer.basic_fund")
    assert (basic["baseline"], basic["reform"], basic["change"], basic["change_pct"]) == (
        "446420.00", "447330.00", "910.00", "0.2"
    )  # fmt: skip


def test_the_dask_engine_gives_the_local_engines_study(
    hand_population: Path, tmp_path: Path
) -> None:
    studies = []
    for engine in ("local", "dask"):
        out = tmp_path / f"{engine}.json"
        report(hand_population, out, "--engine", engine, "-q")
        doc = json.loads(out.read_text(encoding="utf-8"))
        studies.append((doc["impact"]["regions"], doc["derived"], doc["rules"]))
    assert studies[0] == studies[1]


def test_regions_side_by_side_say_where_numbers_come_from(
    hand_population: Path, tmp_path: Path
) -> None:
    """The same people under 常州's and 徐州's rules; 徐州's benefit tables come from a
    (fictional) baseline overlay, which the report says at the top, and the 常州 reform
    does not apply to 徐州."""
    page = tmp_path / "side.html"
    code, _, err = impact(str(hand_population), "--regions", "changzhou,xuzhou",
                          "--reform", str(REFORM), "--baseline", str(XUZHOU),
                          "-o", str(page), "--lang", "en")  # fmt: skip
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert f"Xuzhou (xuzhou, resident): some baseline numbers come from {XUZHOU}" in text
    assert "Xuzhou (xuzhou, resident): the reform&#x27;s files do not apply here" in text
    assert '<th class="region" colspan="3">Xuzhou (xuzhou)</th>' in text
    assert "xuzhou: compared" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.txt"], "name a .html, .md, .json or .csv file"),
        (["-o", "out.html", "-r", "nowhere"], "unknown region 'nowhere'"),
        (["-o", "out.html", "--reform", "missing.toml"], "missing.toml: cannot read"),
    ],
)
def test_bad_arguments_exit_2_with_one_message(
    hand_population: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    base = [str(hand_population), "--reform", str(REFORM)]
    if "-r" not in args:
        base += ["-r", "changzhou"]
    code, _, err = impact(*base, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_the_documented_claims_table_example_is_the_hand_worked_population(
    hand_case: dict, tmp_path: Path
) -> None:
    """docs/examples/claims-table.csv is tests/impact/cases' population as a table; run
    with its documented mapping, it gives the worked-out totals."""
    fresh = write_csv(tmp_path / "fresh.csv", table_rows(hand_case))
    example = DOCS / "claims-table.csv"
    assert example.read_bytes() == fresh.read_bytes(), "regenerate docs/examples/claims-table.csv"
    out = tmp_path / "impact.json"
    code, _, err = impact(str(example), "--columns", str(DOCS / "claims-table-mapping.toml"),
                          "-r", "changzhou", "--reform", str(REFORM), "-o", str(out))  # fmt: skip
    assert code == 0, err
    part = json.loads(out.read_text(encoding="utf-8"))["impact"]["regions"]["changzhou"]
    assert part["people"] == 10 and part["change"]["gained"] == "698.00"
    assert "table rows 13, bad rows 0" in err


def test_a_claims_table_needs_its_mapping(tmp_path: Path) -> None:
    table = tmp_path / "claims.csv"
    table.write_text("psn_no\nP1\n", encoding="utf-8")
    code, _, err = impact(str(table), "-r", "changzhou", "--reform", str(REFORM),
                          "-o", str(tmp_path / "x.html"))  # fmt: skip
    assert code == 2 and "claims.csv: a claims table needs its column mapping: --columns" in err


def test_html_renders_in_headless_chromium(
    hand_population: Path, tmp_path: Path, screenshot
) -> None:
    page = tmp_path / "impact.html"
    report(hand_population, page)
    screenshot(page, 3000)
