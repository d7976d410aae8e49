"""The HTTP service: a small Starlette application over :mod:`yibao.api`.

Every answer is rendered by :func:`yibao.jsonformat.to_json` from what the Python API
returns, so a body is byte for byte what ``yibao … --json`` prints for the same input.
Bad input is answered 400 (not JSON or TOML at all, a bad query parameter) or 422 (a
field of the wrong shape, an unknown region) with the CLI's message — the input, the
field path and what was expected — and never with a traceback. Bodies are bounded;
``/batch`` streams JSON Lines in and out and is bounded in bytes and lines. With a
token, every path but ``/health`` needs ``Authorization: Bearer <token>``. Nothing a
request carries is logged: a failure inside yibao is logged by its type and code
location only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from yibao import api
from yibao.batch.batch import Config, process_block
from yibao.errors import MalformedInput, UnknownRegion, YibaoError
from yibao.jsonformat import to_json
from yibao.params import ParameterFile
from yibao.registry import default_registry, load_overlays

log = logging.getLogger("yibao.service")

JSON = "application/json"
JSON_LINES = "application/x-ndjson"
TOML_TYPES = ("application/toml", "text/toml", "application/x-toml")


@dataclass(frozen=True)
class Limits:
    """What one request may carry."""

    body_bytes: int = 1 << 20
    """``/evaluate`` and ``/compare``: one scenario (1 MiB)."""
    batch_bytes: int = 64 << 20
    """``/batch``: the whole JSON Lines body (64 MiB)."""
    batch_lines: int = 10_000
    """``/batch``: scenario lines in one request."""
    batch_regions: int = 16
    """``/batch`` and ``/compare``: regions asked for in one request."""


@dataclass(frozen=True)
class Settings:
    """How the service answers: overlays applied to every answer, the bearer token
    (``None``: none needed) and the limits."""

    params: tuple[str, ...] = ()
    """Parameter overlay files (``yibao serve --params``)."""
    token: str | None = None
    limits: Limits = field(default_factory=Limits)


class Refused(Exception):
    """A request answered with an error status and message (never a traceback)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class ErrorBody(msgspec.Struct, frozen=True, kw_only=True):
    """What a refused request gets back."""

    status: int
    """The HTTP status again (400, 401, 404, 413, 422, 500)."""
    error: str
    """The CLI's message: the input, the field path and what was expected."""


class Health(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    """``ok``."""
    yibao: str
    """The installed yibao version."""
    format_version: str
    """The result format's version (:data:`yibao.results.FORMAT_VERSION`)."""
    regions: tuple[str, ...]
    """The regions that loaded."""


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = to_json(ErrorBody(status=status, error=message))
    return Response(body, status_code=status, media_type=JSON, headers=headers)


def _status_of(exc: YibaoError) -> int:
    if isinstance(exc, MalformedInput):
        return 400
    return 422


Handler = Callable[[Request], Awaitable[Response]]


def _answering(handler: Handler, *, settings: Settings, open_to_all: bool = False) -> Handler:
    """``handler`` behind the token check, with every failure turned into a JSON error."""
    expected = f"Bearer {settings.token}".encode() if settings.token else None

    async def answer(request: Request) -> Response:
        try:
            if expected is not None and not open_to_all:
                given = request.headers.get("authorization", "").encode()
                if not hmac.compare_digest(given, expected):
                    raise Refused(401, "a bearer token is required (Authorization: Bearer …)",
                                  {"WWW-Authenticate": "Bearer"})  # fmt: skip
            return await handler(request)
        except Refused as exc:
            return _error(exc.status, exc.message, exc.headers)
        except YibaoError as exc:
            return _error(_status_of(exc), str(exc))
        except Exception as exc:  # a bug in yibao: logged without the request's data
            _log_internal(request, exc)
            return _error(500, "internal error in yibao (logged on the server)")

    return answer


def _log_internal(request: Request, exc: Exception) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = "; ".join(f"{f.filename}:{f.lineno} {f.name}" for f in frames[-6:])
    log.error("internal error on %s %s: %s at %s", request.method, request.url.path,
              type(exc).__name__, where)  # fmt: skip


# -------------------------------------------------------------------------------------
# Reading requests
# -------------------------------------------------------------------------------------


async def _body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 beyond ``limit`` bytes (before reading it when
    the client says its length)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"request body: larger than the limit of {limit} bytes")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > limit:
            raise Refused(413, f"request body: larger than the limit of {limit} bytes")
    return bytes(chunks)


