"""Tables that never cut a number: the terminal layout of every table yibao prints.

A :class:`Grid` is a label column and value columns. Values (amounts, dates, short
words) never wrap or shrink; labels and text wrap at word boundaries (a word longer than
its column folds, never ends in "…"). When the values do not fit the terminal side by
side, the grid switches layout: each row (or each column) becomes a block of
``header  value`` lines, which fits any width an amount fits in. So at 80 columns, or
40, every digit of every amount is shown.

Rich is imported here; the engine never imports this module (pyproject's import
contract).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

Kind = Literal["label", "value", "words"]
"""``label``: wraps anywhere it must; ``value``: never wraps (amounts, dates);
``words``: wraps between words only (text holding numbers, such as a list of bands)."""

LABEL_MIN = 12
"""The narrowest a label column is allowed to become before the layout switches."""

Cell = str | Text


@dataclass
class Column:
    header: str
    kind: Kind = "value"
    justify: Literal["left", "right"] = "right"
    style: str = ""


@dataclass
class Grid:
    """Rows of cells under ``columns``; :meth:`renderable` picks the layout that fits.

    ``stack``: how the narrow layout groups cells — ``"row"`` (a block per row, e.g. per
    claim) or ``"column"`` (a block per value column, e.g. per region of a comparison).
    """

    columns: list[Column]
    title: str | None = None
    stack: Literal["row", "column"] = "row"
    show_lines: bool = False
    show_header: bool = True
    plain: bool = False
    """No rules around or between cells (an explanation's steps)."""
    rows: list[tuple[list[Cell], str]] = field(default_factory=list)

    def add_row(self, *cells: Cell, style: str = "") -> None:
        self.rows.append((list(cells), style))

    @property
    def overhead(self) -> int:
        """Columns taken by padding (one each side of a cell) and the rules."""
        n = len(self.columns)
        return 2 * n if self.plain else 3 * n + 1

    def needed(self) -> int:
        """The narrowest width the side-by-side layout shows every value in full."""
        total = self.overhead
        for i, col in enumerate(self.columns):
            cells = [row[i] for row, _ in self.rows]
            total += _need(col, cells)
        return total

    def renderable(self, width: int) -> RenderableType:
        """The grid side by side when it fits ``width``; else turned (rows become
        columns) when that fits; else stacked in blocks."""
        if self.needed() <= width:
            return self._wide(width)
        turned = self.turned()
        if turned is not None and turned.needed() <= width:
            return turned._wide(width)
        return self._stacked()

    def turned(self) -> Grid | None:
        """The grid with rows and columns swapped (the row labels head the columns), for
        a few long rows such as claims; ``None`` for a grid stacked by column."""
        if self.stack != "row" or not self.rows or not self.show_header:
            return None
        columns = [Column("", kind="label", justify="left")] + [
            Column(cells[0].plain if isinstance(cells[0], Text) else cells[0])
            for cells, _ in self.rows
        ]
        grid = Grid(columns, title=self.title, stack="column", show_lines=self.show_lines)
        for i, col in enumerate(self.columns[1:], 1):
            grid.add_row(col.header, *(cells[i] for cells, _ in self.rows))
        return grid

    def widths(self, width: int) -> list[int]:
        """Each column's width inside ``width``: a value column its need; text columns
        their need plus a share of the room left, up to their natural width."""
        cells = [[row[i] for row, _ in self.rows] for i in range(len(self.columns))]
        need = [_need(c, cs) for c, cs in zip(self.columns, cells, strict=True)]
        natural = [
            max(n, _width(c.header))
            if c.kind == "value"
            else max(n, _width(c.header), *(_width(x) for x in cs))
            for c, cs, n in zip(self.columns, cells, need, strict=True)
        ]
        room = width - self.overhead - sum(need)
        out = list(need)
        while room > 0:
            wanting = [i for i in range(len(out)) if out[i] < natural[i]]
            if not wanting:
                break
            share = max(room // len(wanting), 1)
            for i in wanting:
                grant = min(share, natural[i] - out[i], room)
                out[i] += grant
                room -= grant
                if room <= 0:
                    break
        return out

    def _wide(self, width: int) -> Table:
        table = Table(
            title=self.title,
            title_justify="left",
            show_lines=self.show_lines,
            show_header=self.show_header,
        )
        if self.plain:
            table.box = None
        for col, w in zip(self.columns, self.widths(width), strict=True):
            table.add_column(
                Text(col.header, overflow="fold", no_wrap=False),
                justify=col.justify,
                no_wrap=col.kind == "value",
                width=w,
                overflow="fold",
                style=col.style,
            )
        for cells, style in self.rows:
            table.add_row(*cells, style=style or None)
        return table

    def _stacked(self) -> RenderableType:
        blocks: list[RenderableType] = []
        if self.title:
            blocks.append(Text(self.title, style="italic"))
        if self.stack == "row":
            for cells, style in self.rows:
                head, rest = cells[0], cells[1:]
                blocks.append(_heading(head, style))
                blocks.append(
                    _pairs([(c.header, v) for c, v in zip(self.columns[1:], rest, strict=True)])
                )
        else:
            for i, col in enumerate(self.columns[1:], 1):
                blocks.append(_heading(col.header, "bold"))
                blocks.append(_pairs([(row[0], row[i]) for row, _ in self.rows]))
        return Group(*blocks)


def _heading(cell: Cell, style: str) -> Text:
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    text.stylize("bold")
    if style:
        text.stylize(style)
    text.overflow = "fold"
    return text


def _pairs(pairs: Sequence[tuple[Cell, Cell]]) -> Table:
    """``label  value`` lines, indented: values never wrap, labels wrap."""
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(overflow="fold", style="dim")
    width = max((_width(v) for _, v in pairs if not _wraps(v)), default=1)
    table.add_column(no_wrap=True, min_width=width, justify="right", overflow="fold")
    for label, value in pairs:
        if not (value.plain if isinstance(value, Text) else value):
            continue
        table.add_row(Text("  ") + (label if isinstance(label, Text) else Text(label)), value)
    return table


def _wraps(cell: Cell) -> bool:
    """A cell of a value column that is prose (an error message): it may wrap."""
    return isinstance(cell, Text) and cell.no_wrap is False


def _lines(cell: Cell) -> list[str]:
    return (cell.plain if isinstance(cell, Text) else cell).split("\n")


def _width(cell: Cell) -> int:
    return max((cell_len(line) for line in _lines(cell)), default=0)


def _longest_word(cell: Cell) -> int:
    return max((cell_len(w) for line in _lines(cell) for w in line.split()), default=0)


def _need(col: Column, cells: Sequence[Cell]) -> int:
    """The narrowest a column may be: a value column its widest line (the header may
    wrap between words), a words column its longest word, a label column
    :data:`LABEL_MIN` or less."""
    header = _longest_word(col.header)
    if col.kind == "value":
        fixed = [_width(c) for c in cells if not _wraps(c)]
        loose = [min(_longest_word(c), LABEL_MIN) for c in cells if _wraps(c)]
        return max([header, *fixed, *loose], default=1)
    if col.kind == "words":
        return max([header, *(_longest_word(c) for c in cells)], default=1)
    return min(max([header, *(_longest_word(c) for c in cells)], default=1), LABEL_MIN)


def show(console: Console, grid: Grid) -> None:
    """Print ``grid`` in the layout that fits ``console``."""
    console.print(grid.renderable(console.width))
