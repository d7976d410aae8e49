"""Safe hooks: an exception inside a hook becomes a :class:`PluginError` naming its
distribution and layer (so it is that region's error only), and ``YIBAO_TRACE`` prints
every hook call."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import pluggy

from yibao import hookspecs
from yibao.dispatch import monitor
from yibao.errors import YibaoError
from yibao.hookspecs import hookimpl
from yibao.registry.loading import error_text
from yibao.registry.stack import LayerRef

TRACE_ENV = "YIBAO_TRACE"
"""Set to 1 to print every hook call with its arguments and result to stderr."""


class PluginError(YibaoError):
    """A hook raised an unexpected exception: names the distribution and layer."""

    def __init__(self, message: str, *, distribution: str, layer: str, hook: str) -> None:
        self.distribution = distribution
        self.layer = layer
        self.hook = hook
        super().__init__(message)


def frame_owners(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> _Owners:
    modules: dict[str, LayerRef] = {}
    codes: dict[object, LayerRef] = {}
    by_plugin = {id(ref.plugin): ref for ref in refs}
    for ref in refs:
        module = getattr(ref.plugin, "__name__", None)
        if isinstance(module, str) and module not in ("yibao",) and not module.startswith("yibao."):
            modules[module] = ref
    for name in spec_names():
        for impl in getattr(pm.hook, name).get_hookimpls():
            ref = by_plugin.get(id(impl.plugin))
            if ref is not None:
                codes[getattr(impl.function, "__code__", None)] = ref
    return _Owners(modules, codes)


@dataclass(frozen=True)
class _Owners:
    modules: Mapping[str, LayerRef]
    codes: Mapping[object, LayerRef]

    def of(self, tb: TracebackType | None) -> LayerRef | None:
        """The layer owning the innermost frame of ``tb`` that belongs to a layer."""
        frames = [frame for frame, _ in traceback.walk_tb(tb)]
        for frame in reversed(frames):
            module = frame.f_globals.get("__name__", "")
            for name, ref in self.modules.items():
                if module == name or module.startswith(name + "."):
                    return ref
            ref = self.codes.get(frame.f_code)
            if ref is not None:
                return ref
        return None


def plugin_error(exc: Exception, hook: str, owners: _Owners) -> PluginError:
    ref = owners.of(exc.__traceback__)
    where = traceback.extract_tb(exc.__traceback__)[-1]
    dist = f"{ref.distribution} {ref.version}" if ref else "an unknown distribution"
    layer = ref.name if ref else "?"
    return PluginError(
        f"plugin error in {dist} (layer {layer}, {hook}): {error_text(exc)} "
        f"(in {where.filename}:{where.lineno}, {where.name})",
        distribution=ref.distribution if ref else "?",
        layer=layer,
        hook=hook,
    )


def guard_hooks(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> None:
    """Register an outermost wrapper on every hook turning an unexpected exception into
    a :class:`PluginError` (``YibaoError`` and its ``NotPublished`` pass unchanged)."""
    owners = frame_owners(pm, refs)
    guard = _Guard()
    for name in spec_names():

        def wrap(hook: str = name):  # type: ignore[no-untyped-def]
            try:
                return (yield)
            except YibaoError:
                raise
            except Exception as exc:
                raise plugin_error(exc, hook, owners) from exc

        setattr(guard, f"guard_{name}", hookimpl(wrapper=True, tryfirst=True, specname=name)(wrap))
    pm.register(guard, name="yibao:guard")


class _Guard:
    """The plugin holding the guard wrappers (a plain, hashable object)."""


def spec_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("yibao_"))


def trace(pm: pluggy.PluginManager, code: str, scheme: str) -> None:
    def before(hook_name, hook_impls, kwargs):
        args = {k: v for k, v in kwargs.items() if k != "case"}
        print(f"[yibao {code}/{scheme}] {hook_name}({args})", file=sys.stderr)

    def after(outcome, hook_name, hook_impls, kwargs):
        if outcome.exception is not None:
            print(f"[yibao {code}/{scheme}] {hook_name} raised {outcome.exception!r}",
                  file=sys.stderr)  # fmt: skip
            return
        print(f"[yibao {code}/{scheme}] {hook_name} -> {outcome.get_result()!r}", file=sys.stderr)

    monitor(pm, before, after)
