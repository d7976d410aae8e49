"""``yibao report`` and ``yibao personas``: commands added through ``yibao.commands``.

matplotlib, Rich and the engine are imported inside the commands, so ``yibao --help``
stays fast. Errors follow the CLI's conventions: one message naming the file and the
field, exit status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from yibao.cli_common import guard, lang_option, params_option, progress, region_list

FORMATS = ("terminal", "md", "html", "json", "csv")


@click.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--personas", "with_personas", is_flag=True, help="Add every bundled persona.")
@click.option("--regions", "-r", "codes", help="Comma-separated region codes (default: all).")
@click.option(
    "--format", "-f", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@params_option
@lang_option
@click.option(
    "--grid",
    help="Compliant amounts sampled for the patient-share chart, comma-separated "
    "(default: 500 … 1,000,000 in 22 steps).",
)
@click.option("--no-charts", is_flag=True, help="Leave the charts out (faster).")
@guard
def report(
    scenarios: Sequence[Path],
    with_personas: bool,
    codes: str | None,
    fmt: str,
    output: Path | None,
    params: Sequence[Path],
    lang: str,
    grid: str | None,
    no_charts: bool,
) -> None:
    """Compare SCENARIO files (TOML or JSON, or persona names) across regions, as if the
    person lived in each: tables, differences in words, charts and cited sources."""
    from yibao.registry import default_registry, load_overlays

    from yibao_reports import samples
    from yibao_reports.build import build_report, work_units

    sources = _sources(scenarios, with_personas)
    registry = default_registry()
    regions = region_list(codes, registry)
    overlays = load_overlays(params)
    registry.check_targets(overlays, regions)
    amounts = () if no_charts else (_grid(grid) if grid else samples.DEFAULT_GRID)
    total = work_units(len(sources), regions, amounts)
    with progress(total, "yibao report", minimum=20) as tick:
        built = build_report(
            sources, regions, registry=registry, overlays=overlays, grid=amounts, tick=tick
        )
    _write(built, fmt, output, lang)


def _sources(paths: Sequence[Path], with_personas: bool) -> list[tuple[str, Any]]:
    from yibao.scenario_io import load_scenario

    from yibao_reports.personas import persona_name, persona_paths

    if not paths and not with_personas:
        raise click.UsageError("give SCENARIO files, persona names or --personas")
    bundled = {p.stem: p for p in persona_paths()}
    out = []
    for path in paths:
        name = path.name.removesuffix(".toml")
        if not path.exists() and name in bundled:
            out.append((persona_name(bundled[name]), load_scenario(bundled[name])))
        elif not path.exists() and str(path) != "-":
            raise _no_such_file_or_persona(path, sorted(bundled))
        else:
            out.append((str(path), load_scenario(path)))
    if with_personas:
        out += [(persona_name(p), load_scenario(p)) for p in persona_paths()]
    return out


def _no_such_file_or_persona(path: Path, personas: list[str]) -> Exception:
    """A name that is neither a file nor a persona: say so, with the nearest personas and
    the whole list (``yibao personas`` shows their stories)."""
    import difflib

    from yibao.errors import InputError

    near = difflib.get_close_matches(path.name.removesuffix(".toml"), personas, n=2, cutoff=0.5)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    hint_zh = f"是否要写 {' 或 '.join(near)}？" if near else ""
    listing = ", ".join(personas)
    return InputError(
        str(path),
        f"no such scenario file or persona; {hint}the personas are: {listing} "
        "(yibao personas tells their stories)",
        f"没有这个情形文件或样例人员；{hint_zh}样例人员有：{listing}（yibao personas 列出其简介）",
    )


def _grid(text: str) -> tuple[Any, ...]:
    from yibao.money import parse_money

    try:
        amounts = tuple(sorted({parse_money(p.strip()) for p in text.split(",") if p.strip()}))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--grid") from None
    if not amounts:
        raise click.BadParameter("give at least one amount", param_hint="--grid")
    return amounts


def _write(built: Any, fmt: str, output: Path | None, lang: str) -> None:
    if fmt == "terminal":
        _terminal(built, output, lang)
        return
    if fmt == "json":
        from yibao_reports.data import to_json

        text = to_json(built)
    elif fmt == "csv":
        from yibao_reports.data import to_csv

        text = to_csv(built)
    elif fmt == "html":
        from yibao_reports.charts import svg_charts
        from yibao_reports.html import to_html

        text = to_html(built, lang, svg_charts(built, lang))
    elif output is not None:
        _markdown_files(built, output, lang)
        return
    else:
        from yibao_reports.markdown import to_markdown

        text = to_markdown(built, lang, None)
    _emit(text, output)


def _markdown_files(built: Any, output: Path, lang: str) -> None:
    """Markdown with its chart SVGs beside it."""
    from yibao.errors import InputError

    from yibao_reports.charts import svg_charts
    from yibao_reports.markdown import write_markdown

    try:
        write_markdown(built, output, lang, svg_charts(built, lang))
    except OSError as exc:
        raise InputError(str(output), f"cannot write the report: {exc.strerror}") from None


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with output.open("w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except OSError as exc:
        from yibao.errors import InputError

        raise InputError(str(output), f"cannot write the report: {exc.strerror}") from None


def _terminal(built: Any, output: Path | None, lang: str) -> None:
    from yibao.render import console

    from yibao_reports.terminal import print_report

    if output is None:
        print_report(built, console(), lang)
        return
    try:
        with output.open("w", encoding="utf-8", newline="\n") as f:
            print_report(built, console(file=f, width=120, color_system=None), lang)
    except OSError as exc:
        from yibao.errors import InputError

        raise InputError(str(output), f"cannot write the report: {exc.strerror}") from None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")
def personas(as_json: bool) -> None:
    """List the bundled personas: name and one-line story (use them with `yibao report`)."""
    from yibao.scenario_io import load_scenario

    from yibao_reports.personas import persona_name, persona_paths

    rows = []
    for path in persona_paths():
        scenario = load_scenario(path)
        rows.append(
            {
                "name": path.stem,
                "file": persona_name(path),
                "year": scenario.year,
                "scheme": scenario.person.scheme,
                "title": scenario.title or "",
            }
        )
    if as_json:
        from yibao.render import print_json

        print_json(rows)
        return
    from rich.table import Table
    from yibao.render import console

    table = Table(title="personas · yibao report NAME | --personas", title_justify="left")
    for col in ("name", "year", "scheme", "story"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["name"], str(row["year"]), row["scheme"], row["title"])
    console().print(table)
