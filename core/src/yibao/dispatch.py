"""Hook dispatch resolved once per plugin manager: pluggy's semantics, less overhead.

pluggy's ``HookCaller.__call__`` checks its arguments, copies the implementation list
and runs a general loop on every call. For a region stack that never changes after it
is built, :class:`FastRelay` resolves each hook once into a plain function with the
same semantics (call order, *firstresult*, new-style wrappers), and the engine puts it
on the :class:`~yibao.case.Case` as ``case.hook``. Plugins call it exactly as they call
pluggy's relay, so they need no change. A stack whose calls are monitored — tracing
(``YIBAO_TRACE``), or any monitor installed through :func:`monitor` — keeps pluggy's own
relay, so every call is still seen. Only pluggy's public API is used; the supported
pluggy versions are pinned in core's pyproject and tests/test_dispatch.py holds the
fast relay to pluggy's own answers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from operator import itemgetter
from typing import Any

import pluggy

Call = tuple[Callable[..., Any], tuple[str, ...], tuple[str, ...]]
"""An implementation as the plan calls it: function, positional names, keyword names."""

TRANSPARENT_WRAPPERS = frozenset({"yibao:guard"})
"""Plugin names of wrappers known to be ``try: return (yield) except …`` — they return
the inner answer unchanged and act only on an exception, so the plan sets them up only
when one is raised (same answer, no generator per call). A wrapper function may also
declare this with ``fn.yibao_transparent = True``."""


def compile_hook(caller: pluggy.HookCaller) -> Callable[..., Any] | None:
    """A plain function equivalent to calling ``caller``, or ``None`` to keep pluggy's.

    pluggy sets up wrappers first, then calls implementations last-registered first
    and, for a *firstresult* hook, stops at the first non-``None`` answer (otherwise it
    collects every non-``None`` answer); wrappers then see the answer or the exception,
    innermost first. Old-style ``hookwrapper`` implementations are left to pluggy.
    """
    impls = list(reversed(caller.get_hookimpls()))  # pluggy's call order
    if any(impl.hookwrapper for impl in impls):
        return None
    spec = caller.spec
    first = bool(spec and spec.opts.get("firstresult"))
    inner = _plain(tuple(_call(impl) for impl in impls if not impl.wrapper), first)
    wrappers = tuple(impl for impl in impls if impl.wrapper)
    if not wrappers:
        return lambda **kw: inner(kw)
    if all(_transparent(impl) for impl in wrappers):
        plain = [impl for impl in impls if not impl.wrapper]
        if first and len(plain) == 1 and not plain[0].kwargnames and plain[0].argnames:
            return _guarded_one(_call(plain[0]), tuple(_call(impl) for impl in wrappers))
        return _guarded(inner, tuple(_call(impl) for impl in wrappers))
    return _wrapped(inner, tuple(_call(impl) for impl in wrappers))


def _call(impl: pluggy.HookImpl) -> Call:
    return impl.function, tuple(impl.argnames), tuple(impl.kwargnames)


def _transparent(impl: pluggy.HookImpl) -> bool:
    return impl.plugin_name in TRANSPARENT_WRAPPERS or bool(
        getattr(impl.function, "yibao_transparent", False)
    )


Inner = Callable[[dict[str, Any]], Any]
"""The implementations of a hook, called with the keyword arguments as one dict."""


def _bound(call: Call) -> Inner:
    """One implementation as a function of the call's keyword dict (pluggy's argnames:
    positional ones required, ones with defaults passed when given)."""
    function, names, kwnames = call
    if kwnames:

        def with_defaults(kw: dict[str, Any]) -> Any:
            extra = {name: kw[name] for name in kwnames if name in kw}
            return function(*[kw[name] for name in names], **extra)

        return with_defaults
    if not names:
        return lambda kw: function()
    get = itemgetter(*names)
    if len(names) == 1:
        return lambda kw: function(get(kw))
    return lambda kw: function(*get(kw))


def _plain(calls: tuple[Call, ...], first: bool) -> Inner:
    bound = tuple(_bound(call) for call in calls)
    if first and len(bound) == 1:
        return bound[0]
    if first:

        def call_first(kw: dict[str, Any]) -> Any:
            for call in bound:
                answer = call(kw)
                if answer is not None:
                    return answer
            return None

        return call_first

    def call_every(kw: dict[str, Any]) -> list[Any]:
        answers = []
        for call in bound:
            answer = call(kw)
            if answer is not None:
                answers.append(answer)
        return answers

    return call_every


def _guarded(inner: Inner, guards: tuple[Call, ...]) -> Callable[..., Any]:
    """``inner`` under transparent wrappers: they run only when ``inner`` raises."""

    def call(**kw: Any) -> Any:
        try:
            return inner(kw)
        except BaseException as exc:  # the wrappers decide what leaves the hook
            failed = exc
        answer, error = _teardown([_setup(g, kw) for g in guards], None, failed)
        if error is not None:
            raise error
        return answer

    return call


def _guarded_one(impl: Call, guards: tuple[Call, ...]) -> Callable[..., Any]:
    """:func:`_guarded` for the common hook with one implementation: one frame less."""
    function, names, _ = impl
    get = itemgetter(*names)
    single = len(names) == 1

    def call(**kw: Any) -> Any:
        try:
            return function(get(kw)) if single else function(*get(kw))
        except BaseException as exc:  # the wrappers decide what leaves the hook
            failed = exc
        answer, error = _teardown([_setup(g, kw) for g in guards], None, failed)
        if error is not None:
            raise error
        return answer

    return call


def _wrapped(inner: Inner, wrappers: tuple[Call, ...]) -> Callable[..., Any]:
    """``inner`` under new-style wrappers, exactly as pluggy's ``_multicall`` runs them."""

    def call(**kw: Any) -> Any:
        answer: Any = None
        error: BaseException | None = None
        setups: list[Any] = []
        try:
            for wrapper in wrappers:
                setups.append(_setup(wrapper, kw))
            answer = inner(kw)
        except BaseException as exc:
            error = exc
        answer, error = _teardown(setups, answer, error)
        if error is not None:
            raise error
        return answer

    return call