def _format(request: Request) -> str:
    kind = request.headers.get("content-type", JSON).split(";")[0].strip().lower()
    return "toml" if kind in TOML_TYPES else "json"


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false", "1", "0", ""):
        raise Refused(400, f"query parameter {name}: expected true or false, got {value!r}")
    return value in ("true", "1", "")


def _region_list(request: Request, name: str, limits: Limits) -> list[str] | None:
    given = request.query_params.get(name)
    if given is None:
        return None
    codes = [c.strip() for c in given.split(",") if c.strip()]
    if len(codes) > limits.batch_regions:
        raise Refused(400, f"query parameter {name}: at most {limits.batch_regions} regions")
    return codes


# -------------------------------------------------------------------------------------
# The application
# -------------------------------------------------------------------------------------


def make_app(settings: Settings | None = None) -> Starlette:
    """The ASGI application (see the module docstring and docs/service.md).

    Overlay files are loaded and every installed region's stacks are built here, once,
    so a broken overlay stops the service at start and the first request is not slow.
    """
    settings = settings or Settings()
    limits = settings.limits
    overlays: list[ParameterFile] = load_overlays([Path(p) for p in settings.params])
    registry = default_registry()
    for code in registry.codes():
        for scheme in registry.region(code).layers:
            try:
                registry.with_overlays(registry.stack(code, scheme), overlays)
            except YibaoError as exc:  # that region answers with its error, as in the CLI
                log.warning("region %s (%s) cannot answer: %s", code, scheme, exc)
    health = to_json(
        Health(
            status="ok",
            yibao=version("yibao"),
            format_version=api.FORMAT_VERSION,
            regions=tuple(registry.codes()),
        )
    )
    from yibao_service.openapi import openapi_document

    spec = to_json(openapi_document(settings))

    async def get_health(request: Request) -> Response:
        return Response(health, media_type=JSON)

    async def get_openapi(request: Request) -> Response:
        return Response(spec, media_type=JSON)

    async def get_regions(request: Request) -> Response:
        return Response(to_json(api.regions(registry=registry)), media_type=JSON)

    async def get_parameters(request: Request) -> Response:
        region = request.path_params["region"]
        on = request.query_params.get("on")
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise Refused(400, f"query parameter on: expected a date such as 2025-06-01, "
                               f"got {on!r}") from None  # fmt: skip
        try:
            found = api.parameters(
                region,
                on=day,
                scheme=request.query_params.get("scheme") or None,
                prefix=request.query_params.get("prefix", ""),
                params=overlays,
                registry=registry,
            )
        except UnknownRegion as exc:
            raise Refused(404, str(exc)) from None
        return Response(to_json(found), media_type=JSON)

    async def post_evaluate(request: Request) -> Response:
        region = request.query_params.get("region")
        if not region:
            raise Refused(400, "query parameter region is required, e.g. ?region=changzhou")
        case = api.parse_scenario(await _body(request, limits.body_bytes), name="request body",
                                  fmt=_format(request), registry=registry)  # fmt: skip
        result = api.evaluate(case, region, params=overlays, registry=registry)
        return Response(to_json(result), media_type=JSON)

    async def post_compare(request: Request) -> Response:
        codes = _region_list(request, "regions", limits)
        as_given = _flag(request, "as_given")
        case = api.parse_scenario(await _body(request, limits.body_bytes), name="request body",
                                  fmt=_format(request), registry=registry)  # fmt: skip
        found = api.compare(case, codes, params=overlays, as_given=as_given, registry=registry)
        return Response(to_json(found), media_type=JSON)

    async def post_batch(request: Request) -> Response:
        codes = api.region_codes(_region_list(request, "regions", limits), registry)
        config = Config(
            regions=tuple(codes),
            explain=_flag(request, "explain"),
            relocate=not _flag(request, "as_given"),
            overlays=settings.params,
        )
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limits.batch_bytes:
            raise Refused(413, f"request body: larger than the limit of {limits.batch_bytes} bytes")
        return DuplexStream(_batch_lines(request, config, limits), media_type=JSON_LINES)

    routes = [
        Route("/health", _answering(get_health, settings=settings, open_to_all=True)),
        Route("/openapi.json", _answering(get_openapi, settings=settings)),
        Route("/regions", _answering(get_regions, settings=settings)),
        Route("/parameters/{region}", _answering(get_parameters, settings=settings)),
        Route("/evaluate", _answering(post_evaluate, settings=settings), methods=["POST"]),
        Route("/compare", _answering(post_compare, settings=settings), methods=["POST"]),
        Route("/batch", _answering(post_batch, settings=settings), methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed})


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, f"no such path: {request.url.path}; see /openapi.json")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _error(405, f"{request.method} is not allowed on {request.url.path}")


