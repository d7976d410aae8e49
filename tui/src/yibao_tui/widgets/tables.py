"""Tables: the case's lists (enrolment, events, claims) and the result/compare table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from yibao_tui.domain.i18n import Lang, pick, tr, word
from yibao_tui.domain.layout import layout
from yibao_tui.domain.view import Row
from yibao_tui.domain.wrap import wrap
from yibao_tui.widgets.keys import bindings, relabel
from yibao_tui.widgets.plain import cleaned


class _Localized(DataTable):
    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.lang = lang
        relabel(self, lang)

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        """Every cell shown as data, never as markup (a claim id may be ``[/]``)."""
        return super().add_row(*(cleaned(c) for c in cells), **kwargs)

    def add_column(self, label: Any, **kwargs: Any) -> Any:
        return super().add_column(cleaned(label), **kwargs)


class ListTable(_Localized):
    """One of the case's lists; rows are raw form rows, problems marked with ⚠."""

    fields_shown: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    """``(field name, zh, en)`` of the columns shown."""
    empty_key: ClassVar[str] = ""

    def __init__(
        self, lang: Lang, *, id: str | None = None, names: dict[str, str] | None = None
    ) -> None:
        super().__init__(lang, id=id)
        self.names = dict(names or {})
        """Region code → name, for the cells that name a region."""

    def show(self, items: Sequence[dict[str, Any]], problems: dict[int, dict[str, str]]) -> None:
        """Redraw the rows (when they changed), keeping the cursor where it was. Each
        column is as wide as its widest cell from the start: nothing is cut."""
        shown = (repr(list(items)), repr(problems))
        if shown == getattr(self, "_shown", None):
            return
        self._shown = shown
        row = self.cursor_row
        rows = [
            [Text("⚠", style="bold red") if i in problems else ""]
            + [self.cell(name, item.get(name)) for name, _, _ in self.fields_shown]
            for i, item in enumerate(items)
        ]
        if not items:
            empty = Text(tr(self.empty_key, self.lang), style="dim")
            rows.append(["", empty, *[""] * (len(self.fields_shown) - 1)])
        heads = ["", *(pick(self.lang, zh, en) for _, zh, en in self.fields_shown)]
        keys = ["flag", *(name for name, _, _ in self.fields_shown)]
        self.clear(columns=True)
        for i, (key, head) in enumerate(zip(keys, heads, strict=True)):
            width = max(cell_len(head), 1, *(_width(r[i]) for r in rows))
            self.add_column(head, key=key, width=width)
        for cells in rows:
            self.add_row(*cells)
        if items:
            self.move_cursor(row=min(row, len(items) - 1))

    def cell(self, name: str, value: Any) -> str | Text:
        if isinstance(value, bool):
            return tr("yes", self.lang) if value else ""
        return str(value or "")

    def selected(self, count: int) -> int | None:
        """The selected row index, or ``None`` when the list is empty."""
        return self.cursor_row if count and 0 <= self.cursor_row < count else None


class EnrollmentTable(ListTable):
    BINDINGS: ClassVar[list[BindingType]] = bindings("enrollment")
    fields_shown = (
        ("year", "年度", "year"),
        ("region", "参保地", "region"),
        ("scheme", "险种", "scheme"),
        ("paid_on", "缴费到账", "paid on"),
        ("reimbursed", "有报销", "reimbursed"),
        ("incentive_used", "激励额度", "incentive"),
        ("other_province", "外省", "other prov."),
    )
    empty_key = "enr_empty"

    def cell(self, name: str, value: Any) -> str | Text:
        if name == "reimbursed":
            return (
                tr("yes", self.lang)
                if value
                else Text(
                    tr("no", self.lang) + " (零报销)" if self.lang == "zh" else "no (zero)",
                    style="yellow",
                )
            )
        if name == "scheme":
            return word("scheme", str(value), self.lang)
        if name == "region":
            return self.names.get(str(value), str(value or ""))
        return super().cell(name, value)


class EventsTable(ListTable):
    BINDINGS: ClassVar[list[BindingType]] = bindings("events")
    fields_shown = (("kind", "事件", "event"), ("date", "日期", "date"))
    empty_key = "ev_empty"

    def cell(self, name: str, value: Any) -> str | Text:
        if name == "kind":
            return word("event_kind", str(value), self.lang)
        return super().cell(name, value)


