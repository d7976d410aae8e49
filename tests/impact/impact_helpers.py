"""Helpers for the impact tests: hand-worked populations (tests/impact/cases/*.toml)
written as scenario lines and as a claims table."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.toml"))
REFORM = (
    HERE.parents[1]
    / "plugins/changzhou/src/yibao_changzhou/resident/reforms/level3-deductible-800.toml"
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(value)


def load_case(path: Path) -> dict[str, Any]:
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    case["reform_path"] = (path.parent / case["reform"]).resolve()
    case["lines"] = [
        p["raw"] if "raw" in p else json.dumps(p, default=_plain, ensure_ascii=False)
        for p in case["people"]
    ]
    return case


TABLE_COLUMNS = ("psn_no", "brdy", "psn_cat", "district", "student", "study_region",
                 "pay_date", "setl_id", "setl_date", "med_type", "hosp_lv", "facility",
                 "inscp_amt")  # fmt: skip
DOCS = HERE.parents[1] / "docs" / "examples"
MAPPING = (DOCS / "claims-table-mapping.toml").read_text(encoding="utf-8")
"""The documented example mapping (docs/examples/claims-table-mapping.toml)."""
KIND_CODES = {"inpatient": "住院", "general_outpatient": "普通门诊"}
CATEGORY_CODES = {"elderly": "老年居民", "non_working": "非从业居民"}


def table_rows(case: dict[str, Any]) -> list[dict[str, str]]:
    """The case's valid people as one row per claim, the rows of a person not next to
    each other (people's claims interleaved, as settlement extracts are ordered)."""
    rows: list[tuple[str, int, dict[str, str]]] = []
    for number, person in enumerate(case["people"], start=1):
        if "raw" in person:
            continue
        facts = person["person"]
        paid = person["enrollment"][0]["paid_on"]
        for i, claim in enumerate(person["claims"]):
            rows.append(
                (
                    claim["date"].isoformat(),
                    i,
                    {
                        "psn_no": f"P{number}",
                        "brdy": facts["birth_date"].strftime("%Y%m%d"),
                        "psn_cat": CATEGORY_CODES.get(facts.get("category", ""), ""),
                        "district": facts["district"],
                        "student": facts.get("student", ""),
                        "study_region": facts.get("study_region", ""),
                        "pay_date": paid.isoformat(),
                        "setl_id": f"S{number}-{claim['id']}",
                        "setl_date": claim["date"].isoformat(),
                        "med_type": KIND_CODES[claim["kind"]],
                        "hosp_lv": str(claim.get("level", 3)),
                        "facility": claim.get("facility", ""),
                        "inscp_amt": claim["compliant"],
                    },
                )
            )
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, TABLE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
