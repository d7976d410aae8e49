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
def tui(scenario: Path | None, lang: str, fresh: bool) -> None:
    """Enter a case, switch regions and compare them side by side (Textual UI).

    Opens SCENARIO (a TOML or JSON scenario file) when given; otherwise restores the case
    in progress from the autosave (see docs/tui.md).
    """
    from yibao.errors import YibaoError

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
