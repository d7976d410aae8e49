"""The ``yibao`` command line: regions, evaluate, compare, demo.

Rich and the engine are imported inside the commands, so ``yibao --help`` starts fast.
Every error a user can cause ends as one message on stderr naming the file, the field
and what was expected, and exit status 2 — never a traceback.

Exit statuses (docs/reliability.md): 0 answered; 1 ``evaluate``'s region could not
answer, or ``batch`` completed with bad lines; 2 bad input, options or output (nothing
answered); 3 a bug in yibao itself; 130 interrupted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from yibao.batch.cli import batch, synth
from yibao.cli_cases import test
from yibao.cli_common import (
    code_list,
    guard,
    json_option,
    lang_option,
    notices_option,
    params_option,
)
from yibao.cli_plugin import plugin, plugin_selection

COMMAND_GROUP = "yibao.commands"
"""Entry-point group through which other distributions add commands (``yibao tui``)."""


class _Commands(click.Group):
    """The built-in commands plus those installed distributions add by entry point.

    An added command is imported only when it is listed or run; one that fails to
    import is reported by name and distribution and leaves the others working.
    """

    def _added(self) -> dict[str, Any]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group=COMMAND_GROUP)}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._added()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        ep = self._added().get(name)
        if ep is None:
            return None
        try:
            return ep.load()
        except Exception as exc:
            dist = ep.dist.name if ep.dist else "?"
            click.echo(f"yibao: command {name!r} from {dist} failed to load: {exc}", err=True)
            return None


def _set_timeout(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    from yibao.deadline import set_region_timeout

    if value is not None:
        set_region_timeout(value)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yibao")
@plugin_selection
@click.option(
    "--region-timeout",
    type=click.FloatRange(min=0),
    expose_value=False,
    callback=_set_timeout,
    metavar="SECONDS",
    help="Stop a region that gives no answer within SECONDS (default 10; 0: no limit; "
    "also YIBAO_REGION_TIMEOUT).",
)
def main() -> None:
    """yibao 医保: what a person pays and gets back under Chinese public medical insurance,
    region by region, with every number traced to its policy source."""


@main.command()
@click.argument("code", required=False)
@click.option(
    "--layers",
    is_flag=True,
    help="For CODE: which layer (province, city, overlay) answers each hook and parameter.",
)
@click.option("--scheme", help="With --layers: only this scheme.")
@json_option
@guard
def regions(code: str | None, layers: bool, scheme: str | None, as_json: bool) -> None:
    """List installed regions and overlays (or show one): schemes, years, layers, sources,
    distributions and versions; broken and disabled plugins say why."""
    from yibao.registry import default_registry
    from yibao.render import print_json, print_layer_maps, print_regions, print_years

    registry = default_registry()
    installed = registry.installed()
    if code is not None:
        from yibao.names import region_code

        code = region_code(code, registry)
    if layers:
        if code is None:
            raise click.UsageError("--layers needs a region CODE")
        schemes = [scheme] if scheme else list(registry.region(code).layers)
        maps = [registry.layer_map(code, s) for s in schemes]
        print_layer_maps(maps, as_json=as_json)
        return
    if as_json:
        from yibao.api import regions as listing

        print_json(listing(code, registry=registry))
        return
    overlays = registry.overlays()
    if code is not None:
        registry.region(code)  # a clear error for an unknown, broken or disabled region
        installed = {code: installed[code]}
        overlays = [o for o in overlays if o.overlay is not None and o.overlay.region == code]
    print_regions(list(installed.values()), overlays)
    if code is not None:
        print_years(code, _year_outlooks(registry, code))


def _year_outlooks(registry: Any, code: str) -> list[tuple[str, Any, Any, list]]:
    """Per scheme: the years answered, the source years, and for each year after the
    sources the keys carried into it and the keys not published in it."""
    from yibao.params import year_outlook

    out = []
    for info in registry.region(code).info.schemes:
        params = registry.stack(code, info.scheme).params
        later = [y for y in info.years if y > max(info.source_years or info.years)]
        by_year = [(y, *year_outlook(params, y)) for y in later]
        out.append((info.scheme, info.years, info.source_years or info.years, by_year))
    return out


@main.command()
@click.argument("region")
@click.argument("prefix", required=False, default="")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date to look the values up on (default: today).",
)
@click.option("--scheme", help="Only this scheme (default: every scheme of the region).")
@params_option
@json_option
@lang_option
@guard
def params(
    region: str,
    prefix: str,
    on: Any,
    scheme: str | None,
    params: Sequence[Path],
    as_json: bool,
    lang: str,
) -> None:
    """Look up REGION's parameter values in force on a date: each value with its citation
    and validity, whether it is carried from an earlier year's source or comes from an
    overlay, and the values not published with the reason. PREFIX narrows the keys
    (e.g. inpatient.deductible)."""
    from yibao.api import parameters
    from yibao.render import print_json, print_params

    day = on.date() if on is not None else None
    found = parameters(region, on=day, scheme=scheme, prefix=prefix, params=params)
    if as_json:
        print_json(found)
        return
    out = [(s.scheme, list(s.parameters)) for s in found.schemes]
    print_params(region, found.on, out, lang=lang)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--region", "-r", required=True, help="Region code, e.g. changzhou.")
@params_option
@json_option
@lang_option
@click.option("--explain/--no-explain", default=True, help="Show each step with its citation.")
@notices_option
@guard
def evaluate(
    scenario: Path,
    region: str,
    params: Sequence[Path],
    as_json: bool,
    lang: str,
    explain: bool,
    all_notices: bool,
) -> None:
    """Evaluate SCENARIO (TOML or JSON; - reads standard input) in one region (its code
    or name: changzhou, 常州). Exit status 1 when the region cannot answer (its error is
    printed)."""
    from yibao.api import evaluate as run
    from yibao.render import print_json, print_result
    from yibao.scenario_io import load_scenario

    case = load_scenario(scenario)
    result = run(case, region, params=params)
    if as_json:
        print_json(result)
    else:
        print_result(
            result,
            title=case.title,
            lang=lang,
            explain=explain,
            scenario=case,
            notices=all_notices,
        )
    if result.status == "error":
        sys.exit(1)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--regions", "-r", "codes", help="Comma-separated region codes (default: all).")
@params_option
@json_option
@lang_option
@click.option(
    "--as-given",
    is_flag=True,
    help="Evaluate the facts as given instead of as if the person lived in each region.",
)
@notices_option
@guard
def compare(
    scenario: Path,
    codes: str | None,
    params: Sequence[Path],
    as_json: bool,
    lang: str,
    as_given: bool,
    all_notices: bool,
) -> None:
    """Evaluate SCENARIO in several regions, side by side, as if the person lived in each
    (household registration and enrolment history moved; see [elsewhere] in the scenario)."""
    from yibao.api import compare as run
    from yibao.render import print_comparison, print_json
    from yibao.scenario_io import load_scenario

    case = load_scenario(scenario)
    comparison = run(case, code_list(codes), params=params, as_given=as_given)
    if as_json:
        print_json(comparison)
    else:
        print_comparison(comparison, lang=lang, scenario=case, notices=all_notices)


@main.command()
@lang_option
@json_option
@notices_option
@guard
def demo(lang: str, as_json: bool, all_notices: bool) -> None:
    """Evaluate every installed region's example scenarios, each in the regions it fits
    (the regions offering its scheme and reading every fact it states)."""
    from yibao.demo import examples, pairings
    from yibao.engine import compare as run
    from yibao.registry import default_registry
    from yibao.render import console, print_comparison, print_json, print_regions
    from yibao.scenario_io import load_scenario

    registry = default_registry()
    found = [(path, load_scenario(path)) for path in examples(registry)]
    paired = [(path, case, *pairings(case, registry)) for path, case in found]
    comparisons = [run(case, fits, registry=registry) for _, case, fits, _ in paired]
    if as_json:
        print_json(comparisons)
        return
    print_regions(list(registry.installed().values()))
    for (path, case, _, left_out), comparison in zip(paired, comparisons, strict=True):
        click.echo()
        print_comparison(
            comparison, lang=lang, scenario=case, source=path.name, notices=all_notices
        )
        if left_out:
            why = [zh if lang == "zh" else en for _, zh, en in left_out]
            head = "本例未在以下地区演示：" if lang == "zh" else "this example is not shown in "
            console().print(head + ("；" if lang == "zh" else "; ").join(why), style="dim")


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema here instead of standard output.",
)
@guard
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the scenario format: core's fields and the facts the
    installed regions declare (for editor completion and validation)."""
    import json

    import msgspec

    from yibao.registry import default_registry

    kind = default_registry().scenario_type()
    text = json.dumps(msgspec.json.schema(kind), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


main.add_command(plugin)
main.add_command(batch)
main.add_command(synth)
main.add_command(test)


if __name__ == "__main__":  # pragma: no cover
    main()
