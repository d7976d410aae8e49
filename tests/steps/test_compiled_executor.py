"""The compiled executor pays what the integer and the explained executors pay.

Hypothesis draws a FICTIONAL layer's numbers (limits, deductibles, ratios with many
decimal places, bands, caps, a top-up floor, a window, a limit counting unpaid cost,
limits passing cost on, subsidies) and sequences of claims sharing one year's ledger;
each plan runs three ways — :func:`yibao.steps.explain.run` in Decimal,
:func:`yibao.steps.fen.run` in whole fen and the compiled core's program
(:func:`yibao.steps.compiled.program`, run by ``yibao_fastcore``) — and every payment,
running total, admission count and cap must agree, and the subsidy's payment and the
cost passed on must be fen.run's.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yibao import hookimpl
from yibao.case import Case, Ledger, RateAdjustment
from yibao.dispatch import relay
from yibao.model import Claim, Scenario
from yibao.params import ParameterSet, parse_parameter_text
from yibao.results import RegionInfo, SchemeInfo
from yibao.steps import Bands, Cap, Deductible, Limit, Ratio, Rule, Subsidy, TopUp, Window
from yibao.steps import compiled as compiled_module
from yibao.steps.explain import run as explained
from yibao.steps.fen import fen, to_fen
from yibao.steps.fen import run as integers
from yibao.steps.plan import Plan, compile_rule

pytestmark = pytest.mark.skipif(
    not compiled_module.available(), reason="yibao-fastcore's extension is not built here"
)


class Remote:
    """Referral costs 10 points, never below nothing (FICTIONAL)."""

    @hookimpl
    def yibao_remote_care(self, case, claim, rate):
        if claim.care == "referral":
            return RateAdjustment(rate=max(rate - Decimal("0.10"), Decimal(0)))
        return RateAdjustment(rate=rate)


LAYER = ("basic_fund", "基本医保统筹基金", "basic fund")
FIRST = Rule(
    layer=LAYER,
    kinds=("inpatient", "maternity"),
    steps=(
        Limit("spent", cap="limit", label=("年度限额", "yearly limit")),
        Deductible(first="deductible.first", later="deductible.later", counter="admissions"),
        Ratio("rate"),
        TopUp("floor", kinds=("maternity",)),
        Limit("paid", cap="payment_limit", basis="payment", label=("支付限额", "payment limit")),
    ),
)
SECOND = Rule(
    layer=("critical_illness", "大病保险", "critical illness"),
    kinds=("inpatient", "maternity"),
    on="remaining",
    steps=(
        Deductible(key="deductible.second"),
        Bands("bands", running="running"),
        Cap("capped", key="cap", label=("封顶", "cap")),
    ),
)

THIRD = Rule(
    layer=("assistance", "医疗救助", "assistance"),
    kinds=("inpatient", "maternity"),
    steps=(
        Limit("counted", cap="unpaid_limit", counts_unpaid=True, label=("限额", "limit")),
        Window("window", above="window.above", limit="window.limit", ratio="window.rate"),
    ),
)
"""A cost limit counting what a layer paying nothing bears, and a window on a running
total between a yearly deductible and a yearly limit (the ports' step kinds)."""

SUBSIDY = Subsidy(("subsidy", "补助", "subsidy"), "subsidy.bands")
FOURTH = Rule(
    layer=LAYER,
    kinds=("inpatient", "maternity"),
    steps=(
        Limit("passed", cap="over.limit", counts_unpaid=True, overflow=True, label=("限额", "l")),
        Deductible(key="deductible.second"),
        Bands("bands", running="banded"),
    ),
    subsidy=SUBSIDY,
)
"""A cost limit passing what it leaves on, bands and a subsidy on their running total
(常州 employees' special outpatient care, in shape)."""

FIFTH = Rule(
    layer=LAYER,
    kinds=("inpatient", "maternity"),
    steps=(
        Ratio("rate"),
        Limit("fund", cap="over.fund", basis="payment", overflow=True, label=("限额", "l")),
    ),
)
"""A payment limit passing on the cost its room does not cover (chronic care, in shape)."""

SIXTH = Rule(
    layer=LAYER,
    kinds=("inpatient", "maternity"),
    steps=(Window("outpatient", above="window.above", limit="window.limit", ratio="rate"),),
    subsidy=SUBSIDY,
)
"""A window with a subsidy on the same running total (general outpatient care, in shape)."""

MONEY = st.integers(0, 100_000_000).map(lambda f: Decimal(f).scaleb(-2))
RATE = st.one_of(
    st.integers(0, 100).map(lambda p: Decimal(p) / 100),
    st.decimals(min_value=0, max_value=1, places=6, allow_nan=False),
)


@st.composite
def layers(draw: st.DrawFn) -> str:
    """A parameter file for the two fictional rules, every value drawn."""

    def money(key: str) -> str:
        return f'[[parameter]]\nkey = "{key}"\nkind = "money"\nvalue = "{draw(MONEY)}"\n'

    def rate(key: str) -> str:
        return f'[[parameter]]\nkey = "{key}"\nkind = "rate"\nvalue = "{draw(RATE) * 100}%"\n'

    edges = sorted(set(draw(st.lists(st.integers(0, 50_000_000), min_size=1, max_size=4))))
    bands = []
    for i, low in enumerate(edges):
        upto = f', upto = "{Decimal(edges[i + 1]).scaleb(-2)}"' if i + 1 < len(edges) else ""
        bands.append(f'{{above = "{Decimal(low).scaleb(-2)}"{upto}, rate = "{draw(RATE) * 100}%"}}')
    parts = [
        'layer = "fictional"',
        money("limit"),
        money("deductible.first"),
        money("deductible.later"),
        money("deductible.second"),
        rate("rate"),
        rate("floor"),
        money("payment_limit"),
        money("cap"),
        money("unpaid_limit"),
        money("window.above"),
        money("window.limit"),
        rate("window.rate"),
        money("over.limit"),
        money("over.fund"),
        f'[[parameter]]\nkey = "bands"\nkind = "bands"\nvalue = [{", ".join(bands)}]\n',
        f'[[parameter]]\nkey = "subsidy.bands"\nkind = "bands"\nvalue = [{", ".join(bands)}]\n',
    ]
    return "\n".join(p + 'valid_from = 2025-01-01\ncite = "FICTIONAL"\n' if p.startswith("[[")
                     else p + "\n" for p in parts)  # fmt: skip


CLAIMS = st.lists(
    st.tuples(
        st.integers(0, 100_000_000_000),  # fen: up to the largest amount a claim may carry
        st.sampled_from(["inpatient", "maternity"]),
        st.sampled_from(["local", "referral"]),
        st.none() | st.integers(1, 4),
    ),
    min_size=1,
    max_size=5,
)


def _case(text: str) -> Case:
    import pluggy
    from yibao import hookspecs

    pm = pluggy.PluginManager("yibao")
    pm.add_hookspecs(hookspecs)
    pm.register(Remote())
    scheme = SchemeInfo(scheme="resident", years=(2025,), layers=("f",))
    info = RegionInfo(code="fic", name_zh="虚构", name_en="Fictional", schemes=(scheme,))
    scenario = msgspec.convert({"year": 2025, "person": {"birth_date": "1980-01-01"}}, Scenario)
    params = ParameterSet([parse_parameter_text(text, name="fictional.toml")])
    return Case(scenario, info, params, relay(pm))


@settings(max_examples=300, deadline=None)
@given(text=layers(), claims=CLAIMS)
def test_three_executors_pay_the_same(text: str, claims: list) -> None:
    ext = compiled_module.extension
    case = _case(text)
    ids: dict[str, int] = {}
    ledger, ints, compiled_ledger = Ledger(), {}, {}
    for amount, kind, care, admission in claims:
        claim = msgspec.convert(
            {"id": "c", "date": "2025-05-01", "kind": kind, "care": care,
             "compliant": str(Decimal(amount).scaleb(-2)), "admission": admission},
            Claim,
        )  # fmt: skip
        remaining = amount
        for rule in (FIRST, SECOND, THIRD, FOURTH, FIFTH, SIXTH):
            plan = compile_rule(rule, case, claim)
            assert isinstance(plan, Plan)
            on = amount if rule.on == "compliant" else remaining
            paid, _ = explained(plan, claim, ledger, Decimal(on).scaleb(-2))
            fenplan = to_fen(plan)
            caps: dict[str, int] = {}
            trace: dict[str, int | None] = {}
            pay = integers(fenplan, ints, on, admission, caps, trace)
            assert fen(paid) == pay
            program = compiled_module.program(fenplan, lambda k: ids.setdefault(k, len(ids)))
            assert program is not None
            done = ext.execute(program, fenplan.pays, compiled_ledger, on, admission or 0)
            assert done is not None, "an amount within the model's bounds overflowed"
            got, compiled_ledger, got_caps, subsidy, overflow = done
            assert got == pay
            assert got_caps == {ids[k]: v for k, v in caps.items()}
            assert subsidy == trace.get("subsidy")
            assert overflow == trace["overflow"]
            remaining -= pay
    names = {v: k for k, v in ids.items()}
    assert {names[k]: v for k, v in compiled_ledger.items()} == ints
    counts = {"admissions"}
    assert {k: int(v) if k in counts else fen(v) for k, v in ledger._amounts.items()} == ints


@settings(max_examples=200, deadline=None)
@given(
    amount=st.integers(-(10**15), 10**15),
    num=st.integers(0, 10**12),
    den=st.integers(1, 10**12),
)
def test_a_ratio_rounds_half_up_as_python_does(amount: int, num: int, den: int) -> None:
    """The core's rounding (128-bit products, floor division) is Python's, for amounts
    far beyond any claim and any sign."""
    ext = compiled_module.extension
    program = (ext.OPCODES["ratio"], num, den)
    done = ext.execute(program, True, {}, amount)
    expected = (2 * amount * num + den) // (2 * den)
    if done is None:  # beyond what the core holds: it says so, never a wrong number
        assert abs(expected) >= (1 << 61)  # the core holds results below 2**61
        return
    assert done[0] == expected


def test_a_number_beyond_the_core_stays_with_python() -> None:
    from yibao.steps.fen import FenPlan, FRatio

    plan = FenPlan("basic_fund", (FRatio((1, 10**30)),), True)
    assert compiled_module.program(plan, lambda k: 0) is None
