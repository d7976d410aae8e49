"""A time limit per region: a plugin that hangs costs its own region's answer, no more.

:func:`within` runs one region's work (loading a plugin, building its stack, answering a
scenario) and stops it after :func:`region_timeout` seconds with :class:`RegionTimeout`,
that region's error; the other regions of a ``compare``, the TUI or a batch line go on.

How it stops the work, at a cost of about a microsecond per answer:

- in the main thread (the CLI, the TUI's event loop, batch worker processes) an
  interval timer's ``SIGALRM`` interrupts the hook wherever it is, a blocking
  ``time.sleep`` or lock included (the limit is kept to within a tenth, at most 1 s);
- in another thread (Dask workers, an embedding service) a watchdog thread raises the
  interruption in the working thread; Python code stops at once, a blocking C call
  (``time.sleep``, a socket read) only when it returns.

The interruption is a ``BaseException``, so a plugin's own ``except Exception`` cannot
swallow it. The limit is ``--region-timeout SECONDS`` or ``YIBAO_REGION_TIMEOUT``
(default :data:`DEFAULT_SECONDS`; ``0`` turns it off).
"""

from __future__ import annotations

import atexit
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
"""The limit in force (``None``: not read from the environment yet)."""
_MAIN = threading.main_thread().ident


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
    """The limit in seconds (0: none): as configured, else from the environment (read
    once: this is asked for every region's every answer)."""
    global _configured
    if _configured is None:
        text = os.environ.get(TIMEOUT_ENV, "").strip()
        try:
            _configured = max(float(text), 0.0) if text else DEFAULT_SECONDS
        except ValueError:
            _configured = DEFAULT_SECONDS
    return _configured


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


_alarm: bool | None = None
"""Whether this process's main thread uses ``SIGALRM`` (decided on first use)."""


def _can_alarm() -> bool:
    global _alarm
    if threading.get_ident() != _MAIN:
        return False
    if _alarm is None:
        handler = signal.getsignal(signal.SIGALRM) if hasattr(signal, "setitimer") else 0
        _alarm = handler in (signal.SIG_DFL, signal.SIG_IGN, None, _on_alarm)
        if _alarm:  # else someone else's alarm: leave it alone, use the watchdog
            signal.signal(signal.SIGALRM, _on_alarm)
    return _alarm


_due = 0.0
"""When the main thread's current work runs out of time (``time.monotonic()``; 0: no
work under a limit)."""
_tick = 0.0
"""The period the interval timer ticks at (0: not ticking)."""


def _on_alarm(signum: int, frame: object) -> None:
    global _tick
    if _due:
        if time.monotonic() >= _due:
            raise _Expired
    elif _tick:  # idle: stop ticking until work under a limit starts again
        signal.setitimer(signal.ITIMER_REAL, 0)
        _tick = 0.0


def _with_alarm(work: Callable[..., T], args: tuple[object, ...], limit: float) -> T:
    """Run ``work`` with the deadline set for :func:`_on_alarm`. The interval timer
    ticks at a tenth of the limit (between 10 ms and 1 s) and is set only when it is not
    already ticking fast enough, so an answer costs no system call; a timer that fires
    while nothing runs stops itself."""
    global _due, _tick
    tick = min(max(limit / 10, 0.01), 1.0)
    _due = time.monotonic() + limit
    if not _tick or tick < _tick:
        signal.setitimer(signal.ITIMER_REAL, tick, tick)
        _tick = tick
    try:
        return work(*args)
    finally:
        _due = 0.0


def _stop_ticking() -> None:
    """Stop the interval timer when the process ends: a tick arriving after Python has
    put ``SIGALRM`` back to its default action would kill the exiting process."""
    global _tick
    if _tick:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _tick = 0.0


atexit.register(_stop_ticking)


def _after_fork() -> None:
    """A forked child has no timer ticking and its own main thread."""
    global _due, _tick, _MAIN
    _due, _tick, _MAIN = 0.0, 0.0, threading.get_ident()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


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
