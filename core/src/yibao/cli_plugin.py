"""``yibao plugin new|check`` and the global ``--only``/``--disable`` options.

``yibao plugin new NAME`` writes a ready region distribution from the templates in
:mod:`yibao.scaffold`; ``yibao plugin check CODE`` runs the conformance kit
(:mod:`yibao.testing`) against an installed region and prints a verdict. Nothing
heavy is imported until a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from yibao.cli_common import guard

F = TypeVar("F", bound=Callable[..., Any])


# --- choosing plugins: yibao --only … / --disable … -----------------------------------


def _select(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> None:
    from yibao.registry import Selection, select_plugins

    ctx.meta[f"yibao.{param.name}"] = value if isinstance(value, bool) else tuple(value)
    selection = Selection.parse(
        ctx.meta.get("yibao.only", ()),
        ctx.meta.get("yibao.disable", ()),
        no_installed_overlays=ctx.meta.get("yibao.no_installed_overlays", False),
    )
    select_plugins(selection)


def plugin_selection(command: F) -> F:
    """Add ``--only``, ``--disable`` and ``--no-installed-overlays`` to a command (the
    ``yibao`` group uses it)."""
    command = click.option(
        "--no-installed-overlays",
        is_flag=True,
        expose_value=False,
        callback=_select,
        help="Load no installed overlay plugin (yibao.overlays entry points; also "
        "YIBAO_NO_INSTALLED_OVERLAYS=1). --params files still apply.",
    )(command)
    command = click.option(
        "--disable",
        multiple=True,
        expose_value=False,
        callback=_select,
        metavar="NAMES",
        help="Do not load these plugins: region codes, overlay names or distributions, "
        "comma-separated or repeated (also YIBAO_DISABLE).",
    )(command)
    return click.option(
        "--only",
        multiple=True,
        expose_value=False,
        callback=_select,
        metavar="NAMES",
        help="Load only these plugins (also YIBAO_PLUGINS; set but empty: none).",
    )(command)


# --- yibao plugin ---------------------------------------------------------------------


@click.group("plugin")
def plugin() -> None:
    """Make and check region plugins (see docs/plugins.md)."""


@plugin.command("new")
@click.argument("name")
@click.option(
    "--province",
    default=None,
    metavar="PROVINCE",
    help="Stack on an installed provincial layer, e.g. jiangsu (distribution yibao-jiangsu).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory to create the distribution in.",
)
@click.option(
    "--name-zh",
    default=None,
    metavar="NAME",
    help="The region's Chinese name, e.g. 宿迁市 (default: the English name).",
)
@click.option("--force", is_flag=True, help="Write into an existing, non-empty directory.")
@guard
def new(name: str, province: str | None, output: Path, name_zh: str | None, force: bool) -> None:
    """Scaffold a region plugin distribution NAME (e.g. mycity): pyproject with the
    entry points, the people / coverage / rules / benefits split of the bundled regions
    with fictional placeholder numbers, a declared fact, a synthetic population, an
    example, worked cases, tests, README."""
    from yibao.scaffold import scaffold

    root = scaffold(name, output, province=province, name_zh=name_zh, force=force)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    click.echo(f"created {root}")
    for f in files:
        click.echo(f"  {f}")
    click.echo(
        "\nnext: replace every placeholder number in parameters.toml with your source's;\n"
        "install it beside yibao (README.md there, or yibao's docs/plugins.md), then\n"
        f"  yibao plugin check {_code(name)}       # the conformance kit, as a verdict\n"
        f"  yibao test {root / 'tests' / 'cases'}   # the worked cases"
    )


def _code(name: str) -> str:
    from yibao.scaffold import names

    return names(name)["code"]


@plugin.command("check")
@click.argument("code")
@click.option(
    "--params",
    "params",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parameter overlay applied to every evaluation (e.g. fictional benefit values).",
)
@click.option("--examples", default=30, show_default=True, help="Generated scenarios per scheme.")
@click.option("--seed", default=0, show_default=True, help="Seed of the scenario generator.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")
@guard
def check(code: str, params: Sequence[Path], examples: int, seed: int, as_json: bool) -> None:
    """Run the conformance kit against the installed region CODE and print a verdict
    (exit 1 when a check fails)."""
    from yibao.registry import Registry, default_registry
    from yibao.testing import Kit

    registry = Registry(selection=default_registry().selection)
    registry.region(code)  # an unknown, broken or disabled region: one clear message
    kit = Kit(code, registry=registry, examples=examples, seed=seed, params=params)
    results = kit.run_all()
    failed = [r for r in results if r.status == "fail"]
    if as_json:
        from yibao.render import print_json

        print_json(
            {
                "region": code,
                "verdict": "fail" if failed else "pass",
                "checks": [
                    {"name": r.name, "status": r.status, "summary": r.summary,
                     "findings": r.findings}
                    for r in results
                ],
            }
        )  # fmt: skip
    else:
        item = registry.installed()[code]
        click.echo(f"yibao plugin check {code}  ({item.distribution} {item.version})")
        if params:
            click.echo(f"  with parameter overlays: {', '.join(map(str, params))}")
        marks = {"pass": "✓", "fail": "✗", "skip": "-"}
        for r in results:
            click.echo(f"  {marks[r.status]} {r.title}: {r.summary}")
            for line in r.report().splitlines()[1:]:
                click.echo(f"    {line.strip()}")
        skipped = sum(r.status == "skip" for r in results)
        verdict = "FAIL" if failed else "PASS"
        click.echo(
            f"verdict: {verdict} — {len(results) - len(failed) - skipped} passed, "
            f"{len(failed)} failed, {skipped} skipped"
        )
    if failed:
        sys.exit(1)
