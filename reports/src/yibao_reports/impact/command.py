"""``yibao impact``: a reform against a baseline over a population (``yibao.commands``).

The engine, matplotlib and Rich are imported inside the command, so ``yibao --help``
stays fast. Errors follow the CLI's conventions: one message naming the file and the
field, exit status 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from yibao.cli_common import guard, lang_option, progress, region_list

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".csv": "csv"}
SCHEMES = ("resident", "employee")


@click.command()
@click.argument(
    "population", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)  # fmt: skip
@click.option("--region", "-r", "region", help="Region code (or codes, comma-separated).")
@click.option("--regions", "regions", help="Region codes, comma-separated, side by side.")
@click.option("--reform", multiple=True, required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Overlay TOML: the reform (repeatable; on top of the baseline).")  # fmt: skip
@click.option("--baseline", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Parameter overlay TOML for the baseline too (repeatable).")  # fmt: skip
@click.option("--scheme", type=click.Choice(SCHEMES), help="Only people of this scheme.")
@click.option("--year", type=click.IntRange(1949, 2100),
              help="Settle every case as if in YEAR (dates move, amounts stay).")  # fmt: skip
@click.option("--columns", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Column mapping TOML of a claims table (CSV or Parquet).")  # fmt: skip
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The report: .html, .md (charts beside it), .json or .csv.")  # fmt: skip
@click.option("--format", "-f", "fmt", type=click.Choice(["html", "md", "json", "csv"]),
              help="Report format (default: from the output's suffix).")  # fmt: skip
@click.option("--thresholds", default="10000,20000,50000", show_default=True,
              help="Yearly burdens (yuan): people above each are counted.")  # fmt: skip
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes for the local engine.")  # fmt: skip
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (default: a local in-process cluster).")
@click.option("--as-given", is_flag=True,
              help="Evaluate the facts literally, not as if living in each region.")  # fmt: skip
@click.option("--no-kernel", is_flag=True, help="Let the engine settle every case.")
@click.option("--no-charts", is_flag=True, help="Leave the charts out.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@lang_option
@guard
def impact(
    population: Path,
    region: str | None,
    regions: str | None,
    reform: Sequence[Path],
    baseline: Sequence[Path],
    scheme: str | None,
    year: int | None,
    columns: Path | None,
    output: Path,
    fmt: str | None,
    thresholds: str,
    jobs: int,
    engine: str,
    scheduler: str | None,
    as_given: bool,
    no_kernel: bool,
    no_charts: bool,
    quiet: bool,
    lang: str,
) -> None:
    """What a reform costs the fund over POPULATION, and who pays less or more.

    POPULATION is scenario lines (.jsonl, e.g. from `yibao synth`) or a claims table
    (.csv or .parquet with --columns MAPPING.toml). Every person is settled under the
    baseline (bundled parameters plus --baseline overlays) and under the reform (plus
    --reform overlays) by the batch engine; the report compares fund outlays per layer,
    breakdowns, the burden distribution, gains and losses, and lists what the reform
    changed. See docs/impact.md.
    """
    from yibao.impact.study import study
    from yibao.registry import default_registry

    kind = fmt or FORMATS.get(output.suffix.lower())
    if kind is None:
        raise click.BadParameter(
            "name a .html, .md, .json or .csv file, or give --format", param_hint="-o"
        )
    codes = ",".join(c for c in (region, regions) if c)
    if not codes:
        raise click.UsageError("name the region(s): --region CODE or --regions A,B,C")
    registry = default_registry()
    chosen = region_list(codes, registry)
    limits = _thresholds(thresholds)
    with ExitStack() as stack:
        client = None
        if engine == "dask":
            from yibao.batch import dask_runner

            client = dask_runner.client_for(scheduler)
            stack.callback(client.close)
        found = study(
            population,
            regions=chosen,
            registry=registry,
            reform=reform,
            baseline=baseline,
            columns=columns,
            scheme=scheme,
            year=year,
            thresholds=limits,
            jobs=jobs,
            client=client,
            progress=lambda total: stack.enter_context(progress(total, "settling", in_bytes=True)),
            kernel=not no_kernel,
            relocate=not as_given,
        )
    view = _view(found, registry)
    _write(view, kind, output, lang, charts=not no_charts)
    if not quiet:
        click.echo(_summary(view), err=True)


def _thresholds(text: str) -> tuple[int, ...]:
    from yibao.impact.distribution import to_fen
    from yibao.money import parse_money

    try:
        found = sorted({to_fen(parse_money(p.strip())) for p in text.split(",") if p.strip()})
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--thresholds") from None
    return tuple(found)


def _view(found: Any, registry: Any) -> Any:
    from yibao_reports.impact.view import build_view

    categories: dict[str, dict[str, tuple[str, str]]] = {}
    for code in found.regions:
        try:
            info = registry.region(code).info
        except Exception:
            continue  # a broken region: its answers already say why
        categories[code] = {
            c.code: (c.name_zh, c.name_en) for s in info.schemes for c in s.categories
        }
    return build_view(found, categories)


def _write(view: Any, kind: str, output: Path, lang: str, *, charts: bool) -> None:
    from yibao.errors import InputError

    try:
        if kind == "json":
            from yibao_reports.impact.data import to_json

            _text(output, to_json(view))
        elif kind == "csv":
            from yibao_reports.impact.data import to_csv

            _text(output, to_csv(view))
        else:
            from yibao_reports.impact.charts import svg_charts

            svgs = svg_charts(view) if charts else {}
            if kind == "html":
                from yibao_reports.impact.html import to_html

                _text(output, to_html(view, lang, svgs))
            else:
                from yibao_reports.impact.markdown import write_markdown

                write_markdown(view, output, lang, svgs)
    except OSError as exc:
        raise InputError(str(output), f"cannot write the report: {exc.strerror}") from None


def _text(output: Path, text: str) -> None:
    with output.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _summary(view: Any) -> str:
    """A few lines for the terminal: people compared and left out, the change in fund
    outlay, and who gains or loses, per region."""
    run = view.run
    impact = run.impact
    lines = [f"people read {impact.lines:,}, bad lines {impact.bad_lines:,}"]
    if run.population.rows is not None:
        lines[0] += f" (table rows {run.population.rows:,}, bad rows "
        lines[0] += f"{sum(e.count for e in run.population.bad_rows.values()):,})"
    if impact.seconds is not None:
        lines[0] += f", {impact.seconds:.2f} s"
    for code, part in impact.regions.items():
        left = sum(e.count for e in part.excluded.values())
        before, after = part.baseline.total.funds, part.reform.total.funds
        change = after - before
        pct = f" ({change * 100 / before:+.1f}%)" if before else ""
        lines.append(f"{code}: compared {part.people:,}, left out {left:,}")
        lines.append(f"  funds {before:,.2f} -> {after:,.2f}, change {change:+,.2f}{pct}")
        c = part.change
        lines.append(f"  pay less {c.gain:,}, more {c.lose:,}, unchanged {c.same:,}")
    return "\n".join(lines)
