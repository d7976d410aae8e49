"""The bundled personas: typical people a counter or an analyst asks about.

Each ``*.toml`` here is an ordinary scenario file (docs/scenario.md) with a one-line
``title`` story (Chinese · English). Their numbers are plausible, not policy facts.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def persona_paths() -> list[Path]:
    """Every bundled persona scenario file, sorted by name."""
    return sorted(HERE.glob("*.toml"))


def persona_name(path: Path) -> str:
    """How a persona is named in reports: ``personas/<file name>``."""
    return f"personas/{path.name}"
