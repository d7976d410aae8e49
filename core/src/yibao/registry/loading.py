"""Loading the entry points: what a region or overlay distribution provides, what became
of each entry point (loaded, broken, not selected, claimed twice), and where a layer
comes from. Nothing here raises for a broken plugin: the error is kept and reported."""

from __future__ import annotations

import dataclasses
import difflib
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points, packages_distributions
from pathlib import Path
from typing import Literal

import msgspec

from yibao.dates import answer_years
from yibao.deadline import within
from yibao.errors import InputError
from yibao.params import ParameterFile, load_parameter_file
from yibao.registry.selection import DISABLE_ENV, NO_OVERLAYS_ENV, ONLY_ENV, Selection
from yibao.results import RegionInfo, SchemeInfo
from yibao.textsafe import printable

REGION_GROUP = "yibao.regions"
OVERLAY_GROUP = "yibao.overlays"


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


def target_problem(
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


def region_claims(
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


def layer_name(plugin: object) -> str:
    return getattr(plugin, "LAYER_NAME", None) or getattr(plugin, "__name__", repr(plugin))


def layer_dist(plugin: object, fallback: tuple[str, str]) -> tuple[str, str]:
    """The distribution that ships a layer module (a provincial layer stacked by a
    city's plugin comes from its own distribution), else ``fallback``."""
    from importlib.metadata import PackageNotFoundError, distribution

    module = getattr(plugin, "__name__", None)
    if not isinstance(module, str):
        return fallback
    top = module.split(".")[0]
    try:  # the usual case, and the only way for an editable install (it lists no files)
        found = distribution(top)  # a package named as its distribution (yibao_jiangsu)
    except PackageNotFoundError:
        pass
    else:
        return found.metadata["Name"], found.version
    # scanning every installed distribution's files takes about 0.1 s: only when needed
    dists = _package_dists().get(top)
    if dists:
        return dists[0], _version(dists[0])
    return fallback


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def with_answer_years(plugin: RegionPlugin) -> RegionPlugin:
    """``plugin`` with each scheme's years extended to the years yibao answers (from the
    first source year through next year), the declared ones kept as ``source_years``."""
    schemes = tuple(_answer_years(s, ()) for s in plugin.info.schemes)
    return dataclasses.replace(plugin, info=msgspec.structs.replace(plugin.info, schemes=schemes))


def _answer_years(info: SchemeInfo, added: Sequence[int]) -> SchemeInfo:
    sources = tuple(sorted({*(info.source_years or info.years), *added}))
    return msgspec.structs.replace(info, years=answer_years(sources), source_years=sources)


def with_years(info: RegionInfo, scheme: str, years: Sequence[int]) -> RegionInfo:
    """``info`` with the years installed overlays add to ``scheme``."""
    if not years:
        return info
    schemes = tuple(_answer_years(s, years) if s.scheme == scheme else s for s in info.schemes)
    return msgspec.structs.replace(info, schemes=schemes)


def load_installed(selection: Selection) -> tuple[dict[str, Installed], list[InstalledOverlay]]:
    """Every ``yibao.regions`` entry point by code and every ``yibao.overlays`` entry
    point, loading each one ``selection`` chooses (errors kept, never raised)."""
    return _load_regions(selection), _load_overlays(selection)


def _load_regions(selection: Selection) -> dict[str, Installed]:
    """The region entry points by code; a code two selected distributions claim loads
    from neither (never chosen silently by entry-point order)."""
    regions: dict[str, Installed] = {}
    claims = region_claims(entry_points(group=REGION_GROUP), selection)
    for ep in sorted(entry_points(group=REGION_GROUP), key=lambda e: e.name):
        name, version = _dist_of(ep)
        item = Installed(code=ep.name, distribution=name, version=version)
        item.disabled = selection.why_not(ep.name, name)
        if item.disabled is None and len(claims[ep.name]) > 1:
            regions[ep.name] = _conflict(ep.name, claims[ep.name])
            continue
        if ep.name in regions and item.disabled is not None:
            continue  # the code's selected distribution stands
        if item.disabled is None:
            try:
                plugin = within(f"loading region {ep.name} from {name}", ep.load)
                if not isinstance(plugin, RegionPlugin):
                    raise TypeError(f"{ep.value} is not a yibao.registry.RegionPlugin")
                item.plugin = with_answer_years(plugin)
            except Exception as exc:  # a broken plugin is reported, never fatal
                item.error = error_text(exc)
        regions[ep.name] = item
    return regions


def _load_overlays(selection: Selection) -> list[InstalledOverlay]:
    """The overlay entry points; a broken one is reported on stderr as it loads."""
    overlays: list[InstalledOverlay] = []
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
                over.error = error_text(exc)
                print(
                    f"yibao: overlay {ep.name} from {name} {version} is broken: "
                    f"{printable(over.error)}",
                    file=sys.stderr,
                )
        overlays.append(over)
    return overlays


def load_overlays(paths: Sequence[Path | str]) -> list[ParameterFile]:
    """Load ``--params`` files as overlays (each value tagged with its file)."""
    out = []
    for path in paths:
        overlay = load_parameter_file(path, origin=str(path))
        if not overlay.params:
            raise InputError(str(path), "the overlay gives no [[parameter]] entries")
        out.append(overlay)
    return out
