"""Autosave of the case in progress, so a crash or a closed terminal loses nothing.

The raw form (even when invalid) is written as JSON after every change, atomically
(write to a temporary file, then rename). Location, first match wins:

1. ``$YIBAO_TUI_STATE_DIR`` (tests and portable installs),
2. ``$XDG_STATE_HOME/yibao``,
3. ``~/.local/state/yibao``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yibao_tui.domain.form import CaseForm

STATE_ENV = "YIBAO_TUI_STATE_DIR"
FILE = "autosave.json"
BACKUP = "autosave-previous.json"
VERSION = 1


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

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "form": self.form.to_json(),
            "region": self.region,
            "compare": list(self.compare),
            "path": self.path,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        return cls(
            form=CaseForm.from_json(data.get("form", {})),
            region=data.get("region"),
            compare=list(data.get("compare", [])),
            path=data.get("path"),
        )


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
        data = json.loads((directory / name).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    try:
        return Session.from_json(data)
    except (TypeError, ValueError, AttributeError):
        return None


def backup(directory: Path) -> Path | None:
    """Keep the current autosave as the previous one (before starting a new case)."""
    source = directory / FILE
    if not source.exists():
        return None
    target = directory / BACKUP
    os.replace(source, target)
    return target
