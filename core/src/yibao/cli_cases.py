"""``yibao test PATH…``: run worked cases (docs/cases.md) against the installed regions.

One line per case (``PASS``, ``FAIL`` with a table of the values that differ and the
case's own working, ``ERROR`` with the reason), then ``N passed, N failed, N errors``.
Exit status 0 when every case passes, 1 otherwise, 2 when a path does not exist or
names no case file — so a plugin vendor's CI can run its cases without this
repository's pytest.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from yibao.cli_common import guard

MARK = {"pass": ("PASS", "green"), "fail": ("FAIL", "red"), "error": ("ERROR", "red")}


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the cases that do not pass.")
@guard
def test(paths: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Run the worked cases in PATHS (TOML or JSON files, or folders of them) and
    compare every expected value; exit 1 when any case fails."""
    from yibao.errors import YibaoError
    from yibao.worked import case_files, run_cases

    for path in paths:
        if not path.exists():
            raise YibaoError(f"{path}: no such file or folder")
    files = case_files(paths)
    if not files:
        raise YibaoError(f"no case files (*.toml, *.json) in {', '.join(map(str, paths))}")
    outcomes = run_cases(files)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("pass", "fail", "error")}
    if as_json:
        from yibao.render import print_json

        print_json({"passed": counts["pass"], "failed": counts["fail"],
                    "errors": counts["error"], "cases": outcomes})  # fmt: skip
    else:
        for outcome in outcomes:
            if quiet and outcome.status == "pass":
                continue
            _print_outcome(outcome)
        click.echo(f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors")
    if counts["fail"] or counts["error"]:
        raise SystemExit(1)


def _print_outcome(outcome) -> None:  # type: ignore[no-untyped-def]
    word, colour = MARK[outcome.status]
    head = click.style(f"{word:<5}", fg=colour, bold=outcome.status != "pass")
    detail = f"{outcome.region}: {outcome.title}" if outcome.title else outcome.region
    if outcome.status == "pass":
        click.echo(f"{head} {outcome.path}  ({outcome.checked} values; {detail})")
        return
    click.echo(f"{head} {outcome.path}")
    if outcome.status == "error":
        click.echo(textwrap.indent(str(outcome.error), "      "))
        return
    click.echo(f"      {detail}")
    click.echo(f"      cite: {outcome.cite}")
    rows = [
        ("value", "expected", "got"),
        *((d.field, d.expected, d.got) for d in outcome.differences),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        click.echo(
            "      "
            + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
    click.echo("      working:")
    click.echo(textwrap.indent(outcome.working.strip(), "        "))
