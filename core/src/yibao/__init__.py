"""yibao: Chinese public medical-insurance policy as code people can trust.

The engine's public surface: :func:`evaluate` and :func:`compare` (in
:mod:`yibao.engine`), the scenario model (:mod:`yibao.model`), the result Structs
(:mod:`yibao.results`) and ``hookimpl`` for region plugins (:mod:`yibao.hookspecs`).
Heavy imports (Rich, Textual) stay out of this package's import path.
"""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("yibao")
"""Marker for a region layer's hook implementations: ``@hookimpl``."""

__all__ = ["hookimpl"]
