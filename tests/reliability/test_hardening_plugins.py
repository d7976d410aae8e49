"""Nothing silently replaces what the user thinks they run; a hanging plugin costs only
its own region's answer (issue #24).

Every distribution, region and overlay installed here is FICTIONAL.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from pathlib import Path

import msgspec
import pytest
from reliability_helpers import ONE_CLAIM, STROKE, fictional_registry, install
from yibao.deadline import set_region_timeout
from yibao.engine import compare
from yibao.model import Scenario

IMPOSTOR = """
import sys
from yibao.registry import RegionPlugin
from yibao.results import RegionInfo, SchemeInfo

LAYER_NAME = "impostor-layer"
REGION = RegionPlugin(
    info=RegionInfo(code="changzhou", name_zh="冒名", name_en="impostor (FICTIONAL)",
                    schemes=(SchemeInfo(scheme="resident", years=(2025,),
                                        layers=("impostor-layer",)),)),
    layers={"resident": (sys.modules[__name__],)},
)
"""


def test_a_second_distribution_claiming_a_region_code_is_refused(cli, site: Path) -> None:
    install(site, "yibao-fictional-impostor", "yibao.regions", "changzhou",
            "fictional_impostor:REGION", IMPOSTOR)  # fmt: skip
    code, out, _ = cli("regions", "--json")
    assert code == 0
    changzhou = next(r for r in json.loads(out) if r["code"] == "changzhou")
    assert changzhou["status"] == "conflict"
    assert "yibao-changzhou 0.1.0" in changzhou["error"]
    assert "yibao-fictional-impostor 0.0.1" in changzhou["error"]
    code, _, err = cli("evaluate", STROKE, "-r", "changzhou")
    assert code == 2
    assert "claimed by 2 distributions" in err and "--disable DISTRIBUTION" in err
    # The user chooses: the impostor left out, 常州's own answers (premium 730.00 for
    # 老年居民, changzhou-resident-2025 §一(三)).
    code, out, err = cli(
        "--disable", "yibao-fictional-impostor", "evaluate", STROKE, "-r", "changzhou", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["premium"]["individual"] == "730.00"


OVERLAY_PLUGIN = """
from pathlib import Path
from yibao import hookimpl
from yibao.registry import OverlayPlugin

HERE = Path(__file__).parent
LAYER_NAME = "fictional-premium-overlay"

@hookimpl
def yibao_parameter_files():
    return [HERE / "fictional_overlay.toml"]

