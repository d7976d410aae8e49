"""Autosave of the case in progress, so a crash or a closed terminal loses nothing.

The raw form (even when invalid) is written as JSON after every change, atomically
(write to a temporary file, then rename), and so is the row being typed in a dialog
(:class:`Draft`), so a killed terminal loses at most the last keystroke. Location,
first match wins:

1. ``$YIBAO_TUI_STATE_DIR`` (tests and portable installs),
2. ``$XDG_STATE_HOME/yibao``,
3. ``~/.local/state/yibao``.

An autosave that cannot be read back — not JSON, another version, a value of the wrong
type — is never silently replaced: :func:`restore` moves it aside as
``autosave-unreadable-<time>.json`` and says so, and the app starts clean.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yibao_tui.domain.fields import (
    CASE_FIELDS,
    CLAIM_FIELDS,
    ENROLLMENT_FIELDS,
    EVENT_FIELDS,
    PERSON_FIELDS,
    FieldSpec,
)
from yibao_tui.domain.form import CaseForm

STATE_ENV = "YIBAO_TUI_STATE_DIR"
FILE = "autosave.json"
BACKUP = "autosave-previous.json"
VERSION = 1

LISTS: dict[str, tuple[FieldSpec, ...]] = {
    "enrollment": ENROLLMENT_FIELDS,
    "events": EVENT_FIELDS,
    "claims": CLAIM_FIELDS,
}
"""The case's lists a dialog edits, with their fields."""


@dataclass
class Draft:
    """A row being typed in a dialog, not yet added to its list."""

    list: str
    """``enrollment``, ``events`` or ``claims``."""
    index: int | None
    """The row edited, or ``None`` for a new one."""
    row: dict[str, Any]


def state_dir(env: dict[str, str] | None = None) -> Path:
    """Where autosaves live (see the module docstring)."""
    env = dict(os.environ) if env is None else env
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV])
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "yibao"


@dataclass
class Session:
    """What is restored on the next start: the form and where the staff were."""

    form: CaseForm
    region: str | None = None
    compare: list[str] = field(default_factory=list)
    path: str | None = None
    """The scenario file the case was opened from or saved to."""
    draft: Draft | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "version": VERSION,
            "form": self.form.to_json(),
            "region": self.region,
            "compare": list(self.compare),
            "path": self.path,
        }
        if self.draft is not None:
            out["draft"] = dict(self.draft.__dict__)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        """The session in ``data``; ``ValueError`` naming the first value of the wrong
        type (a file that passes here restores without surprises)."""
        _check(data)
        draft = data.get("draft")
        return cls(
            form=CaseForm.from_json(data.get("form", {})),
            region=data.get("region"),
            compare=list(data.get("compare", [])),
            path=data.get("path"),
            draft=Draft(**draft) if draft else None,
        )


def _upgrade(data: dict[str, Any]) -> None:
    """Read what earlier versions of the app wrote: a claim's diseases were typed as
    ``"hypertension, diabetes"`` before they became a list of choices."""
    form = data.get("form")
    rows = list(form.get("claims", [])) if isinstance(form, dict) else []
    draft = data.get("draft")
    if isinstance(draft, dict) and draft.get("list") == "claims":
        rows.append(draft.get("row"))
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("diseases"), str):
            row["diseases"] = [d.strip() for d in row["diseases"].split(",") if d.strip()]


def _check(data: dict[str, Any]) -> None:
    """Raise ``ValueError`` unless ``data`` has the shape :meth:`Session.to_json`
    writes: each raw field a string (a flag a bool, a multiple choice a list of
    strings), each known list a list of rows."""
    _expect(data.get("region"), (str, type(None)), "region")
    _expect(data.get("path"), (str, type(None)), "path")
    compare = data.get("compare", [])
    _expect(compare, list, "compare")
    for code in compare:
        _expect(code, str, "compare[]")
    form = data.get("form", {})
    _expect(form, dict, "form")
    _row(form.get("case", {}), (*CASE_FIELDS, *PERSON_FIELDS), "form.case")
    for name, specs in LISTS.items():
        rows = form.get(name, [])
        _expect(rows, list, f"form.{name}")
        for i, row in enumerate(rows):
            _row(row, specs, f"form.{name}[{i}]")
    elsewhere = form.get("elsewhere", {})
    _expect(elsewhere, dict, "form.elsewhere")
    for code, table in elsewhere.items():
        _expect(table, dict, f"form.elsewhere.{code}")
        for key, value in table.items():
            _expect(value, str, f"form.elsewhere.{code}.{key}")
    draft = data.get("draft")
    if draft is not None:
        _expect(draft, dict, "draft")
        if draft.get("list") not in LISTS or set(draft) != {"list", "index", "row"}:
            raise ValueError("draft: expected list, index and row")
        index = draft["index"]
        if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
            raise ValueError("draft.index: expected a row number")
        _row(draft["row"], LISTS[draft["list"]], "draft.row")


def _row(row: object, specs: tuple[FieldSpec, ...], where: str) -> None:
    _expect(row, dict, where)
    kinds = {spec.name: spec.kind for spec in specs}
    for name, value in row.items():  # type: ignore[attr-defined]
        kind = kinds.get(name)
        if kind == "bool":
            _expect(value, bool, f"{where}.{name}")
        elif kind == "multi":
            _expect(value, list, f"{where}.{name}")
            for item in value:
                _expect(item, str, f"{where}.{name}[]")
        elif kind is not None:
            _expect(value, str, f"{where}.{name}")


def _expect(value: object, types: type | tuple[type, ...], where: str) -> None:
    if not isinstance(value, types):
        raise ValueError(f"{where}: unexpected {type(value).__name__}")


def save(session: Session, directory: Path, name: str = FILE) -> Path:
    """Write ``session`` atomically; returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(session.to_json(), ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, target)
    return target


def load(directory: Path, name: str = FILE) -> Session | None:
    """The autosaved session, or ``None`` when there is none (or it is unreadable)."""
    try:
        return _read(directory / name)
    except (OSError, ValueError):
        return None


def _read(path: Path) -> Session:
    """The session in ``path``; ``OSError`` or ``ValueError`` saying why not."""
    data = json.loads(path.read_text("utf-8"))
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"not an autosave of version {VERSION}")
    _upgrade(data)
    try:
        return Session.from_json(data)
    except (TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from None


def restore(directory: Path, name: str = FILE) -> tuple[Session | None, str | None]:
    """The autosaved session and ``None``; or, when there is a file but it cannot be
    read, ``None`` and the path it was moved aside to (kept, never overwritten)."""
    path = directory / name
    if not path.exists():
        return None, None
    try:
        return _read(path), None
    except (OSError, ValueError):
        return None, str(set_aside(path))


def set_aside(path: Path) -> Path:
    """Move an unreadable autosave out of the way, keeping it; returns where it went."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}-unreadable-{stamp}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}-unreadable-{stamp}-{n}{path.suffix}")
    os.replace(path, target)
    return target


def backup(directory: Path) -> Path | None:
    """Keep the current autosave as the previous one (before starting a new case)."""
    source = directory / FILE
    if not source.exists():
        return None
    target = directory / BACKUP
    os.replace(source, target)
    return target
