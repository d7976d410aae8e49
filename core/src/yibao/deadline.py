"""A time limit per region: a plugin that hangs costs its own region's answer, no more.

:func:`within` runs one region's work (loading a plugin, building its stack, answering a
scenario) and stops it after :func:`region_timeout` seconds with :class:`RegionTimeout`,
that region's error; the other regions of a ``compare``, the TUI or a batch line go on.

How it stops the work, at no cost worth measuring per answer (two ``setitimer`` calls):

- in the main thread (the CLI, the TUI's event loop, batch worker processes) a
  ``SIGALRM`` timer interrupts the hook wherever it is, a blocking ``time.sleep`` or
  lock included;
- in another thread (Dask workers, an embedding service) a watchdog thread raises the
  interruption in the working thread; Python code stops at once, a blocking C call
  (``time.sleep``, a socket read) only when it returns.

The interruption is a ``BaseException``, so a plugin's own ``except Exception`` cannot
swallow it. The limit is ``--region-timeout SECONDS`` or ``YIBAO_REGION_TIMEOUT``
(default :data:`DEFAULT_SECONDS`; ``0`` turns it off).
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from typing import TypeVar

from yibao.errors import YibaoError

T = TypeVar("T")

TIMEOUT_ENV = "YIBAO_REGION_TIMEOUT"
DEFAULT_SECONDS = 10.0
"""Far above any real answer (a 10,000-claim scenario takes about a second)."""

_configured: float | None = None


class RegionTimeout(YibaoError):
    """A region gave no answer within the time limit."""

    def __init__(self, what: str, seconds: float, where: str = "") -> None:
        self.what = what
        self.seconds = seconds
        super().__init__(
            f"{what}: no answer within {seconds:g} s, so it was stopped"
            + (f" (in {where})" if where else "")
            + f"; the limit is --region-timeout or {TIMEOUT_ENV}"
        )

    def __reduce__(self) -> tuple[type[RegionTimeout], tuple[str, float]]:
        return RegionTimeout, (self.what, self.seconds)


class _Expired(BaseException):
    """Raised inside the work when its time is up (not an ``Exception``: a plugin's
    ``except Exception`` must not catch it)."""


def region_timeout() -> float:
    """The limit in seconds (0: none): as configured, else from the environment."""
    if _configured is not None:
        return _configured
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_SECONDS
    try:
        return max(float(text), 0.0)
    except ValueError:
        return DEFAULT_SECONDS


def set_region_timeout(seconds: float | None) -> None:
    """Set the limit for this process (``None``: from the environment again)."""
    global _configured
    _configured = None if seconds is None else max(float(seconds), 0.0)


_state = threading.local()


def within(what: str, work: Callable[..., T], *args: object, seconds: float | None = None) -> T:
    """``work(*args)``, stopped with :class:`RegionTimeout` naming ``what`` after
    ``seconds`` (default :func:`region_timeout`). A call inside another keeps the outer
    limit."""
    limit = region_timeout() if seconds is None else seconds
    if limit <= 0 or getattr(_state, "active", False):
        return work(*args)
    _state.active = True
    try:
        if _can_alarm():
            return _with_alarm(work, args, limit)
        return _with_watchdog(work, args, limit)
    except _Expired as expired:
        raise RegionTimeout(what, limit, _where(expired)) from None
    finally:
        _state.active = False


def _where(expired: BaseException) -> str:
    frames = traceback.extract_tb(expired.__traceback__)
    inner = [f for f in frames if not f.filename.endswith(("deadline.py", "threading.py"))]
    if not inner:
        return ""
    last = inner[-1]
    return f"{last.filename}:{last.lineno}, {last.name}"


# -------------------------------------------------------------------------------------
# The main thread: SIGALRM
# -------------------------------------------------------------------------------------


def _can_alarm() -> bool:
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler is _on_alarm:
        return True
    if handler not in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False  # someone else's alarm: leave it alone
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def _on_alarm(signum: int, frame: object) -> None:
    if getattr(_state, "active", False):  # a stray SIGALRM outside a limit is ignored
        raise _Expired


def _with_alarm(work: Callable[..., T], args: tuple[object, ...], limit: float) -> T:
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return work(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# -------------------------------------------------------------------------------------
# Other threads: a watchdog raises the interruption in the working thread
# -------------------------------------------------------------------------------------

_deadlines: dict[int, float] = {}
_watchdog: threading.Thread | None = None
_lock = threading.Lock()
_TICK = 0.05


def _with_watchdog(work: Callable[..., T], args: tuple[object, ...], limit: float) -> T:
    ident = threading.get_ident()
    _start_watchdog()
    with _lock:
        _deadlines[ident] = time.monotonic() + limit
    try:
        return work(*args)
    finally:
        with _lock:
            if _deadlines.pop(ident, None) is None:
                # The watchdog fired just as the work ended: take back an interruption
                # not raised yet, so it cannot surface later in unrelated code.
                _interrupt(ident, None)


def _start_watchdog() -> None:
    global _watchdog
    with _lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="yibao-deadline", daemon=True)
            _watchdog.start()


def _watch() -> None:
    while True:
        time.sleep(_TICK)
        now = time.monotonic()
        with _lock:
            for ident, due in list(_deadlines.items()):
                if now >= due:
                    del _deadlines[ident]
                    _interrupt(ident, _Expired)


def _interrupt(ident: int, exc: type[BaseException] | None) -> None:
    """Raise ``exc`` in thread ``ident`` at its next bytecode (``None``: cancel)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), None if exc is None else ctypes.py_object(exc)
    )
