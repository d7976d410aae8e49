"""SVG snapshots of the main screens at 80×24 and 160×48 (update: --snapshot-update)."""

from __future__ import annotations

import pytest
from tui_paths import EXAMPLE
from yibao.registry import Registry
from yibao_tui.app import make_app

SIZES = [(80, 24), (160, 48)]


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry()


def _keys(*keys: str):
    """Press ``keys``; the snapshot waits for the screen to settle after this."""

    async def run_before(pilot) -> None:
        if keys:
            await pilot.pause()  # the main screen is mounted
            await pilot.press(*keys)
        pilot.app.clear_notifications()

    return run_before


SCREENS = {
    "case": (),
    "result": ("f4",),
    "compare": ("f5",),
    "curve": ("f6",),
}


CASES = [(s, z) for s in SCREENS for z in SIZES]


@pytest.mark.parametrize(
    ("screen", "size"), CASES, ids=lambda v: v if isinstance(v, str) else f"{v[0]}x{v[1]}"
)
def test_screen(screen: str, size, snap_compare, reg, private_state) -> None:
    app = make_app(EXAMPLE, registry=reg, state_dir=private_state)
    assert snap_compare(app, terminal_size=size, run_before=_keys(*SCREENS[screen]))
