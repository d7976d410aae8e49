"""Paths the TUI tests share."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (
    ROOT / "plugins/changzhou/src/yibao_changzhou/resident/examples/elderly-stroke-admission.toml"
)
EXAMPLES = sorted(ROOT.glob("plugins/*/src/*/*/examples/*.toml"))
PERSONAS = sorted(ROOT.glob("reports/src/yibao_reports/personas/*.toml"))
"""Scenarios with ``[elsewhere.<region>]`` tables."""
