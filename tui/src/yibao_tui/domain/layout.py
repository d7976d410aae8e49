"""Column widths for the result and comparison tables: an amount is never cut.

Each region's column is as wide as its widest cell (an amount, a date, a status word),
so every amount shows whole; only a long text (a plugin's error) wraps, at
:data:`CELL_WRAP` cells. The label column takes the width left over, up to its longest
label (what is still left widens the region columns a little), and a label that does not
fit wraps onto more lines
(:func:`yibao_tui.domain.wrap.wrap`). When even the narrowest labels do not fit, the
table scrolls sideways rather than cut anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from yibao_tui.domain.wrap import wrap

CELL_WRAP = 16
"""A cell text wider than this wraps instead of widening its column — unless it is an
amount (:data:`AMOUNT`): an amount is never wrapped or cut."""
AMOUNT = re.compile(r"^[★≥⚠ ]*-?[\d,]+\.\d{2}( \*)?$")
"""A cell that shows an amount (with its ★, ≥ or ⚠ mark)."""
WORD_MAX = 24
"""A word (an identifier, an error's name) up to this wide widens its column rather
than break."""
LABEL_MIN = 12
"""The label column is never narrower than this (or its longest label)."""
ROOMY = 16
"""Width left over once every label fits widens the region columns up to this."""


@dataclass(frozen=True)
class Layout:
    label: int
    """The label column's width (cells, without padding)."""
    columns: tuple[int, ...]
    """Each region column's width (cells, without padding)."""

    def cell_lines(self, column: int, text: str) -> list[str]:
        return wrap(text, self.columns[column]) if cell_len(text) > self.columns[column] else [text]


def _room_for(text: str) -> int:
    """The width a cell asks of its column: all of an amount; of any other text at most
    :data:`CELL_WRAP`, or its longest word up to :data:`WORD_MAX` (``ZeroDivisionError:``
    stays whole)."""
    if AMOUNT.match(text):
        return cell_len(text)
    longest_word = max((cell_len(w) for w in text.split()), default=0)
    return min(cell_len(text), max(CELL_WRAP, min(longest_word, WORD_MAX)))


def layout(
    labels: Sequence[str],
    headings: Sequence[str],
    cells: Sequence[Sequence[str]],
    room: int,
    padding: int = 1,
) -> Layout:
    """Widths for a table ``room`` cells wide: ``labels`` down the first column,
    ``headings`` over the others, ``cells[row][column]`` below them; each column has
    ``padding`` cells on either side."""
    widths = []
    for i, heading in enumerate(headings):
        texts = [row[i] for row in cells if i < len(row)]
        widths.append(max([cell_len(heading), 1, *(_room_for(t) for t in texts)]))
    longest = max([1, *(cell_len(label) for label in labels)])
    left = room - sum(w + 2 * padding for w in widths) - 2 * padding
    label = max(min(longest, left), min(longest, LABEL_MIN))
    spare = (left - label) // max(len(widths), 1)
    widths = [max(w, min(w + spare, ROOMY)) for w in widths]
    return Layout(label, tuple(widths))
