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
  the memo (the same for any ``--jobs`` or partitioning). Off by default. It is the
  memo single cases keep (:mod:`yibao.memo`), here sized by ``--memo``.

With ``kernel=True`` (``yibao batch`` without ``--explain`` or ``--no-kernel``) a plan
also asks the region's **declared settlement** first (:mod:`yibao.steps.batch`): phases
decided once per phase key, each claim's declared rules compiled once per circumstance
and run in whole fen, the record written directly (:meth:`Plan.fast_record`); whatever
the fast path cannot settle goes on below.

Everything else — the claim loop, the ledger, the rounding, the results — is the
engine's own code (:func:`yibao.engine._evaluate`), so a plan's answer is the engine's
answer; ``tests/batch/test_plan.py`` checks byte-identical JSON against the engine with
pluggy's own dispatch over generated samples, with and without the memo.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from yibao import engine, whatif
from yibao.batch.records import Record, record
from yibao.case import Case
from yibao.deadline import RegionTimeout, within
from yibao.dispatch import relay
from yibao.memo import Memo, person_year
from yibao.model import Scenario
from yibao.params import ParameterFile
from yibao.registry import Registry, Stack, default_registry
from yibao.results import Notice, RegionResult
from yibao.steps.batch import FastPath, settlement_for


class Plan:
    """One region's stack for one scheme with its hooks resolved and phases memoised."""

    def __init__(self, stack: Stack, *, memo_size: int = 0, kernel: bool = False) -> None:
        self.stack = stack
        self.relay = relay(stack.pm)
        self.fast = _fast_path(stack, self.relay) if kernel else None
        self._memo = Memo(memo_size, at_once=True)
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
        key = person_year(case.scenario)
        if key in self._memo.phases:
            self.hits += 1
        else:
            self.misses += 1
        return self._memo.remember_phases(key, case, engine.run_phases)[0]  # type: ignore[index]

    def fast_record(self, scenario: Scenario, line: int, lead: tuple[Notice, ...]) -> Record | None:
        """The record the region's declared settlement gives, or ``None`` when there is
        none or it cannot settle the case (the engine then answers it)."""
        if self.fast is None:
            return None
        try:
            return self.fast.record(scenario, line, lead)
        except Exception as exc:  # a rule's bug is its region's error, as in the engine
            result = engine.error_result(
                self.stack.info.code, self.stack.scheme, scenario.year, exc
            )
            return record(line, result)


def _fast_path(stack: Stack, relayed: object) -> FastPath | None:
    """The stack's fast path; none when offering it fails, since the engine answers
    every case correctly without one."""
    try:
        settlement = settlement_for(stack)
    except Exception:
        return None
    return FastPath(stack, settlement, relayed) if settlement is not None else None


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
        kernel: bool = False,
    ) -> None:
        self.registry = registry or default_registry()
        self.overlays = tuple(overlays)
        self.relocate = relocate
        self._memo_size = memo_size
        self._kernel = kernel
        self._plans: dict[tuple[str, str], Plan | Exception] = {}
        self._owners: dict[str, str] | None = None

    def prepare(self, regions: Sequence[str]) -> None:
        """Build now what the first case would: every scheme's plan of ``regions`` (a
        stack that fails to build keeps its error, as on first use) and the map of
        districts relocation reads — before a pool forks, so each worker need not."""
        for code in regions:
            try:
                schemes = self.registry.region(code).layers
            except Exception:
                continue  # the region's error is every case's answer, found on first use
            for scheme in schemes:
                self._lookup(code, scheme)
        if self.relocate:
            self._home_owners()

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
                found = Plan(stack, memo_size=self._memo_size, kernel=self._kernel)
            except Exception as exc:
                found = exc.with_traceback(None)  # its frames would keep the input alive
            self._plans[(region, scheme)] = found
        return found

    def fast_path(self, region: str, scheme: str) -> FastPath | None:
        """The declared settlement's fast path of ``region`` and ``scheme``, if it has
        one (and this planner uses them)."""
        found = self._lookup(region, scheme)
        return found.fast if isinstance(found, Plan) else None

    def evaluate(self, scenario: Scenario, region: str) -> RegionResult:
        """Exactly :func:`yibao.engine.evaluate` (no relocation), within the region's
        time limit (:mod:`yibao.deadline`)."""
        scheme = scenario.person.scheme
        try:
            return within(region, self._evaluate, scenario, region, scheme)
        except RegionTimeout as exc:
            return engine.error_result(region, scheme, scenario.year, exc)

    def _evaluate(self, scenario: Scenario, region: str, scheme: str) -> RegionResult:
        found = self._lookup(region, scheme)
        if isinstance(found, Exception):
            return engine.error_result(region, scheme, scenario.year, found)
        return found.evaluate(scenario)

    def results(self, scenario: Scenario, regions: Sequence[str]) -> list[RegionResult]:
        """Each region's answer, as :func:`yibao.engine.compare` gives it."""
        moved = self.relocated(scenario, regions)
        return [self._answer(each, code, lead) for code, each, lead in moved]

    def records(
        self, scenario: Scenario, regions: Sequence[str], line: int, *, explain: bool = False
    ) -> list[Record]:
        """Each region's batch record for input line ``line``: from the region's
        settlement kernel where it has one and it answers (never with ``explain``), else
        from the engine's answer as :meth:`results` gives it."""
        out = []
        for code, moved, lead in self.relocated(scenario, regions):
            try:  # one time limit for the region's whole answer (yibao.deadline)
                out.append(within(code, self._record, code, moved, line, lead, explain))
            except RegionTimeout as exc:
                result = engine.error_result(code, moved.person.scheme, moved.year, exc)
                out.append(record(line, result, explain=explain))
        return out

    def _record(
        self, code: str, moved: Scenario, line: int, lead: tuple[Notice, ...], explain: bool
    ) -> Record:
        """The region's record: its fast path's when it gives one, else the engine's."""
        found = None if explain else self._lookup(code, moved.person.scheme)
        if isinstance(found, Plan):
            fast = found.fast_record(moved, line, lead)
            if fast is not None:
                return fast
        return record(line, self._answer(moved, code, lead), explain=explain)

    def relocated(
        self, scenario: Scenario, regions: Sequence[str]
    ) -> list[tuple[str, Scenario, tuple[Notice, ...]]]:
        """``(region, scenario as that region sees it, the notice saying so)`` for each."""
        home = self._home(scenario) if self.relocate else None
        out = []
        for code in regions:
            moved = whatif.relocate(scenario, code, home)
            lead: tuple[Notice, ...] = ()
            if moved is not scenario and home is not None:
                lead = (whatif.relocation_notice(home, code, moved.person.district),)
            out.append((code, moved, lead))
        return out

    def _answer(self, scenario: Scenario, code: str, lead: tuple[Notice, ...]) -> RegionResult:
        result = self.evaluate(scenario, code)
        if lead:
            result = msgspec.structs.replace(result, notices=(*lead, *result.notices))
        return result

    def _home(self, scenario: Scenario) -> str | None:
        return whatif.home_region(scenario, self._home_owners())

    def _home_owners(self) -> dict[str, str]:
        if self._owners is None:
            self._owners = whatif.district_owners(
                (code, item.plugin.info.districts)
                for code, item in self.registry.installed().items()
                if item.plugin is not None
            )
        return self._owners
