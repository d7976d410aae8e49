"""The installed regions, loaded once, and each region's stack per scheme, built on first
use: its layers registered on a pluggy manager of its own, its parameter files, checked
for conflicts and guarded."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pluggy

from yibao import hookspecs
from yibao.errors import InputError, UnknownRegion, YibaoError
from yibao.facts import Fact, Words, merged, scenario_type
from yibao.model import Scenario
from yibao.params import ParameterFile, ParameterSet, check_overlay, load_parameter_file
from yibao.registry.guards import (
    TRACE_ENV,
    frame_owners,
    guard_hooks,
    plugin_error,
    spec_names,
    trace,
)
from yibao.registry.layermap import (
    LayerMap,
    PluginConflict,
    hook_conflicts,
    hook_rows,
    param_conflicts,
    param_rows,
)
from yibao.registry.loading import (
    Installed,
    InstalledOverlay,
    OverlayPlugin,
    RegionPlugin,
    layer_dist,
    layer_name,
    load_installed,
    target_problem,
    with_answer_years,
    with_years,
)
from yibao.registry.selection import Selection
from yibao.registry.stack import LayerRef, Role, Stack


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
            self._installed, self._overlays = load_installed(selection)
            for over in self._overlays:
                self._check_overlay_plugin(over)
        return self._installed

    def _check_overlay_plugin(self, over: InstalledOverlay) -> None:
        """An installed overlay aimed at no loaded region or scheme is broken, with a
        suggestion — never silently ignored."""
        if over.overlay is None:
            return
        problem = target_problem(
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
            problem = target_problem(
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
            dist, version = layer_dist(layer, own)
            refs.append(LayerRef(layer_name(layer), role, dist, version, layer, order=i))
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
                    f"{layer_name(o.overlay.plugin)} (overlay {o.name} from {o.distribution})",
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
        conflicts = hook_conflicts(pm, refs) + param_conflicts(files)
        if conflicts:
            raise PluginConflict(code, scheme, conflicts)
        _check_installed_overlays(pm, files)
        guard_hooks(pm, refs)
        if os.environ.get(TRACE_ENV):
            trace(pm, code, scheme)
        stack = Stack(
            info=with_years(plugin.info, scheme, years),
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
            raise plugin_error(exc, "yibao_parameter_files", frame_owners(pm, refs)) from exc

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
            hooks=hook_rows(pm, refs),
            params=param_rows(files),
            conflicts=tuple(hook_conflicts(pm, refs) + param_conflicts(files)),
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
        for name in spec_names()
        if name not in ("yibao_parameter_files", "yibao_example_scenarios")
        for impl in getattr(pm.hook, name).get_hookimpls()
    )
