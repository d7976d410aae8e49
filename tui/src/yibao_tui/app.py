"""The yibao counter app: one factory (:func:`make_app`) used by the CLI and the tests.

The app holds the case in progress and the last valid answers; it asks the engine for
every number (:func:`yibao.engine.compare`) and hands the answers to the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, ThemeProvider
from textual.widgets import SelectionList, TabbedContent
from yibao.engine import compare
from yibao.model import Claim, Scenario
from yibao.registry import Registry, default_registry
from yibao.results import Comparison, RegionResult
from yibao.scenario_io import load_scenario
from yibao.textsafe import printable
from yibao.vocabulary import claim_label
from yibao.whatif import district_owners, home_region

from yibao_tui.domain import autosave, export, view
from yibao_tui.domain.config import Config, check_choice, config_path
from yibao_tui.domain.curve import curves
from yibao_tui.domain.fields import HOME_FIELDS
from yibao_tui.domain.form import (
    CaseForm,
    Problems,
    choices_of,
    claim_clash,
    default_year,
    enrollment_clash,
    from_scenario,
    to_scenario,
)
from yibao_tui.domain.i18n import Lang, pick, tr
from yibao_tui.domain.keys import KEYS, SCOPES
from yibao_tui.domain.toml_out import to_toml
from yibao_tui.screens.dialogs import (
    ExplainScreen,
    ExportDialog,
    HelpScreen,
    PathDialog,
    RowDialog,
)
from yibao_tui.screens.main import MainScreen
from yibao_tui.widgets.form_grid import FormGrid
from yibao_tui.widgets.keys import bindings, relabel, relabel_textual
from yibao_tui.widgets.palette import Palette, system_commands
from yibao_tui.widgets.tables import (
    ClaimsTable,
    EnrollmentTable,
    EventsTable,
    ListTable,
    ResultTable,
)

TABLES: dict[str, type[ListTable]] = {
    "enrollment": EnrollmentTable,
    "events": EventsTable,
    "claims": ClaimsTable,
}
"""The table showing each list of the case."""
MAX_COMPARE = 4
SECTIONS = ("#person-form Input", "#enrollment", "#events", "#claims")
"""What F3 focuses in turn on the case tab."""


class YibaoApp(App[None]):
    CSS_PATH = "yibao.tcss"
    TITLE = "yibao"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        session: autosave.Session,
        *,
        lang: Lang = "zh",
        registry: Registry | None = None,
        state_dir: Path | None = None,
        notice: str | None = None,
        home: str | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.lang = lang
        relabel(self, lang)
        self.config = config or Config()
        if self.config.theme:
            self.theme = self.config.theme
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.registry = registry or default_registry()
        self.codes = self.registry.codes()
        self.choices = choices_of(self.registry)
        self.names = {code: pick(lang, zh, en) for code, zh, en in self.choices.regions}
        self.form = session.form
        self.path = session.path
        self.home = home
        """The counter's region (``--region`` or the config file): the app starts on it."""
        if home in self.codes:
            self.region = home
        elif session.region in self.codes:
            self.region = session.region
        else:
            self.region = self._home()
        picked = [c for c in session.compare if c in self.codes]
        self.picked = picked if len(picked) >= 2 else self._default_picked()
        self.state_dir = state_dir
        self.notice = notice
        self.last: Scenario | None = None
        self.result: RegionResult | None = None
        self.comparison: Comparison | None = None
        self.problems = Problems()
        self.stale = False
        self.curve_claim = 0
        self.unseen: set[str] = set()
        """Tabs whose answers changed since they were last drawn."""
        self.note: tuple[str, str] = ("", "")
        """The last export's outcome for the status line: ``(text, style)``."""
        self.draft: autosave.Draft | None = session.draft
        """The row being typed in a dialog (autosaved with the case)."""

    # ---- state --------------------------------------------------------------------

    def _home(self) -> str:
        scenario, _ = to_scenario(self.form, self.choices, self.lang)
        if scenario is not None:
            owners = district_owners(
                (c, [d for d, r in self.choices.districts if r == c]) for c in self.codes
            )
            home = home_region(scenario, owners)
            if home in self.codes:
                return home
        return self.codes[0] if self.codes else ""

    def _default_picked(self) -> list[str]:
        start = self.codes.index(self.region) if self.region in self.codes else 0
        ordered = self.codes[start:] + self.codes[:start]
        return ordered[:3]

    def session(self) -> autosave.Session:
        return autosave.Session(
            self.form, self.region, list(self.picked), self.path, draft=self.draft
        )

    def notify(self, message: str, **kwargs: Any) -> None:
        """A notification shows its message as data (a path or a claim id may hold
        ``[`` or a control character), never as markup."""
        kwargs.setdefault("markup", False)
        super().notify(printable(message), **kwargs)

    def get_default_screen(self) -> Screen:
        regions = [(code, self.names[code]) for code in self.codes]
        return MainScreen(self.form, self.choices, regions, self.picked, self.lang, self.region)

    def on_mount(self) -> None:
        self.title = tr("app_title", self.lang)
        if self.notice:
            self.notify(self.notice, timeout=10)
        if self.draft is not None:  # a dialog was open when the app last stopped
            self.call_after_refresh(self._reopen_draft, self.draft)

    def _reopen_draft(self, draft: autosave.Draft) -> None:
        items = getattr(self.form, draft.list)
        index = draft.index if draft.index is not None and draft.index < len(items) else None
        self._open(draft.list, index, draft.row)
        self.notify(tr("draft_restored", self.lang))

    def _dialogs(self) -> dict[str, tuple[str, Any, Callable[[int | None], Any]]]:
        """Each list's dialog: title key, fields, and the check across rows."""
        return {
            "enrollment": (
                "dlg_enrollment",
                self.choices.fields("enrollment"),
                lambda i: enrollment_clash(self.form, i, self.lang),
            ),
            "events": ("dlg_event", self.choices.fields("event"), lambda i: None),
            "claims": (
                "dlg_claim",
                self.choices.fields("claim"),
                lambda i: claim_clash(self.form, i, self.lang),
            ),
        }

    def recompute(self, *, force: bool = False) -> None:
        """Check the form; when valid and changed, ask the engine again. Then autosave
        and redraw (only the form's messages when the answers cannot have changed)."""
        scenario, self.problems = to_scenario(self.form, self.choices, self.lang, self.region)
        changed = scenario is not None and scenario != self.last
        stale = scenario is None and self.last is not None
        if changed:
            self.last = scenario
            self.note = ("", "")  # an export's outcome is about an earlier case
        if changed or stale != self.stale or force or self.result is None:
            self.stale = stale
            self.evaluate()
        else:
            self.redraw_form()
        self.save_session()

    def evaluate(self) -> None:
        """Ask the engine about the last valid case, in the region and the compared ones."""
        if self.last is not None and self.region:
            self.result = compare(self.last, [self.region], registry=self.registry).results[0]
            self.comparison = (
                compare(self.last, self.picked, registry=self.registry)
                if len(self.picked) >= 2
                else None
            )
        self.redraw()

    def save_session(self) -> None:
        if self.state_dir is not None:
            autosave.save(self.session(), self.state_dir)

    # ---- drawing ------------------------------------------------------------------

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def claims(self) -> tuple[Claim, ...]:
        return self.last.claims if self.last else ()

    def redraw_form(self) -> None:
        self.main.show_form(self.form, self.problems)
        self.redraw_status()

    def redraw_status(self) -> None:
        note, short = self.note, ""
        if not note[0] and self.home is None:  # until a home region is set, say how
            note, short = (tr("home_hint", self.lang), "dim"), tr("home_hint_short", self.lang)
        self.main.show_status(
            self.names.get(self.region, self.region), self.problems, self.stale, note, short
        )

    def redraw(self) -> None:
        """Redraw the form and the tab in view; the other tabs as they come into view
        (typing in the case redraws no hidden table)."""
        self.redraw_form()
        self.main.set_class(self.stale, "-stale")
        self.unseen = {"result", "compare"}
        self.draw_tab(self.main.query_one(TabbedContent).active)

    def draw_tab(self, name: str) -> None:
        """Draw tab ``name`` if its answers changed since it was last drawn (the curve
        always: the selected claim may have changed)."""
        if name == "curve":
            self.draw_curve()
        elif name in self.unseen:
            self.unseen.discard(name)
            if name == "result":
                self.draw_result()
            else:
                self.draw_compare()

    def draw_result(self) -> None:
        results = [self.result] if self.result else []
        self.main.show_result(
            view.rows(results, self.claims(), self.lang),
            self.names.get(self.region, self.region),
            view.notes(self.result, self.lang) if self.result else [],
            self.stale,
            self.result is None,
        )

    def draw_compare(self) -> None:
        if self.comparison is None:
            self.main.show_compare([], [], [], self.stale)
            return
        res = self.comparison.results
        self.main.show_compare(
            view.rows(res, self.claims(), self.lang),
            [self.names.get(r.region, r.region) for r in res],
            [view.notes(r, self.lang) for r in res],
            self.stale,
        )

    def draw_curve(self) -> None:
        main = self.main
        table = main.query_one(ClaimsTable)
        index = table.selected(len(self.form.claims))
        if self.last is None or not self.last.claims:
            main.show_curve(tr("curve_none", self.lang), [], "", self.names)
            return
        index = min(index or 0, len(self.last.claims) - 1)
        claim = self.last.claims[index]
        regions = self.picked if len(self.picked) >= 2 else [self.region]
        found = curves(self.last, index, regions, registry=self.registry)
        title = tr("curve_title", self.lang, claim=claim_label(claim, self.lang))
        gaps = [self.names.get(c.region, c.region) for c in found if None in c.ys]
        gap_text = tr("curve_gap", self.lang, regions="、".join(gaps)) if gaps else ""
        main.show_curve(title, found, gap_text, self.names)

    # ---- events from the screen ----------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        relabel_textual(event.widget, self.lang)

    def on_form_grid_edited(self, event: FormGrid.Edited) -> None:
        if event.grid.id == "person-form" and event.name in HOME_FIELDS:
            self.main.show_elsewhere(self.picked)
        self.recompute()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if event.selection_list.id != "compare-pick":
            return
        chosen = list(event.selection_list.selected)
        if len(chosen) > MAX_COMPARE:
            self.notify(tr("compare_max", self.lang), severity="warning")
            event.selection_list.deselect(chosen[-1])
            return
        ordered = [c for c in self.codes if c in chosen]
        if len(ordered) < 2:
            self.notify(tr("compare_need", self.lang), severity="warning")
        self.picked = ordered
        self.main.show_elsewhere(self.picked)
        self.evaluate()
        self.save_session()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.draw_tab(str(event.pane.id))

    # ---- actions: regions and tabs -------------------------------------------------

    def action_next_region(self, step: int = 1) -> None:
        if not self.codes:
            return
        i = self.codes.index(self.region) if self.region in self.codes else -1
        self.set_region(self.codes[(i + step) % len(self.codes)])

    def action_prev_region(self) -> None:
        self.action_next_region(-1)

    def set_region(self, code: str) -> None:
        self.region = code
        self.main.set_region(code)
        self.main.show_elsewhere(self.picked)
        self.recompute(force=True)
        self.notify(tr("region_now", self.lang, name=self.names.get(code, code)), timeout=2)

    def action_show_tab(self, name: str) -> None:
        tabs = self.main.query_one(TabbedContent)
        if name == "case" and tabs.active == "case":
            self._next_section()
            return
        tabs.active = name
        target = {
            "case": SECTIONS[0],
            "result": "#result-table",
            "compare": "#compare-table",
            "curve": "#tabs Tabs",  # the plot takes no focus; a hidden field would take
        }  # its tab back
        self.main.query(target[name]).first().focus()

    def _next_section(self) -> None:
        """F3 again on the case: person → enrolment → events → claims → person."""
        focused = self.focused
        current = -1
        for i, selector in enumerate(SECTIONS):
            node = self.main.query(selector).first()
            if focused is not None and (focused is node or node in focused.ancestors):
                current = i
            if (
                i == 0
                and focused is not None
                and self.main.query_one("#person-form") in focused.ancestors
            ):
                current = 0
        self.main.query(SECTIONS[(current + 1) % len(SECTIONS)]).first().focus()

    def action_help(self) -> None:
        path = self.config.path or config_path()
        self.push_screen(HelpScreen(self.lang, self.keymap(), str(path)))

    def keymap(self) -> dict[str, str]:
        """The keys of every binding id, remapped ones included."""
        return {k.id: self.config.keymap.get(k.id, k.key) for k in KEYS}

    def action_focus_claims(self) -> None:
        """Straight to the claims table (from any tab), its cursor where it was."""
        self.main.query_one(TabbedContent).active = "case"
        table = self.main.query_one(ClaimsTable)
        table.focus()
        self.call_after_refresh(table.scroll_visible, animate=False)

    def action_explain(self) -> None:
        if isinstance(self.focused, ResultTable):
            self._explain(self.focused)

    def _explain(self, table: ResultTable) -> None:
        """The steps of the number under ``table``'s cursor."""
        if (found := table.current()) is None:
            return
        row, column = found
        if row.section or column >= len(row.cells):
            return
        cell = row.cells[column]
        heading = table.headings[column] if column < len(table.headings) else ""
        label = row.label.strip()
        claim = view.claim_heading(table.rows_shown, row.key)
        if claim:  # which claim the number belongs to: the row alone says 基本医保统筹基金
            label = f"{claim} · {label}"
        title = f"{tr('explain', self.lang)} · {heading} · {label} = {cell.text}"
        self.push_screen(ExplainScreen(title, cell.steps, self.lang))

    def action_claim_explain(self) -> None:
        """The selected claim's settlement explained: the result tab, the cursor on
        what the basic fund pays for it (its status where it is not settled), and the
        steps of that number."""
        i = self._selected(ClaimsTable, self.form.claims)
        if i is None:
            return
        cid = str(self.form.claims[i].get("id", ""))
        self.action_show_tab("result")
        self.draw_tab("result")  # now, not when the tab's activation arrives
        table = self.main.query_one("#result-table", ResultTable)
        keys = [r.key for r in table.rows_shown]
        for key in (f"claim:{cid}:basic_fund", f"claim:{cid}:status"):
            if key in keys:
                table.move_cursor(row=keys.index(key), column=1, animate=False)
                self._explain(table)
                return

    # ---- actions: lists ------------------------------------------------------------

    def _open(self, name: str, index: int | None, raw: dict) -> None:
        """The dialog for row ``index`` of list ``name`` (``None``: the new row ``raw``);
        the row being typed is autosaved as a draft until the dialog closes."""
        items = getattr(self.form, name)
        title, specs, clash = self._dialogs()[name]

        def typed(row: dict) -> None:
            self.draft = autosave.Draft(name, index, dict(row))
            self.save_session()

        def done(result: dict | None) -> None:
            self.draft = None
            if result is None:
                self.save_session()
                return
            if index is None:
                items.append(result)
            else:
                items[index] = result
            self.recompute()
            self._show_row(TABLES[name], len(items) - 1 if index is None else index)

        dialog = RowDialog(
            tr(title, self.lang), specs, raw, self.choices, self.lang, clash(index), on_change=typed
        )
        self.push_screen(dialog, done)

    def _show_row(self, table_type: type[ListTable], index: int) -> None:
        """Put the cursor on row ``index`` and scroll the case so it is in view (an
        added or duplicated row would otherwise land below the screen at 80×24)."""
        table = self.main.query_one(table_type)
        table.move_cursor(row=index)
        self.call_after_refresh(table.scroll_visible, animate=False)

    def _selected(self, table_type: type, items: list) -> int | None:
        return self.main.query_one(table_type).selected(len(items))

    def _remove(self, table_type: type, items: list) -> None:
        index = self._selected(table_type, items)
        if index is not None:
            del items[index]
            self.recompute()

    def action_enrollment_add(self) -> None:
        self._open("enrollment", None, self.form.new_enrollment(self.region, self.codes))

    def action_enrollment_edit(self) -> None:
        i = self._selected(EnrollmentTable, self.form.enrollment)
        if i is not None:
            self._open("enrollment", i, self.form.enrollment[i])

    def action_enrollment_toggle_reimbursed(self) -> None:
        i = self._selected(EnrollmentTable, self.form.enrollment)
        if i is not None:
            row = self.form.enrollment[i]
            row["reimbursed"] = not row.get("reimbursed")
            self.recompute()

    def action_enrollment_delete(self) -> None:
        self._remove(EnrollmentTable, self.form.enrollment)

    def action_event_add(self) -> None:
        self._open("events", None, self.form.new_event())

    def action_event_edit(self) -> None:
        i = self._selected(EventsTable, self.form.events)
        if i is not None:
            self._open("events", i, self.form.events[i])

    def action_event_delete(self) -> None:
        self._remove(EventsTable, self.form.events)

    def action_claim_add(self) -> None:
        self._open("claims", None, self.form.new_claim())

    def action_claim_edit(self) -> None:
        i = self._selected(ClaimsTable, self.form.claims)
        if i is not None:
            self._open("claims", i, self.form.claims[i])

    def action_claim_duplicate(self) -> None:
        i = self._selected(ClaimsTable, self.form.claims)
        if i is not None:
            self.form.claims.insert(i + 1, self.form.duplicate_claim(i))
            self.recompute()
            self._show_row(ClaimsTable, i + 1)

    def action_claim_delete(self) -> None:
        self._remove(ClaimsTable, self.form.claims)

    # ---- actions: files ------------------------------------------------------------

    def action_save(self) -> None:
        scenario, _ = to_scenario(self.form, self.choices, self.lang, self.region)
        if scenario is None:
            self.notify(tr("cannot_save", self.lang), severity="error")
            return

        def done(path: str | None) -> None:
            if not path:
                return
            try:
                Path(path).write_text(to_toml(scenario), "utf-8")
            except OSError as exc:  # a directory, no permission, a full disk: say so, stay
                error = f"{exc.strerror or exc} ({path})"
                self.tell(tr("save_failed", self.lang, error=error), "error")
                return
            self.path = path
            self.save_session()
            self.notify(tr("saved", self.lang, path=path))

        title = tr("save_title", self.lang)
        self.push_screen(
            PathDialog(title, self.path or "case.toml", self.lang, must_exist=False), done
        )

    def action_open(self) -> None:
        def done(path: str | None) -> None:
            if not path:
                return
            try:
                scenario = load_scenario(path, registry=self.registry)
            except Exception as exc:  # an InputError names the file and field
                self.notify(str(exc), severity="error", timeout=10)
                return
            self.replace_form(from_scenario(scenario, self.choices), path)
            self.notify(tr("opened", self.lang, path=path))

        title = tr("open_title", self.lang)
        self.push_screen(PathDialog(title, self.path or "", self.lang, must_exist=True), done)

    def action_export(self) -> None:
        """Write the comparison (the case, the compared regions) as a report file."""
        if not export.available():
            self.tell(tr("export_missing", self.lang), "error")
            return
        scenario, _ = to_scenario(self.form, self.choices, self.lang, self.region)
        if scenario is None:
            self.tell(tr("export_invalid", self.lang), "error")
            return

        def done(answer: tuple[str, bool] | None) -> None:
            if answer:
                self.tell(tr("export_busy", self.lang, path=answer[0]), "", notify=False)
                self.run_worker(
                    partial(self._export, scenario, *answer), thread=True, group="export"
                )

        title = tr("export_title", self.lang)
        self.push_screen(ExportDialog(title, export.default_path(self.path), self.lang), done)

    def _export(self, scenario: Scenario, path: str, charts: bool) -> None:
        """In a worker thread: build and write the report, then tell how it went."""
        regions = self.picked if len(self.picked) >= 2 else [self.region]
        source = Path(self.path).name if self.path else "yibao tui"
        try:
            export.write_report(
                scenario,
                regions,
                path,
                registry=self.registry,
                lang=self.lang,
                source=source,
                charts=charts,
            )
        except Exception as exc:  # a report that cannot be written must not end the app
            error = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            message, style = tr("export_failed", self.lang, error=error), "error"
        else:
            message, style = tr("exported", self.lang, path=path), "information"
        self.call_from_thread(self.tell, message, style)

    def tell(self, message: str, severity: str, *, notify: bool = True) -> None:
        """Put ``message`` in the status line (and a notification)."""
        styles = {"error": "bold red", "information": "green", "": "dim"}
        self.note = (message, styles.get(severity, ""))
        self.redraw_status()
        if notify:
            self.notify(message, severity="error" if severity == "error" else "information")

    def action_new_case(self) -> None:
        kept = autosave.backup(self.state_dir) if self.state_dir else None
        self.replace_form(CaseForm.new(default_year()), None)
        if kept:
            self.notify(tr("new_case", self.lang, path=kept))

    def replace_form(self, form: CaseForm, path: str | None) -> None:
        """Show another case: compose the main screen again around it."""
        self.form, self.path, self.last, self.result, self.comparison = form, path, None, None, None
        self.region = self._home() if path else self.region
        self.main.form, self.main.shown_region = form, self.region
        self.run_worker(self._rebuild(), exclusive=True, group="rebuild")

    async def _rebuild(self) -> None:
        main = self.main
        await main.recompose()
        self.recompute(force=True)
        main.query("#person-form Input").first().focus()

    # ---- command palette -----------------------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(self.lang, id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(Palette(self.lang, themes=True, providers=[ThemeProvider]))

    def action_help_quit(self) -> None:
        """ctrl+c does not quit: say which key does, in the app's language."""
        keys = self.keymap().get("yibao.quit", "ctrl+q")
        self.notify(tr("quit_hint", self.lang, key=keys), title=tr("quit_title", self.lang))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from system_commands(super().get_system_commands(screen), self.lang)
        for k in KEYS:
            if k.palette and k.scope not in ("dialog", "modal"):
                where = pick(self.lang, *SCOPES[k.scope])
                yield SystemCommand(
                    f"{k.label(self.lang)} ({where})",
                    k.key,
                    self._runner(k.action.removeprefix("app.")),
                )
        for code in self.codes:
            name = self.names[code]
            yield SystemCommand(
                tr("region_to", self.lang, name=name),
                tr("region_to_help", self.lang),
                partial(self.set_region, code),
            )

    def _runner(self, action: str) -> Callable[[], Any]:
        async def run() -> None:
            await self.run_action(action)

        return run


