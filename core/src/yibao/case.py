"""The case a region's rules work on, and the year ledger claims share.

A :class:`Case` is built by the engine for one scenario in one region: it holds the
scenario, the region's stacked parameters, and what earlier phases decided (category,
cover). Rules read parameters through :meth:`Case.param`, which raises
:class:`~yibao.errors.NotPublished` for a value no loaded source gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

import msgspec

from yibao.errors import NotPublished, YibaoError
from yibao.invariants import check_limit
from yibao.model import Claim, Person, Scenario
from yibao.money import FEN, ZERO
from yibao.params import Param, ParameterSet
from yibao.results import Coverage, LimitState, Notice, RegionInfo, Step

if TYPE_CHECKING:
    import pluggy

    from yibao.memo import Memo


class RateAdjustment(msgspec.Struct, frozen=True, kw_only=True):
    """A basic-fund ratio after the remote-care rule (异地就医)."""

    rate: Decimal
    step: Step | None = None
    """The explanation, or ``None`` when the rate is unchanged."""


class ClaimGate(msgspec.Struct, frozen=True, kw_only=True):
    """A claim stopped before settlement, with why."""

    status: Literal["refused", "pending_review", "not_published", "not_covered"]
    step: Step


class CriticalIllnessCap(msgspec.Struct, frozen=True, kw_only=True):
    """The yearly critical-illness cap: ``cap`` of ``None`` means no cap applies."""

    cap: Decimal | None
    basis: Literal["payment", "cost"] = "payment"
    steps: tuple[Step, ...] = ()


def step(
    label_zh: str,
    label_en: str,
    value: object,
    *,
    cite: str | Param = "",
    amount: Decimal | None = None,
) -> Step:
    """Build a :class:`Step`; a ``Decimal`` value is shown as money, a Param as its cite."""
    # Called ~20 times per claim: the common types are tested first and money is rounded
    # inline (``fmt_money``'s rule).
    kind = value.__class__
    if kind is str:
        shown = value
    elif kind is Decimal or isinstance(value, Decimal):
        if amount is None:
            amount = value  # type: ignore[assignment]
        shown = str(value.quantize(FEN, ROUND_HALF_UP))  # type: ignore[attr-defined]
    else:
        shown = str(value)
    carried = marked = None
    if cite.__class__ is not str and isinstance(cite, Param):
        if cite.carried_into is not None:
            carried = cite.source_year
        marked = cite.marked
        cite = cite.source_label
    return Step(
        label_zh=label_zh,
        label_en=label_en,
        value=shown,
        amount=amount,
        cite=cite,  # type: ignore[arg-type]
        carried_from=carried,
        marked=marked,
    )


class Ledger:
    """The year's running amounts that claims share (cumulative costs, limits used).

    Keys are the rule's own names (``"inpatient_special.cost"``); a limit registered
    with :meth:`limit` is reported in the result with what remains of it.
    """

    def __init__(self) -> None:
        self._amounts: dict[str, Decimal] = {}
        self._limits: dict[
            str, tuple[str, str, Decimal, Literal["cost", "payment"], str, tuple[Step, ...]]
        ] = {}
        """Declared limits: ``key → (label_zh, label_en, cap, basis, cite, steps)``."""

    def used(self, key: str) -> Decimal:
        """The running total under ``key`` (0 when nothing was recorded)."""
        return self._amounts.get(key, ZERO)

    def add(self, key: str, amount: Decimal) -> None:
        """Add ``amount`` to the running total under ``key``.

        Raises :class:`~yibao.invariants.ImpossibleAnswer` for a payment that takes a
        yearly limit on payments beyond the cap in force (a settlement invariant)."""
        used = self._amounts.get(key, ZERO) + amount
        declared = self._limits.get(key)
        if declared is not None and declared[3] == "payment" and amount > ZERO:
            check_limit(key, declared[2], used)
        self._amounts[key] = used

    def limit(
        self,
        key: str,
        cap: Decimal,
        *,
        label_zh: str,
        label_en: str,
        basis: Literal["cost", "payment"],
        cite: str = "",
        steps: tuple[Step, ...] = (),
    ) -> Decimal:
        """Declare the yearly limit tracked under ``key`` and return what remains of it;
        ``steps`` explain how the limit was worked out."""
        self._limits[key] = (label_zh, label_en, cap, basis, cite, steps)
        return max(cap - self._amounts.get(key, ZERO), ZERO)

    def limits(self) -> tuple[LimitState, ...]:
        """Every limit declared this year, with the amount used and remaining."""
        out = []
        for key, (label_zh, label_en, cap, basis, cite, steps) in self._limits.items():
            used = self._amounts.get(key, ZERO)
            out.append(
                LimitState(
                    key=key,
                    label_zh=label_zh,
                    label_en=label_en,
                    cap=cap,
                    used=used,
                    remaining=max(cap - used, ZERO),
                    basis=basis,
                    cite=cite,
                    steps=steps,
                )
            )
        return tuple(out)

    def snapshot(self) -> dict[str, Decimal]:
        return dict(self._amounts)

    def restore(self, snapshot: dict[str, Decimal]) -> None:
        self._amounts = dict(snapshot)


def carried_notice(param: Param) -> Notice:
    """The notice an answer carries for a value it took from an earlier period."""
    year, into = param.source_year, param.carried_into
    return Notice(
        kind="carried",
        key=param.key,
        cite=param.source_label,
        source_year=year,
        text_en=f"{param.key}: the {year} value is carried into {into}; no later notice is bundled",
        text_zh=f"{param.key}：沿用{year}年度数值至{into}年度（未附更新的政策通知）",
    )


class Case:
    """One scenario being evaluated in one region's stack."""

    def __init__(
        self,
        scenario: Scenario,
        region: RegionInfo,
        params: ParameterSet,
        hook: pluggy.HookRelay,
    ) -> None:
        self.scenario = scenario
        self.region = region
        self.params = params
        self.hook = hook
        self.category: str | None = None
        self.coverage: Coverage | None = None
        self.notices: list[Notice] = []
        self._year_start = dt.date(scenario.year, 1, 1)
        self._found = params._found
        self.memo: Memo | None = None
        """Where this evaluation may reuse what was worked out for the same person-year
        (:mod:`yibao.memo`); ``None``: decide everything afresh."""
        self.memo_token = 0
        """The person-year's token in :attr:`memo`."""

    @property
    def person(self) -> Person:
        return self.scenario.person

    @property
    def year(self) -> int:
        return self.scenario.year

    @property
    def year_start(self) -> dt.date:
        return self._year_start

    def param(self, key: str, on: dt.date | None = None) -> Param:
        """The parameter ``key`` in force on ``on`` (default: 1 January of the year).

        Raises :class:`NotPublished` when no loaded source gives it. A value carried from
        an earlier period (:attr:`Param.carried_into`) is recorded as a notice.
        """
        found = self._found.get((key, on or self._year_start))
        if found is None:
            found = self.params.get(key, on or self._year_start)
        if found.carried_into is not None:
            self.notice(carried_notice(found))
        return found

    def find_param(self, key: str, on: dt.date | None = None) -> Param | None:
        """Like :meth:`param` but ``None`` instead of raising."""
        found = self.params.find(key, on or self._year_start)
        if found is not None and found.carried_into is not None:
            self.notice(carried_notice(found))
        return found

    def notice(self, notice: Notice) -> None:
        """Record a notice for the whole result (each text once)."""
        if notice not in self.notices:
            self.notices.append(notice)

    def not_published(self, exc: NotPublished) -> Notice:
        """Record and return the notice for a value the sources do not publish."""
        notice = not_published_notice(exc)
        self.notice(notice)
        return notice

    def stated_category(
        self, categories: Mapping[str, tuple[str, str]]
    ) -> tuple[str, str, str] | None:
        """The category given in ``person.category``, checked against the region's own
        ``{code: (name_zh, name_en)}`` and recorded as stated; ``None`` when none is given.

        Raises :class:`YibaoError` naming the expected codes for an unknown category.
        """
        stated = self.person.category
        if stated is None:
            return None
        if stated not in categories:
            raise YibaoError(
                f"person.category {stated!r} is not a category of {self.region.code}; "
                f"expected one of: {', '.join(categories)}",
                zh=f"person.category {stated!r} 不是{self.region.name_zh}的参保类别；"
                f"应为以下之一：{'、'.join(categories)}",
            )
        zh, en = categories[stated]
        self.notice(
            Notice(
                kind="stated",
                text_en=f"category {en!r} as stated in the scenario",
                text_zh=f"参保类别按情形中的声明：{zh}",
                key="person.category",
            )
        )
        return stated, zh, en

    def remote_care(self, claim: Claim, rate: Decimal) -> tuple[Decimal, Step | None]:
        """The basic-fund ratio for ``claim`` after the region's remote-care rule."""
        adjustment = self.hook.yibao_remote_care(case=self, claim=claim, rate=rate)
        if adjustment is None:
            return rate, None
        return adjustment.rate, adjustment.step


def not_published_notice(exc: NotPublished) -> Notice:
    """The notice for a value the sources do not publish (:meth:`Case.not_published`)."""
    return Notice(
        kind="not_published",
        text_en=str(exc),
        text_zh=f"已加载的政策来源未公布：{exc.key}（{exc.on}）"
        + (f"：{exc.reason_zh}" if exc.reason_zh else ""),
        key=exc.key,
        cite=exc.cite,
    )
