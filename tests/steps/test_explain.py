"""Declared steps run explained: amounts worked out by hand on a FICTIONAL layer.

The layer's numbers are made up (no policy); they exercise each step kind: a cost
limit, a per-admission deductible with a lower later one, a ratio after remote care,
bands on a running total, a payment cap and a top-up.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from yibao import hookimpl
from yibao.case import Case, Ledger, RateAdjustment
from yibao.dispatch import relay
from yibao.errors import NotPublished
from yibao.model import Claim, Scenario
from yibao.params import ParameterSet, parse_parameter_text
from yibao.results import RegionInfo, SchemeInfo
from yibao.steps import Bands, Cap, Deductible, Limit, Ratio, Rule, TopUp
from yibao.steps.explain import settle

PARAMS = """
layer = "fictional"
[[parameter]]
key = "limit"
kind = "money"
value = "10000.00"
valid_from = 2025-01-01
cite = "FICTIONAL §1"
[[parameter]]
key = "deductible.first"
kind = "money"
value = "1000.00"
valid_from = 2025-01-01
cite = "FICTIONAL §2"
[[parameter]]
key = "deductible.later"
kind = "money"
value = "500.00"
valid_from = 2025-01-01
cite = "FICTIONAL §2"
[[parameter]]
key = "rate.level3"
kind = "rate"
value = "70%"
valid_from = 2025-01-01
cite = "FICTIONAL §3"
[[parameter]]
key = "floor"
kind = "rate"
value = "65%"
valid_from = 2025-01-01
cite = "FICTIONAL §4"
[[parameter]]
key = "bands"
kind = "bands"
value = [{above = "2000", upto = "5000", rate = "50%"}, {above = "5000", rate = "60%"}]
valid_from = 2025-01-01
cite = "FICTIONAL §5"
[[parameter]]
key = "cap"
kind = "money"
value = "1000.00"
valid_from = 2025-01-01
cite = "FICTIONAL §6"
[[unpublished]]
key = "rate.level1"
kind = "rate"
cite = "FICTIONAL §3"
reason = "the fictional source gives no level-1 ratio"
"""


class Remote:
    """Referral costs 10 points (FICTIONAL)."""

    @hookimpl
    def yibao_remote_care(self, case, claim, rate):
        if claim.care == "referral":
            return RateAdjustment(rate=rate - Decimal("0.10"))
        return RateAdjustment(rate=rate)


def _case() -> Case:
    import pluggy
    from yibao import hookspecs

    pm = pluggy.PluginManager("yibao")
    pm.add_hookspecs(hookspecs)
    pm.register(Remote())
    info = RegionInfo(
        code="fic",
        name_zh="虚构",
        name_en="Fictional",
        schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=("f",)),),
    )
    scenario = msgspec.convert({"year": 2025, "person": {"birth_date": "1980-01-01"}}, Scenario)
    params = ParameterSet([parse_parameter_text(PARAMS, name="fictional.toml")])
    return Case(scenario, info, params, relay(pm))


def _claim(amount: str, *, level: int = 3, care: str = "local", kind: str = "inpatient") -> Claim:
    return msgspec.convert(
        {
            "id": "c",
            "date": "2025-05-01",
            "kind": kind,
            "level": level,
            "care": care,
            "compliant": amount,
        },
        Claim,
    )


LAYER = ("basic_fund", "基本医保统筹基金", "basic fund")
BASIC = Rule(
    layer=LAYER,
    kinds=("inpatient", "maternity"),
    select=lambda case, claim: {"level": str(claim.level)},
    steps=(
        Limit("spent", cap="limit", label=("年度限额", "yearly limit")),
        Deductible(first="deductible.first", later="deductible.later", counter="admissions"),
        Ratio("rate.level{level}"),
        TopUp("floor", kinds=("maternity",)),
    ),
)


def test_deductible_ratio_and_a_later_admission() -> None:
    case, ledger = _case(), Ledger()
    # first admission: (4000 − 1000) × 70% = 2100.00
    assert settle(BASIC, case, _claim("4000.00"), ledger, Decimal("4000.00")).amount == Decimal(
        "2100.00"
    )
    # second: the later deductible, referral −10 points: (3000 − 500) × 60% = 1500.00
    paid = settle(BASIC, case, _claim("3000.00", care="referral"), ledger, Decimal("3000.00"))
    assert paid.amount == Decimal("1500.00")
    # 7,000 of the 10,000 limit counted; a third of 5,000 counts 3,000:
    # (3000 − 500) × 70% = 1750.00
    assert settle(BASIC, case, _claim("5000.00"), ledger, Decimal("5000.00")).amount == Decimal(
        "1750.00"
    )
    assert ledger.used("spent") == Decimal("10000.00")


def test_top_up_raises_a_maternity_payment_to_its_floor() -> None:
    # (1500 − 1000) × 70% = 350.00 < 1500 × 65% = 975.00 → 975.00
    paid = settle(BASIC, _case(), _claim("1500.00", kind="maternity"), Ledger(), Decimal("1500.00"))
    assert paid.amount == Decimal("975.00")


def test_an_unpublished_value_makes_the_claim_not_published() -> None:
    with pytest.raises(NotPublished) as err:
        settle(BASIC, _case(), _claim("4000.00", level=1), Ledger(), Decimal("4000.00"))
    assert err.value.key == "rate.level1"


BANDED = Rule(
    layer=("critical_illness", "大病保险", "critical illness"),
    kinds=("inpatient",),
    on="remaining",
    steps=(
        Bands("bands", running="borne", remote=False),
        Cap("paid", key="cap", label=("年度封顶", "yearly cap")),
    ),
)


def test_bands_on_a_running_total_and_a_payment_cap() -> None:
    case, ledger = _case(), Ledger()
    # 3,000 on [0, 3000]: 1,000 in 2000–5000 × 50% = 500.00
    assert settle(BANDED, case, _claim("3000.00"), ledger, Decimal("3000.00")).amount == Decimal(
        "500.00"
    )
    # 4,000 more on [3000, 7000]: 2,000 × 50% + 2,000 × 60% = 2200.00, capped at what is
    # left of 1,000: 500.00
    assert settle(BANDED, case, _claim("4000.00"), ledger, Decimal("4000.00")).amount == Decimal(
        "500.00"
    )
    assert ledger.used("borne") == Decimal("7000.00") and ledger.used("paid") == Decimal("1000.00")
