"""The fast path gives the engine's records byte for byte (the declared rules in whole
fen, phases once per phase key), over the synthetic populations of 2025 and the same
people moved to 2026 (values carried from the 2025 sources)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from yibao.batch import synth
from yibao.batch.batch import Config, run


def _lines(profile: str, n: int, seed: int, year_shift: int) -> list[str]:
    out = []
    for text in synth.generate(profile, n, seed):
        if year_shift:
            text = re.sub(r"(\d{4})-(\d\d)-(\d\d)",
                          lambda m: f"{int(m[1]) + year_shift}-{m[2]}-{m[3]}", text)  # fmt: skip
            text = re.sub(r'"year":(\d{4})', lambda m: f'"year":{int(m[1]) + year_shift}', text)
        out.append(text)
    return out


@pytest.mark.parametrize("year_shift", [0, 1])
@pytest.mark.parametrize("profile", ["general", "inpatient-one"])
def test_fast_path_records_are_the_engines(tmp_path: Path, profile: str, year_shift: int) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(_lines(profile, 600, 5, year_shift)) + "\n", encoding="utf-8")
    fast, slow = tmp_path / "fast.jsonl", tmp_path / "slow.jsonl"
    regions = ("changzhou", "xuzhou", "changli")
    run(source, fast, Config(regions=regions, kernel=True))
    run(source, slow, Config(regions=regions, kernel=False))
    assert fast.read_bytes() == slow.read_bytes()


def test_plans_are_kept_apart_by_the_area_of_care(tmp_path: Path) -> None:
    """The place of care outside the city (``claim.area``: in the province, across
    provinces, not stated) changes what the claim gate says (常州's catalogue notice,
    §六(三)1) and how 昌黎 settles Hebei care: one person-year's claims differing only in
    the area get the engine's records, whichever came first."""
    import json

    person = {"birth_date": "1969-03-19", "category": "non_working", "hukou": "changzhou",
              "district": "jingkai"}  # fmt: skip
    enrollment = [{"year": 2025, "region": "changzhou", "paid_on": "2024-11-20"}]
    lines = []
    for areas in (["province", None, "other_province"], [None, "other_province", "province"]):
        for area in areas:
            claim = {"id": "c", "date": "2025-03-01", "kind": "inpatient", "compliant": "30000",
                     "level": 3, "care": "referral"}  # fmt: skip
            if area is not None:
                claim["area"] = area
            scenario = {"year": 2025, "person": person, "enrollment": enrollment,
                        "claims": [claim]}  # fmt: skip
            lines.append(json.dumps(scenario))
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fast, slow = tmp_path / "fast.jsonl", tmp_path / "slow.jsonl"
    regions = ("changzhou", "xuzhou", "changli")
    answers = run(source, fast, Config(regions=regions, kernel=True))
    run(source, slow, Config(regions=regions, kernel=False))
    assert b"interpretation:claim.area" in slow.read_bytes()  # the notices differ by area
    assert b"stated:claim.area" in slow.read_bytes()
    assert answers.regions["changzhou"].claims == {"settled": 6}
    assert fast.read_bytes() == slow.read_bytes()
