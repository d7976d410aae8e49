"""Finding installed regions and building each region's plugin stack.

Regions are found only through entry points, so the built-in regions are installed and
discovered exactly as a third party's would be:

- group ``yibao.regions``: name = region code, object = a :class:`RegionPlugin`;
- group ``yibao.overlays``: object = an :class:`OverlayPlugin` that stacks more rules
  (and parameter files) on top of an installed region.

Each (region, scheme) gets its own :class:`pluggy.PluginManager`, so regions never
answer for each other. Loading is safe: a plugin that fails to import is listed as
broken with its distribution and error, and an exception raised inside a hook becomes
a :class:`PluginError` naming the distribution and layer, so it is that region's error
only. :class:`Selection` (``--only``/``--disable``, ``YIBAO_PLUGINS``/``YIBAO_DISABLE``)
chooses which entry points load at all.

:func:`layer_map` explains a stack: which layer answers each hook and each parameter,
and the conflicts (two unordered plugins claiming the same thing) that stop a stack
from being built. See docs/plugins.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import sys
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points, packages_distributions
from pathlib import Path
from types import TracebackType
from typing import Literal

import msgspec
import pluggy

from yibao import hookimpl, hookspecs
from yibao.dates import answer_years
from yibao.deadline import within
from yibao.dispatch import monitor
from yibao.errors import InputError, UnknownRegion, YibaoError
from yibao.facts import Fact, Words, merged, scenario_type
from yibao.model import Scenario
from yibao.params import (
    Gap,
    Param,
    ParameterFile,
    ParameterSet,
    check_overlay,
    load_parameter_file,
)
from yibao.results import RegionInfo, SchemeInfo
from yibao.textsafe import printable

REGION_GROUP = "yibao.regions"
OVERLAY_GROUP = "yibao.overlays"
TRACE_ENV = "YIBAO_TRACE"
"""Set to 1 to print every hook call with its arguments and result to stderr."""
ONLY_ENV = "YIBAO_PLUGINS"
"""Comma-separated allow-list of plugins to load (region codes, overlay names or
distribution names). Set but empty: load none."""
DISABLE_ENV = "YIBAO_DISABLE"
"""Comma-separated plugins not to load (region codes, overlay names or distributions)."""
NO_OVERLAYS_ENV = "YIBAO_NO_INSTALLED_OVERLAYS"
"""Set to 1 to load no ``yibao.overlays`` entry point (like ``--no-installed-overlays``)."""

Role = Literal["province", "city", "overlay"]


# -------------------------------------------------------------------------------------
# What entry points provide
# -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionPlugin:
    """What a ``yibao.regions`` entry point provides.

    :param info: The region's description.
    :param layers: For each scheme, the layer plugins (modules or objects with
        ``@hookimpl`` functions), lowest first: provincial layer, then the city's. The
        order of this tuple is the declared order of the layers: a higher layer's
        answer overrides a lower one's.
    """

    info: RegionInfo
    layers: Mapping[str, Sequence[object]]


@dataclass(frozen=True)
class OverlayPlugin:
    """What a ``yibao.overlays`` entry point provides: rules stacked on a region.

    :param region: The region code amended.
    :param plugin: The layer plugin registered on top of the region's stack (it may
        return parameter files from ``yibao_parameter_files`` too).
    :param scheme: The scheme amended, or ``None`` for all of the region's schemes.
    :param order: The declared order among overlays on one region: a higher order is
        stacked above a lower one. Two overlays with the same order that claim the same
        parameter for overlapping dates, or both answer the same first-result hook with
        the same ``tryfirst``/``trylast``, are a conflict.
    :param years: Scheme years the overlay adds to those the region declares (e.g. a
        new year's premium table).
    """

    region: str
    plugin: object
    scheme: str | None = None
    order: int = 0
    years: tuple[int, ...] = ()


# -------------------------------------------------------------------------------------
# Choosing which plugins load
# -------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _names(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(_norm(n) for n in text.split(",") if n.strip())


@dataclass(frozen=True)
class Selection:
    """Which entry points load: an allow-list (``None``: all) minus a deny-list.

    A plugin matches a name when its entry-point name (region code, overlay name) or
    its distribution name is that name (case and ``-``/``_`` ignored). Provincial
    layers are not entry points: they load with the region that stacks on them.
    """

    only: frozenset[str] | None = None
    disable: frozenset[str] = frozenset()
    installed_overlays: bool = True
    """``False`` (``--no-installed-overlays``): no ``yibao.overlays`` entry point loads."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Selection:
        """The selection given by ``YIBAO_PLUGINS``, ``YIBAO_DISABLE`` and
        ``YIBAO_NO_INSTALLED_OVERLAYS``."""
        environ = os.environ if environ is None else environ
        return cls(
            only=_names(environ.get(ONLY_ENV)),
            disable=_names(environ.get(DISABLE_ENV)) or frozenset(),
            installed_overlays=environ.get(NO_OVERLAYS_ENV, "") in ("", "0"),
        )

    @classmethod
    def parse(
        cls,
        only: Iterable[str] = (),
        disable: Iterable[str] = (),
        *,
        no_installed_overlays: bool = False,
    ) -> Selection:
        """A selection from option values (each may itself be comma-separated);
        with no ``only`` and no ``disable`` given, the environment decides."""
        only_text = ",".join(only)
        disable_text = ",".join(disable)
        env = cls.from_env()
        return cls(
            only=_names(only_text) if only_text else env.only,
            disable=(_names(disable_text) or frozenset()) | env.disable,
            installed_overlays=env.installed_overlays and not no_installed_overlays,
        )

    def why_not(self, *names: str) -> str | None:
        """``None`` when a plugin known by ``names`` loads, else the reason it does not."""
        mine = {_norm(n) for n in names}
        if mine & self.disable:
            return f"disabled (--disable or {DISABLE_ENV})"
        if self.only is not None and not mine & self.only:
            return f"not selected (--only or {ONLY_ENV})"
        return None


# -------------------------------------------------------------------------------------
# Installed plugins
# -------------------------------------------------------------------------------------


@dataclass
class _EntryPointState:
    """What became of one entry point: loaded, broken (``error``) or not selected."""

    distribution: str
    version: str
    error: str | None = None
    disabled: str | None = None
    """Why the entry point was not loaded (``--disable``, ``--only``), if so."""

    def _loaded(self) -> object | None:
        raise NotImplementedError

    @property
    def status(self) -> Literal["ok", "broken", "disabled"]:
        if self.disabled is not None:
            return "disabled"
        return "ok" if self._loaded() is not None else "broken"


@dataclass(kw_only=True)
class Installed(_EntryPointState):
    """One installed region entry point."""

    code: str
    plugin: RegionPlugin | None = None
    rivals: tuple[str, ...] = ()
    """Every distribution claiming this code when more than one does (none is loaded)."""

    def _loaded(self) -> object | None:
        return self.plugin

    @property
    def status(self) -> Literal["ok", "broken", "disabled", "conflict"]:
        return "conflict" if self.rivals else super().status


@dataclass(kw_only=True)
class InstalledOverlay(_EntryPointState):
    """One installed overlay entry point."""

    name: str
    overlay: OverlayPlugin | None = None

    def _loaded(self) -> object | None:
        return self.overlay


@dataclass(frozen=True)
class LayerRef:
    """One layer of a stack, with where it comes from."""

    name: str
    role: Role
    distribution: str
    version: str
    plugin: object
    order: int = 0
    """Overlays: their declared order; region layers: their position in the stack."""


@dataclass
class Stack:
    """A region's plugin stack for one scheme, ready to evaluate."""

    info: RegionInfo
    scheme: str
    pm: pluggy.PluginManager
    params: ParameterSet
    layer_names: tuple[str, ...]
    overlays: tuple[str, ...] = ()
    layers: tuple[LayerRef, ...] = ()
    """The layers, lowest first, with their roles and distributions."""
    marked: dict[str, str] = field(default_factory=dict)
    """Overlay files that say their values are not policy: path → ``fictional`` or
    ``illustrative`` (:data:`yibao.params.Marked`)."""


class PluginError(YibaoError):
    """A hook raised an unexpected exception: names the distribution and layer."""

    def __init__(self, message: str, *, distribution: str, layer: str, hook: str) -> None:
        self.distribution = distribution
        self.layer = layer
        self.hook = hook
        super().__init__(message)


class PluginConflict(YibaoError):
    """Two plugins of one region claim the same thing without a declared order."""

    def __init__(self, code: str, scheme: str, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        lines = "; ".join(str(c) for c in conflicts)
        super().__init__(
            f"region {code!r} ({scheme}) has conflicting plugins: {lines}. Declare an order "
            "(OverlayPlugin.order, or tryfirst/trylast on the hook) or leave one out with "
            f"--disable / {DISABLE_ENV}"
        )


def _target_problem(
    region: str | None,
    scheme: str | None,
    run: Mapping[str, Sequence[str]],
    loaded: Mapping[str, Sequence[str]],
) -> str | None:
    """Why an overlay for ``region``/``scheme`` amends nothing among ``run`` (region →
    schemes), with a suggestion drawn from ``loaded``; ``None`` when it amends something."""
    if region is not None and region not in run:
        if region in loaded:
            hint = f"; evaluate {region} too (--region/--regions) to use it"
        else:
            close = difflib.get_close_matches(region, list(loaded), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(run) or "none"
        return f"region = {region!r} matches no region loaded for this run ({known}){hint}"
    targets = [run[region]] if region is not None else list(run.values())
    schemes = sorted({s for t in targets for s in t})
    if scheme is not None and scheme not in schemes:
        close = difflib.get_close_matches(scheme, schemes, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        where = f"region {region!r}" if region is not None else "the regions of this run"
        return (
            f"scheme = {scheme!r} is not a scheme of {where} "
            f"(schemes: {', '.join(schemes) or 'none'}){hint}"
        )
    return None


def _region_claims(
    eps: Iterable[EntryPoint], selection: Selection
) -> dict[str, list[tuple[str, str]]]:
    """For each region code, the selected distributions whose entry point claims it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for ep in eps:
        name, version = _dist_of(ep)
        mine = out.setdefault(ep.name, [])
        if selection.why_not(ep.name, name) is None and (name, version) not in mine:
            mine.append((name, version))
    return out


def _conflict(code: str, dists: Sequence[tuple[str, str]]) -> Installed:
    """Two distributions claim ``code``: neither loads, and the listing says how to choose
    (never chosen silently by entry-point order)."""
    names = [f"{name} {version}" for name, version in dists]
    return Installed(
        code=code,
        distribution=" | ".join(n for n, _ in dists),
        version="-",
        rivals=tuple(names),
        error=(
            f"claimed by {len(names)} distributions ({', '.join(names)}); neither is loaded. "
            f"Choose one with --disable DISTRIBUTION (or {DISABLE_ENV}), or --only "
            f"DISTRIBUTION,… (or {ONLY_ENV})"
        ),
    )


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown", "unknown"
    return dist.metadata["Name"], dist.version


@cache
def _package_dists() -> Mapping[str, list[str]]:
    return packages_distributions()


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "-"


def _layer_name(plugin: object) -> str:
    return getattr(plugin, "LAYER_NAME", None) or getattr(plugin, "__name__", repr(plugin))


def _layer_dist(plugin: object, fallback: tuple[str, str]) -> tuple[str, str]:
    """The distribution that ships a layer module (a provincial layer stacked by a
    city's plugin comes from its own distribution), else ``fallback``."""
    from importlib.metadata import PackageNotFoundError, distribution

    module = getattr(plugin, "__name__", None)
    if not isinstance(module, str):
        return fallback
    top = module.split(".")[0]
    dists = _package_dists().get(top)
    if dists:
        return dists[0], _version(dists[0])
    try:  # an editable install lists no files: try the package's own name
        found = distribution(top)
    except PackageNotFoundError:
        return fallback
    return found.metadata["Name"], found.version


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@dataclass
class Registry:
    """The installed regions, loaded once; stacks are built on first use and cached.

    :param selection: Which entry points load (default: from the environment).
    """

    _installed: dict[str, Installed] | None = None
    _overlays: list[InstalledOverlay] = field(default_factory=list)
    _stacks: dict[tuple[str, str], Stack] = field(default_factory=dict)
    _overlaid: dict[tuple[str, str, tuple[int, ...]], tuple[list[ParameterFile], Stack]] = field(
        default_factory=dict
    )
    """Stacks with parameter overlays, by the overlay objects' identities (kept alive
    beside the stack, so an identity is never reused while its entry exists)."""
    _scenario_type: type[Scenario] | None = None
    _names: object | None = None
    """The regions' names for codes (:func:`yibao.names.places`), built once."""
    selection: Selection | None = None

    @classmethod
    def from_plugins(
        cls, plugins: Mapping[str, RegionPlugin], overlays: Sequence[OverlayPlugin] = ()
    ) -> Registry:
        """A registry of the given plugins only, without entry points (for tests and
        embedding): ``{code: RegionPlugin}``."""
        registry = cls()
        registry._installed = {
            code: Installed(
                code=code,
                distribution="(in process)",
                version="-",
                plugin=with_answer_years(plugin),
            )
            for code, plugin in plugins.items()
        }
        registry._overlays = [
            InstalledOverlay(
                name=f"overlay-{i}", distribution="(in process)", version="-", overlay=o
            )
            for i, o in enumerate(overlays)
        ]
        return registry

    def installed(self) -> dict[str, Installed]:
        """Every ``yibao.regions`` entry point by code, loading each selected one (errors
        kept, never raised)."""
        if self._installed is None:
            selection = self.selection or Selection.from_env()
            self._installed = {}
            claims = _region_claims(entry_points(group=REGION_GROUP), selection)
            for ep in sorted(entry_points(group=REGION_GROUP), key=lambda e: e.name):
                name, version = _dist_of(ep)
                item = Installed(code=ep.name, distribution=name, version=version)
                item.disabled = selection.why_not(ep.name, name)
                if item.disabled is None and len(claims[ep.name]) > 1:
                    self._installed[ep.name] = _conflict(ep.name, claims[ep.name])
                    continue
                if ep.name in self._installed and item.disabled is not None:
                    continue  # the code's selected distribution stands
                if item.disabled is None:
                    try:
                        plugin = within(f"loading region {ep.name} from {name}", ep.load)
                        if not isinstance(plugin, RegionPlugin):
                            raise TypeError(f"{ep.value} is not a yibao.registry.RegionPlugin")
                        item.plugin = with_answer_years(plugin)
                    except Exception as exc:  # a broken plugin is reported, never fatal
                        item.error = _error_text(exc)
                self._installed[ep.name] = item
            for ep in sorted(entry_points(group=OVERLAY_GROUP), key=lambda e: e.name):
                name, version = _dist_of(ep)
                over = InstalledOverlay(name=ep.name, distribution=name, version=version)
                over.disabled = selection.why_not(ep.name, name)
                if not selection.installed_overlays:
                    over.disabled = f"not loaded (--no-installed-overlays or {NO_OVERLAYS_ENV})"
                if over.disabled is None:
                    try:
                        overlay = within(f"loading overlay {ep.name} from {name}", ep.load)
                        if not isinstance(overlay, OverlayPlugin):
                            raise TypeError(f"{ep.value} is not a yibao.registry.OverlayPlugin")
                        over.overlay = overlay
                    except Exception as exc:
                        over.error = _error_text(exc)
                        print(
                            f"yibao: overlay {ep.name} from {name} {version} is broken: "
                            f"{printable(over.error)}",
                            file=sys.stderr,
                        )
                self._overlays.append(over)
            for over in self._overlays:
                self._check_overlay_plugin(over)
        return self._installed

    def _check_overlay_plugin(self, over: InstalledOverlay) -> None:
        """An installed overlay aimed at no loaded region or scheme is broken, with a
        suggestion — never silently ignored."""
        if over.overlay is None:
            return
        problem = _target_problem(
            over.overlay.region, over.overlay.scheme, self._schemes(), self._schemes()
        )
        if problem is not None:
            over.overlay, over.error = None, problem
            print(
                f"yibao: overlay {over.name} from {over.distribution} {over.version} is "
                f"broken: {problem}",
                file=sys.stderr,
            )

    def _schemes(self, codes: Iterable[str] | None = None) -> dict[str, list[str]]:
        """The schemes of each loaded region (of ``codes`` only, when given)."""
        loaded = {c: i.plugin for c, i in (self._installed or {}).items() if i.plugin is not None}
        chosen = loaded if codes is None else {c: loaded[c] for c in codes if c in loaded}
        return {code: list(plugin.layers) for code, plugin in chosen.items()}

    def check_targets(self, overlays: Sequence[ParameterFile], regions: Sequence[str]) -> None:
        """Refuse a ``--params`` overlay whose ``region`` or ``scheme`` matches none of
        ``regions`` (the run's), with a suggestion: a value nobody reads is an error."""
        self.installed()
        for overlay in overlays:
            problem = _target_problem(
                overlay.region, overlay.scheme, self._schemes(regions), self._schemes()
            )
            if problem is not None:
                raise InputError(overlay.path, problem)

    def declared_facts(self) -> list[tuple[str, Fact]]:
        """``(region code, fact)`` for every fact the loaded regions declare."""
        plugins = [(c, i.plugin) for c, i in self.installed().items() if i.plugin is not None]
        return [(code, f) for code, p in plugins for f in p.info.facts]

    def declared_words(self) -> list[tuple[str, Words]]:
        """``(region code, words)`` for every shared choice a loaded region adds to."""
        plugins = [(c, i.plugin) for c, i in self.installed().items() if i.plugin is not None]
        return [(code, w) for code, p in plugins for w in p.info.words]

    def scenario_type(self) -> type[Scenario]:
        """The scenario type with the facts and words the loaded regions declare
        (:func:`yibao.facts.scenario_type`); raises :class:`YibaoError` when two regions
        declare one fact differently. Built once: batch decoding asks for it per line."""
        if self._scenario_type is None:
            declared = merged(self.declared_facts())
            words = {w.code: w for _, ws in self.declared_words() for w in ws.values}
            self._scenario_type = scenario_type(declared, tuple(words.values()))
        return self._scenario_type

    def overlays(self) -> list[InstalledOverlay]:
        """Every ``yibao.overlays`` entry point (loaded, broken or not selected)."""
        self.installed()
        return list(self._overlays)

    def codes(self) -> list[str]:
        """Codes of the regions that loaded."""
        return [code for code, item in self.installed().items() if item.plugin is not None]

    def region(self, code: str) -> RegionPlugin:
        """The loaded plugin for ``code``; raise a clear error when absent or broken."""
        item = self.installed().get(code)
        if item is None:
            from yibao.names import places, suggest

            raise UnknownRegion(code, self.codes(), suggest(code, places(self).regions))
        if item.rivals:
            raise YibaoError(f"region {code!r}: {item.error}")
        if item.disabled is not None:
            raise YibaoError(f"region {code!r} from {item.distribution} is {item.disabled}")
        if item.plugin is None:
            raise YibaoError(
                f"region {code!r} from {item.distribution} {item.version} is broken: {item.error}"
            )
        return item.plugin

    def _layers(self, code: str, scheme: str) -> tuple[RegionPlugin, list[LayerRef], list[int]]:
        plugin = self.region(code)
        layers = plugin.layers.get(scheme)
        if not layers:
            offered = ", ".join(plugin.layers) or "none"
            raise YibaoError(
                f"region {code!r} has no {scheme!r} scheme; its schemes: {offered}",
                zh=f"地区 {plugin.info.name_zh}（{code}）没有{scheme}险种；其险种：{offered}",
            )
        item = self.installed()[code]
        own = (item.distribution, item.version)
        refs = []
        for i, layer in enumerate(layers):
            role: Role = "city" if i == len(layers) - 1 else "province"
            role = getattr(layer, "LAYER_ROLE", None) or role
            dist, version = _layer_dist(layer, own)
            refs.append(LayerRef(_layer_name(layer), role, dist, version, layer, order=i))
        mine = [
            o
            for o in self._overlays
            if o.overlay is not None
            and o.overlay.region == code
            and o.overlay.scheme in (None, scheme)
        ]
        years: list[int] = []
        for o in sorted(mine, key=lambda o: (o.overlay.order, o.distribution, o.name)):  # type: ignore[union-attr]
            assert o.overlay is not None
            refs.append(
                LayerRef(
                    f"{_layer_name(o.overlay.plugin)} (overlay {o.name} from {o.distribution})",
                    "overlay",
                    o.distribution,
                    o.version,
                    o.overlay.plugin,
                    order=o.overlay.order,
                )
            )
            years.extend(o.overlay.years)
        return plugin, refs, years

    def _manager(self, code: str, scheme: str, refs: Sequence[LayerRef]) -> pluggy.PluginManager:
        pm = pluggy.PluginManager("yibao")
        pm.add_hookspecs(hookspecs)
        for ref in refs:
            suffix = f"overlay:{ref.distribution}:{ref.name}" if ref.role == "overlay" else ref.name
            pm.register(ref.plugin, name=f"{code}.{scheme}:{suffix}")
        pm.check_pending()  # a misspelt hook name fails here, not silently later
        return pm

    def _files(
        self, pm: pluggy.PluginManager, refs: Sequence[LayerRef]
    ) -> list[tuple[LayerRef, ParameterFile]]:
        """Each layer's parameter files, lowest layer first (a layer's own order kept)."""
        files = []
        impls = pm.hook.yibao_parameter_files.get_hookimpls()
        for ref in refs:
            for impl in impls:
                if impl.plugin is ref.plugin and not (impl.wrapper or impl.hookwrapper):
                    files.extend((ref, load_parameter_file(p)) for p in impl.function() or ())
        return files

    def stack(self, code: str, scheme: str) -> Stack:
        """The plugin stack of ``code`` for ``scheme``, built once.

        Raises :class:`PluginConflict` when two unordered plugins claim the same
        parameter or first-result hook (see :func:`layer_map`).
        """
        cached = self._stacks.get((code, scheme))
        if cached is not None:
            return cached
        plugin, refs, years = self._layers(code, scheme)
        pm = self._manager(code, scheme, refs)
        files = self._guarded_files(pm, refs)
        conflicts = _hook_conflicts(pm, refs) + _param_conflicts(files)
        if conflicts:
            raise PluginConflict(code, scheme, conflicts)
        _check_installed_overlays(pm, files)
        _guard_hooks(pm, refs)
        if os.environ.get(TRACE_ENV):
            _trace(pm, code, scheme)
        stack = Stack(
            info=_with_years(plugin.info, scheme, years),
            scheme=scheme,
            pm=pm,
            params=ParameterSet(f for _, f in files),
            layer_names=tuple(ref.name for ref in refs),
            overlays=tuple(ref.name for ref in refs if ref.role == "overlay"),
            layers=tuple(refs),
        )
        self._stacks[(code, scheme)] = stack
        return stack

    def _guarded_files(
        self, pm: pluggy.PluginManager, refs: Sequence[LayerRef]
    ) -> list[tuple[LayerRef, ParameterFile]]:
        try:
            return self._files(pm, refs)
        except YibaoError:
            raise
        except Exception as exc:
            raise _plugin_error(exc, "yibao_parameter_files", _frame_owners(pm, refs)) from exc

    def layer_map(self, code: str, scheme: str) -> LayerMap:
        """Which layer answers each hook and parameter of ``code``'s ``scheme`` stack,
        and its conflicts; built without raising for conflicts."""
        _, refs, _ = self._layers(code, scheme)
        pm = self._manager(code, scheme, refs)
        files = self._guarded_files(pm, refs)
        return LayerMap(
            code=code,
            scheme=scheme,
            layers=tuple(refs),
            hooks=_hook_rows(pm, refs),
            params=_param_rows(files),
            conflicts=tuple(_hook_conflicts(pm, refs) + _param_conflicts(files)),
        )

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
        key = (stack.info.code, stack.scheme, tuple(id(o) for o in mine))
        cached = self._overlaid.get(key)
        if cached is not None and cached[1].pm is stack.pm:
            return cached[1]  # a service answers every request with the same overlays
        for overlay in mine:
            check_overlay(overlay, stack.params)
        overlaid = Stack(
            info=stack.info,
            scheme=stack.scheme,
            pm=stack.pm,
            params=ParameterSet([*stack.params.files, *mine]),
            layer_names=stack.layer_names,
            overlays=(*stack.overlays, *(o.path for o in mine)),
            layers=stack.layers,
            marked={**stack.marked, **{o.path: o.marked for o in mine if o.marked}},
        )
        if len(self._overlaid) >= 64:  # overlays loaded afresh for each call: stay bounded
            self._overlaid.clear()
        self._overlaid[key] = (mine, overlaid)
        return overlaid


def _check_installed_overlays(
    pm: pluggy.PluginManager, files: Sequence[tuple[LayerRef, ParameterFile]]
) -> None:
    """An installed overlay plugin that brings only values (no rule of its own) is
    checked as a ``--params`` file is: every key known to the region's own layers, of
    the kind they read it as. (An overlay with rules may add keys its rules read; a
    key of two kinds is a conflict either way.)"""
    base = ParameterSet(f for ref, f in files if ref.role != "overlay")
    for ref, f in files:
        if ref.role == "overlay" and not _has_rules(pm, ref.plugin):
            check_overlay(f, base)


def _has_rules(pm: pluggy.PluginManager, plugin: object) -> bool:
    """Whether ``plugin`` implements any hook beyond describing its files."""
    return any(
        impl.plugin is plugin
        for name in _spec_names()
        if name not in ("yibao_parameter_files", "yibao_example_scenarios")
        for impl in getattr(pm.hook, name).get_hookimpls()
    )


def with_answer_years(plugin: RegionPlugin) -> RegionPlugin:
    """``plugin`` with each scheme's years extended to the years yibao answers (from the
    first source year through next year), the declared ones kept as ``source_years``."""
    schemes = tuple(_answer_years(s, ()) for s in plugin.info.schemes)
    return dataclasses.replace(plugin, info=msgspec.structs.replace(plugin.info, schemes=schemes))


def _answer_years(info: SchemeInfo, added: Sequence[int]) -> SchemeInfo:
    sources = tuple(sorted({*(info.source_years or info.years), *added}))
    return msgspec.structs.replace(info, years=answer_years(sources), source_years=sources)


def _with_years(info: RegionInfo, scheme: str, years: Sequence[int]) -> RegionInfo:
    """``info`` with the years installed overlays add to ``scheme``."""
    if not years:
        return info
    schemes = tuple(_answer_years(s, years) if s.scheme == scheme else s for s in info.schemes)
    return msgspec.structs.replace(info, schemes=schemes)


# -------------------------------------------------------------------------------------
# Safe hooks: an exception inside a hook names its distribution and layer
# -------------------------------------------------------------------------------------


def _frame_owners(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> _Owners:
    modules: dict[str, LayerRef] = {}
    codes: dict[object, LayerRef] = {}
    by_plugin = {id(ref.plugin): ref for ref in refs}
    for ref in refs:
        module = getattr(ref.plugin, "__name__", None)
        if isinstance(module, str) and module not in ("yibao",) and not module.startswith("yibao."):
            modules[module] = ref
    for name in _spec_names():
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


def _plugin_error(exc: Exception, hook: str, owners: _Owners) -> PluginError:
    ref = owners.of(exc.__traceback__)
    where = traceback.extract_tb(exc.__traceback__)[-1]
    dist = f"{ref.distribution} {ref.version}" if ref else "an unknown distribution"
    layer = ref.name if ref else "?"
    return PluginError(
        f"plugin error in {dist} (layer {layer}, {hook}): {_error_text(exc)} "
        f"(in {where.filename}:{where.lineno}, {where.name})",
        distribution=ref.distribution if ref else "?",
        layer=layer,
        hook=hook,
    )


def _guard_hooks(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> None:
    """Register an outermost wrapper on every hook turning an unexpected exception into
    a :class:`PluginError` (``YibaoError`` and its ``NotPublished`` pass unchanged)."""
    owners = _frame_owners(pm, refs)
    guard = _Guard()
    for name in _spec_names():

        def wrap(hook: str = name):  # type: ignore[no-untyped-def]
            try:
                return (yield)
            except YibaoError:
                raise
            except Exception as exc:
                raise _plugin_error(exc, hook, owners) from exc

        setattr(guard, f"guard_{name}", hookimpl(wrapper=True, tryfirst=True, specname=name)(wrap))
    pm.register(guard, name="yibao:guard")


class _Guard:
    """The plugin holding the guard wrappers (a plain, hashable object)."""


def _spec_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("yibao_"))


def _trace(pm: pluggy.PluginManager, code: str, scheme: str) -> None:
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


# -------------------------------------------------------------------------------------
# The layer map and conflicts
# -------------------------------------------------------------------------------------

HookHow = Literal["answers", "overrides", "fallback", "wraps", "adds", "inherits", "—"]


@dataclass(frozen=True)
class HookRow:
    """How one hook is answered in a stack.

    ``cells`` has one entry per layer (lowest first): ``answers`` (the first answer, no
    lower layer implements the hook), ``overrides`` (answers before a lower layer's
    implementation), ``fallback`` (asked only when those before return ``None``),
    ``wraps`` (adjusts the answer of those below), ``adds`` (every answer is used),
    ``inherits`` (no implementation; a lower layer's answer stands) or ``—``.
    """

    hook: str
    firstresult: bool
    cells: tuple[tuple[HookHow, ...], ...]
    order: tuple[str, ...]
    """Implementations in call order, ``layer:function`` (wrappers first)."""


@dataclass(frozen=True)
class ParamEntry:
    layer: str
    role: Role
    valid_from: dt.date
    valid_to: dt.date | None
    cite: str

    @property
    def span(self) -> str:
        return f"{self.valid_from}…{self.valid_to or ''}"


@dataclass(frozen=True)
class ParamRow:
    """Which layer answers one parameter key, for which dates.

    ``how``: ``answers`` (one layer gives it), ``overrides`` (a higher layer gives it
    for dates a lower layer also covers: the higher one wins there), ``extends`` (layers
    give it for different dates), ``unpublished`` (declared as a gap and given by no
    layer) or ``fills`` (declared a gap below, given above).
    """

    key: str
    kind: str
    how: Literal["answers", "overrides", "extends", "unpublished", "fills"]
    entries: tuple[ParamEntry, ...]
    """Every entry, topmost layer first."""
    gap: Gap | None = None


@dataclass(frozen=True)
class Conflict:
    """Two plugins of one region claiming the same thing without a declared order."""

    kind: Literal["parameter", "hook"]
    subject: str
    plugins: tuple[str, str]
    detail: str

    def __str__(self) -> str:
        a, b = self.plugins
        return f"{self.kind} {self.subject}: {a} and {b} {self.detail}"


@dataclass(frozen=True)
class LayerMap:
    """A stack explained: its layers, hooks, parameters and conflicts."""

    code: str
    scheme: str
    layers: tuple[LayerRef, ...]
    hooks: tuple[HookRow, ...]
    params: tuple[ParamRow, ...]
    conflicts: tuple[Conflict, ...]


def _impl_name(impl: pluggy.HookImpl, ref: LayerRef) -> str:
    marks = [m for m in ("tryfirst", "trylast") if getattr(impl, m)]
    suffix = f" [{', '.join(marks)}]" if marks else ""
    return f"{ref.name}:{impl.function.__name__}{suffix}"


def _impls(pm: pluggy.PluginManager, name: str) -> list[pluggy.HookImpl]:
    """Implementations of hook ``name`` in call order: wrappers, then the others."""
    impls = list(reversed(getattr(pm.hook, name).get_hookimpls()))
    return [i for i in impls if i.wrapper or i.hookwrapper] + [
        i for i in impls if not (i.wrapper or i.hookwrapper)
    ]


def _hook_rows(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> tuple[HookRow, ...]:
    index = {id(ref.plugin): i for i, ref in enumerate(refs)}
    rows = []
    for name in _spec_names():
        caller = getattr(pm.hook, name)
        first = bool(caller.spec and caller.spec.opts.get("firstresult"))
        impls = [i for i in _impls(pm, name) if id(i.plugin) in index]
        answering = [i for i in impls if not (i.wrapper or i.hookwrapper)]
        cells: list[list[HookHow]] = [[] for _ in refs]
        for position, impl in enumerate(answering):
            at = index[id(impl.plugin)]
            if not first:
                cells[at].append("adds")
            elif position > 0:
                cells[at].append("fallback")
            elif any(index[id(i.plugin)] < at for i in answering[1:]):
                cells[at].append("overrides")
            else:
                cells[at].append("answers")
        for impl in impls:
            if impl.wrapper or impl.hookwrapper:
                cells[index[id(impl.plugin)]].append("wraps")
        lowest = min((index[id(i.plugin)] for i in answering), default=None)
        for at, cell in enumerate(cells):
            if not cell:
                cell.append("inherits" if lowest is not None and at > lowest else "—")
        order = tuple(_impl_name(i, refs[index[id(i.plugin)]]) for i in impls)
        rows.append(HookRow(name, first, tuple(tuple(c) for c in cells), order))
    return tuple(rows)


def _ordered(a: LayerRef, b: LayerRef) -> bool:
    """Whether the relative order of two layers is declared."""
    if a is b:
        return False
    if a.role != "overlay" or b.role != "overlay":
        return True  # region layers: the RegionPlugin tuple; overlays sit above them
    return a.order != b.order


def _hook_conflicts(pm: pluggy.PluginManager, refs: Sequence[LayerRef]) -> list[Conflict]:
    index = {id(ref.plugin): ref for ref in refs}
    out = []
    for name in _spec_names():
        caller = getattr(pm.hook, name)
        if not (caller.spec and caller.spec.opts.get("firstresult")):
            continue
        answering = [
            i
            for i in caller.get_hookimpls()
            if id(i.plugin) in index and not (i.wrapper or i.hookwrapper)
        ]
        for n, a in enumerate(answering):
            for b in answering[n + 1 :]:
                ra, rb = index[id(a.plugin)], index[id(b.plugin)]
                same_mark = (a.tryfirst, a.trylast) == (b.tryfirst, b.trylast)
                if same_mark and not _ordered(ra, rb):
                    out.append(
                        Conflict(
                            "hook",
                            name,
                            (_impl_name(a, ra), _impl_name(b, rb)),
                            "both answer it with no declared order (tryfirst/trylast "
                            "or OverlayPlugin.order)",
                        )
                    )
    return out


def _param_rows(files: Sequence[tuple[LayerRef, ParameterFile]]) -> tuple[ParamRow, ...]:
    roles: dict[str, Role] = {f.layer: ref.role for ref, f in files}
    by_key: dict[str, list[Param]] = {}
    for _, f in files:
        for p in f.params:
            by_key.setdefault(p.key, []).insert(0, p)  # topmost first
    gaps: dict[str, Gap] = {g.key: g for _, f in files for g in f.gaps}
    rows = []
    for key in sorted({*by_key, *gaps}):
        entries = by_key.get(key, [])
        gap = gaps.get(key)
        kind = entries[0].kind if entries else (gap.kind if gap else "?")
        layers = list(dict.fromkeys(p.layer for p in entries))
        how: Literal["answers", "overrides", "extends", "unpublished", "fills"]
        if not entries:
            how = "unpublished"
        elif gap is not None and gap.layer not in layers:
            how = "fills"
        elif len(layers) == 1:
            how = "answers"
        elif any(_overlap(p, q) for p in entries for q in entries if p.layer != q.layer):
            how = "overrides"
        else:
            how = "extends"
        entry_rows = tuple(
            ParamEntry(p.layer, roles.get(p.layer, "city"), p.valid_from, p.valid_to, p.cite)
            for p in entries
        )
        rows.append(ParamRow(key=key, kind=kind, how=how, entries=entry_rows, gap=gap))
    return tuple(rows)


def _overlap(p: Param, q: Param) -> bool:
    p_end = p.valid_to or dt.date.max
    q_end = q.valid_to or dt.date.max
    return p.valid_from <= q_end and q.valid_from <= p_end


def _param_conflicts(files: Sequence[tuple[LayerRef, ParameterFile]]) -> list[Conflict]:
    """Same key, overlapping dates, from two files whose order is not declared (two
    overlays of the same order, or two files of one layer); or one key of two kinds."""
    out = []
    kinds: dict[str, tuple[str, str]] = {}
    for n, (ra, fa) in enumerate(files):
        for p in fa.params:
            seen = kinds.setdefault(p.key, (p.kind, fa.path))
            if seen[0] != p.kind:
                out.append(
                    Conflict(
                        "parameter",
                        p.key,
                        (seen[1], fa.path),
                        f"give it different kinds ({seen[0]} and {p.kind})",
                    )
                )
        for rb, fb in files[n + 1 :]:
            if ra is not rb and _ordered(ra, rb):
                continue
            for p in fa.params:
                for q in fb.params:
                    if p.key == q.key and _overlap(p, q):
                        out.append(
                            Conflict(
                                "parameter",
                                p.key,
                                (fa.path, fb.path),
                                f"both give it for overlapping dates ({p.valid_from}…"
                                f"{p.valid_to or ''} and {q.valid_from}…{q.valid_to or ''})",
                            )
                        )
    return out


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
    """The process-wide registry of installed regions (selection from the environment,
    or as set by :func:`select_plugins`)."""
    global _default
    if _default is None:
        _default = Registry()
    return _default


def select_plugins(selection: Selection | None) -> None:
    """Choose which plugins the process-wide registry loads (``None``: from the
    environment); the registry is rebuilt only when the selection changes."""
    global _default
    selection = selection or Selection.from_env()
    if _default is None or (_default.selection or Selection.from_env()) != selection:
        _default = Registry(selection=selection)
