"""The explained and the integer executors agree to the fen, over generated claims.

The rules are the FICTIONAL ones of test_explain.py; Hypothesis draws amounts, levels,
care routes and sequences of claims sharing one year's ledger.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from test_explain import BANDED, BASIC, _case, _claim
from yibao.case import Ledger
from yibao.errors import NotPublished
from yibao.steps.explain import run as explained
from yibao.steps.fen import fen, to_fen
from yibao.steps.fen import run as integers
from yibao.steps.plan import compile_rule

CLAIMS = st.lists(
    st.tuples(
        st.integers(0, 3_000_000),  # fen
        st.sampled_from(["inpatient", "maternity"]),
        st.sampled_from(["local", "referral"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(claims=CLAIMS)
def test_both_executors_pay_the_same(claims: list[tuple[int, str, str]]) -> None:
    case = _case()
    ledger, ints = Ledger(), {}
    for amount, kind, care in claims:
        claim = _claim(f"{Decimal(amount) / 100:.2f}", kind=kind, care=care)
        for rule in (BASIC, BANDED):
            try:
                plan = compile_rule(rule, case, claim)
            except NotPublished:
                continue
            if plan is None:
                continue
            paid, _ = explained(plan, claim, ledger, claim.compliant)
            assert fen(paid) == integers(to_fen(plan), ints, amount)
    # the year's running totals and counts agree too (counts are not money)
    kept = {k: int(v) if k == "admissions" else fen(v) for k, v in ledger._amounts.items()}
    assert kept == ints
