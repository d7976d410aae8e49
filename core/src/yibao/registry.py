"""Finding installed regions and building each region's plugin stack.

Regions are found only through entry points, so the built-in regions are installed and
discovered exactly as a third party's would be:

- group ``yibao.regions``: name = region code, object = a :class:`RegionPlugin`;
- group ``yibao.overlays``: object = an :class:`OverlayPlugin` that stacks more rules
  on top of an installed region.

Each (region, scheme) gets its own :class:`pluggy.PluginManager`, so regions never
answer for each other. A plugin that fails to import is listed as broken, not fatal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pluggy

from yibao import hookspecs
from yibao.errors import InputError, UnknownRegion, YibaoError
from yibao.params import ParameterFile, ParameterSet, check_overlay, load_parameter_file
from yibao.results import RegionInfo

REGION_GROUP = "yibao.regions"
OVERLAY_GROUP = "yibao.overlays"
TRACE_ENV = "YIBAO_TRACE"
"""Set to 1 to print every hook call with its arguments and result to stderr."""


@dataclass(frozen=True)
class RegionPlugin:
    """What a ``yibao.regions`` entry point provides.

    :param info: The region's description.
    :param layers: For each scheme, the layer plugins (modules or objects with
        ``@hookimpl`` functions), lowest first: provincial layer, then the city's.
    """

    info: RegionInfo
    layers: Mapping[str, Sequence[object]]


@dataclass(frozen=True)
class OverlayPlugin:
    """What a ``yibao.overlays`` entry point provides: rules stacked on a region.

    :param region: The region code amended.
    :param plugin: The layer plugin registered on top of the region's stack.
    :param scheme: The scheme amended, or ``None`` for all of the region's schemes.
    """

    region: str
    plugin: object
    scheme: str | None = None


@dataclass
class Installed:
    """One installed region entry point, loaded or broken."""

    code: str
    distribution: str
    version: str
    plugin: RegionPlugin | None = None
    error: str | None = None


@dataclass
class Stack:
    """A region's plugin stack for one scheme, ready to evaluate."""

    info: RegionInfo
    scheme: str
    pm: pluggy.PluginManager
    params: ParameterSet
    layer_names: tuple[str, ...]
    overlays: tuple[str, ...] = ()


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown", "unknown"
    return dist.metadata["Name"], dist.version


def _layer_name(plugin: object) -> str:
    return getattr(plugin, "LAYER_NAME", None) or getattr(plugin, "__name__", repr(plugin))


