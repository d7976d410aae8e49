"""A flat claims table (CSV or Parquet) as scenario lines.

医保 information-system extracts are flat: one row per settlement, with the person's id
and facts repeated on every row. A **column mapping** (TOML, see docs/impact.md) says
which column holds which scenario field, which values are the same for every row, and
how the table's codes translate into yibao's values::

    [columns]                          # scenario field = column of the table
    "person.id" = "psn_no"             # required: the rows of one person
    "person.birth_date" = "brdy"
    "claim.id" = "setl_id"             # required
    "claim.date" = "setl_date"         # required
    "claim.kind" = "med_type"          # required
    "claim.compliant" = "inscp_amt"    # required
    [fixed]                            # the same for every row
    "enrollment.region" = "changzhou"
    [values."claim.kind"]              # the table's code = yibao's value
    "住院" = "inpatient"

The rows of one person and year become one scenario (one line), whatever order the
table is in: rows are first spread over bucket files by person (so memory holds one
bucket, not the table), then each bucket's people are assembled and checked. A bad row
is reported with its row number and its person is left out (saying so); the run goes
on.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
import zlib
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from yibao.errors import InputError, YibaoError
from yibao.impact.aggregate import Excluded, note
from yibao.model import Claim, Enrollment, Person, Scenario

REQUIRED = ("person.id", "claim.id", "claim.date", "claim.kind", "claim.compliant")
BUCKET_BYTES = 4 << 20
"""About how much of the table one bucket holds (memory while assembling people)."""
MAX_BUCKETS = 256
TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}

_FIELDS = {
    "person": set(Person.__struct_fields__) | {"id"},
    "claim": set(Claim.__struct_fields__),
    "enrollment": set(Enrollment.__struct_fields__) - {"year", "scheme"},
}
_LISTS = {"person.assistance", "claim.diseases"}
_DATES = {"person.birth_date", "claim.date", "enrollment.paid_on"}


class _Options(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    list_separator: str = ";"
    date_format: str | None = None
    """A ``strptime`` format for dates not written ``YYYY-MM-DD`` (e.g. ``%Y%m%d``)."""


class _MappingFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    columns: dict[str, str]
    fixed: dict[str, Any] = {}
    values: dict[str, dict[str, Any]] = {}
    options: _Options = _Options()


class ColumnMapping(msgspec.Struct, frozen=True, kw_only=True):
    """A checked column mapping."""

    path: str
    columns: dict[str, str]
    """Scenario field → column."""
    fixed: dict[str, str]
    values: dict[str, dict[str, str]]
    separator: str
    date_format: str | None


def load_mapping(path: Path) -> ColumnMapping:
    """Read and check a column mapping; :class:`InputError` names the file and key."""
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(name, f"cannot read the column mapping: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, f"not valid TOML: {exc}") from None
    try:
        found = msgspec.convert(raw, _MappingFile)
    except msgspec.ValidationError as exc:
        raise InputError(name, str(exc)) from None
    for section, fields in (("columns", found.columns), ("fixed", found.fixed)):
        for field in fields:
            _check_field(name, section, field)
    for field in found.values:
        _check_field(name, "values", field)
    missing = [f for f in REQUIRED if f not in found.columns and f not in found.fixed]
    if missing:
        raise InputError(f"{name}: [columns]", f"required fields not mapped: {', '.join(missing)}")
    return ColumnMapping(
        path=name,
        columns=dict(found.columns),
        fixed={k: _text(v) for k, v in found.fixed.items()},
        values={f: {k: _text(v) for k, v in codes.items()} for f, codes in found.values.items()},
        separator=found.options.list_separator,
        date_format=found.options.date_format,
    )


def _check_field(name: str, section: str, field: str) -> None:
    if field == "year":
        return
    head, _, rest = field.partition(".")
    known = _FIELDS.get(head)
    if known is None or rest not in known:
        allowed = ["year"] + [f"{h}.{f}" for h, fs in _FIELDS.items() for f in sorted(fs)]
        raise InputError(
            f"{name}: [{section}] {field!r}",
            "not a scenario field; fields: " + ", ".join(allowed),
        )


def _text(value: object) -> str:
    """A table cell or mapping value as text (exact for decimals and dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest decimal form; more than two places is refused later
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# -------------------------------------------------------------------------------------
# Reading rows
# -------------------------------------------------------------------------------------

Row = tuple[int, dict[str, str]]
"""A row number (the header is row 1 in a CSV; the first row is 1 in Parquet) and its
cells as text."""


def table_format(path: Path) -> str | None:
    """``csv`` or ``parquet`` by the file's suffix; ``None`` for scenario lines."""
    return TABLE_SUFFIXES.get(path.suffix.lower())


def rows(path: Path, columns: set[str]) -> Iterator[Row]:
    """The table's rows, with the cells of ``columns`` only."""
    if table_format(path) == "parquet":
        yield from _parquet_rows(path, columns)
    else:
        yield from _csv_rows(path, columns)


def _missing(path: Path, wanted: set[str], found: list[str]) -> None:
    missing = sorted(wanted - set(found))
    if missing:
        raise InputError(
            str(path),
            f"columns named in the mapping are not in the table: {', '.join(missing)}; "
            f"the table has: {', '.join(found)}",
        )


def _csv_rows(path: Path, columns: set[str]) -> Iterator[Row]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise InputError(str(path), "the table is empty (no header row)")
            _missing(path, columns, header)
            index = [(name, header.index(name)) for name in columns]
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                yield (
                    number,
                    {name: cells[i].strip() if i < len(cells) else "" for name, i in index},
                )
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text: {exc}") from None
    except csv.Error as exc:
        raise InputError(str(path), f"not a valid CSV table: {exc}") from None


def _parquet_rows(path: Path, columns: set[str]) -> Iterator[Row]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise YibaoError(
            "reading Parquet tables needs pyarrow: pip install 'yibao[parquet]'"
        ) from None
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(str(path), f"not a readable Parquet file: {exc}") from None
    _missing(path, columns, list(table.schema_arrow.names))
    number = 0
    for batch in table.iter_batches(batch_size=16384, columns=sorted(columns)):
        for values in batch.to_pylist():
            number += 1
            yield number, {name: _text(value).strip() for name, value in values.items()}


# -------------------------------------------------------------------------------------
# Rows → people → scenario lines
# -------------------------------------------------------------------------------------


class TableSummary(msgspec.Struct, kw_only=True):
    """What reading the table found."""

    rows: int = 0
    people: int = 0
    """Scenarios written (people × years)."""
    bad: dict[str, Excluded] = {}
    """Rows left out, by reason (row numbers as examples)."""


SAME_PERSON = "another row of the same person is bad"


class _RowError(Exception):
    def __init__(self, message: str, row: int | None = None) -> None:
        self.message = message
        self.row = row
        """The one row at fault, when it is one (else every row of the person)."""


def _cell(mapping: ColumnMapping, row: Mapping[str, str], field: str) -> str:
    column = mapping.columns.get(field)
    text = row.get(column, "") if column is not None else ""
    if not text:
        text = mapping.fixed.get(field, "")
    if text and field in mapping.values:
        text = mapping.values[field].get(text, text)
    return text


def _date(mapping: ColumnMapping, field: str, text: str) -> str:
    if mapping.date_format is not None:
        try:
            return dt.datetime.strptime(text, mapping.date_format).date().isoformat()
        except ValueError:
            raise _RowError(f"{field}: {text!r} does not match {mapping.date_format!r}") from None
    if len(text) == 8 and text.isdigit():  # 20250310, as extracts often write dates
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text[:10]  # 2025-03-10, 2025-03-10 14:22:00 and 2025-03-10T14:22:00


def _fields(mapping: ColumnMapping, row: Mapping[str, str], head: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in _FIELDS[head]:
        field = f"{head}.{name}"
        text = _cell(mapping, row, field)
        if not text:
            continue
        if field in _LISTS:
            out[name] = [part.strip() for part in text.split(mapping.separator) if part.strip()]
        elif field in _DATES:
            out[name] = _date(mapping, field, text)
        else:
            out[name] = text
    return out


def _row_parts(mapping: ColumnMapping, row: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """A row's person key (``id|year``) and its parts, checked; raises :class:`_RowError`."""
    person = _fields(mapping, row, "person")
    claim = _fields(mapping, row, "claim")
    pid = person.pop("id", "")
    if not pid:
        raise _RowError("person.id is empty")
    for field in REQUIRED[1:]:
        if field.split(".")[1] not in claim:
            raise _RowError(f"{field} is empty")
    try:
        checked = msgspec.convert(claim, Claim, strict=False)
    except msgspec.ValidationError as exc:
        raise _RowError(_where("claim", exc)) from None
    year = _cell(mapping, row, "year") or str(checked.date.year)
    parts = {
        "year": year,
        "person": person,
        "enrollment": _fields(mapping, row, "enrollment"),
        "claim": claim,
    }
    return f"{pid}|{year}", parts


def _where(head: str, exc: msgspec.ValidationError) -> str:
    """msgspec's ``Expected `int` - at `$.level``` as ``claim.level: Expected `int```."""
    from yibao.errors import split

    text, sep, path = str(exc).rpartition(" - at ")
    if not sep:
        text, path = str(exc), "$"
    text = split(text)[0]  # a model check's English (the bad-row table is keyed by it)
    path = path.strip("`").removeprefix("$")
    if text.startswith("`") and "`: " in text:  # a check of one field: "`compliant`: …"
        name, _, text = text[1:].partition("`: ")
        path += f".{name}"
    return f"{head}{path}: {text}".lstrip(".")


def convert(
    source: Path, mapping: ColumnMapping, target: Path, index: Path, work: Path
) -> TableSummary:
    """Write the table's people as scenario lines to ``target`` and, line for line, the
    person id and first rows of each to ``index`` (JSON Lines); ``work`` holds the
    bucket files meanwhile."""
    summary = TableSummary()
    columns = set(mapping.columns.values())
    size = source.stat().st_size
    count = max(1, min(MAX_BUCKETS, -(-size // BUCKET_BYTES)))
    paths = [work / f"bucket-{i}.jsonl" for i in range(count)]
    with ExitStack() as stack:
        buckets = [stack.enter_context(open(p, "w", encoding="utf-8")) for p in paths]
        for number, row in rows(source, columns):
            summary.rows += 1
            try:
                key, parts = _row_parts(mapping, row)
                entry: list[Any] = [number, key, parts]
            except _RowError as exc:
                key = f"{_cell(mapping, row, 'person.id')}|"
                entry = [number, key, None, exc.message]
            # By person id alone, so a person's rows of every year meet in one bucket.
            bucket = zlib.crc32(key.partition("|")[0].encode()) % count
            buckets[bucket].write(json.dumps(entry, ensure_ascii=False) + "\n")
    with open(target, "wb") as out, open(index, "w", encoding="utf-8") as places:
        for path in paths:
            _assemble(path, mapping, out, places, summary)
            path.unlink()
    return summary


def _assemble(
    path: Path, mapping: ColumnMapping, out: Any, places: Any, summary: TableSummary
) -> None:
    """Group one bucket's rows by person and year and write each person's scenario."""
    people: dict[str, list[list[Any]]] = {}
    bad_ids: dict[str, list[Any]] = {}
    with open(path, encoding="utf-8") as f:
        for text in f:
            entry = json.loads(text)
            number, key = entry[0], entry[1]
            if entry[2] is None:
                note(summary.bad, entry[3], number)
                bad_ids.setdefault(key.partition("|")[0], []).append(number)
                continue
            people.setdefault(key, []).append(entry)
    for key, entries in people.items():
        pid = key.partition("|")[0]
        numbers = [e[0] for e in entries]
        try:
            if pid in bad_ids:
                raise _RowError(SAME_PERSON)
            scenario = _scenario(entries)
        except _RowError as exc:
            for number in numbers:
                reason = exc.message if exc.row in (None, number) else SAME_PERSON
                note(summary.bad, reason, number)
            continue
        out.write(msgspec.json.encode(_compact(scenario)) + b"\n")
        places.write(json.dumps([pid, numbers[:5]], ensure_ascii=False) + "\n")
        summary.people += 1


def _scenario(entries: list[list[Any]]) -> Scenario:
    """One person-year's rows as a checked scenario; raises :class:`_RowError`."""
    first = entries[0][2]
    for entry in entries[1:]:
        parts = entry[2]
        for head in ("person", "enrollment"):
            if parts[head] != first[head]:
                fields = sorted(
                    f"{head}.{k}"
                    for k in {*parts[head], *first[head]}
                    if parts[head].get(k) != first[head].get(k)
                )
                raise _RowError(f"rows of one person differ in {', '.join(fields)}")
    person = first["person"]
    year = first["year"]
    enrollment = first["enrollment"]
    scenario = {
        "year": year,
        "person": person,
        "enrollment": (
            [{**enrollment, "year": year, "scheme": person.get("scheme", "resident")}]
            if enrollment
            else []
        ),
        "claims": [entry[2]["claim"] for entry in entries],
    }
    try:
        return msgspec.convert(scenario, Scenario, strict=False)
    except msgspec.ValidationError as exc:
        message = _where("", exc)
        row = None
        if message.startswith("claims["):  # one claim's row is at fault
            row = entries[int(message[len("claims[") :].split("]")[0])][0]
            message = "claim" + message[message.index("]") + 1 :]
        raise _RowError(message, row) from None


def _compact(value: Any) -> Any:
    """A Struct as builtins without the fields left at their defaults (shorter lines
    that decode to the same scenario)."""
    if isinstance(value, msgspec.Struct):
        out = {}
        for field in msgspec.structs.fields(value):
            item = getattr(value, field.name)
            default = field.default
            if default is msgspec.NODEFAULT and field.default_factory is not msgspec.NODEFAULT:
                default = field.default_factory()
            if field.required or item != default:
                out[field.encode_name] = _compact(item)
        return out
    if isinstance(value, tuple | list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


def places(index: Path, lines: set[int]) -> dict[int, str]:
    """``line → "person P1 (rows 3, 9)"`` for the scenario lines in ``lines``."""
    found: dict[int, str] = {}
    if not lines:
        return found
    last = max(lines)
    with open(index, encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            if number > last:
                break
            if number in lines:
                pid, numbers = json.loads(text)
                rows_text = ", ".join(str(n) for n in numbers)
                found[number] = f"person {pid} (row{'s' if len(numbers) > 1 else ''} {rows_text})"
    return found