import sys
OVERLAY = OverlayPlugin(region="{region}", scheme="resident", plugin=sys.modules[__name__])
"""

OVERLAY_VALUES = """
layer = "fictional-premium-overlay"
[[parameter]]
key = "{key}"
kind = "money"
value = "1.00"
valid_from = 2025-01-01
valid_to = 2025-12-31
cite = "changzhou-resident-2025 §一(三) (FICTIONAL overlay value)"
"""


def _overlay(site: Path, region: str = "changzhou", key: str = "premium.elderly") -> None:
    (site / "fictional_overlay.toml").write_text(OVERLAY_VALUES.format(key=key))
    install(site, "yibao-fictional-overlay", "yibao.overlays", "cheap",
            "fictional_overlay_plugin:OVERLAY", OVERLAY_PLUGIN.format(region=region))  # fmt: skip


def test_an_installed_overlay_is_named_in_every_result_it_changed(cli, site: Path) -> None:
    _overlay(site)
    code, out, err = cli("evaluate", STROKE, "-r", "changzhou", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["premium"]["individual"] == "1.00"
    assert result["overlays"] == [
        "fictional-premium-overlay (overlay cheap from yibao-fictional-overlay)"
    ]
    code, out, _ = cli("--no-installed-overlays", "evaluate", STROKE, "-r", "changzhou", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["premium"]["individual"] == "730.00" and result["overlays"] == []


def test_an_installed_overlays_keys_are_checked_like_params(cli, site: Path) -> None:
    _overlay(site, key="premium.eldery")  # a typo
    code, out, _ = cli("evaluate", STROKE, "-r", "changzhou", "--json")
    assert code == 1
    error = json.loads(out)["error"]
    assert "fictional_overlay.toml: parameter premium.eldery: unknown key" in error
    assert "premium.elderly" in error  # the keys of its family are listed


def test_an_installed_overlay_for_no_loaded_region_is_broken_with_a_suggestion(
    cli, site: Path
) -> None:
    _overlay(site, region="changzou")
    code, out, err = cli("regions", "--json")
    assert code == 0
    cheap = next(r for r in json.loads(out) if r["code"] == "cheap")
    assert cheap["status"] == "broken"
    assert "did you mean 'changzhou'?" in cheap["error"]
    assert "overlay cheap from yibao-fictional-overlay 0.0.1 is broken" in err


@pytest.mark.parametrize(
    ("head", "regions", "expected"),
    [
        ('region = "xuzou"', "changzhou,xuzhou", "did you mean 'xuzhou'?"),
        ('region = "xuzhou"', "changzhou", "evaluate xuzhou too"),
        ('region = "xuzhou"\nscheme = "employe"', "xuzhou", "is not a scheme of region"),
        ('scheme = "employe"', "changzhou", "did you mean 'employee'?"),
    ],
)
def test_a_params_overlay_matching_nothing_loaded_is_an_error(
    cli, tmp_path: Path, head: str, regions: str, expected: str
) -> None:
    overlay = tmp_path / "o.toml"
    overlay.write_text(
        f'layer = "fuzz"\n{head}\n[[parameter]]\nkey = "premium.elderly"\nkind = "money"\n'
        'value = "1.00"\nvalid_from = 2025-01-01\ncite = "FICTIONAL"\n'
    )
    code, _, err = cli("compare", STROKE, "-r", regions, "--params", overlay)
    assert code == 2
    assert err.startswith(f"yibao: error: {overlay}: ") and expected in err


# -------------------------------------------------------------------------------------
# A plugin that hangs
# -------------------------------------------------------------------------------------


def _spin(case):  # type: ignore[no-untyped-def]
    while True:  # a FICTIONAL bug: a loop that never ends, even swallowing errors
        with contextlib.suppress(Exception):
            time.sleep(0.01)


HANGING = {
    "spins": {"yibao_premium": _spin},
    "sleeps": {"yibao_basic_fund": lambda case, claim, ledger, compliant: time.sleep(3600)},
    "fine": {},
}


@pytest.fixture
def short_limit():  # type: ignore[no-untyped-def]
    set_region_timeout(0.3)
    yield 0.3
    set_region_timeout(None)


def _check_hung(results) -> None:  # type: ignore[no-untyped-def]
    by_code = {r.region: r for r in results}
    for code in ("spins", "sleeps"):
        assert by_code[code].status == "error"
        assert by_code[code].error.startswith(f"{code}: no answer within 0.3 s")
    assert by_code["fine"].status == "ok"
    assert by_code["fine"].claims[0].patient == msgspec.convert("500.00", type=type(
        by_code["fine"].claims[0].patient))  # fmt: skip


def test_a_hanging_plugin_times_out_in_compare_and_the_others_answer(short_limit) -> None:
    registry = fictional_registry(HANGING)
    scenario = msgspec.convert(ONE_CLAIM, type=Scenario)
    found = compare(scenario, list(HANGING), registry=registry, relocate=False)
    _check_hung(found.results)


def test_the_limit_holds_outside_the_main_thread(short_limit) -> None:
    """An embedding service or a Dask worker evaluates in its own thread."""
    registry = fictional_registry({k: v for k, v in HANGING.items() if k != "sleeps"})
    scenario = msgspec.convert(ONE_CLAIM, type=Scenario)
    found = []
    worker = threading.Thread(
        target=lambda: found.append(
            compare(scenario, ["spins", "fine"], registry=registry, relocate=False)
        )
    )
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and found
    spins, fine = found[0].results
    assert spins.error.startswith("spins: no answer within 0.3 s") and fine.status == "ok"


def test_a_hanging_plugin_times_out_in_batch(short_limit) -> None:
    from yibao.batch.plan import Planner

    registry = fictional_registry(HANGING)
    scenario = msgspec.convert(ONE_CLAIM, type=Scenario)
    records = Planner(registry, relocate=False).records(scenario, list(HANGING), 7)
    assert [(r.line, r.status) for r in records] == [(7, "error"), (7, "error"), (7, "ok")]
    assert records[0].error.startswith("spins: no answer within 0.3 s")


async def test_a_hanging_plugin_times_out_in_the_tui(short_limit, tmp_path: Path) -> None:
    from yibao_tui.app import make_app

    registry = fictional_registry(HANGING)
    path = tmp_path / "case.json"
    path.write_bytes(msgspec.json.encode(ONE_CLAIM))
    app = make_app(path, registry=registry, state_dir=tmp_path / "state")
    app.picked = list(HANGING)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.evaluate()
        _check_hung(app.comparison.results)


def test_a_plugin_hanging_at_import_is_listed_as_broken(cli, site: Path) -> None:
    install(site, "yibao-fictional-stuck", "yibao.regions", "stuck", "fictional_stuck:REGION",
            "while True:\n    pass\n")  # fmt: skip
    code, out, err = cli("--region-timeout", "0.5", "regions", "--json")
    assert code == 0, err
    stuck = next(r for r in json.loads(out) if r["code"] == "stuck")
    assert stuck["status"] == "broken"
    assert (
        "loading region stuck from yibao-fictional-stuck: no answer within 0.5 s"
        in (stuck["error"])
    )
    changzhou = next(r for r in json.loads(out) if r["code"] == "changzhou")
    assert changzhou["status"] == "ok"


def test_a_process_that_used_the_limit_exits_cleanly() -> None:
    """The interval timer behind the limit stops when the process ends: a tick after
    Python has put SIGALRM back to its default action (late in its exit) would kill the
    process, exit status -14 instead of 0 (seen: a plugin's own test run)."""
    import subprocess
    import sys

    code = (
        "import atexit, signal, time\n"
        "def finalizing():  # after yibao's exit handlers, as the interpreter's end is\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_DFL)\n"
        "    time.sleep(1.5)\n"
        "atexit.register(finalizing)\n"
        "from yibao.deadline import within\n"
        "within('x', time.sleep, 0.001)  # the 10 s limit: the timer ticks every second\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