def _setup(wrapper: Call, kw: dict[str, Any]) -> Any:
    generator = _bound(wrapper)(kw)
    try:
        next(generator)
    except StopIteration:
        raise RuntimeError(f"wrap_controller at {wrapper[0].__name__!r} did not yield") from None
    return generator


def _teardown(
    setups: list[Any], answer: Any, error: BaseException | None
) -> tuple[Any, BaseException | None]:
    for generator in reversed(setups):
        try:
            if error is not None:
                generator.throw(error)
            else:
                generator.send(answer)
            generator.close()
        except StopIteration as stop:
            answer, error = stop.value, None
            continue
        except BaseException as exc:
            error = exc
            continue
        error = RuntimeError("wrap_controller has second yield")
    return answer, error


class FastRelay:
    """Stands in for pluggy's ``pm.hook`` on a :class:`~yibao.case.Case`.

    Same attribute names, same keyword calls (``case.hook.yibao_remote_care(case=…,
    claim=…, rate=…)``), so plugins need no change; anything else is looked up on the
    real relay.
    """

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self._relay = pm.hook
        for name, caller in vars(pm.hook).items():
            if isinstance(caller, pluggy.HookCaller):
                setattr(self, name, compile_hook(caller) or caller)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._relay, name)


_relays: weakref.WeakKeyDictionary[pluggy.PluginManager, tuple[int, Any]] = (
    weakref.WeakKeyDictionary()
)


def relay(pm: pluggy.PluginManager) -> Any:
    """The fast relay for ``pm`` (built once, rebuilt if plugins were added or removed),
    or pluggy's own relay while its hook calls are monitored (:func:`monitor`)."""
    if pm in _monitored:
        return pm.hook
    count = len(pm.list_name_plugin())
    known = _relays.get(pm)
    if known is None or known[0] != count:
        known = _relays[pm] = (count, FastRelay(pm))
    return known[1]


_monitored: weakref.WeakSet[pluggy.PluginManager] = weakref.WeakSet()


def monitor(
    pm: pluggy.PluginManager,
    before: Callable[[str, list[Any], dict[str, Any]], None],
    after: Callable[[Any, str, list[Any], dict[str, Any]], None],
) -> Callable[[], None]:
    """Watch every hook call of ``pm`` (pluggy's ``add_hookcall_monitoring``): the fast
    relay then steps aside, so no call escapes the monitor. Returns the undo function."""
    undo = pm.add_hookcall_monitoring(before, after)
    _monitored.add(pm)

    def stop() -> None:
        undo()
        _monitored.discard(pm)

    return stop
