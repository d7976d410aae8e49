"""``yibao serve``: the HTTP service (found through the ``yibao.commands`` entry point).

Binds to 127.0.0.1 by default. Bound to another address it needs ``--token-file`` (or
an explicit ``--no-token`` when a proxy in front authenticates), so the service is
never opened to a network by accident.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from dataclasses import asdict
from pathlib import Path

import click

SETTINGS_ENV = "YIBAO_SERVICE_SETTINGS"
"""How ``--workers`` hands the settings to each worker process (JSON)."""


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _token(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise click.UsageError(f"--token-file {path}: cannot read it: {exc.strerror}") from None
    if not token or any(c.isspace() for c in token):
        raise click.UsageError(f"--token-file {path}: expected one token without spaces")
    return token


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port; the one chosen is printed).")  # fmt: skip
@click.option(
    "--params",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parameter overlay TOML applied to every answer (repeatable).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the bearer token every request but /health must carry.",
)
@click.option("--no-token", is_flag=True,
              help="Allow another address than loopback without a token (a proxy in front "
                   "authenticates).")  # fmt: skip
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes.")  # fmt: skip
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1),
              help="Largest /evaluate or /compare body, in bytes.")  # fmt: skip
@click.option("--max-batch-bytes", default=64 << 20, show_default=True, type=click.IntRange(1),
              help="Largest /batch body, in bytes.")  # fmt: skip
@click.option("--max-batch-lines", default=10_000, show_default=True, type=click.IntRange(1),
              help="Most scenario lines in one /batch request.")  # fmt: skip
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="Log each request's method, path and status (never its body).")  # fmt: skip
def serve(
    host: str,
    port: int,
    params: tuple[Path, ...],
    token_file: Path | None,
    no_token: bool,
    workers: int,
    max_body: int,
    max_batch_bytes: int,
    max_batch_lines: int,
    access_log: bool,
) -> None:
    """Answer evaluate, compare, batch and parameter look-ups over HTTP (JSON).

    \b
    GET  /health, /regions, /openapi.json
    GET  /parameters/{region}?on=DATE
    POST /evaluate?region=R, /compare?regions=A,B, /batch?regions=A,B
    Bodies are scenarios as in scenario files (/batch: JSON Lines); answers are what
    `yibao … --json` prints. See docs/service.md.
    """
    import uvicorn

    from yibao_service.app import Limits, Settings

    token = _token(token_file)
    if not _loopback(host) and token is None and not no_token:
        raise click.UsageError(
            f"--host {host} opens the service to other machines: give --token-file FILE "
            "(requests then need Authorization: Bearer <token>), or --no-token when a "
            "proxy in front of it authenticates"
        )
    settings = Settings(
        params=tuple(str(p) for p in params),
        token=token,
        limits=Limits(
            body_bytes=max_body, batch_bytes=max_batch_bytes, batch_lines=max_batch_lines
        ),
    )
    app = _checked_app(settings)  # a bad overlay or a broken region: said now, exit 2
    common = dict(
        log_level="info",
        access_log=access_log,
        server_header=False,
        http="httptools",
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        timeout_graceful_shutdown=5,
    )
    if workers > 1:
        os.environ[SETTINGS_ENV] = json.dumps(  # the token file, never the token
            {"params": settings.params, "token_file": str(token_file) if token_file else None,
             "limits": asdict(settings.limits)}
        )  # fmt: skip
        click.echo(f"yibao serve: listening on http://{host}:{port} ({workers} workers)", err=True)
        uvicorn.run("yibao_service.command:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, **common)  # type: ignore[arg-type]  # fmt: skip
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise click.UsageError(f"cannot bind {host}:{port}: {exc.strerror}") from None
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    click.echo(f"yibao serve: listening on http://{shown}:{bound}", err=True)
    config = uvicorn.Config(app, **common)  # type: ignore[arg-type]
    uvicorn.Server(config).run(sockets=[sock])


def _checked_app(settings):  # type: ignore[no-untyped-def]
    from yibao.errors import YibaoError

    from yibao_service.app import make_app

    try:
        return make_app(settings)
    except YibaoError as exc:
        click.echo(f"yibao: error: {exc}", err=True)
        raise SystemExit(2) from None


def app_from_environment():  # type: ignore[no-untyped-def]
    """The application of one ``--workers`` process, from :data:`SETTINGS_ENV`."""
    from yibao_service.app import Limits, Settings, make_app

    raw = json.loads(os.environ[SETTINGS_ENV])
    token = _token(Path(raw["token_file"])) if raw["token_file"] else None
    limits = Limits(**raw["limits"])
    return make_app(Settings(params=tuple(raw["params"]), token=token, limits=limits))
