"""Write a file so that a reader never sees it half written.

The data goes to a temporary file in the target's directory (same file system), which
is renamed over the target only when writing finished; on any error, or when the
process is killed, the target is untouched and only a ``.<name>.*.part`` file remains
(removed on errors Python sees).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_binary(path: Path | str) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for binary writing; rename it on success."""
    target = Path(path)
    fd, tmp = _temporary(target)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_text(path: Path | str) -> Iterator[IO[str]]:
    """Like :func:`atomic_binary` for UTF-8 text."""
    target = Path(path)
    fd, tmp = _temporary(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 20) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, with the mode a new file would get."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    if hasattr(os, "fchmod"):  # mkstemp makes 0600; give the usual 0666 & ~umask
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
    return fd, tmp
