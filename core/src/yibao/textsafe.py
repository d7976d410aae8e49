"""Text from a scenario is data: what reaches a terminal carries no control sequence.

A title or claim id may hold anything a file can: ``ESC [2J``, an OSC 8 hyperlink, a
carriage return that overprints a figure, a right-to-left override that reverses one.
:func:`printable` shows every such character as an escape (``\\x1b``, ``\\u202e``) instead
of sending it; the CLI's messages, Rich output, the TUI and reports use it. (Markup is
the other half: yibao's Rich console parses none, see :mod:`yibao.render`.)
"""

from __future__ import annotations

_SHOWN: dict[int, str] = {
    c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))
}
_SHOWN.update(
    {c: f"\\u{c:04x}" for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
)


def printable(text: str) -> str:
    """``text`` with control characters (C0 but newline and tab, DEL, C1, and the
    bidirectional overrides) written as visible escapes."""
    if text.isprintable():
        return text
    return text.translate(_SHOWN)
