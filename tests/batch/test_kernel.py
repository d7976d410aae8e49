"""Settlement kernels (yibao.kernel) give the engine's answer, byte for byte.

The 常州 resident kernel settles inpatient claims without explanations. These tests
hold it to the engine over generated populations and hand-made edge cases, check a few
amounts by hand against the sources, and check that a kernel steps aside when an
overlay changes a rule above it.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import msgspec
import pytest
import yibao_changzhou
from yibao import hookimpl
from yibao.batch import batch
from yibao.batch.batch import Config
from yibao.batch.plan import Planner
from yibao.kernel import kernel_for
from yibao.model import Scenario
from yibao.registry import OverlayPlugin, Registry, default_registry
from yibao_changzhou.resident.kernel import ResidentKernel

REGIONS = ("changzhou", "xuzhou", "changli")
PAID = {"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}


def _adult(**person: object) -> dict:
    return {
        "birth_date": "1970-05-05",
        "category": "non_working",
        "hukou": "changzhou",
        "district": "wujin",
        **person,
    }


def _inpatient(day: str, amount: str, n: int = 0, **claim: object) -> dict:
    return {"id": f"c{n}", "date": day, "kind": "inpatient", "compliant": amount, **claim}


def _line(claims: list[dict], person: dict | None = None, **extra: object) -> str:
    scenario = {"year": 2025, "person": person or _adult(), "enrollment": [PAID], **extra}
    return json.dumps({**scenario, "claims": claims})


CARE_ROUTES = ("local", "referral", "unreferred", "emergency", "filed_residence", "non_designated")

#: Shapes at and past the kernel's edges: limits and caps that bite, every care route,
#: both column groups, a newborn, late payment, people it must decline.
EDGE_LINES = [
    _line([_inpatient("2025-08-01", "1000000.00", n, level=3) for n in range(3)]),
    _line([_inpatient("2025-03-01", "1000000.00"), _inpatient("2025-09-01", "400000.00", 1)]),
    *(
        _line([_inpatient("2025-05-05", "50000.00", care=care, level=level)])
        for care in CARE_ROUTES
        for level in (1, 2, 3)
    ),
    _line([_inpatient("2025-04-01", "120000.00")], _adult(birth_date="2010-02-02", category=None)),
    _line([_inpatient("2025-04-01", "120000.00")], _adult(student="university", category=None)),
    _line(
        [_inpatient("2025-04-01", "30000.00")],
        _adult(birth_date="2025-02-01", category=None),
        enrollment=[{**PAID, "paid_on": "2025-03-01"}],
    ),
    _line([_inpatient("2025-04-01", "30000.00")], enrollment=[{**PAID, "paid_on": "2025-03-01"}]),
    _line(
        [_inpatient("2025-08-01", "900000.00")],
        enrollment=[
            {"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"},
            {"year": 2024, "region": "changzhou", "reimbursed": False},
        ],
    ),
    _line([_inpatient("2025-04-01", "30000.00")], _adult(employment="employee")),
    _line([_inpatient("2025-04-01", "30000.00")], _adult(assistance=["minimum_living"])),
    _line([_inpatient("2025-04-01", "30000.00", blood="2000.00")]),
    _line([_inpatient("2025-04-01", "30000.00", total="35000.00")]),
    _line([_inpatient("2025-04-01", "30000.00", excluded="work_injury")]),
    _line([{"id": "m", "date": "2025-04-01", "kind": "maternity", "compliant": "6000.00"}]),
    _line([_inpatient("2025-04-01", "30000.00")], _adult(district="gulou")),
    _line([]),
    json.dumps({"year": 2024, "person": _adult(), "claims": [_inpatient("2024-04-01", "1.00")]}),
]


@pytest.fixture(scope="module")
def edge_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kernel") / "edges.jsonl"
    path.write_text("\n".join(EDGE_LINES) + "\n", encoding="utf-8")
    return path


def _records(path: Path, *, kernel: bool, relocate: bool = True) -> tuple[bytes, Planner]:
    planner = Planner(default_registry(), relocate=relocate, kernel=kernel)
    decoder = msgspec.json.Decoder(Scenario)
    out = bytearray()
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        for found in planner.records(decoder.decode(raw), REGIONS, number):
            out += msgspec.json.encode(found) + b"\n"
    return bytes(out), planner


@pytest.mark.parametrize("relocate", [True, False])
def test_kernel_records_are_the_engines_byte_for_byte(
    general_file: Path, inpatient_file: Path, edge_file: Path, relocate: bool
) -> None:
    for path in (inpatient_file, general_file, edge_file):
        fast, planner = _records(path, kernel=True, relocate=relocate)
        slow, _ = _records(path, kernel=False, relocate=relocate)
        assert fast == slow, path.name
        answered = planner.plan("changzhou", "resident").fast
        assert answered > 0, f"the kernel answered nothing in {path.name}"


def test_the_kernel_answers_the_inpatient_one_workload(inpatient_file: Path) -> None:
    """Every inpatient-one case is the kernel's shape: only those that use up a yearly
    limit fall back to the engine, whose record names the limit."""
    out, planner = _records(inpatient_file, kernel=True, relocate=False)
    records = [msgspec.json.decode(line) for line in out.splitlines()]
    records = [r for r in records if r["region"] == "changzhou"]
    used_up = sum(1 for r in records if r.get("limits"))
    assert 0 < used_up < len(records) / 20
    assert planner.plan("changzhou", "resident").fast == len(records) - used_up


def test_batch_run_output_is_identical_with_and_without_kernels(
    general_file: Path, edge_file: Path, tmp_path: Path
) -> None:
    for path in (general_file, edge_file):
        outs = []
        for kernel in (True, False):
            out = tmp_path / f"{path.stem}-{kernel}.jsonl"
            summary = batch.run(path, out, Config(regions=REGIONS, kernel=kernel))
            outs.append((out.read_bytes(), msgspec.json.encode(summary.regions)))
        assert outs[0] == outs[1]


# --- amounts worked out by hand, through the kernel ------------------------------------


def _settled(line: str, *, by_kernel: bool = True) -> list[dict]:
    """The claims of ``line``'s record; ``by_kernel``: whether the kernel (not the
    engine) must have answered."""
    planner = Planner(default_registry(), relocate=False, kernel=True)
    scenario = msgspec.json.decode(line, type=Scenario)
    (found,) = planner.records(scenario, ["changzhou"], 1)
    assert planner.plan("changzhou", "resident").fast == int(by_kernel)
    return [msgspec.to_builtins(c) for c in found.claims]


def _limits(line: str) -> tuple[str, ...]:
    planner = Planner(default_registry(), relocate=False, kernel=True)
    (found,) = planner.records(msgspec.json.decode(line, type=Scenario), ["changzhou"], 1)
    return found.limits


def test_deductible_and_ratio_changzhou_resident_2025_s3_1() -> None:
    """§三(一): adult, level 3: (33,040.79 − 1,000) × 70% = 22,428.553 → 22,428.55; the
    patient keeps 10,612.24, under §四's 20,000 threshold, so critical illness pays 0."""
    (claim,) = _settled(_line([_inpatient("2025-09-11", "33040.79", level=3)]))
    assert claim["layers"] == {"basic_fund": "22428.55", "critical_illness": "0.00"}
    assert claim["patient"] == "10612.24"