class DuplexStream(Response):
    """A streamed answer sent while the request body is still being read.

    Starlette's ``StreamingResponse`` listens for a disconnect by reading the request
    (on ASGI servers before spec 2.4, such as uvicorn), which would take the body away
    from the generator; this one leaves the request to the generator alone.
    """

    def __init__(self, content: AsyncIterator[bytes], media_type: str) -> None:
        super().__init__(media_type=media_type)
        self.content = content
        del self.headers["content-length"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})  # fmt: skip
        async for out in self.content:
            await send({"type": "http.response.body", "body": out, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class BatchLimit(Exception):
    """A batch went past a limit after its answer had begun."""


async def _batch_lines(request: Request, config: Config, limits: Limits) -> AsyncIterator[bytes]:
    """Settle each JSON line as it arrives and send its records (``yibao batch``'s
    records, in input order); past a limit, end with an ``{"error": …}`` line."""
    rest = b""
    line = 1
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limits.batch_bytes:
                raise BatchLimit(
                    f"request body: larger than the limit of {limits.batch_bytes} bytes"
                )
            data = rest + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                if len(rest) > limits.body_bytes:
                    raise BatchLimit(f"line {line}: longer than {limits.body_bytes} bytes")
                continue
            whole, rest = data[: cut + 1], data[cut + 1 :]
            yield _settle(whole, line, config, limits)
            line += whole.count(b"\n")
            await asyncio.sleep(0)  # let other requests in between blocks
        if rest.strip():
            yield _settle(rest, line, config, limits)
    except BatchLimit as exc:
        if len(exc.args) > 1:
            yield exc.args[1]  # the lines answered before the limit
        yield msgspec.json.encode({"error": exc.args[0]}) + b"\n"
    except Exception as exc:  # a bug in yibao: the answer ends with an error line
        _log_internal(request, exc)
        yield msgspec.json.encode({"error": "internal error in yibao (logged on the server)"})
        yield b"\n"


def _settle(block: bytes, first_line: int, config: Config, limits: Limits) -> bytes:
    """The records of ``block`` (whole lines from ``first_line``); past the line limit,
    the lines within it, then :class:`BatchLimit`."""
    room = limits.batch_lines - (first_line - 1)
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()
    if len(lines) <= room:
        return process_block(block, first_line, config).data
    raise BatchLimit(
        f"at most {limits.batch_lines} lines in one batch",
        process_block(b"\n".join(lines[: max(room, 0)]), first_line, config).data,
    )
