"""Safe loading, choosing plugins, conflicts and the layer map.

Every region and overlay here is FICTIONAL: built in-process or installed into a
temporary site directory only to exercise the plugin machinery; no real policy.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from plugin_kit_helpers import install_fake, write, yibao
from yibao import hookimpl
from yibao.engine import compare, evaluate
from yibao.model import Scenario
from yibao.registry import (
    OverlayPlugin,
    PluginConflict,
    RegionPlugin,
    Registry,
    Selection,
)
from yibao.results import Eligibility, Premium, RegionInfo, SchemeInfo

SCENARIO = msgspec.convert({"year": 2025, "person": {"birth_date": "1980-01-01"}}, type=Scenario)


def layer(name: str, **hooks: object) -> object:
    """A FICTIONAL layer object (hashable, hooks as plain functions)."""
    obj = type("FictionalLayer", (), {})()
    obj.LAYER_NAME = name
    for hook, fn in hooks.items():
        setattr(obj, hook, fn)
    return obj


def premium(amount: str) -> object:
    return hookimpl(lambda case: Premium(individual=Decimal(amount)))


def params_of(path: Path) -> object:
    return hookimpl(lambda: [path])


PROVINCE = layer(
    "fictional-province",
    yibao_eligibility=hookimpl(lambda case: Eligibility(eligible=True, category="any")),
    yibao_premium=premium("100.00"),
)
CITY = layer("fictional-city", yibao_premium=premium("120.00"))


def _wrap(case):
    below = yield
    return Premium(individual=below.individual + Decimal("5.00"))


WRAPPER = layer("fictional-wrapper", yibao_premium=hookimpl(wrapper=True)(_wrap))


def info(code: str, layers: tuple[str, ...]) -> RegionInfo:
    return RegionInfo(
        code=code, name_zh=code, name_en=f"{code} (FICTIONAL)",
        schemes=(SchemeInfo(scheme="resident", years=(2025,), layers=layers),),
    )  # fmt: skip


def registry(*stack: object, overlays: tuple[OverlayPlugin, ...] = ()) -> Registry:
    names = tuple(x.LAYER_NAME for x in stack)  # type: ignore[attr-defined]
    plugin = RegionPlugin(info=info("a", names), layers={"resident": stack})
    return Registry.from_plugins({"a": plugin}, overlays)


def param_file(tmp_path: Path, name: str, value: str, start: str = "2025-01-01") -> Path:
    return write(tmp_path / f"{name}.toml", f"""
        layer = "{name}"
        [[parameter]]
        key = "premium.base"
        kind = "money"
        value = "{value}"
        valid_from = {start}
        cite = "FICTIONAL {name}"
        """)  # fmt: skip


# --- the layer map -----------------------------------------------------------------------


def test_layer_map_says_who_overrides_wraps_and_inherits(tmp_path: Path) -> None:
    low = layer(
        "fictional-province",
        yibao_eligibility=PROVINCE.yibao_eligibility,
        yibao_premium=premium("100.00"),
        yibao_parameter_files=params_of(param_file(tmp_path, "p", "1.00")),
    )
    high = layer(
        "fictional-city",
        yibao_premium=premium("120.00"),
        yibao_parameter_files=params_of(param_file(tmp_path, "c", "2.00", "2025-06-01")),
    )
    m = registry(low, high, WRAPPER).layer_map("a", "resident")  # fmt: skip
    assert [(r.name, r.role) for r in m.layers] == [
        ("fictional-province", "province"), ("fictional-city", "province"),
        ("fictional-wrapper", "city"),
    ]  # fmt: skip
    rows = {r.hook: r.cells for r in m.hooks}
    assert rows["yibao_premium"] == (("fallback",), ("overrides",), ("wraps",))
    assert rows["yibao_eligibility"] == (("answers",), ("inherits",), ("inherits",))
    assert rows["yibao_coverage"] == (("—",), ("—",), ("—",))
    (param,) = [p for p in m.params if p.key == "premium.base"]
    assert param.how == "overrides"
    assert [e.layer for e in param.entries] == ["c", "p"]  # topmost first
    assert m.conflicts == ()


def test_regions_layers_command_shows_a_built_in_stack() -> None:
    from click.testing import CliRunner
    from yibao.cli import main

    out = CliRunner().invoke(main, ["regions", "changzhou", "--layers", "--scheme", "resident",
                                    "--json"])  # fmt: skip
    assert out.exit_code == 0, out.stderr
    (m,) = json.loads(out.stdout)
    assert [(x["name"], x["role"], x["distribution"]) for x in m["layers"]] == [
        ("jiangsu", "province", "yibao-jiangsu"),
        ("changzhou-resident", "city", "yibao-changzhou"),
    ]
    hooks = {h["hook"]: h["layers"] for h in m["hooks"]}
    assert hooks["yibao_coverage"] == {"jiangsu": ["answers", "wraps"],
                                       "changzhou-resident": ["inherits"]}  # fmt: skip
    # 二.1, 二.2: the province says who may pay the city's premium over
    assert hooks["yibao_premium"] == {"jiangsu": ["wraps"], "changzhou-resident": ["answers"]}
    assert m["conflicts"] == []
    table = CliRunner().invoke(main, ["regions", "changzhou", "--layers"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert "yibao_critical_illness_cap" in table.stdout and "no conflicts" in table.stdout
    assert CliRunner().invoke(main, ["regions", "--layers"]).exit_code == 2  # CODE needed


# --- conflicts ----------------------------------------------------------------------------


def test_two_unordered_overlays_claiming_one_parameter_conflict(tmp_path: Path) -> None:
    one = layer(
        "fictional-overlay-1", yibao_parameter_files=params_of(param_file(tmp_path, "o1", "3.00"))
    )
    two = layer(
        "fictional-overlay-2",
        yibao_parameter_files=params_of(param_file(tmp_path, "o2", "4.00", "2025-03-01")),
    )
    # The province gives the key, so the overlays' files are known keys (as --params).
    province = layer(
        "fictional-province",
        yibao_eligibility=PROVINCE.yibao_eligibility,
        yibao_parameter_files=params_of(param_file(tmp_path, "p", "1.00")),
    )
    reg = registry(province, overlays=(OverlayPlugin("a", one), OverlayPlugin("a", two)))
    conflicts = reg.layer_map("a", "resident").conflicts
    assert [(c.kind, c.subject) for c in conflicts] == [("parameter", "premium.base")]
    assert "overlapping dates" in str(conflicts[0])
    with pytest.raises(PluginConflict, match=r"premium\.base"):
        reg.stack("a", "resident")
    result = evaluate(SCENARIO, "a", registry=reg)
    assert result.status == "error" and "conflicting plugins" in result.error
    ordered = registry(
        province, overlays=(OverlayPlugin("a", one), OverlayPlugin("a", two, order=1))
    )
    stack = ordered.stack("a", "resident")
    june = dt.date(2025, 6, 1)
    assert stack.params.get("premium.base", june).money == Decimal("4.00")


def test_two_unordered_overlays_answering_one_hook_conflict() -> None:
    one = layer("fictional-overlay-1", yibao_premium=premium("1.00"))
    two = layer("fictional-overlay-2", yibao_premium=premium("2.00"))
    reg = registry(PROVINCE, overlays=(OverlayPlugin("a", one), OverlayPlugin("a", two)))
    (conflict,) = reg.layer_map("a", "resident").conflicts
    assert (conflict.kind, conflict.subject) == ("hook", "yibao_premium")
    answer = hookimpl(tryfirst=True)(lambda case: Premium(individual=Decimal("2.00")))
    first = layer("fictional-overlay-2", yibao_premium=answer)
    reg = registry(PROVINCE, overlays=(OverlayPlugin("a", one), OverlayPlugin("a", first)))
    assert reg.layer_map("a", "resident").conflicts == ()
    assert evaluate(SCENARIO, "a", registry=reg).premium.individual == Decimal("2.00")


def test_a_city_overriding_its_province_is_no_conflict() -> None:
    assert registry(PROVINCE, CITY).layer_map("a", "resident").conflicts == ()


def test_an_overlay_can_add_a_year_to_the_region() -> None:
    reg = registry(PROVINCE, overlays=(OverlayPlugin("a", CITY, years=(2026,)),))
    later = msgspec.structs.replace(SCENARIO, year=2026)
    result = evaluate(later, "a", registry=reg)
    assert result.status == "ok", result.error
    assert result.premium.individual == Decimal("120.00")


# --- safe loading ------------------------------------------------------------------------


def _boom(case):
    return 1 / 0


def test_a_hook_raising_names_distribution_layer_and_hook_and_spares_others() -> None:
    broken = layer("fictional-broken", yibao_premium=hookimpl(_boom))
    plugins = {
        "a": RegionPlugin(info=info("a", ("p", "b")), layers={"resident": (PROVINCE, broken)}),
        "b": RegionPlugin(info=info("b", ("p",)), layers={"resident": (PROVINCE,)}),
    }
    results = compare(SCENARIO, ["a", "b"], registry=Registry.from_plugins(plugins)).results
    assert results[0].status == "error"
    assert results[0].error.startswith(
        "plugin error in (in process) - (layer fictional-broken, yibao_premium): "
        "ZeroDivisionError: division by zero"
    )
    assert results[1].status == "ok" and results[1].premium.individual == Decimal("100.00")


FICTIONAL_REGION = """
    # FICTIONAL region for tests: no real policy.
    from decimal import Decimal
    from yibao import hookimpl
    from yibao.registry import RegionPlugin
    from yibao.results import Eligibility, Premium, RegionInfo, SchemeInfo

    LAYER_NAME = "{code}-layer"

    @hookimpl
    def yibao_eligibility(case):
        return Eligibility(eligible=True)

    @hookimpl
    def yibao_premium(case):
        return {premium}

    import sys
    REGION = RegionPlugin(
        info=RegionInfo(code="{code}", name_zh="虚构", name_en="{code} (FICTIONAL)",
                        schemes=(SchemeInfo(scheme="resident", years=(2025,),
                                            layers=("{code}-layer",)),)),
        layers={{"resident": (sys.modules[__name__],)}},
    )
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site directory with FICTIONAL distributions: one fine, one raising in a hook,
    one failing to import, and a broken overlay."""
    site = tmp_path_factory.mktemp("site")
    for code, premium_text in (("fine", 'Premium(individual=Decimal("1.00"))'),
                               ("raising", "1 / 0")):  # fmt: skip
        write(
            site / f"fictional_{code}.py", FICTIONAL_REGION.format(code=code, premium=premium_text)
        )
        install_fake(
            site, f"yibao-fictional-{code}", "yibao.regions", code, f"fictional_{code}:REGION"
        )
    write(site / "fictional_broken.py", "raise ImportError('FICTIONAL import failure')\n")
    install_fake(
        site, "yibao-fictional-broken", "yibao.regions", "broken", "fictional_broken:REGION"
    )
    install_fake(
        site, "yibao-fictional-overlay", "yibao.overlays", "bad-overlay", "fictional_broken:X"
    )
    write(site / "case.toml", """
        year = 2025
        [person]
        birth_date = 1980-01-01
        """)  # fmt: skip
    return site


@pytest.fixture
def cli(site: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in-process with the FICTIONAL site on the path and a private
    process-wide registry (the suite's own is put back afterwards)."""
    import yibao.registry
    from click.testing import CliRunner
    from yibao.cli import main

    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(yibao.registry, "_default", None)
    monkeypatch.setenv("COLUMNS", "250")
    for name in ("YIBAO_PLUGINS", "YIBAO_DISABLE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_broken_plugins_are_listed_with_distribution_and_error(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("regions", "--json")
    assert code == 0, err
    items = {(r["kind"], r["code"]): r for r in json.loads(out)}
    assert items[("region", "broken")]["status"] == "broken"
    assert items[("region", "broken")]["distribution"] == "yibao-fictional-broken"
    assert "FICTIONAL import failure" in items[("region", "broken")]["error"]
    assert items[("overlay", "bad-overlay")]["status"] == "broken"
    assert items[("region", "fine")]["status"] == "ok"
    assert items[("region", "fine")]["version"] == "0.0.1"
    assert items[("region", "changzhou")]["status"] == "ok"
    code, table, _ = cli("regions")
    assert "yibao-fictional-broken 0.0.1" in table and "installed overlays" in table


def test_a_plugin_raising_in_a_hook_is_reported_by_distribution(cli, site: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("evaluate", str(site / "case.toml"), "--region", "raising", "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert error.startswith(
        "plugin error in yibao-fictional-raising 0.0.1 (layer raising-layer, yibao_premium): "
        "ZeroDivisionError"
    )
    code, out, _ = cli("compare", str(site / "case.toml"), "--regions", "raising,fine", "--json")
    assert code == 0
    raising, fine = json.loads(out)["results"]
    assert raising["status"] == "error" and fine["premium"]["individual"] == "1.00"


@pytest.mark.parametrize(
    ("args", "env", "loaded"),
    [
        (("--only", "fine,changzhou"), {}, {"fine", "changzhou"}),
        (("--only", "yibao-fictional-fine"), {}, {"fine"}),
        (("--disable", "changzhou", "--disable", "yibao-xuzhou"), {},
         {"changli", "fine", "raising"}),
        ((), {"YIBAO_PLUGINS": "fine"}, {"fine"}),
        ((), {"YIBAO_PLUGINS": ""}, set()),
        ((), {"YIBAO_DISABLE": "broken,xuzhou"}, {"changli", "changzhou", "fine", "raising"}),
        (("--only", "changli"), {"YIBAO_PLUGINS": "fine"}, {"changli"}),
    ],
)  # fmt: skip
def test_only_and_disable_choose_what_loads(
    cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], env: dict[str, str],
    loaded: set[str],
) -> None:  # fmt: skip  # type: ignore[no-untyped-def]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = cli(*args, "regions", "--json")
    assert code == 0, err
    regions = [r for r in json.loads(out) if r["kind"] == "region"]
    assert {r["code"] for r in regions if r["status"] == "ok"} == loaded
    left_out = [r for r in regions if r["code"] not in loaded and r["code"] != "broken"]
    assert all(r["status"] == "disabled" for r in left_out)


def test_a_disabled_region_says_so_when_asked_for(cli, site: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("--disable", "fine", "evaluate", str(site / "case.toml"), "--region", "fine")
    assert code == 2
    assert "region 'fine' from yibao-fictional-fine is disabled (--disable or YIBAO_DISABLE)" in err


def test_the_listing_runs_as_a_real_process(site: Path) -> None:
    out = yibao("--only", "fine", "regions", "--json", site=site)
    assert out.returncode == 0, out.stderr
    assert [r["code"] for r in json.loads(out.stdout) if r["status"] == "ok"] == ["fine"]


def test_selection_matches_codes_and_distributions() -> None:
    chosen = Selection(only=frozenset({"yibao-changzhou"}))
    assert chosen.why_not("changzhou", "yibao_changzhou") is None
    assert "not selected" in (chosen.why_not("xuzhou", "yibao-xuzhou") or "")
    assert "disabled" in (Selection(disable=frozenset({"xuzhou"})).why_not("xuzhou", "x") or "")
