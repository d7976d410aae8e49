"""Which plugins load: ``--only``/``--disable`` and their environment variables."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ONLY_ENV = "YIBAO_PLUGINS"
"""Comma-separated allow-list of plugins to load (region codes, overlay names or
distribution names). Set but empty: load none."""
DISABLE_ENV = "YIBAO_DISABLE"
"""Comma-separated plugins not to load (region codes, overlay names or distributions)."""
NO_OVERLAYS_ENV = "YIBAO_NO_INSTALLED_OVERLAYS"
"""Set to 1 to load no ``yibao.overlays`` entry point (like ``--no-installed-overlays``)."""


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
