"""What a stack has worked out for a person-year, reused by its next evaluation.

Single cases, ``compare``, the TUI and the service evaluate the same person again and
again with other bills: an edit in the TUI changes one amount, a comparison asks each
region once more. What does not depend on the bills is then the same answer:

- the case-level **phases** (category, eligibility, premium, cover): the hook
  specifications forbid them to read the claims (:mod:`yibao.hookspecs`), so they are
  decided on the scenario without its claims and kept per *person-year* — the year, the
  person, the enrolment history, the events, the title and ``elsewhere``, every fact
  exactly (no birth date reduced to an age, as batch's fast path does);
- each declared rule's **plan** (:mod:`yibao.steps.plan`) for a claim's circumstances:
  a rule's ``select`` and the hooks a plan asks read only the person-year and the
  claim's facts other than its amount, so a plan is kept per (rule, person-year, the
  claim's every field but its ``id`` and ``compliant`` amount — its exact date
  included).

The notices deciding them gave are kept with them and said again on every reuse, in
the same order, so an answer from the memo is the answer afresh byte for byte
(tests/steps/test_memo.py). A memo belongs to one parameter set under one resolved
relay — an overlay's stack or a stack whose plugins changed has its own — so nothing
one region or overlay worked out reaches another's answer. A stack whose hook calls are
monitored (``YIBAO_TRACE``) keeps no memo: every call must be seen. A person-year is
kept from its second evaluation (:class:`Memo`); each table is bounded (:data:`SIZE`)
and starts afresh when full.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Hashable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import msgspec

from yibao.dispatch import FastRelay

if TYPE_CHECKING:
    from yibao.case import Case
    from yibao.engine import Phases
    from yibao.model import Claim, Scenario
    from yibao.params import ParameterSet
    from yibao.results import Coverage, Notice

SIZE = 256
"""Person-years a memo keeps before starting afresh (and 8 plans for each)."""
SEEN = 4096
"""Person-years a memo remembers having seen once (by hash) before starting afresh."""

Phased = tuple["Phases", "str | None", "Coverage | None", tuple["Notice", ...], int]
"""What the phases decided for a person-year: the phases, the category and cover set on
the case, the notices, and the person-year's token (the plans' key)."""


class Memo:
    """One stack's person-year phases and compiled plans (see the module).

    A person-year is kept from the second time it is evaluated: the first time only its
    hash is noted. Keeping every answer of a stream of different people would cost more
    than it saves (what a memo holds is more for the garbage collector to walk, and is
    freed long after it was made), while the person evaluated again — a TUI edit, a
    comparison asked once more — is kept at once. ``at_once``: keep every person-year
    the first time (``yibao batch --memo``, asked for by the user)."""

    __slots__ = ("_seen", "_tokens", "at_once", "phases", "plans", "size")

    def __init__(self, size: int = SIZE, *, at_once: bool = False) -> None:
        self.phases: dict[Hashable, Phased] = {}
        self.plans: dict[Hashable, tuple[Any, ...]] = {}
        self.size = size
        self.at_once = at_once
        self._seen: set[int] = set()
        self._tokens = itertools.count(1)  # next() is atomic: threads never share a token

    def remember_phases(
        self, key: Hashable, case: Case, run: Callable[[Case], Phases]
    ) -> Phased | None:
        """The phases for ``case`` under ``key``, decided by ``run`` on the scenario
        without its claims (so the answer never depends on which case filled the memo)
        when they are not known yet; the case's category, cover and notices are set
        either way. ``None`` — nothing decided, nothing kept — the first time ``key`` is
        seen. A phase that raises is not remembered: the exception reaches the caller."""
        known = self.phases.get(key)
        if known is None:
            if not (self.at_once or self._seen_before(key)):
                return None
            scenario = case.scenario
            if scenario.claims:
                case.scenario = msgspec.structs.replace(scenario, claims=())
            try:
                phases = run(case)
            finally:
                case.scenario = scenario
            if len(self.phases) >= self.size:
                self.phases.clear()
            # a token is never reused: a plan kept for a forgotten key stays unreachable
            token = next(self._tokens)
            known = (phases, case.category, case.coverage, tuple(case.notices), token)
            self.phases[key] = known
        case.category, case.coverage = known[1], known[2]
        case.notices = list(known[3])
        return known

    def _seen_before(self, key: Hashable) -> bool:
        """Whether ``key`` was seen before (by hash: a collision only keeps a person-year
        the first time), noting it."""
        mark = hash(key)
        if mark in self._seen:
            return True
        if len(self._seen) >= SEEN:
            self._seen.clear()
        self._seen.add(mark)
        return False

    def remember_plan(self, key: Hashable, found: tuple[Any, ...]) -> None:
        if len(self.plans) >= 8 * self.size:
            self.plans.clear()
        self.plans[key] = found


def person_year(scenario: Scenario) -> Hashable:
    """Every fact of ``scenario`` but its claims: what the phases may read."""
    return (
        scenario.year,
        scenario.person,
        scenario.enrollment,
        scenario.events,
        scenario.title,
        tuple(scenario.elsewhere.items()) if scenario.elsewhere else (),
    )


_memos: weakref.WeakKeyDictionary[Any, weakref.WeakKeyDictionary[ParameterSet, Memo]] = (
    weakref.WeakKeyDictionary()
)


def memo_for(params: ParameterSet, hook: object) -> Memo | None:
    """The memo of the stack with ``params`` whose hooks ``hook`` resolves; ``None`` when
    ``hook`` is not a resolved relay (pluggy's own, while calls are monitored)."""
    if not isinstance(hook, FastRelay):
        return None
    by_params = _memos.get(hook)
    if by_params is None:
        by_params = _memos[hook] = weakref.WeakKeyDictionary()
    memo = by_params.get(params)
    if memo is None:
        memo = by_params[params] = Memo()
    return memo


_CLAIM_FREE = frozenset({"id", "compliant"})
"""A claim's fields a plan never reads: its name and the amount the executor settles."""

_circumstances: dict[type, Callable[[Claim], tuple[Any, ...]]] = {}


def circumstances(claim: Claim) -> tuple[Any, ...]:
    """Every field of ``claim`` a plan may read (all but :data:`_CLAIM_FREE`), a
    region's declared claim facts included."""
    kind = claim.__class__
    get = _circumstances.get(kind)
    if get is None:
        names = [n for n in kind.__struct_fields__ if n not in _CLAIM_FREE]
        get = _circumstances[kind] = attrgetter(*names)  # type: ignore[assignment]
    return (kind, get(claim))
