"""Reading the files people give yibao: bounded, and every failure a named error.

A scenario, an overlay and a batch line are read the same way: a regular file (or
``-`` for standard input) of at most :data:`MAX_INPUT_BYTES`, UTF-8 with or without a
byte-order mark, TOML or JSON without duplicate keys. Whatever else arrives — a device
that never ends (``/dev/zero``), a FIFO nobody writes to, bytes that are not UTF-8,
TOML nested 500 levels deep, an integer of 5,000 digits — ends as one
:class:`~yibao.errors.InputError` naming the file and what was expected, before
anything unbounded happens. The limits are documented in docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from yibao.errors import InputError, MalformedInput

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""The largest scenario or parameter file, and the longest batch line, in bytes (16 MiB:
ten thousand claims take about 2 MiB)."""

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark some editors put first in a file: read and ignored."""


def read_input(path: Path | str, what: str, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path`` (``-``: standard input), at most ``limit`` of them.

    Refuses, naming the file: one that cannot be read, anything but a regular file (a
    directory, a device, a FIFO — reading those may never end), and one larger than
    ``limit``. ``what`` says what the file is for ("the scenario file").
    """
    name = str(path)
    if name == "-":
        return _bounded(sys.stdin.buffer, name, what, limit)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(
            name, f"cannot read {what}: {exc.strerror}", f"无法读取文件：{_reason_zh(exc)}"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            name,
            f"{what} must be a regular file, not {_file_kind(info.st_mode)} "
            "(give - to read standard input)",
            "须为普通文件（用 - 读取标准输入）",
        )
    if info.st_size > limit:
        raise InputError(
            name,
            f"{what} is {info.st_size} bytes; the limit is {limit}",
            f"文件大小 {info.st_size} 字节，超过上限 {limit} 字节",
        )
    try:
        with open(path, "rb") as f:
            return _bounded(f, name, what, limit)
    except OSError as exc:
        raise InputError(
            name, f"cannot read {what}: {exc.strerror}", f"无法读取文件：{_reason_zh(exc)}"
        ) from None


def _reason_zh(exc: OSError) -> str:
    """Why the system refused, in Chinese where the reason is a common one."""
    import errno

    words = {
        errno.ENOENT: "文件不存在",
        errno.EACCES: "没有读取权限",
        errno.EISDIR: "这是一个目录",
        errno.ENOTDIR: "路径中有一部分不是目录",
    }
    return words.get(exc.errno or 0, exc.strerror or str(exc))


def _bounded(stream: Any, name: str, what: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:  # a file that grew, or a pipe: never read past the limit
        raise InputError(
            name,
            f"{what} is larger than the limit of {limit} bytes",
            f"文件超过上限 {limit} 字节",
        )
    return data


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def utf8_text(data: bytes, name: str) -> str:
    """``data`` as text: UTF-8, a leading byte-order mark dropped; else an error naming
    the byte offset of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(BOM) if data.startswith(BOM) else 0)
        raise MalformedInput(
            name,
            f"not UTF-8 text ({exc.reason} at byte {start})",
            f"不是 UTF-8 文本（第 {start} 字节处）",
        ) from None


def toml_document(text: str, name: str) -> dict[str, Any]:
    """Parse TOML; every way it can fail is a :class:`~yibao.errors.MalformedInput`
    naming ``name``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        date = _missing_toml_date(text, str(exc))
        if date is not None:
            raise MalformedInput(name, *date) from None
        raise MalformedInput(name, f"not valid TOML: {exc}", f"不是有效的 TOML：{exc}") from None
    except RecursionError:
        raise MalformedInput(
            name, "not valid TOML here: nested too deeply", "不是有效的 TOML：嵌套过深"
        ) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise MalformedInput(
            name, f"not valid TOML here: {exc}", f"不是有效的 TOML：{exc}"
        ) from None


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _missing_toml_date(text: str, message: str) -> tuple[str, str] | None:
    """``(en, zh)`` when TOML refused a date that is well formed but does not exist
    (``birth_date = 1955-04-31``): say which key, on which line, and why."""
    from yibao.problems import missing_date

    found = _TOML_AT.search(message)
    if "date" not in message or found is None:
        return None
    number, column = int(found[1]), int(found[2])
    lines = text.splitlines()
    if not 1 <= number <= len(lines):
        return None
    line = lines[number - 1]
    said = missing_date(line[column - 1 :][:10])
    if said is None:
        return None
    field = line.split("=", 1)[0].strip() if "=" in line else "?"
    where = f"line {number}, `{field}`"
    return f"{where}: {said[0]}", f"第 {number} 行 `{field}`：{said[1]}"


# -------------------------------------------------------------------------------------
# JSON: msgspec decodes; duplicate keys and a BOM are caught here
# -------------------------------------------------------------------------------------

_any = msgspec.json.Decoder()
_canonical = msgspec.json.Encoder()


def duplicate_key(data: bytes) -> str | None:
    """The first key that appears twice in one JSON object of ``data`` (valid JSON), or
    ``None``. msgspec keeps the last of repeated keys silently; TOML refuses them, and
    so does yibao.

    Fast path: JSON that is exactly its own compact re-encoding (what ``yibao synth``
    and msgspec write) cannot hold a repeated key, since a decoded object cannot
    (about 4 µs a line); anything else is checked by the standard library's parser.
    """
    try:
        if _canonical.encode(_any.decode(data)) == data:
            return None
    except (msgspec.DecodeError, RecursionError):
        return None  # not JSON msgspec accepts: its own error says why
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out and not found:
                found.append(key)
            out[key] = value
        return out

    try:
        json.loads(data, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def utf8_problem(data: bytes) -> str | None:
    """Where ``data`` stops being UTF-8 (the byte offset), or ``None`` when it is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    return None
