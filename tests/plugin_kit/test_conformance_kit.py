"""The conformance kit catches what it promises to catch.

Every region here is FICTIONAL, built in-process with a deliberate bug, to show the
kit fails it with a precise finding; none carries real policy.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from plugin_kit_helpers import write
from yibao import dates, hookimpl
from yibao.money import ZERO, apply_rate
from yibao.registry import RegionPlugin, Registry
from yibao.results import (
    Coverage,
    Eligibility,
    LayerPayment,
    Premium,
    RegionInfo,
    SchemeInfo,
    SourceDoc,
)
from yibao.steps import Ratio, Rule, Settlement
from yibao.testing import CHECKS, Kit


def pay(amount: Decimal, layer: str = "basic_fund") -> list[LayerPayment]:
    return [LayerPayment(layer=layer, label_zh="统筹", label_en="fund", amount=amount)]


def sound_fund(case, claim, ledger, compliant):  # type: ignore[no-untyped-def]
    return pay(apply_rate(compliant, Decimal("0.5")))


FUND = Rule(
    layer=("basic_fund", "统筹", "fund"),
    kinds=("inpatient",),
    steps=(Ratio("fund.rate", remote=False),),
    cite="fictional-2025 §1",
)
"""The FICTIONAL fund's rule declared for batch's fast path: what :func:`sound_fund`
pays."""


def make_layer(
    tmp_path: Path, cite: str = "fictional-2025 §1", rate: str = "50%", **hooks: object
) -> object:
    """A FICTIONAL layer settling every claim at 50%, declaring its inpatient rule for
    batch's fast path at ``rate``; ``hooks`` replace its rules."""
    values = (("premium.individual", "money", "100.00"), ("fund.rate", "rate", rate))
    params = write(tmp_path / "parameters.toml", 'layer = "fictional"\n' + "".join(
        f'[[parameter]]\nkey = "{key}"\nkind = "{kind}"\nvalue = "{value}"\n'
        f'valid_from = 2025-01-01\nvalid_to = 2025-12-31\ncite = "{cite}"\n'
        for key, kind, value in values
    ))  # fmt: skip
    example = write(tmp_path / "example.toml", """
        title = "FICTIONAL example"
        year = 2025
        [person]
        birth_date = 1980-01-01
        hukou = "fict"
        [[enrollment]]
        year = 2025
        region = "fict"
        paid_on = 2024-11-01
        [[claims]]
        id = "c1"
        date = 2025-03-01
        kind = "inpatient"
        compliant = "1000.00"
        """)  # fmt: skip
    rules = {
        "yibao_parameter_files": lambda: [params],
        "yibao_example_scenarios": lambda: [example],
        "yibao_eligibility": lambda case: Eligibility(eligible=True, category="any"),
        "yibao_premium": lambda case: Premium(individual=case.param("premium.individual").money),
        "yibao_coverage": lambda case: Coverage(start=case.year_start),
        "yibao_basic_fund": sound_fund,
        "yibao_settlement": lambda: Settlement(rules=(FUND,), kinds=frozenset({"inpatient"})),
        **hooks,
    }
    obj = type("FictionalLayer", (), {})()
    obj.LAYER_NAME = "fictional"
    for name, fn in rules.items():
        marker = hookimpl(wrapper=True) if name.endswith("_wrapper") else hookimpl
        setattr(obj, name, marker(fn))
    return obj


def kit_for(layer: object, **info: object) -> Kit:
    region = RegionInfo(
        code="fict", name_zh="虚构", name_en="FICTIONAL",
        schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=("fictional",)),),
        sources=(SourceDoc(id="fictional-2025", title="FICTIONAL source"),),
        **info,  # type: ignore[arg-type]
    )  # fmt: skip
    registry = Registry.from_plugins(
        {"fict": RegionPlugin(info=region, layers={"resident": (layer,)})}
    )
    return Kit("fict", registry=registry, examples=25)


def test_a_sound_fictional_region_passes(tmp_path: Path) -> None:
    results = {r.name: r for r in kit_for(make_layer(tmp_path)).run_all()}
    assert {n: r.status for n, r in results.items()} == {
        n: "pass" for n in CHECKS if n != "personas"
    } | {"personas": results["personas"].status}
    assert "settled" in results["invariants"].summary
    assert re.search(r"settled by the declared rules: resident [1-9]", results["fast-path"].summary)


@pytest.mark.parametrize(
    ("hooks", "check", "finding"),
    [
        (
            {"yibao_basic_fund": lambda case, claim, ledger, compliant: pay(float(compliant))},  # type: ignore[arg-type]
            "hook-types",
            "yibao_basic_fund returned $[0].amount: expected Decimal, got float",
        ),
        (
            {"yibao_premium": lambda case: {"individual": "100.00"}},
            "hook-types",
            "yibao_premium returned $: expected Premium | None, got dict",
        ),
        (
            {"yibao_basic_fund": lambda case, claim, ledger, compliant: pay(compliant / 3)},
            "money",
            "money must be a Decimal quantized to the fen",
        ),
        (
            {"yibao_basic_fund": lambda case, claim, ledger, compliant: pay(-compliant)},
            "invariants",
            "basic_fund pays -",
        ),
        (
            {"yibao_basic_fund": lambda case, claim, ledger, compliant: pay(compliant * 2)},
            "invariants",
            "more than the",
        ),
        (
            {"yibao_basic_fund": lambda case, claim, ledger, compliant: pay(
                compliant if compliant > Decimal(20000) else ZERO)},
            "monotonic",
            "the patient's share fell",
        ),
        (
            {"yibao_premium": lambda case: 1 / 0},
            "examples",
            "plugin error in (in process) - (layer fictional, yibao_premium): ZeroDivisionError",
        ),
    ],
)  # fmt: skip
def test_the_kit_finds_a_fictional_bug(
    tmp_path: Path, hooks: dict[str, object], check: str, finding: str
) -> None:
    result = kit_for(make_layer(tmp_path, **hooks)).run(check)
    assert result.status == "fail"
    assert any(finding in f for f in result.findings), result.report()


