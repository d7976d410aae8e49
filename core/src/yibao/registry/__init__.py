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

The package's rooms, each with one job (docs/architecture.md):

- :mod:`.selection` — which entry points load (``--only``, ``--disable``);
- :mod:`.loading` — what an entry point provides (:class:`RegionPlugin`,
  :class:`OverlayPlugin`) and what became of each (loaded, broken, not selected);
- :mod:`.stack` — a region's stack for one scheme (:class:`Stack`, :class:`LayerRef`);
- :mod:`.regions` — the :class:`Registry`: the installed regions and their stacks;
- :mod:`.layermap` — which layer answers what, and the conflicts;
- :mod:`.guards` — an exception inside a hook named by its distribution and layer.

Import from ``yibao.registry``: the names below are its public surface.
"""

from __future__ import annotations

from yibao.registry.guards import TRACE_ENV, PluginError
from yibao.registry.layermap import (
    Conflict,
    HookRow,
    LayerMap,
    ParamEntry,
    ParamRow,
    PluginConflict,
)
from yibao.registry.loading import (
    OVERLAY_GROUP,
    REGION_GROUP,
    Installed,
    InstalledOverlay,
    OverlayPlugin,
    RegionPlugin,
    load_overlays,
    with_answer_years,
)
from yibao.registry.regions import Registry
from yibao.registry.selection import DISABLE_ENV, NO_OVERLAYS_ENV, ONLY_ENV, Selection
from yibao.registry.stack import LayerRef, Role, Stack

__all__ = [
    "DISABLE_ENV",
    "NO_OVERLAYS_ENV",
    "ONLY_ENV",
    "OVERLAY_GROUP",
    "REGION_GROUP",
    "TRACE_ENV",
    "Conflict",
    "HookRow",
    "Installed",
    "InstalledOverlay",
    "LayerMap",
    "LayerRef",
    "OverlayPlugin",
    "ParamEntry",
    "ParamRow",
    "PluginConflict",
    "PluginError",
    "RegionPlugin",
    "Registry",
    "Role",
    "Selection",
    "Stack",
    "default_registry",
    "load_overlays",
    "select_plugins",
    "with_answer_years",
]

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
