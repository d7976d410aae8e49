"""yibao report and yibao personas: goldens, HTML, determinism, every persona, Chromium.

Goldens use two fictional regions (fake_regions.py) so they change only when the report
does. Regenerate them after an intended change with:

    YIBAO_UPDATE_GOLDEN=1 uv run pytest tests/reports
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from yibao.cli import main

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
UPDATE = bool(os.environ.get("YIBAO_UPDATE_GOLDEN"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised out of the CLI: {result.exception!r}"
    )
    return result.exit_code, result.stdout, result.stderr


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no golden {path}; run with YIBAO_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden; if intended, regenerate: "
        "YIBAO_UPDATE_GOLDEN=1 uv run pytest tests/reports"
    )


# -- goldens ---------------------------------------------------------------------------


def test_markdown_golden(fake_report) -> None:
    from yibao_reports.charts import chart_names
    from yibao_reports.markdown import to_markdown

    links = {n: f"report-{n}.svg" for n in chart_names(fake_report)}
    check_golden("report.zh.md", to_markdown(fake_report, "zh", links))
    check_golden("report.en.md", to_markdown(fake_report, "en", links))


def test_json_golden(fake_report) -> None:
    from yibao_reports.data import to_json

    text = to_json(fake_report)
    check_golden("report.json", text)
    data = json.loads(text)
    late = data["scenarios"][0]["columns"][0]
    assert late["premium"] == "300.00"  # money as decimal strings
    assert late["claims"][1]["layers"][0] == {"layer": "basic_fund", "amount": "13300.00"}


def test_differences_are_said(fake_report) -> None:
    late = next(s for s in fake_report.scenarios if s.source.endswith("late-payer.toml"))
    text = "\n".join(d.en for d in late.differences)
    # claims are named by what they are (kind, date, hospital), not the scenario's ids
    assert "Claim (inpatient · 2025-02-10 · level 3 hospital): Alpha, Beta not covered" in text
    assert "Claim early" not in text
    assert "premium is not known in Beta" in text
    assert "lowest first, Alpha 8700.00 < Beta 12250.00" in text  # who pays less for the admission


def test_citations_are_deduplicated_and_sorted(fake_report) -> None:
    cites = [c.cite for c in fake_report.citations]
    assert cites == sorted(set(cites))
    assert "alpha-policy-2025 §4" in cites and "beta-policy-2025 §5" in cites
    assert fake_report.citations[0].source_title == "甲市虚构政策 (fictional)"


def test_csv_is_long_format(fake_report) -> None:
    from yibao_reports.data import CSV_COLUMNS, to_csv

    lines = to_csv(fake_report).splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert "scenarios/on-time.toml,alpha,resident,claim,stay,basic_fund,6300.00" in lines
    assert any(line.startswith("chart:premiums,beta,") for line in lines)


# -- HTML ------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.svgs = 0
        self.figures: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.svgs += tag == "svg"
        values = dict(attrs)
        if tag == "figure":
            self.figures.append(values.get("id") or "")
        for key in ("src", "href"):
            value = values.get(key) or ""
            if value.startswith(("http:", "https:", "//")) and tag in ("script", "link", "img"):
                self.external.append(value)


def test_html_parses_and_embeds_every_chart(fake_report) -> None:
    from yibao_reports.charts import chart_names, svg_charts
    from yibao_reports.html import to_html

    charts = svg_charts(fake_report)
    assert list(charts) == chart_names(fake_report) == ["patient-share-resident", "premiums"]
    parser = _Tags()
    parser.feed(to_html(fake_report, "en", charts))
    parser.close()
    assert parser.figures == [f"chart-{n}" for n in charts]
    assert parser.svgs == len(charts)
    assert parser.external == []  # nothing fetched at view time


# -- the command -----------------------------------------------------------------------


def _persona_count() -> int:
    from yibao_reports.personas import persona_paths

    return len(persona_paths())


def test_report_over_all_personas_and_all_regions(registry) -> None:
    code, out, err = run("report", "--personas", "--format", "json", "--grid", "20000,200000")
    assert code == 0, err
    data = json.loads(out)
    assert data["regions"] == registry.codes()
    assert len(data["scenarios"]) == _persona_count()
    for section in data["scenarios"]:
        assert [c["region"] for c in section["columns"]] == registry.codes()
    assert data["share_charts"] and data["premiums"] and data["citations"]


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    for fmt in ("html", "md", "csv", "terminal"):
        outputs = []
        for run_dir in ("a", "b"):
            target = tmp_path / run_dir / f"report.{fmt}"
            target.parent.mkdir(exist_ok=True)
            args = ("report", "elderly-stroke-level3", "newborn-late-enrolment",
                    "-f", fmt, "-o", str(target), "--grid", "5000,50000")  # fmt: skip
            assert run(*args)[0] == 0
            outputs.append({p.name: p.read_bytes() for p in sorted(target.parent.iterdir())})
        assert outputs[0] == outputs[1], fmt
    md_dir = tmp_path / "a"
    assert (md_dir / "report-premiums.svg").exists()
    assert "](report-patient-share-resident.svg)" in (md_dir / "report.md").read_text()


def test_terminal_and_csv_to_stdout() -> None:
    code, out, _ = run("report", "university-student", "--lang", "en", "--no-charts")
    assert code == 0 and "Appendix: citations" in out and "university student" in out
    code, out, _ = run("report", "university-student", "-f", "csv", "--no-charts")
    assert code == 0 and out.startswith("scenario,region,scheme,section,item,field,value")


def test_bad_scenario_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('year = 2025\n[person]\nbirth_date = 1980-01-01\n[[claims]]\nid = "x"\n'
                   'date = 2025-01-02\nkind = "inpatient"\ncompliant = "lots"\n')  # fmt: skip
    code, _, err = run("report", str(bad), "--no-charts")
    assert code == 2
    assert str(bad) in err and "$.claims[0].compliant" in err
    code, _, err = run("report", str(tmp_path / "missing.toml"))
    assert code == 2 and "missing.toml" in err
    code, _, err = run("report", "--personas", "--grid", "12,abc")
    assert code == 2 and "--grid" in err
    code, _, err = run("report")
    assert code == 2 and "--personas" in err


def test_personas_library() -> None:
    from yibao.scenario_io import load_scenario
    from yibao_reports.personas import persona_paths

    paths = persona_paths()
    assert len(paths) >= 12
    for path in paths:
        scenario = load_scenario(path)
        assert scenario.title and " · " in scenario.title, path.name
        assert "\n" not in scenario.title
    code, out, _ = run("personas", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [p["name"] for p in listed] == [p.stem for p in paths]
    assert run("personas")[0] == 0


def test_help_does_not_import_plotting_or_engine() -> None:
    code = (
        "import sys, yibao_reports.command; "
        "bad = [m for m in ('matplotlib', 'rich', 'yibao.engine') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# -- headless Chromium -----------------------------------------------------------------


def test_html_renders_in_headless_chromium(tmp_path: Path, screenshot) -> None:
    """The HTML is also checked by html.parser above; here a browser draws it."""
    page = tmp_path / "report.html"
    args = (
        "report",
        "elderly-stroke-level3",
        "-f",
        "html",
        "-o",
        str(page),
        "--grid",
        "5000,50000",
    )
    assert run(*args)[0] == 0
    screenshot(page, 2400)


# -- charts anyone can read (issue 20) -------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(svg: str) -> list[str]:
    """The text of every ``<text>`` element (matplotlib writes one per label)."""
    return [unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def test_chinese_charts_are_text_with_a_title(fake_report) -> None:
    """Chinese labels, written as selectable text (no glyphs drawn as paths), each chart
    named for assistive technology by a ``<title>`` and a ``<desc>``."""
    from yibao_reports.charts import svg_charts

    for name, svg in svg_charts(fake_report, "zh").items():
        head = svg[: svg.index(">", svg.index("<svg")) + 1]
        assert 'role="img"' in head, name
        title = re.search(r"<title>([^<]+)</title><desc>([^<]+)</desc>", svg)
        assert title and svg.index("<title>") == len(head), name  # the first child
        assert CJK.search(title[1]) and CJK.search(title[2]), title.groups()
        texts = _texts(svg)
        assert "甲市 2025" in texts or "甲市" in texts, texts  # region names, in Chinese
        assert sum(bool(CJK.search(t)) for t in texts) >= 4, texts
        assert "DejaVuSans-" not in svg  # no glyph outlines: text stays text
    en = svg_charts(fake_report, "en")
    assert not any(CJK.search(t) for svg in en.values() for t in _texts(svg))


def test_tick_labels_read_as_amounts_and_percents(fake_report) -> None:
    from yibao_reports.charts import amount_label, svg_charts

    assert amount_label(833333.33, "en") == "833,333"
    assert amount_label(833333.33, "zh") == "83.33万"
    assert (amount_label(10_000, "zh"), amount_label(1_000_000, "zh")) == ("1万", "100万")
    assert amount_label(1000, "zh") == "1,000"
    for lang in ("zh", "en"):
        for name, svg in svg_charts(fake_report, lang).items():
            for text in _texts(svg):
                # no long float (833333.3) nor exponent; amounts on bars are money (x.yy)
                assert not re.search(r"\d\.\d(?!\d)|\d\.\d{3,}|e[+-]\d", text), (name, text)
            if name.startswith("patient-share"):
                assert {"0%", "50%"} & set(_texts(svg)) or "100%" in _texts(svg)
                assert ("1万" if lang == "zh" else "10,000") in _texts(svg), _texts(svg)


def test_series_differ_by_marker_and_line_style_not_colour_alone(fake_report) -> None:
    from yibao_reports.charts import PALETTE, _share_figure, _styles

    okabe_ito = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                 "#000000", "#F0E442"}  # fmt: skip
    assert set(PALETTE) == okabe_ito
    styles = _styles(fake_report)
    chart = fake_report.share_charts[0]
    fig = _share_figure(chart, styles, "en", "t")
    lines = [line for ax in fig.axes for line in ax.get_lines() if line.get_label()[0] != "_"]
    assert {line.get_label() for line in lines} == {"Alpha 2025", "Beta 2025"}
    by_region = {line.get_label(): (line.get_marker(), line.get_linestyle()) for line in lines}
    assert by_region["Alpha 2025"][0] != by_region["Beta 2025"][0]  # markers differ
    assert by_region["Alpha 2025"][1] != by_region["Beta 2025"][1]  # and dash patterns
    hatches = {style["hatch"] for style in styles.values()}
    assert len(hatches) == len(styles)  # bars: one hatching per region


# -- on paper --------------------------------------------------------------------------


def test_print_css_asks_for_a4_repeated_headers_and_whole_charts() -> None:
    from yibao_reports.html import CSS

    print_css = CSS[CSS.index("@media print") :]
    assert "@page { size: A4" in CSS
    assert "thead { display: table-header-group; }" in print_css
    assert "figure { break-inside: avoid" in print_css
    assert "details::details-content { content-visibility: visible" in print_css


def _pdf_text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True).stdout


def test_html_prints_on_a4_with_notices_and_whole_charts(tmp_path: Path, print_to_pdf) -> None:
    """Chromium's print-to-PDF: A4 pages; the notices folded on screen are on paper; each
    chart's title and its caption on the same page (the chart is not split)."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed")
    page = tmp_path / "report.html"
    args = ("report", "elderly-stroke-level3", "newborn-late-enrolment", "--lang", "zh",
            "-f", "html", "-o", str(page), "--grid", "5000,50000,200000")  # fmt: skip
    assert run(*args)[0] == 0
    pdf = print_to_pdf(page)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    texts = [_pdf_text(pdf, n) for n in range(1, pages + 1)]
    whole = "".join(texts)
    assert "已加载的政策来源未公布" in whole  # a notice, inside <details> on screen
    for title, caption in (("各类人员的个人年缴费", "各类人员在各地的个人年缴费"),
                           ("一次本地住院个人负担", "一次本地住院中个人负担")):  # fmt: skip
        on = [i for i, text in enumerate(texts) if title in text]
        assert on and caption in texts[on[0]], (title, on)
