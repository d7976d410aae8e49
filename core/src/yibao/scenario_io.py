"""Reading scenario files (TOML or JSON) with errors that name the file and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec

from yibao.errors import InputError, MalformedInput
from yibao.model import Scenario

_json_decoder = msgspec.json.Decoder(Scenario)


def parse_scenario(data: bytes | str, *, name: str, fmt: str | None = None) -> Scenario:
    """Decode a scenario from TOML or JSON text.

    ``fmt`` is ``"toml"`` or ``"json"``; when ``None`` it is guessed from ``name``'s
    suffix (JSON for ``.json``, TOML otherwise). Raises :class:`InputError` naming
    ``name``, the field path (``$.claims[0].compliant``) and what was expected;
    :class:`~yibao.errors.MalformedInput` (a kind of ``InputError``) when the text is
    not JSON, TOML or UTF-8 at all.
    """
    if fmt is None:
        fmt = "json" if name.lower().endswith(".json") else "toml"
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        if fmt == "json":
            return _json_decoder.decode(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedInput(
                name, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        try:
            obj = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MalformedInput(name, f"not valid TOML: {exc}") from None
        return msgspec.convert(obj, type=Scenario)
    except msgspec.ValidationError as exc:
        raise InputError(name, field_message(exc)) from None
    except msgspec.DecodeError as exc:
        raise MalformedInput(name, f"not valid JSON: {exc}") from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and decode a scenario file; see :func:`parse_scenario`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the scenario file: {exc.strerror}") from None
    return parse_scenario(data, name=str(path))


def field_message(exc: msgspec.ValidationError) -> str:
    """Put msgspec's ``… - at `$.path``` into ``$.path: …`` order, path first."""
    message = str(exc)
    text, sep, path = message.rpartition(" - at ")
    if not sep:
        return message
    return f"{path.strip('`')}: {text}"
