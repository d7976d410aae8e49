"""``yibao tui``: the counter-staff terminal UI (found through ``yibao.commands``)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of labels.",
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
    lang: str,
    fresh: bool,
    served: bool,
    host: str,
    port: int,
    public_url: str | None,
) -> None:
    """Enter a case, switch regions and compare them side by side (Textual UI).

    Opens SCENARIO (a TOML or JSON scenario file) when given; otherwise restores the case
    in progress from the autosave (see docs/tui.md). With --serve, each browser tab gets
    the same app with a new case (or SCENARIO) and nothing is kept after it closes.
    """
    from yibao.errors import YibaoError

    if served:
        _serve(scenario, lang=lang, host=host, port=port, public_url=public_url)
        return

    from yibao_tui.app import make_app  # Textual is imported only now

    if fresh:  # keep the unfinished case as autosave-previous.json
        from yibao_tui.domain import autosave

        autosave.backup(autosave.state_dir())
    try:
        app = make_app(scenario, lang=lang, restore=not fresh)
    except YibaoError as exc:
        click.echo(f"yibao: error: {exc}", err=True)
        raise SystemExit(2) from None
    app.run()


def _serve(
    scenario: Path | None, *, lang: str, host: str, port: int, public_url: str | None
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
            click.echo(f"yibao: error: {exc}", err=True)
            raise SystemExit(2) from None
    serve(host=host, port=port, lang=lang, scenario=scenario, public_url=public_url)
