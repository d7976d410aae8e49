"""``yibao tui --serve``: the same Textual app in a web browser, through textual-serve.

For service halls whose counters have a browser but no terminal. Each browser tab runs
its own app process (:mod:`yibao_tui.session`) with a new case and a private autosave.
textual-serve has no authentication: keep the default address (localhost), or put the
page behind a proxy that authenticates.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path


def command(scenario: Path | None, lang: str, region: str | None = None) -> str:
    """The shell command textual-serve runs for each browser session."""
    args = [sys.executable, "-m", "yibao_tui.session", "--lang", lang]
    if region is not None:
        args += ["--region", region]
    if scenario is not None:
        args.append(str(scenario.resolve()))
    return shlex.join(args)


def serve(
    *,
    host: str,
    port: int,
    lang: str,
    scenario: Path | None,
    public_url: str | None,
    region: str | None = None,
) -> None:
    """Serve the counter UI on ``host:port`` until interrupted."""
    from textual_serve.server import Server

    Server(command(scenario, lang, region), host=host, port=port, title="yibao 医保",
           public_url=public_url).serve()  # fmt: skip
