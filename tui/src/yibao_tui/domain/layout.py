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

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from yibao_tui.domain.wrap import wrap

CELL_WRAP = 24
"""A cell text wider than this (never an amount: the widest is ``≥ 999,999,999.99``)
wraps instead of widening its column."""
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
        widths.append(max([cell_len(heading), 1, *(min(cell_len(t), CELL_WRAP) for t in texts)]))
    longest = max([1, *(cell_len(label) for label in labels)])
    left = room - sum(w + 2 * padding for w in widths) - 2 * padding
    label = max(min(longest, left), min(longest, LABEL_MIN))
    spare = (left - label) // max(len(widths), 1)
    widths = [max(w, min(w + spare, ROOMY)) for w in widths]
    return Layout(label, tuple(widths))
