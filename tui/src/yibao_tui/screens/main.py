"""The one main screen: the case form, the result, the comparison and the cost curve, as
tabs (F3–F6), under a status line that names the region (F2) and the form's state."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from yibao_tui.domain.curve import STYLES, UNITS, Curve, ticks
from yibao_tui.domain.fields import CASE_FIELDS, Choices, elsewhere_fields
from yibao_tui.domain.form import CaseForm, Problems, elsewhere_context, elsewhere_regions
from yibao_tui.domain.i18n import Lang, tr
from yibao_tui.domain.view import Row
from yibao_tui.widgets import quiet
from yibao_tui.widgets.form_grid import FormGrid
from yibao_tui.widgets.notes import Notes
from yibao_tui.widgets.plain import plain
from yibao_tui.widgets.tables import ClaimsTable, EnrollmentTable, EventsTable, ResultTable
from yibao_tui.widgets.ticks import TickList


class MainScreen(Screen):
    def __init__(
        self,
        form: CaseForm,
        choices: Choices,
        regions: Sequence[tuple[str, str]],
        picked: Sequence[str],
        lang: Lang,
        region: str = "",
    ) -> None:
        super().__init__()
        self.shown_region = region
        self.form = form
        self.choices = choices
        self.regions = list(regions)
        self.picked = list(picked)
        self.lang = lang
        self._problems = Problems()

    def compose(self) -> ComposeResult:
        t = self.lang
        yield Static("", id="status")
        with TabbedContent(initial="case", id="tabs"):
            with TabPane(tr("tab_case", t) + " F3", id="case"):
                yield from self._case_pane()
            with TabPane(tr("tab_result", t) + " F4", id="result"):
                yield Static("", id="result-head", classes="pane-head")
                yield ResultTable(t, id="result-table")
                with VerticalScroll(id="result-notes", classes="notes"):
                    yield Notes(id="result-notes-text")
            with TabPane(tr("tab_compare", t) + " F5", id="compare"):
                with Horizontal(id="compare-top"):
                    yield Label(tr("compare_pick", t), id="compare-pick-label")
                    yield TickList(
                        *[(name, code, code in self.picked) for code, name in self.regions],
                        id="compare-pick",
                        compact=True,
                    )
                yield ResultTable(t, id="compare-table")
                yield Horizontal(id="compare-notes", classes="notes")
            with TabPane(tr("tab_curve", t) + " F6", id="curve"):
                yield Static("", id="curve-head", classes="pane-head")
                yield PlotextPlot(id="curve-plot")
        # ^p is in the help (f1); its footer entry would push ^s save off 80 columns.
        yield Footer(show_command_palette=False)

    def _case_pane(self) -> ComposeResult:
        t = self.lang
        with VerticalScroll(id="case-scroll"):
            yield Label(tr("sec_person", t), classes="section")
            yield FormGrid(
                (*CASE_FIELDS, *self.choices.fields("person")),
                self.form.case,
                self.choices,
                t,
                id="person-form",
                region=self.shown_region,
            )
            yield Static("", id="whole-msg", classes="field-msg")
            yield Label(tr("sec_elsewhere", t), classes="section")
            with Vertical(id="elsewhere"):
                yield from self._elsewhere_grids(self._elsewhere_codes())
            yield Label(tr("sec_enrollment", t) + "  (a n enter x)", classes="section")
            yield EnrollmentTable(t, id="enrollment", names=dict(self.regions))
            yield Label(tr("sec_events", t) + "  (a enter x)", classes="section")
            yield EventsTable(t, id="events")
            yield Label(tr("sec_claims", t) + "  F7  (a enter d e x)", classes="section")
            yield ClaimsTable(t, id="claims")

    def on_mount(self) -> None:
        self.app.recompute()  # type: ignore[attr-defined]
        self.query("#person-form Input").first().focus()

    def _elsewhere_codes(self) -> list[str]:
        return elsewhere_regions(self.form, self.choices, [*self.picked, self.shown_region])

    def _elsewhere_grids(self, codes: Sequence[str]) -> list[Static | FormGrid]:
        """One small grid per region: the district and category assumed there."""
        if not codes:
            return [Static(tr("elsewhere_none", self.lang), classes="hint")]
        names = {code: (zh, en) for code, zh, en in self.choices.regions}
        return [
            FormGrid(
                elsewhere_fields(*names[code]),
                self.form.elsewhere.setdefault(code, {"district": "", "category": ""}),
                self.choices,
                self.lang,
                id=f"elsewhere-{code}",
                context=elsewhere_context(self.form, code),
            )
            for code in codes
        ]

    def show_elsewhere(self, picked: Sequence[str]) -> None:
        """Offer the ``[elsewhere]`` rows of the regions now compared or shown (a region
        or the home changed), or refresh their choices (the scheme changed)."""
        self.picked = list(picked)
        codes = self._elsewhere_codes()
        box = self.query_one("#elsewhere", Vertical)
        grids = list(box.query(FormGrid).results(FormGrid))
        if [g.id for g in grids] == [f"elsewhere-{c}" for c in codes] and grids:
            for grid, code in zip(grids, codes, strict=True):
                grid.set_context(elsewhere_context(self.form, code))
            return
        remount = partial(self._remount_elsewhere, list(codes))
        self.run_worker(remount, exclusive=True, group="elsewhere")

    async def _remount_elsewhere(self, codes: Sequence[str]) -> None:
        box = self.query_one("#elsewhere", Vertical)
        await box.remove_children()
        await box.mount_all(self._elsewhere_grids(codes))
        self._show_elsewhere_errors()

    def _show_elsewhere_errors(self) -> None:
        found = self._problems.elsewhere
        for grid in self.query("#elsewhere FormGrid").results(FormGrid):
            grid.show_errors(found.get(str(grid.id).removeprefix("elsewhere-"), {}))

    def set_region(self, region: str) -> None:
        """The region shown changed: the category field may offer other words."""
        self.shown_region = region
        self.query_one("#person-form", FormGrid).set_region(region)

    # ---- drawing ---------------------------------------------------------------------

    def show_form(self, form: CaseForm, problems: Problems) -> None:
        self.query_one("#person-form", FormGrid).show_errors(problems.case)
        self._problems = problems
        self._show_elsewhere_errors()
        whole = self.query_one("#whole-msg", Static)
        quiet.update(whole, problems.whole or "")
        whole.set_class(bool(problems.whole), "-error")
        self.query_one(EnrollmentTable).show(form.enrollment, problems.enrollment)
        self.query_one(EventsTable).show(form.events, problems.events)
        self.query_one(ClaimsTable).show(form.claims, problems.claims)

    def show_status(
        self,
        region: str,
        problems: Problems,
        stale: bool,
        note: tuple[str, str] = ("", ""),
        short: str = "",
    ) -> None:
        """The region, the form's state and the last file operation's ``(text, style)``
        (``short``: fewer words for the note, where it does not fit)."""
        t = self.lang
        parts = [
            Text(f" {tr('region', t)}: ", style="bold"),
            plain(region, style="bold reverse"),
            Text("  F2  ", style="dim"),
        ]
        n = problems.count()
        if n:
            parts.append(Text(tr("form_errors", t, n=n), style="bold red"))
        else:
            parts.append(Text(tr("form_ok", t), style="green"))
        if stale:
            parts.append(Text("  ⚠ " + tr("stale", t), style="bold yellow"))
        status = self.query_one("#status", Static)
        if note[0]:  # the short words where the long ones would not fit (a long region
            tail = plain("  " + note[0], style=note[1])  # name); a file's path is cut
            if short and Text.assemble(*parts, tail).cell_len > (status.size.width or 80):
                tail = plain("  " + short, style=note[1])
            parts.append(tail)
        line = Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
        quiet.update(status, line)

    def show_result(
        self, rows: Sequence[Row], heading: str, notes: Sequence[str], stale: bool, empty: bool
    ) -> None:
        t = self.lang
        head = tr("no_result", t) if empty else heading
        if stale and not empty:
            head += "  ⚠ " + tr("stale", t)
        quiet.update(self.query_one("#result-head", Static), head)
        self.query_one("#result-table", ResultTable).show(rows, [heading], stale=stale)
        self.query_one("#result-notes-text", Notes).show(self._items(notes))

    def show_compare(
        self,
        rows: Sequence[Row],
        headings: Sequence[str],
        notes: Sequence[Sequence[str]],
        stale: bool,
    ) -> None:
        self.query_one("#compare-table", ResultTable).show(rows, headings, stale=stale)
        box = self.query_one("#compare-notes", Horizontal)
        columns = list(box.query(".note-col Notes").results(Notes))
        if len(columns) != len(headings):
            box.remove_children()
            columns = [Notes() for _ in headings]
            box.mount_all(VerticalScroll(n, classes="note-col") for n in columns)
        for column, heading, lines in zip(columns, headings, notes, strict=True):
            column.show(self._items(lines), heading)

    def _items(self, lines: Sequence[str]) -> list[tuple[str, str]]:
        """Notes as ``(text, style)``: an error in red (and saying so in words)."""
        error = tr("error", self.lang)
        return [(line, "red" if line.startswith(error) else "") for line in lines]

    def show_curve(
        self, title: str, curves: Sequence[Curve], gaps: str, names: dict[str, str]
    ) -> None:
        """The patient's share against the compliant amount, one series per region.

        Words (title, legend, axes, gaps) are drawn above the plot in the app's
        language; the plot itself holds only ASCII numbers (plotext counts one cell
        per character, so Chinese inside it would shift its lines)."""
        t = self.lang
        head = Text(title, style="bold")
        legend = Text()
        for curve, (_, glyph, colour) in zip(curves, STYLES, strict=False):
            legend.append(f"  {glyph} ", style="bold rgb({},{},{})".format(*colour))
            legend.append(names.get(curve.region, curve.name))
        unit = UNITS.get(t, UNITS["en"])[1]
        axes = tr("curve_axes", t, unit=unit)
        lines = [head, legend, Text(axes, style="dim")]
        if gaps:
            lines.append(Text(gaps, style="yellow"))
        quiet.update(self.query_one("#curve-head", Static), Text("\n").join(lines))
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        top = Decimal(0)
        for curve, (marker, _, colour) in zip(curves, STYLES, strict=False):
            xs, ys = curve.drawn()
            if xs:
                plt.plot(xs, ys, marker=marker, color=colour)
            top = max([top, *(y for y in curve.ys if y is not None)])
        if curves:
            xs = [float(x) for x in curves[0].xs]
            positions, labels = ticks(Decimal(str(max(xs, default=0))), t)
            plt.xticks(positions, labels)
            plt.xlim(0, positions[-1])
            positions, labels = ticks(top, t)
            plt.yticks(positions, labels)
            plt.ylim(0, positions[-1])
        plot.refresh()
