"""A region's plugin stack for one scheme: its layers, lowest first, with where each
comes from, its plugin manager and its parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pluggy

from yibao.params import ParameterSet
from yibao.results import RegionInfo

Role = Literal["province", "city", "overlay"]


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
