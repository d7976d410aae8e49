"""``yibao tui``: the counter-staff terminal UI (found through ``yibao.commands``)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click


@click.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    help="Language of labels (default: the config file's, else zh).",
)
@click.option(
    "--region",
    metavar="CODE",
    help="Start on this region (default: the config file's home region).",
)
@click.option("--new", "fresh", is_flag=True, help="Start a new case instead of the autosaved one.")
@click.option(
    "--serve",
    "served",
    is_flag=True,
    help="Serve the UI to web browsers (textual-serve) instead of this terminal.",
)
@click.option("--host", default="localhost", show_default=True, help="With --serve: address.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="With --serve: port.")  # fmt: skip
@click.option("--public-url", help="With --serve: the URL browsers reach the server by, when "
              "it is not http://HOST:PORT (behind a proxy, or bound to 0.0.0.0).")  # fmt: skip
def tui(
    scenario: Path | None,
    lang: str | None,
    region: str | None,
    fresh: bool,
    served: bool,
    host: str,
    port: int,
    public_url: str | None,
) -> None:
    """Enter a case, switch regions and compare them side by side (Textual UI).

    Opens SCENARIO (a TOML or JSON scenario file) when given; otherwise restores the case
    in progress from the autosave (see docs/tui.md). The home region, language, theme
    and keys can be set in a config file (tui.toml in the user's config folder, or
    $YIBAO_TUI_CONFIG). With --serve, each browser tab gets the same app with a new case
    (or SCENARIO) and nothing is kept after it closes.
    """
    from yibao.errors import YibaoError

    from yibao_tui.domain import config as settings

    try:
        found = settings.load()
    except YibaoError as exc:
        _fail(exc)
    lang = lang or found.lang or "zh"
    if served:
        _serve(scenario, lang=lang, region=region, host=host, port=port, public_url=public_url)
        return

    from yibao_tui.app import make_app  # Textual is imported only now

    try:
        app = make_app(scenario, lang=lang, restore=not fresh, region=region, config=found)
    except YibaoError as exc:
        _fail(exc)
    if fresh:  # keep the unfinished case as autosave-previous.json
        from yibao_tui.domain import autosave

        autosave.backup(autosave.state_dir())
    app.run()


def _fail(exc: Exception) -> NoReturn:
    click.echo(f"yibao: error: {exc}", err=True)
    raise SystemExit(2) from None


def _serve(
    scenario: Path | None,
    *,
    lang: str,
    region: str | None,
    host: str,
    port: int,
    public_url: str | None,
) -> None:
    from yibao_tui.served import serve

    try:
        import textual_serve  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the [serve] extra is missing
        raise click.UsageError(
            f"--serve needs textual-serve ({exc.name} is missing): install yibao-tui[serve]"
        ) from None
    if scenario is not None:
        from yibao.errors import YibaoError
        from yibao.scenario_io import load_scenario

        try:
            load_scenario(scenario)  # a bad file is said here, not in every browser tab
        except YibaoError as exc:
            _fail(exc)
    if region is not None:
        from yibao.errors import YibaoError
        from yibao.registry import default_registry

        try:
            default_registry().region(region)  # said here, not in every browser tab
        except YibaoError as exc:
            _fail(exc)
    serve(host=host, port=port, lang=lang, region=region, scenario=scenario, public_url=public_url)