def test_the_kit_finds_declared_rules_the_hooks_do_not_follow(tmp_path: Path) -> None:
    """The FICTIONAL fund pays 50% through its hook but declares 60% for batch: batch's
    fast path would pay 600.00 where the engine pays 500.00 on the example's 1000.00."""
    result = kit_for(make_layer(tmp_path, rate="60%")).run("fast-path")
    assert result.status == "fail"
    example = next(f for f in result.findings if f.startswith("FICTIONAL example:"))
    assert "claims[0].layers.basic_fund: fast path 600.00, engine 500.00" in example
    assert "the declared settlement itself answers this differently" in example


@pytest.mark.parametrize(
    ("settlement", "status", "said"),
    [
        (lambda: None, "skip", "no scheme declares a settlement (yibao_settlement) batch can use"),
        (lambda: {"rules": ()}, "fail", "resident: batch cannot use the declared settlement"),
    ],
)
def test_the_fast_path_check_without_a_usable_settlement(
    tmp_path: Path, settlement: object, status: str, said: str
) -> None:
    """No settlement: nothing to compare, and the check says so; one batch cannot use
    (a hook returning something else than a ``Settlement``) is named, not skipped."""
    result = kit_for(make_layer(tmp_path, yibao_settlement=settlement)).run("fast-path")
    assert result.status == status
    assert said in result.report(), result.report()


def _over_limit(case, claim, ledger, compliant):  # type: ignore[no-untyped-def]
    ledger.limit("fund.paid", Decimal("100.00"), label_zh="限额", label_en="limit",
                 basis="payment")  # fmt: skip
    amount = apply_rate(compliant, Decimal("0.5"))  # ignores what remains of the limit
    ledger.add("fund.paid", amount)
    return pay(amount)


def test_the_kit_finds_a_yearly_limit_overrun(tmp_path: Path) -> None:
    result = kit_for(make_layer(tmp_path, yibao_basic_fund=_over_limit)).run("limits")
    assert result.status == "fail"
    assert "limit fund.paid: used" in result.findings[0]
    assert "beyond its cap 100.00" in result.findings[0]


def test_the_kit_finds_an_uncited_source_and_a_bad_declaration(tmp_path: Path) -> None:
    layer = make_layer(tmp_path, cite="a document nobody declared §2")
    result = kit_for(layer).run("parameters")
    assert result.status == "fail"
    assert "names no source the region declares (fictional-2025)" in result.findings[0]
    bad = kit_for(make_layer(tmp_path), districts=("x", "x")).run("declaration")
    assert bad.status == "fail" and "repeats a code" in bad.findings[0]


def test_the_kit_requires_examples(tmp_path: Path) -> None:
    result = kit_for(make_layer(tmp_path, yibao_example_scenarios=lambda: [])).run("examples")
    assert result.status == "fail" and "ship at least one" in result.findings[0]


def test_personas_are_skipped_with_a_reason_when_none_are_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yibao.testing.kit

    monkeypatch.setattr(yibao.testing.kit, "PERSONA_GROUP", "yibao.personas-absent")
    result = kit_for(make_layer(tmp_path)).run("personas")
    assert result.status == "skip" and "no personas installed" in result.summary


def test_the_kit_never_crashes_on_an_unknown_region() -> None:
    kit = Kit("atlantis", registry=Registry.from_plugins({}))
    results = kit.run_all()
    assert all(r.status in ("fail", "skip") for r in results)
    assert "no region 'atlantis' is installed" in results[0].findings[0]


def test_plugin_check_prints_a_verdict_and_exits_1_on_failure() -> None:
    from click.testing import CliRunner
    from yibao.cli import main

    out = CliRunner().invoke(main, ["plugin", "check", "changli", "--examples", "5"])
    assert out.exit_code == 0, out.output
    assert "yibao plugin check changli  (yibao-changli" in out.stdout
    assert "verdict: PASS" in out.stdout and "not exercised" in out.stdout
    out = CliRunner().invoke(main, ["plugin", "check", "atlantis"])
    assert out.exit_code == 2 and "unknown region 'atlantis'" in out.stderr


def test_dates_of_generated_claims_stay_in_the_year(tmp_path: Path) -> None:
    kit = kit_for(make_layer(tmp_path))
    years = set()
    for e in kit.generated():
        year = e.scenario.year
        years.add(year)
        assert all(c.date.year == year for c in e.scenario.claims)
    # the source year and the last year answered (next year), where values are carried
    assert {2025, dates.today().year + 1} <= years