def test_referral_reduction_changzhou_resident_2025_s6_3_2() -> None:
    """§六(三)2: referred out of the city, 70% − 5 points = 65%:
    (50,000 − 1,000) × 65% = 31,850.00; the patient keeps 18,150.00."""
    (claim,) = _settled(_line([_inpatient("2025-05-05", "50000.00", care="referral")]))
    assert claim["layers"] == {"basic_fund": "31850.00", "critical_illness": "0.00"}
    assert claim["patient"] == "18150.00"


def test_limit_and_critical_illness_cap_jiangsu_2025_s2_3() -> None:
    """§三(一) 350,000 limit, §四 bands, Jiangsu 二.3 cap of 500,000 from 2025-07-01.

    Admission 1 (1,000,000 on 2025-08-01): fund (350,000 − 1,000) × 70% = 244,300.00;
    the patient's 755,700 gives 80,000 × 60% + 655,700 × 70% = 506,990.00, capped at
    500,000.00; the patient pays 255,700.00. Admission 2: the limit is used up and so is
    the cap: the patient pays all 1,000,000.00. Both are used up, so the kernel declines
    and the engine's record names them.
    """
    line = _line([_inpatient("2025-08-01", "1000000.00", n) for n in range(3)])
    first, second, _ = _settled(line, by_kernel=False)
    assert _limits(line) == ("inpatient_special", "critical_illness.paid")
    assert first["layers"] == {"basic_fund": "244300.00", "critical_illness": "500000.00"}
    assert first["patient"] == "255700.00"
    assert second["layers"] == {"basic_fund": "0.00", "critical_illness": "0.00"}
    assert second["patient"] == "1000000.00"


