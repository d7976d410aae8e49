"""The documents that describe what is installed and a region's parameters: what
``yibao regions --json``, ``yibao params --json``, :func:`yibao.api.regions`,
:func:`yibao.api.parameters` and the HTTP service return (their JSON Schemas are in
docs/schema/)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from yibao.params import ParamView
from yibao.results import FORMAT_VERSION, Out, RegionInfo

Status = Literal["ok", "broken", "disabled"]


class InstalledRegion(Out, tag_field="kind", tag="region", kw_only=True):
    """One installed region plugin (``yibao regions --json``: ``"kind": "region"``)."""

    code: str
    distribution: str
    version: str
    status: Status
    error: str | None
    """Why a broken plugin failed to load, or why a disabled one was not loaded."""
    info: RegionInfo | None
    """Names, schemes, years, layers, sources and districts (``None`` unless loaded)."""


class InstalledOverlay(Out, tag_field="kind", tag="overlay", kw_only=True):
    """One installed overlay plugin (``"kind": "overlay"``): rules stacked on a region."""

    code: str
    region: str | None
    """The region it amends (``None`` when it did not load)."""
    distribution: str
    version: str
    status: Status
    error: str | None


RegionListing = list[InstalledRegion | InstalledOverlay]
"""What :func:`regions` returns: the regions, then the overlays."""


class SchemeParameters(Out, kw_only=True):
    """One scheme's parameters on one date."""

    scheme: str
    layers: tuple[str, ...]
    """The layers the values stack from, lowest first."""
    overlays: tuple[str, ...] = ()
    """Overlay files applied (``--params``)."""
    parameters: tuple[ParamView, ...]
    """Every key (starting with the prefix asked for): its value in force, carried from
    an earlier year's source, or not published with the reason
    (:class:`yibao.params.ParamView`)."""


class Parameters(Out, kw_only=True):
    """A region's parameters on one date, per scheme (``yibao params --json``,
    ``GET /parameters/{region}``)."""

    format_version: str = FORMAT_VERSION
    region: str
    on: dt.date
    prefix: str = ""
    """Only keys starting with this text were looked up."""
    schemes: tuple[SchemeParameters, ...]