def make_app(
    scenario_path: Path | str | None = None,
    *,
    lang: Lang = "zh",
    registry: Registry | None = None,
    state_dir: Path | None = None,
    restore: bool = True,
    region: str | None = None,
    config: Config | None = None,
) -> YibaoApp:
    """The app, opening ``scenario_path`` or restoring the autosaved case (or a new one).

    ``state_dir`` is where autosaves go (default: :func:`autosave.state_dir`). The app
    starts on ``region`` (``--region``), else on ``config``'s home region, else on the
    region of the case (:class:`YibaoApp`); ``config`` also gives the theme and keymap
    (its language is the caller's to apply). Raises :class:`yibao.errors.InputError`
    for a scenario file that does not decode or a config naming what is not installed,
    :class:`yibao.errors.UnknownRegion` for an unknown ``region``.
    """
    registry = registry or default_registry()
    config = config or Config()
    if region is not None:
        registry.region(region)  # an unknown code is an error, not a silent start elsewhere
    check_choice(config, "region", registry.codes())
    check_choice(config, "theme", BUILTIN_THEMES)
    state = state_dir if state_dir is not None else autosave.state_dir()
    notice = None
    session = None
    if scenario_path is not None:
        scenario = load_scenario(scenario_path, registry=registry)
        session = autosave.Session(
            from_scenario(scenario, choices_of(registry)), path=str(scenario_path)
        )
    elif restore:
        session, kept = _restored(state, registry)
        if session is not None:
            notice = tr("restored", lang)
        elif kept is not None:
            notice = tr("autosave_unreadable", lang, path=kept)
    if session is None:
        session = autosave.Session(CaseForm.new(default_year()))
    return YibaoApp(
        session,
        lang=lang,
        registry=registry,
        state_dir=state,
        notice=notice,
        home=region or config.region,
        config=config,
    )


def _restored(state: Path, registry: Registry) -> tuple[autosave.Session | None, str | None]:
    """The autosaved session, if one reads back and its form converts as the app will
    convert it; else ``None`` and where an unreadable file was kept."""
    session, kept = autosave.restore(state)
    if session is None:
        return None, kept
    try:
        to_scenario(session.form, choices_of(registry), "en", session.region)
    except Exception:  # a value the form cannot hold: keep the file, start clean
        return None, str(autosave.set_aside(state / autosave.FILE))
    return session, None
