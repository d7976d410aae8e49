"""Settlement plans: a region's stack resolved once for a run, reused for every case.

Profiling the per-claim engine showed pluggy's dispatch (argument checks, a copy of the
implementation list and a general loop on every hook call, ~7 calls per claim) and
parameter searches as the plugin model's own cost. A :class:`Plan` holds, per
(region, scheme):

- **hooks** resolved once (:class:`yibao.dispatch.FastRelay`: plain functions with
  pluggy's call order, *firstresult* and wrapper semantics; tracing keeps pluggy). The
  engine now uses the same relay for single cases and ``compare``;
- **parameters** memoised by ``(key, date)`` in the region's
  :class:`~yibao.params.ParameterSet`;
- optionally (``memo_size > 0``, ``yibao batch --memo N``) a **person-year memo**:
  category, eligibility, premium and cover are decided on the scenario *without its
  claims* and reused for the next case with the same year, person, enrolment, events,
  title and ``elsewhere``. It pays off only when person-years repeat in the input (one
  line per claim, the same person re-evaluated); it assumes — as the hook
  specifications describe these phases — that those rules do not read the claims, and
  because they run without the claims the answer never depends on which case filled
  the memo (the same for any ``--jobs`` or partitioning). Off by default.

Everything else — the claim loop, the ledger, the rounding, the results — is the
engine's own code (:func:`yibao.engine._evaluate`), so a plan's answer is the engine's
answer; ``tests/batch/test_plan.py`` checks byte-identical JSON against the engine with
pluggy's own dispatch over generated samples, with and without the memo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from yibao import engine, whatif
from yibao.case import Case
from yibao.dispatch import relay
from yibao.model import Scenario
from yibao.params import ParameterFile
from yibao.registry import Registry, Stack, default_registry
from yibao.results import RegionResult

MEMO_SIZE = 4096
"""How many person-years a plan remembers (``--memo``) before it starts afresh."""


class Plan:
    """One region's stack for one scheme with its hooks resolved and phases memoised."""

    def __init__(self, stack: Stack, *, memo_size: int = 0) -> None:
        self.stack = stack
        self.relay = relay(stack.pm)
        self._memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._memo_size = memo_size
        self.hits = 0
        self.misses = 0

    def evaluate(self, scenario: Scenario) -> RegionResult:
        """Exactly :func:`yibao.engine.evaluate` for this stack (errors included)."""
        phases = self._phases if self._memo_size > 0 else None
        try:
            return engine._evaluate(self.stack, scenario, hook=self.relay, phases=phases)
        except Exception as exc:
            return engine.error_result(self.stack.info.code, self.stack.scheme, scenario.year, exc)

    def _phases(self, case: Case) -> engine.Phases:
        scenario = case.scenario
        key = (
            scenario.year,
            scenario.person,
            scenario.enrollment,
            scenario.events,
            scenario.title,
            tuple(scenario.elsewhere.items()) if scenario.elsewhere else (),
        )
        known = self._memo.get(key)
        if known is not None:
            self.hits += 1
            phases, case.category, case.coverage, notices = known
            case.notices = list(notices)
            return phases
        self.misses += 1
        if scenario.claims:
            case.scenario = msgspec.structs.replace(scenario, claims=())
        try:
            phases = engine.run_phases(case)
        finally:
            case.scenario = scenario
        if len(self._memo) >= self._memo_size:
            self._memo.clear()
        self._memo[key] = (phases, case.category, case.coverage, tuple(case.notices))
        return phases


class Planner:
    """Plans for every (region, scheme) a run meets, plus the relocation rule.

    :meth:`results` answers what :func:`yibao.engine.compare` answers for the same
    regions, overlays and ``relocate`` choice.
    """

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        overlays: Sequence[ParameterFile] = (),
        relocate: bool = True,
        memo_size: int = 0,
    ) -> None:
        self.registry = registry or default_registry()
        self.overlays = tuple(overlays)
        self.relocate = relocate
        self._memo_size = memo_size
        self._plans: dict[tuple[str, str], Plan | Exception] = {}
        self._owners: dict[str, str] | None = None

    def plan(self, region: str, scheme: str) -> Plan:
        """The plan for ``region`` and ``scheme``; raises what building the stack raised."""
        found = self._lookup(region, scheme)
        if isinstance(found, Exception):
            raise found
        return found

    def _lookup(self, region: str, scheme: str) -> Plan | Exception:
        """The plan, or the error building its stack raised (kept, never re-raised here,
        so its traceback does not grow with every case)."""
        found = self._plans.get((region, scheme))
        if found is None:
            try:
                stack = self.registry.with_overlays(
                    self.registry.stack(region, scheme), self.overlays
                )
                found = Plan(stack, memo_size=self._memo_size)
            except Exception as exc:
                found = exc
            self._plans[(region, scheme)] = found
        return found

    def evaluate(self, scenario: Scenario, region: str) -> RegionResult:
        """Exactly :func:`yibao.engine.evaluate` (no relocation)."""
        scheme = scenario.person.scheme
        found = self._lookup(region, scheme)
        if isinstance(found, Exception):
            return engine.error_result(region, scheme, scenario.year, found)
        return found.evaluate(scenario)

    def results(self, scenario: Scenario, regions: Sequence[str]) -> list[RegionResult]:
        """Each region's answer, as :func:`yibao.engine.compare` gives it."""
        home = self._home(scenario) if self.relocate else None
        out = []
        for code in regions:
            moved = whatif.relocate(scenario, code, home)
            result = self.evaluate(moved, code)
            if moved is not scenario and home is not None:
                notice = whatif.relocation_notice(home, code, moved.person.district)
                result = msgspec.structs.replace(result, notices=(notice, *result.notices))
            out.append(result)
        return out

    def _home(self, scenario: Scenario) -> str | None:
        if self._owners is None:
            self._owners = whatif.district_owners(
                (code, item.plugin.info.districts)
                for code, item in self.registry.installed().items()
                if item.plugin is not None
            )
        return whatif.home_region(scenario, self._owners)