@dataclass
class Registry:
    """The installed regions, loaded once; stacks are built on first use and cached."""

    _installed: dict[str, Installed] | None = None
    _overlays: list[tuple[OverlayPlugin, str]] = field(default_factory=list)
    _stacks: dict[tuple[str, str], Stack] = field(default_factory=dict)

    @classmethod
    def from_plugins(
        cls, plugins: Mapping[str, RegionPlugin], overlays: Sequence[OverlayPlugin] = ()
    ) -> Registry:
        """A registry of the given plugins only, without entry points (for tests and
        embedding): ``{code: RegionPlugin}``."""
        registry = cls()
        registry._installed = {
            code: Installed(code=code, distribution="(in process)", version="-", plugin=plugin)
            for code, plugin in plugins.items()
        }
        registry._overlays = [(o, "(in process)") for o in overlays]
        return registry

    def installed(self) -> dict[str, Installed]:
        """Every ``yibao.regions`` entry point by code, loading each (errors kept)."""
        if self._installed is None:
            self._installed = {}
            for ep in sorted(entry_points(group=REGION_GROUP), key=lambda e: e.name):
                name, version = _dist_of(ep)
                item = Installed(code=ep.name, distribution=name, version=version)
                try:
                    plugin = ep.load()
                    if not isinstance(plugin, RegionPlugin):
                        raise TypeError(f"{ep.value} is not a yibao.registry.RegionPlugin")
                    item.plugin = plugin
                except Exception as exc:  # a broken plugin is reported, never fatal
                    item.error = f"{type(exc).__name__}: {exc}"
                self._installed[ep.name] = item
            for ep in entry_points(group=OVERLAY_GROUP):
                name, _ = _dist_of(ep)
                try:
                    overlay = ep.load()
                except Exception as exc:
                    print(f"yibao: overlay {ep.name} from {name} failed: {exc}", file=sys.stderr)
                    continue
                if isinstance(overlay, OverlayPlugin):
                    self._overlays.append((overlay, name))
        return self._installed

    def codes(self) -> list[str]:
        """Codes of the regions that loaded."""
        return [code for code, item in self.installed().items() if item.plugin is not None]

    def region(self, code: str) -> RegionPlugin:
        """The loaded plugin for ``code``; raise a clear error when absent or broken."""
        item = self.installed().get(code)
        if item is None:
            raise UnknownRegion(code, self.codes())
        if item.plugin is None:
            raise YibaoError(
                f"region {code!r} from {item.distribution} {item.version} is broken: {item.error}"
            )
        return item.plugin

    def stack(self, code: str, scheme: str) -> Stack:
        """The plugin stack of ``code`` for ``scheme``, built once."""
        cached = self._stacks.get((code, scheme))
        if cached is not None:
            return cached
        plugin = self.region(code)
        layers = plugin.layers.get(scheme)
        if not layers:
            offered = ", ".join(plugin.layers) or "none"
            raise YibaoError(f"region {code!r} has no {scheme!r} scheme; its schemes: {offered}")
        pm = pluggy.PluginManager("yibao")
        pm.add_hookspecs(hookspecs)
        names = []
        for layer in layers:
            pm.register(layer, name=f"{code}.{scheme}:{_layer_name(layer)}")
            names.append(_layer_name(layer))
        for overlay, dist in self._overlays:
            if overlay.region == code and overlay.scheme in (None, scheme):
                pm.register(overlay.plugin, name=f"{code}.{scheme}:overlay:{dist}")
                names.append(f"{_layer_name(overlay.plugin)} (overlay from {dist})")
        pm.check_pending()  # a misspelt hook name fails here, not silently later
        if os.environ.get(TRACE_ENV):
            _trace(pm, code, scheme)
        files = [
            load_parameter_file(path)
            for paths in reversed(pm.hook.yibao_parameter_files())
            for path in paths
        ]
        stack = Stack(
            info=plugin.info,
            scheme=scheme,
            pm=pm,
            params=ParameterSet(files),
            layer_names=tuple(names),
        )
        self._stacks[(code, scheme)] = stack
        return stack

    def with_overlays(self, stack: Stack, overlays: Sequence[ParameterFile]) -> Stack:
        """``stack`` with parameter overlays (``--params``) applied on top.

        Only overlays aimed at this region (or at no region in particular) apply; each
        is checked against the region's known keys and kinds.
        """
        mine = [
            o
            for o in overlays
            if o.region in (None, stack.info.code) and o.scheme in (None, stack.scheme)
        ]
        if not mine:
            return stack
        for overlay in mine:
            check_overlay(overlay, stack.params)
        return Stack(
            info=stack.info,
            scheme=stack.scheme,
            pm=stack.pm,
            params=ParameterSet([*stack.params.files, *mine]),
            layer_names=stack.layer_names,
            overlays=tuple(o.path for o in mine),
        )


def _trace(pm: pluggy.PluginManager, code: str, scheme: str) -> None:
    def before(hook_name, hook_impls, kwargs):
        args = {k: v for k, v in kwargs.items() if k != "case"}
        print(f"[yibao {code}/{scheme}] {hook_name}({args})", file=sys.stderr)

    def after(outcome, hook_name, hook_impls, kwargs):
        print(f"[yibao {code}/{scheme}] {hook_name} -> {outcome.get_result()!r}", file=sys.stderr)

    pm.add_hookcall_monitoring(before, after)


def load_overlays(paths: Sequence[Path | str]) -> list[ParameterFile]:
    """Load ``--params`` files as overlays (each value tagged with its file)."""
    out = []
    for path in paths:
        overlay = load_parameter_file(path, origin=str(path))
        if not overlay.params:
            raise InputError(str(path), "the overlay gives no [[parameter]] entries")
        out.append(overlay)
    return out


_default: Registry | None = None


def default_registry() -> Registry:
    """The process-wide registry of installed regions."""
    global _default
    if _default is None:
        _default = Registry()
    return _default
