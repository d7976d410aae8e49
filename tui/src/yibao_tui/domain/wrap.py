"""Line breaking for mixed Chinese and code text: between Chinese characters, at spaces,
never inside an identifier.

Rich and Textual break lines at spaces only, so a Chinese notice (no spaces) is cut
wherever the width ends — ``waiting_peri`` | ``od.months``. Here a line may break
between two wide (CJK) characters or at a space; a run of narrow characters (a key such
as ``waiting_period.months``, a citation such as ``changzhou-resident-2025``, an
amount) stays whole unless it alone is wider than the line. A section reference
(``§二(二)2``) is one unit too. Closing punctuation stays with what it closes, opening
punctuation with what it opens.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_CLOSING = frozenset("，。、；：？！）》」』】〕’”…,.;:?!)]}%")
_OPENING = frozenset("（《「『【〔‘“([{")


def _narrow(char: str) -> bool:
    return cell_len(char) == 1


def _units(text: str) -> list[str]:
    """``text`` cut where a line may break: space runs, wide characters, and runs of
    narrow ones; punctuation glued to what it closes or opens."""
    units: list[str] = []
    for piece in re.findall(r"§\S+|\s+|\S", text):  # a section (§二(二)2) is one unit
        last = units[-1] if units else ""
        glue = bool(last) and not last.isspace() and not piece.isspace()
        if glue and (
            piece in _CLOSING or last[-1] in _OPENING or (_narrow(piece) and _narrow(last[-1]))
        ):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells (each paragraph of ``text`` on
    its own lines); a unit wider than a line is folded by character."""
    width = max(width, 2)
    out: list[str] = []
    for paragraph in text.split("\n"):
        out += _wrap_paragraph(paragraph, width)
    return out


def _wrap_paragraph(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for unit in _units(text):
        if unit.isspace():
            if line and cell_len(line) + cell_len(unit) <= width:
                line += unit
            elif line:
                lines.append(line)
                line = ""
            continue
        if cell_len(line) + cell_len(unit) <= width:
            line += unit
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        while cell_len(unit) > width:  # longer than a line: fold it
            cut = _fit(unit, width)
            lines.append(unit[:cut])
            unit = unit[cut:]
        line = unit
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells (at least one)."""
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(i, 1)
    return len(text)
