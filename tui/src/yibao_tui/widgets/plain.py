"""Data shown as data: no markup parsed, no control character sent to the terminal.

A claim id ``[/]`` or a title ``[link=…]`` is text someone typed, not Textual markup,
and an ``ESC`` in it must not reach the terminal. Every string the app shows from a
scenario, a result or a file goes through :func:`plain` (the tables and
:func:`yibao_tui.widgets.quiet.update` do it for every cell and message).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from yibao.textsafe import printable


def plain(text: str, **style: Any) -> Text:
    """``text`` as a ``Text`` (never parsed as markup), control characters escaped."""
    return Text(printable(text), **style)


def cleaned(content: object) -> object:
    """A table cell or message made safe: a string becomes :func:`plain` text; a
    ``Text`` keeps its styles, its characters escaped if any is a control character."""
    if isinstance(content, str):
        return plain(content)
    if isinstance(content, Text) and not content.plain.isprintable():
        safe = content.copy()
        safe.plain = printable(content.plain)  # same length unless escaped: styles stay
        return safe
    return content
