"""The impact study for programs: JSON (the whole study plus derived figures) and CSV
(one row per figure). Money is a decimal string, exact to the fen."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import msgspec
from yibao.impact.aggregate import Side
from yibao.impact.distribution import from_fen
from yibao.money import fmt_money

from yibao_reports.impact.view import View

CSV_COLUMNS = ("region", "section", "item", "label", "unit", "baseline", "reform", "change",
               "change_pct")  # fmt: skip


def to_json(view: View) -> str:
    """The study (:class:`yibao.impact.study.ImpactRun`) with, per region and rule set,
    the deciles of yearly burden (``[low, high)`` in yuan) and the mean burden."""
    derived = {
        code: {"baseline": _derived(part.baseline), "reform": _derived(part.reform)}
        for code, part in view.run.impact.regions.items()
    }
    doc = {**msgspec.to_builtins(view.run), "derived": derived}
    return msgspec.json.format(msgspec.json.encode(doc), indent=2).decode() + "\n"


def _derived(side: Side) -> dict[str, Any]:
    people = side.total.people
    mean = (side.total.patient / people).quantize(Decimal("0.01")) if people else None
    return {
        "mean_burden": None if mean is None else fmt_money(mean),
        "deciles": [
            [fmt_money(from_fen(low)), fmt_money(from_fen(high))]
            for low, high in side.burden.deciles()
        ],
    }


def _value(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return ""
    return fmt_money(Decimal(value)) if unit == "yuan" else str(value)


def to_csv(view: View) -> str:
    """Long format: one row per region and figure (English labels)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in view.sections:
        for row in section.rows:
            for code, cell in row.cells.items():
                if cell.unit == "text":
                    base, new = cell.text or ("", "")
                    change = pct = ""
                else:
                    base = _value(cell.baseline, cell.unit)
                    new = _value(cell.reform, cell.unit)
                    change = _value(cell.change, cell.unit)
                    pct = "" if cell.percent is None else str(cell.percent)
                writer.writerow(
                    (code, section.key, row.key, row.label[1], cell.unit, base, new, change, pct)
                )
    return buf.getvalue()