def test_no_provincial_cap_before_july_jiangsu_2025_s2_3() -> None:
    """Before 2025-07-01 no loaded source gives a cap: the same admission's 506,990.00
    is paid in full and the patient pays 1,000,000 − 244,300 − 506,990 = 248,710.00.
    The 350,000 limit is used up (the engine answers and names it)."""
    line = _line([_inpatient("2025-03-01", "1000000.00")])
    (claim,) = _settled(line, by_kernel=False)
    assert _limits(line) == ("inpatient_special",)
    assert claim["layers"] == {"basic_fund": "244300.00", "critical_illness": "506990.00"}
    assert claim["patient"] == "248710.00"


# --- when a kernel steps aside -----------------------------------------------------------


def test_phase_key_ignores_an_adults_birth_date_but_not_a_newborns() -> None:
    kernel = ResidentKernel(default_registry().stack("changzhou", "resident").params)

    def key(birth: str, paid: str = "2024-11-20") -> object:
        line = _line(
            [], _adult(birth_date=birth), enrollment=[{**PAID, "paid_on": paid}]
        )  # fmt: skip
        return kernel.phase_key(msgspec.json.decode(line, type=Scenario))

    assert key("1970-05-05") == key("1970-09-30")  # the same age on 1 January
    assert key("1970-05-05") != key("1969-05-05")
    assert key("2025-01-10", "2025-03-01") != key("2025-01-20", "2025-03-01")  # newborns


def test_kernel_declines_people_and_claims_outside_its_shape() -> None:
    kernel = ResidentKernel(default_registry().stack("changzhou", "resident").params)
    decode = msgspec.json.Decoder(Scenario).decode
    assert kernel.phase_key(decode(_line([_inpatient("2025-04-01", "1.00")]))) is not None
    for line in (
        _line([_inpatient("2025-04-01", "1.00")], _adult(assistance=["orphan"])),
        _line([_inpatient("2025-04-01", "1.00", blood="1.00")]),
        _line([{"id": "g", "date": "2025-04-01", "kind": "pku", "compliant": "1.00"}]),
    ):
        assert kernel.phase_key(decode(line)) is None


def _with_overlay(plugin: object) -> Registry:
    return Registry.from_plugins(
        {"changzhou": yibao_changzhou.REGION},
        [OverlayPlugin(region="changzhou", scheme="resident", plugin=plugin)],
    )


def test_an_overlay_that_changes_a_rule_switches_the_kernel_off() -> None:
    """A kernel written for the layers below cannot know an overlay's rule."""
    overlay = SimpleNamespace(
        LAYER_NAME="fictional-overlay",
        yibao_remote_care=hookimpl(tryfirst=True)(lambda case, claim, rate: None),
    )
    assert kernel_for(_with_overlay(overlay).stack("changzhou", "resident")) is None
    assert kernel_for(default_registry().stack("changzhou", "resident")) is not None


def test_an_overlay_that_only_ships_parameters_keeps_the_kernel(tmp_path: Path) -> None:
    overlay = SimpleNamespace(
        LAYER_NAME="fictional-parameters", yibao_parameter_files=hookimpl(lambda: [])
    )
    assert kernel_for(_with_overlay(overlay).stack("changzhou", "resident")) is not None