class ClaimsTable(ListTable):
    BINDINGS: ClassVar[list[BindingType]] = bindings("claims")
    fields_shown = (
        ("id", "编号", "id"),
        ("date", "日期", "date"),
        ("kind", "类别", "kind"),
        ("level", "级别", "level"),
        ("compliant", "合规费用", "compliant"),
        ("care", "就医地", "care"),
    )
    empty_key = "cl_empty"

    def cell(self, name: str, value: Any) -> str | Text:
        if name in ("kind", "care", "level"):
            vocab = {"kind": "claim_kind", "care": "care", "level": "level"}[name]
            return word(vocab, str(value), self.lang)
        if name == "compliant":
            return Text(str(value or ""), justify="right")
        return super().cell(name, value)


class ResultTable(_Localized):
    """Rows of :mod:`yibao_tui.domain.view`, one column per region; better cells starred.

    Column widths come from the cells (:func:`yibao_tui.domain.layout.layout`) before
    any row is drawn, so no amount is ever cut, not even for the moment before the
    table measures itself; labels wrap to the width left over."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("results")

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(lang, id=id)
        self.cursor_type = "cell"
        self.rows_shown: list[Row] = []
        self.headings: list[str] = []
        self._shown: tuple[list[Row], list[str], bool] | None = None
        self._room = 0

    def show(self, rows: Sequence[Row], headings: Sequence[str], *, stale: bool) -> None:
        """Redraw with ``rows`` (when anything changed); a stale result is drawn dim."""
        shown = (list(rows), list(headings), stale)
        if shown == self._shown and self.columns:
            return
        self._shown = shown
        self._draw()

    def room(self) -> int:
        """The cells the columns may take: the table's width (the screen's before the
        table is laid out) less its vertical scrollbar."""
        width = self.size.width or self.app.size.width
        return width - self.styles.scrollbar_size_vertical

    def on_resize(self) -> None:
        if self._shown is not None and self.room() != self._room:
            self._draw()

    def _draw(self) -> None:
        assert self._shown is not None
        rows, headings, stale = self._shown
        cursor = self.cursor_coordinate
        texts = [self._texts(row) for row in rows]
        item = tr("col_item", self.lang)
        self._room = self.room()
        lay = layout([item, *(r.label for r in rows)], headings, texts, self._room)
        self.clear(columns=True)
        self.add_column(item, key="label", width=lay.label)
        for i, h in enumerate(headings):
            self.add_column(Text(h, justify="right"), key=f"r{i}", width=lay.columns[i])
        self.headings = list(headings)
        self.rows_shown = list(rows)
        for row, cells in zip(rows, texts, strict=True):
            label = _hanging(row.label, lay.label)
            lines = [lay.cell_lines(i, text) for i, text in enumerate(cells)]
            height = max(len(label), *(len(c) for c in lines))
            self.add_row(*self._cells(row, label, lines, stale), key=row.key, height=height)
        if rows:
            self.move_cursor(row=min(cursor.row, len(rows) - 1), column=cursor.column)

    @staticmethod
    def _texts(row: Row) -> list[str]:
        best = row.best()
        return [("★ " if i in best else "") + cell.text for i, cell in enumerate(row.cells)]

    @staticmethod
    def _cells(row: Row, label: list[str], lines: list[list[str]], stale: bool) -> list[Text]:
        out = [Text("\n".join(label), style="bold" if row.section else "", no_wrap=True)]
        best = row.best()
        for i, (cell, text) in enumerate(zip(row.cells, lines, strict=True)):
            style = "red" if cell.error else ("bold green" if i in best else "")
            out.append(
                Text(
                    "\n".join(text), style="dim" if stale else style, justify="right", no_wrap=True
                )
            )
        return out

    def current(self) -> tuple[Row, int] | None:
        """The row under the cursor and the region column (the first region when the
        cursor is on the label)."""
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        column = max(self.cursor_column - 1, 0)
        return self.rows_shown[self.cursor_row], column


def _width(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def _hanging(label: str, width: int) -> list[str]:
    """``label`` wrapped to ``width``, its indent kept on every line."""
    body = label.lstrip(" ")
    indent = " " * (len(label) - len(body))
    return [indent + line for line in wrap(body, width - len(indent))]
