"""Two small fictional regions for the report's golden files: their answers change only
when this file does, so the goldens test the report, not the policy plugins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yibao import hookimpl
from yibao.case import Case, step
from yibao.errors import NotPublished
from yibao.money import apply_rate
from yibao.registry import RegionPlugin, Registry
from yibao.results import (
    Coverage,
    Eligibility,
    LayerPayment,
    Notice,
    Premium,
    PremiumPart,
    RegionInfo,
    SchemeInfo,
    SourceDoc,
)


class FakeLayer:
    """A resident scheme: a flat premium, cover from 1 January (or the day after a late
    payment), a basic fund paying ``rate`` of the compliant amount above ``deductible``."""

    def __init__(self, code: str, premium: str | None, rate: str, deductible: str) -> None:
        self.code = code
        self.premium = None if premium is None else Decimal(premium)
        self.rate = Decimal(rate)
        self.deductible = Decimal(deductible)
        self.cite = f"{code}-policy-2025"

    @hookimpl
    def yibao_category(self, case: Case) -> tuple[str, str, str]:
        return ("resident", "居民", "resident")

    @hookimpl
    def yibao_eligibility(self, case: Case) -> Eligibility:
        ok = case.person.hukou == self.code
        return Eligibility(
            eligible=ok,
            category="resident",
            category_zh="居民",
            category_en="resident",
            steps=(step("本地户籍", "household registration here", "✓" if ok else "✗",
                        cite=f"{self.cite} §1"),),
        )  # fmt: skip

    @hookimpl
    def yibao_premium(self, case: Case) -> Premium:
        if self.premium is None:
            case.notice(
                Notice(kind="not_published", text_en="premium not published",
                       text_zh="个人缴费未公布", key="premium", cite=f"{self.cite} §2")
            )  # fmt: skip
            return Premium(individual=None, parts=())
        part = PremiumPart(payer="individual", amount=self.premium, label_zh="个人",
                           label_en="individual")  # fmt: skip
        return Premium(
            individual=self.premium,
            parts=(part,),
            steps=(step("个人缴费", "premium", self.premium, cite=f"{self.cite} §2"),),
        )

    @hookimpl
    def yibao_coverage(self, case: Case) -> Coverage:
        record = case.scenario.enrollment_in(case.year)
        paid = record.paid_on if record and record.paid_on else case.year_start
        start = max(case.year_start, paid + dt.timedelta(days=1))
        return Coverage(
            start=start,
            steps=(step("待遇起始", "benefits from", str(start), cite=f"{self.cite} §3"),),
        )

    @hookimpl
    def yibao_basic_fund(self, case: Case, claim, ledger, compliant: Decimal):
        if claim.kind != "inpatient":
            raise NotPublished(key="outpatient.rate", on=claim.date, reason="fictional gap",
                               cite=f"{self.cite} §5")  # fmt: skip
        base = max(compliant - self.deductible, Decimal(0))
        amount = apply_rate(base, self.rate)
        return [
            LayerPayment(
                layer="basic_fund", label_zh="统筹基金", label_en="basic fund", amount=amount,
                steps=(step("统筹基金支付", "basic fund pays", amount, cite=f"{self.cite} §4"),),
            )
        ]  # fmt: skip


def _plugin(code: str, zh: str, en: str, layer: FakeLayer) -> RegionPlugin:
    return RegionPlugin(
        info=RegionInfo(
            code=code,
            name_zh=zh,
            name_en=en,
            schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=("fake",)),),
            sources=(SourceDoc(id=f"{code}-policy-2025", title=f"{zh}虚构政策 (fictional)"),),
        ),
        layers={"resident": (layer,)},
    )


def fake_registry() -> Registry:
    """Alpha (premium 300, 70% above 1,000) and Beta (premium not published, 50% above
    500)."""
    return Registry.from_plugins(
        {
            "alpha": _plugin(
                "alpha", "甲市", "Alpha", FakeLayer("alpha", "300.00", "0.70", "1000")
            ),
            "beta": _plugin("beta", "乙市", "Beta", FakeLayer("beta", None, "0.50", "500")),
        }
    )
