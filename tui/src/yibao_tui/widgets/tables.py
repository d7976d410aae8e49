"""Tables: the case's lists (enrolment, events, claims) and the result/compare table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from yibao_tui.domain.i18n import Lang, tr, word
from yibao_tui.domain.view import Row
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

    def on_mount(self) -> None:
        self.add_column("", key="flag", width=1)
        for name, zh, en in self.fields_shown:
            self.add_column(zh if self.lang == "zh" else en, key=name)

    def show(self, items: Sequence[dict[str, Any]], problems: dict[int, dict[str, str]]) -> None:
        """Redraw the rows (when they changed), keeping the cursor where it was."""
        shown = (repr(list(items)), repr(problems))
        if shown == getattr(self, "_shown", None):
            return
        self._shown = shown
        row = self.cursor_row
        self.clear()
        for i, item in enumerate(items):
            flag = Text("⚠", style="bold red") if i in problems else ""
            self.add_row(
                flag, *[self.cell(name, item.get(name)) for name, _, _ in self.fields_shown]
            )
        if not items:
            self.add_row(
                "",
                Text(tr(self.empty_key, self.lang), style="dim"),
                *[""] * (len(self.fields_shown) - 1),
            )
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
    """Rows of :mod:`yibao_tui.domain.view`, one column per region; better cells starred."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("results")

    def __init__(self, lang: Lang, *, id: str | None = None) -> None:
        super().__init__(lang, id=id)
        self.cursor_type = "cell"
        self.rows_shown: list[Row] = []
        self.headings: list[str] = []
        self._shown: tuple[list[Row], list[str], bool] | None = None

    def show(self, rows: Sequence[Row], headings: Sequence[str], *, stale: bool) -> None:
        """Redraw with ``rows`` (when anything changed); a stale result is drawn dim."""
        shown = (list(rows), list(headings), stale)
        if shown == self._shown and self.columns:
            return
        self._shown = shown
        cursor = self.cursor_coordinate
        fresh = list(headings) != self.headings or not self.columns
        self.clear(columns=fresh)
        if fresh:
            width = max(
                14, min(28, self.app.size.width - 13 * len(headings) - 4 * len(headings) - 2)
            )
            self.add_column(tr("col_item", self.lang), key="label", width=width)
            for i, h in enumerate(headings):
                self.add_column(Text(h, justify="right"), key=f"r{i}")
            self.headings = list(headings)
        self.rows_shown = list(rows)
        for row in rows:
            self.add_row(*self._cells(row, stale), key=row.key)
        if rows:
            self.move_cursor(row=min(cursor.row, len(rows) - 1), column=cursor.column)

    def _cells(self, row: Row, stale: bool) -> list[Text]:
        if row.section:
            return [Text(row.label, style="bold", no_wrap=True, overflow="ellipsis")] + [
                Text("") for _ in row.cells
            ]
        best = row.best()
        out = [Text(row.label, no_wrap=True, overflow="ellipsis")]
        for i, cell in enumerate(row.cells):
            style = "red" if cell.error else ("bold green" if i in best else "")
            text = ("★ " if i in best else "") + cell.text
            out.append(
                Text(
                    text,
                    style="dim" if stale else style,
                    justify="right",
                    no_wrap=True,
                    overflow="ellipsis",
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
