"""Export the comparison through the report package (``yibao report``'s Python API).

The report package renders engine results; this module only chooses its inputs (the
case, the compared regions, the language) and where the file goes. ``yibao-reports`` is
optional: :func:`available` says whether it can be imported, and nothing here imports it
before :func:`write_report` is called.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from yibao.model import Scenario
from yibao.registry import Registry

from yibao_tui.domain.i18n import Lang

FORMATS: dict[str, str] = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
"""The file endings the export understands, and the report format each means."""


def available() -> bool:
    """Whether ``yibao-reports`` is installed (and imports)."""
    try:
        importlib.import_module("yibao_reports.build")
    except ImportError:
        return False
    return True


def format_of(path: str | Path) -> str | None:
    """``"html"`` or ``"md"`` by the file's ending, ``None`` for any other."""
    return FORMATS.get(Path(path).suffix.lower())


def default_path(case_path: str | None) -> str:
    """In the current directory, named after the case file (``case.toml`` →
    ``case-report.html``), else ``yibao-report.html``: short enough to read and edit in
    the dialog (a case may come from a folder the clerk must not write to)."""
    return f"{Path(case_path).stem}-report.html" if case_path else "yibao-report.html"


def write_report(
    scenario: Scenario,
    regions: Sequence[str],
    path: str | Path,
    *,
    registry: Registry,
    lang: Lang,
    source: str,
    charts: bool = False,
) -> list[Path]:
    """Write the report of ``scenario`` across ``regions`` to ``path`` (format by its
    ending). Returns the files written: the report, then any chart SVGs beside a
    Markdown file. Raises ``ValueError`` for an unknown ending, ``OSError`` when a file
    cannot be written, ``ImportError`` when the report package is missing."""
    from yibao_reports.build import build_report
    from yibao_reports.samples import DEFAULT_GRID

    target = Path(path)
    fmt = format_of(target)
    if fmt is None:
        raise ValueError(f"{target.name}: use .html or .md")
    grid = DEFAULT_GRID if charts else ()
    built = build_report([(source, scenario)], list(regions), registry=registry, grid=grid)
    svgs = _charts(built, lang) if charts else {}
    if fmt == "html":
        from yibao_reports.html import to_html

        return [_write(target, to_html(built, lang, svgs))]
    return _markdown(built, target, lang, svgs)


def _charts(built: object, lang: Lang) -> dict[str, str]:
    """The report's charts, labelled in the TUI's language like its tables."""
    from yibao_reports.charts import svg_charts

    return svg_charts(built, lang)  # type: ignore[arg-type]


def _markdown(built: object, target: Path, lang: Lang, svgs: dict[str, str]) -> list[Path]:
    from yibao_reports.markdown import write_markdown

    return write_markdown(built, target, lang, svgs)  # type: ignore[arg-type]


def _write(target: Path, text: str) -> Path:
    with target.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return target
