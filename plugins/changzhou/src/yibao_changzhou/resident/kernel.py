"""The 常州 resident settlement kernel: §三(一) inpatient care and §四 critical illness
without explanations, for ``yibao batch`` (see :mod:`yibao.kernel`).

It settles the commonest case — inpatient claims (no maternity, no blood-use items, no
excluded costs, nothing stated outside §四's scope) of a person who is no
medical-assistance recipient — with the same
parameters, hooks and rounding as :mod:`.benefits`, and declines everything else, which
the engine then settles with its explanation. ``tests/batch/test_kernel.py`` checks it
against the engine byte for byte.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import NamedTuple

import msgspec
from yibao import hookimpl
from yibao.calc import banded, within_limit
from yibao.case import Case
from yibao.facts import fact
from yibao.kernel import LayerAmounts
from yibao.model import Claim, Scenario
from yibao.money import ZERO, apply_rate, round_fen
from yibao.params import Band, ParameterSet

from yibao_changzhou.common import (
    BASIC,
    CRITICAL,
    SCOPE_FACTS,
    reimbursement_checklist,
    scope_warning,
)
from yibao_changzhou.resident.benefits import CITE_DOCUMENTS

_MEMO_SIZE = 65536
"""Tariffs and caps remembered before starting afresh (a year of dates × categories ×
levels × care routes fits)."""


class _Tariff(NamedTuple):
    """What §三(一) and §四 apply to an inpatient claim of one category, level and care
    route on one date: every parameter the kernel reads, looked up once."""

    deductible: Decimal
    rate: Decimal
    """The ratio after the remote-care rule (§六(三)2)."""
    limit: Decimal | None
    """The 350,000 yearly limit on cost; ``None`` when its basis is not ``cost`` (the
    engine refuses that reading, so the kernel declines)."""
    critical_bands: tuple[Band, ...] | None
    """The standard critical-illness table, or ``None`` outside its scope."""


class ResidentKernel:
    """Inpatient settlement for 常州 residents, exact and unexplained."""

    def __init__(self, params: ParameterSet) -> None:
        self._params = params
        self._tariffs: dict[tuple[object, ...], _Tariff] = {}
        self._caps: dict[tuple[object, ...], Decimal | None] = {}

    # ---------------------------------------------------------------------------------
    # Phases
    # ---------------------------------------------------------------------------------

    def phase_key(self, scenario: Scenario) -> Hashable | None:
        """Every fact the phases read, with the birth date reduced to what they use of
        it; ``None`` for a case :meth:`settle` would decline.

        Category (§二) and eligibility (§一(二) group 5) read the age on 1 January; cover
        reads the birth date itself only for the newborn exemption (Jiangsu 二.4). So the
        birth date is kept exactly when that exemption could apply, and otherwise only
        the age on 1 January is kept: many people share a key, and the phases are decided
        once for all of them.
        """
        person = scenario.person
        if person.assistance:
            return None  # the hardship table and medical assistance (§四, §五): the engine
        for claim in scenario.claims:
            if claim.kind != "inpatient" or claim.blood or claim.excluded is not None:
                return None
            if any(fact(claim, name) is not None for name in SCOPE_FACTS):
                return None  # §四's scope: the engine explains what it leaves out
        facts = msgspec.structs.astuple(person)
        if not self._newborn_window(scenario):
            facts = facts[1:]  # the birth date: the first field of Person
        return (
            scenario.year,
            person.age_on(dt.date(scenario.year, 1, 1)),
            facts,
            scenario.enrollment,
            scenario.events,
            scenario.title,
            tuple(scenario.elsewhere.items()) if scenario.elsewhere else (),
        )

    def _newborn_window(self, scenario: Scenario) -> bool:
        """Whether the Jiangsu newborn exemption's condition (二.4, as
        ``yibao_jiangsu.coverage`` reads it) holds for the year's payment."""
        record = scenario.enrollment_in(scenario.year)
        paid = record.paid_on if record is not None else None
        if paid is None:
            return False
        days = self._params.find("newborn.retroactive_days", paid)
        birth = scenario.person.birth_date
        return days is not None and birth <= paid and (paid - birth).days <= days.integer

    # ---------------------------------------------------------------------------------
    # Claims
    # ---------------------------------------------------------------------------------

    def settle(self, case: Case, claims: Sequence[Claim]) -> list[LayerAmounts] | None:
        """Each inpatient claim's basic-fund and critical-illness payments, in order, as
        :func:`.benefits._inpatient` and :func:`.benefits.yibao_critical_illness` pay
        them (the ledger's ``inpatient_special``, ``critical_illness.cost`` and
        ``critical_illness.paid`` kept as three running amounts). A case that uses up
        the 350,000 limit or the critical-illness cap is declined: the engine answers
        it, and its record names the limit (:mod:`yibao.kernel`)."""
        used = critical_cost = critical_paid = ZERO
        paid = []
        for claim in claims:
            reimbursement_checklist(case, claim, CITE_DOCUMENTS)  # as the claim gate does
            tariff = self._tariff(case, claim)
            if tariff.limit is None:
                return None
            # §三(一): the part within what remains of the yearly limit, less the
            # deductible, at the ratio.
            rate = tariff.rate
            counted = within_limit(claim.compliant, max(tariff.limit - used, ZERO))
            eligible = counted if rate > ZERO else ZERO
            used += eligible
            if used >= tariff.limit:
                return None  # the limit is used up: the engine's answer reports it
            basic = apply_rate(max(eligible - tariff.deductible, ZERO), rate)
            # §四: bands on the year's running patient share, within the Jiangsu cap.
            critical = ZERO
            if tariff.critical_bands is not None:
                remaining = claim.compliant - basic
                shares = banded(critical_cost, remaining, tariff.critical_bands)
                critical_cost += remaining
                critical = round_fen(sum((s.payment for s in shares), ZERO))
                if critical > ZERO:
                    scope_warning(case, claim)  # as critical_illness_bands does
                cap = self._cap(case, claim.date)
                if cap is not None:
                    critical = min(critical, max(cap - critical_paid, ZERO))
                critical_paid += critical
                if cap is not None and critical_paid >= cap:
                    return None  # the cap is used up: the engine's answer reports it
            paid.append(((BASIC[0], basic), (CRITICAL[0], critical)))
        return paid

    def _tariff(self, case: Case, claim: Claim) -> _Tariff:
        """The claim's tariff, looked up once per category, level, care route and date:
        those are all the rules read (the remote-care rule reads the claim's kind, care
        and date; the kind is always inpatient here)."""
        key = (case.category, claim.level, claim.care, claim.date)
        found = self._tariffs.get(key)
        if found is None:
            found = self._remember(self._tariffs, key, self._look_up(case, claim))
        return found

    def _look_up(self, case: Case, claim: Claim) -> _Tariff:
        on = claim.date
        group = "young" if case.category in ("minor", "university") else "adult"
        ratio = case.param(f"inpatient.rate.{group}.level{claim.level}", on)
        rate, _ = case.remote_care(claim, ratio.rate)
        cost_basis = case.param("inpatient_special.limit_basis", on).value == "cost"
        in_scope = (
            claim.kind in case.param("critical_illness.kinds", on).value
            and claim.care != "non_designated"
        )
        return _Tariff(
            deductible=case.param(f"inpatient.deductible.{group}.level{claim.level}", on).money,
            rate=rate,
            limit=case.param("inpatient_special.limit", on).money if cost_basis else None,
            critical_bands=(
                case.param("critical_illness.bands.standard", on).bands if in_scope else None
            ),
        )

    def _cap(self, case: Case, on: dt.date) -> Decimal | None:
        """The year's critical-illness cap on ``on`` from whichever layer answers it; it
        depends on the enrolment history, the year and the date only (Jiangsu 二.3)."""
        scenario = case.scenario
        key = (scenario.year, scenario.enrollment, on)
        if key in self._caps:
            return self._caps[key]
        found = case.hook.yibao_critical_illness_cap(case=case, on=on)
        return self._remember(self._caps, key, found.cap if found is not None else None)

    @staticmethod
    def _remember(memo: dict, key: tuple[object, ...], value):  # type: ignore[no-untyped-def]
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = value
        return value


@hookimpl
def yibao_settlement_kernel(params: ParameterSet) -> ResidentKernel:
    return ResidentKernel(params)
