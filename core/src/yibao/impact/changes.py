"""What a reform changes in a region's rules: each parameter it sets, with the value it
replaces and both citations, and every value not published under either rule set.

A reform is a parameter overlay (``--reform``) stacked on the baseline (the bundled
parameters, plus any ``--baseline`` overlays). This module reads the stacks only; it
settles nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

from yibao.params import Param, ParameterFile, ParameterSet, show_value
from yibao.registry import Registry, Stack


class Value(msgspec.Struct, frozen=True, kw_only=True):
    """One dated, cited value as a reader sees it."""

    value: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    cite: str
    origin: str
    """``bundled``, or the overlay file that gave it."""
    note: str | None = None


class ParamChange(msgspec.Struct, frozen=True, kw_only=True):
    """One value the reform sets, and what the baseline has for those dates."""

    key: str
    kind: str
    new: Value
    old: tuple[Value, ...] = ()
    """The baseline's values overlapping the new value's dates (none: see ``gap``)."""
    gap: str | None = None
    """When the baseline has no value: why no source publishes it."""

    @property
    def same(self) -> bool:
        """The reform repeats the baseline's value (nothing changes)."""
        return bool(self.old) and all(o.value == self.new.value for o in self.old)


class Unpublished(msgspec.Struct, frozen=True, kw_only=True):
    """A value the region needs that no loaded source publishes, and under which rule
    set it is missing."""

    key: str
    cite: str
    reason: str
    baseline: bool
    """Missing under the baseline."""
    reform: bool
    """Missing under the reform."""


class RuleSets(msgspec.Struct, frozen=True, kw_only=True):
    """One region's scheme under the baseline and the reform."""

    region: str
    scheme: str
    name_zh: str = ""
    name_en: str = ""
    installed_overlays: tuple[str, ...] = ()
    """Installed overlay layers (``yibao.overlays``) in both rule sets."""
    baseline_overlays: tuple[str, ...] = ()
    """``--baseline`` files that apply to this region."""
    baseline_values: tuple[tuple[str, Value], ...] = ()
    """Values the baseline takes from those files: ``(key, value)``."""
    reform_overlays: tuple[str, ...] = ()
    """``--reform`` files that apply to this region (none: the reform changes nothing
    here)."""
    changes: tuple[ParamChange, ...] = ()
    unpublished: tuple[Unpublished, ...] = ()


def _value(p: Param) -> Value:
    return Value(
        value=show_value(p.kind, p.value),
        valid_from=p.valid_from,
        valid_to=p.valid_to,
        cite=p.cite,
        origin=p.origin,
        note=p.note,
    )


def _answering(params: ParameterSet, new: Param) -> tuple[Param, ...]:
    """The values ``params`` answers ``new.key`` with on the dates ``new`` covers: looked
    up, as the rules look them up, on the first of those dates and on every date where
    some layer's entry for the key starts or ends within them."""
    edges = {new.valid_from}
    for f in params.files:
        for p in f.params:
            if p.key == new.key:
                edges.add(p.valid_from)
                if p.valid_to is not None:
                    edges.add(p.valid_to + dt.timedelta(days=1))
    found: dict[int, Param] = {}
    for day in sorted(edges):
        if day < new.valid_from or (new.valid_to is not None and day > new.valid_to):
            continue
        p = params.find(new.key, day)
        if p is not None:
            found.setdefault(id(p), p)
    return tuple(found.values())


def _mine(stack: Stack, overlays: Sequence[ParameterFile]) -> list[ParameterFile]:
    return [
        o
        for o in overlays
        if o.region in (None, stack.info.code) and o.scheme in (None, stack.scheme)
    ]


def rule_sets(
    registry: Registry,
    region: str,
    scheme: str,
    baseline: Sequence[ParameterFile] = (),
    reform: Sequence[ParameterFile] = (),
) -> RuleSets:
    """``region``'s ``scheme`` under the baseline and the reform.

    Raises what building the stacks raises: an overlay naming a key the region does not
    know, or changing its kind, is an :class:`~yibao.errors.InputError` naming the file.
    """
    bundled = registry.stack(region, scheme)
    before = registry.with_overlays(bundled, baseline)
    after = registry.with_overlays(before, reform)
    reform_files = _mine(bundled, reform)
    changes = []
    for overlay in reform_files:
        for p in overlay.params:
            old = _answering(before.params, p)
            gap = before.params.gap(p.key)
            changes.append(
                ParamChange(
                    key=p.key,
                    kind=p.kind,
                    new=_value(p),
                    old=tuple(_value(o) for o in old),
                    gap=None if old else (gap.reason if gap else "no loaded source gives it"),
                )
            )
    missing_before = {g.key: g for g in before.params.gaps()}
    missing_after = {g.key: g for g in after.params.gaps()}
    unpublished = tuple(
        Unpublished(
            key=key,
            cite=gap.cite,
            reason=gap.reason,
            baseline=key in missing_before,
            reform=key in missing_after,
        )
        for key, gap in sorted({**missing_after, **missing_before}.items())
    )
    return RuleSets(
        region=region,
        scheme=scheme,
        name_zh=bundled.info.name_zh,
        name_en=bundled.info.name_en,
        installed_overlays=tuple(ref.name for ref in bundled.layers if ref.role == "overlay"),
        baseline_overlays=tuple(o.path for o in _mine(bundled, baseline)),
        baseline_values=tuple((p.key, _value(p)) for p in before.params.overlay_params()),
        reform_overlays=tuple(o.path for o in reform_files),
        changes=tuple(changes),
        unpublished=unpublished,
    )
