"""Update a Static only when its content changes.

``Static.update`` always asks for a new layout of the whole screen, which after every
keystroke costs more than the engine does; most keystrokes change no message at all.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from yibao_tui.widgets.plain import cleaned

_SHOWN = "_yibao_shown"


def update(static: Static, content: str | Text) -> None:
    """``static.update(content)`` unless it already shows ``content``; a string is
    shown as data (:func:`yibao_tui.widgets.plain.cleaned`), never as markup."""
    if getattr(static, _SHOWN, None) == content:
        return
    setattr(static, _SHOWN, content.copy() if isinstance(content, Text) else content)
    static.update(cleaned(content))  # type: ignore[arg-type]
