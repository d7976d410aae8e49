"""Write a file so that a reader never sees it half written.

The data goes to a temporary file in the target's directory (same file system), which
is renamed over the target only when writing finished; on any error, or when the
process is killed, the target is untouched and only a ``.<name>.<pid>.*.part`` file
remains — removed on errors Python sees, and by the next run writing the same target
once process ``<pid>`` is gone (:func:`remove_leftovers`, which also removes a killed
batch run's ``.spill`` directory).

The target is checked first (:func:`output_path`): a symbolic link is written through
(its target replaced, the link kept), an existing file keeps its permissions, and
anything but a regular file (a device, a FIFO, a directory) is refused with a message
rather than replaced. A write that fails (a missing directory, a full disk, a read-only
file system) is an :class:`~yibao.errors.OutputError` naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from yibao.errors import OutputError

#: errno values that mean "the output cannot be written", said as such (not a bug).
_WRITE_FAILURES = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO, errno.EACCES, errno.EPERM}
)


@contextlib.contextmanager
def atomic_binary(path: Path | str) -> Iterator[IO[bytes]]:
    """Open a temporary file beside ``path`` for binary writing; rename it on success."""
    with _atomic(path, "wb", None) as out:
        yield out


@contextlib.contextmanager
def atomic_text(path: Path | str) -> Iterator[IO[str]]:
    """Like :func:`atomic_binary` for UTF-8 text."""
    with _atomic(path, "w", "utf-8") as out:
        yield out


@contextlib.contextmanager
def _atomic(path: Path | str, mode: str, encoding: str | None) -> Iterator[IO]:
    target = output_path(path)
    remove_leftovers(target)
    fd, tmp = _temporary(target, str(path))
    try:
        # Opened by name over the descriptor made for it, so ``out.name`` is the file
        # (a batch pool's workers write into it by name).
        opener = lambda _path, _flags: fd  # noqa: E731
        with open(tmp, mode, encoding=encoding, buffering=1 << 20, opener=opener) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno in _WRITE_FAILURES:
            raise OutputError(str(path), f"cannot write the output: {exc.strerror}") from None
        raise


WRITEBACK_BYTES = 32 << 20
"""How much newly written output :class:`Writeback` lets gather before it starts
writing it to disk."""


def write_back(fd: int, offset: int, size: int) -> None:
    """Start writing ``size`` bytes of ``fd`` at ``offset`` to disk, then drop the pages
    already clean (Linux), as :class:`Writeback` does for a file written in order: a
    pool worker's block, written in its place. Without it two workers' dirty pages pile
    up in the page cache and every later write pays for them (measured: 0.3–0.9 s more
    system time at 1,000,000 cases, docs/performance.md)."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, offset, size, os.POSIX_FADV_DONTNEED)


class Writeback:
    """Start writing a growing file's pages to disk as it grows, so the ``fsync`` before
    the rename waits only for the last few (a large batch output otherwise sits in the
    page cache until then: 675 MB took 1.5 s to ``fsync``). Asynchronous: nothing waits
    here. Call it with how many bytes of the file are written so far."""

    def __init__(self, fd: int, every: int = WRITEBACK_BYTES) -> None:
        self.fd, self.every, self.done = fd, every, 0
        self.able = hasattr(os, "posix_fadvise")

    def __call__(self, written: int) -> None:
        if not self.able or written - self.done < self.every:
            return
        try:  # Linux: starts writing the dirty pages, then drops those already clean
            os.posix_fadvise(self.fd, self.done, written - self.done, os.POSIX_FADV_DONTNEED)
        except OSError:
            self.able = False
        self.done = written


def output_path(path: Path | str) -> Path:
    """The file to write for ``path``: the final target of a symbolic link, an existing
    regular file or a new file in an existing directory; else :class:`OutputError`."""
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        info = os.stat(target)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise OutputError(str(path), f"no such directory: {target.parent}") from None
        return target
    except OSError as exc:
        raise OutputError(str(path), f"cannot write the output: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            str(path), "the output must be a regular file (or a new one); this is not: "
            "yibao does not replace a device, a FIFO or a directory"
        )  # fmt: skip
    return target


def leftover_prefix(target: Path) -> str:
    """How this process's temporary files and directories beside ``target`` begin."""
    return f".{target.name}.{os.getpid()}."


def _temporary(target: Path, shown: str) -> tuple[int, str]:
    """A new temporary file beside ``target``, with the target's permissions if it
    exists, else those a new file would get."""
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=leftover_prefix(target), suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise OutputError(shown, f"cannot write the output: {exc.strerror}") from None
    if hasattr(os, "fchmod"):  # mkstemp makes 0600
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        os.fchmod(fd, mode)
    return fd, tmp


def remove_leftovers(target: Path) -> list[Path]:
    """Remove ``.part`` files and ``.spill`` directories an earlier run writing
    ``target`` left when it was killed (its process is gone); return what was removed."""
    removed = []
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not name.startswith(prefix) or not name.endswith((".part", ".spill")):
                continue
            pid = name[len(prefix) :].split(".", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive, and not ours to clean up after
        return True
    return True
