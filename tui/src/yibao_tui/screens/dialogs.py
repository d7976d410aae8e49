"""Modal dialogs: edit one row of the case, choose a file, explain a number, list keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, DirectoryTree, Footer, Input, Label, Static
from yibao.results import Step
from yibao.vocabulary import step_cite

from yibao_tui.domain.export import FORMATS, format_of
from yibao_tui.domain.fields import Choices, FieldSpec, errors
from yibao_tui.domain.i18n import Lang, pick, tr
from yibao_tui.domain.keys import BUILTIN, KEYS, SCOPES
from yibao_tui.widgets.form_grid import FormGrid
from yibao_tui.widgets.keys import bindings, relabel
from yibao_tui.widgets.plain import plain
from yibao_tui.widgets.ticks import Tick

Extra = Callable[[dict[str, Any]], dict[str, str]]


class _Modal(ModalScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings("modal")

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang
        relabel(self, lang)

    def action_close(self) -> None:
        self.dismiss(None)


class RowDialog(_Modal):
    """Edit one enrolment year, life event or claim; validates as typed."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("dialog")

    def __init__(
        self,
        title: str,
        specs: Sequence[FieldSpec],
        raw: dict[str, Any],
        choices: Choices,
        lang: Lang,
        extra: Extra | None = None,
        *,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(lang)
        self.title_text = title
        self.specs = tuple(specs)
        self.raw = dict(raw)
        self.choices = choices
        self.extra = extra
        self.on_change = on_change
        """Told the row after every edit (the app autosaves it as a draft)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield FormGrid(self.specs, self.raw, self.choices, self.lang, id="dialog-form")
            yield Static("", id="dialog-msg", classes="field-msg")
            with Horizontal(classes="dialog-buttons"):
                yield Button(tr("ok", self.lang), variant="primary", id="ok", compact=True)
                yield Button(tr("cancel", self.lang), id="cancel", compact=True)
        yield Footer(show_command_palette=False)

    def _problems(self) -> dict[str, str]:
        found = errors(self.specs, self.raw, self.choices, self.lang)
        if self.extra is not None:
            for name, message in self.extra(self.raw).items():
                found.setdefault(name, message)
        return found

    def _validate(self) -> dict[str, str]:
        found = self._problems()
        self.query_one(FormGrid).show_errors(found)
        return found

    def on_mount(self) -> None:
        self._validate()
        self.query_one(FormGrid).query("Input, Select, Checkbox").first().focus()
        if self.on_change is not None:
            self.on_change(self.raw)

    def on_form_grid_edited(self, event: FormGrid.Edited) -> None:
        event.stop()  # the case is unchanged until OK
        self._validate()
        self.query_one("#dialog-msg", Static).update("")
        if self.on_change is not None:
            self.on_change(self.raw)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_ok()
        else:
            self.dismiss(None)

    def action_ok(self) -> None:
        if self._validate():
            self.query_one("#dialog-msg", Static).update(tr("dlg_fix", self.lang))
            return
        self.dismiss(self.raw)


class Files(DirectoryTree):
    """The folders, and the files whose ending is one of ``endings``."""

    def __init__(self, path: Path, endings: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        self.endings = tuple(endings)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in self.endings)
        ]


class PathDialog(_Modal):
    """Choose a file: type its path, or pick it in the folder tree below (tab). Picking
    a file fills the path in (and opens it, with ``must_exist``); picking a folder keeps
    the file name and moves it there; typing a folder shows that folder."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("dialog")
    endings: ClassVar[tuple[str, ...]] = (".toml", ".json")
    hint_key: ClassVar[str] = "path_hint"

    def __init__(self, title: str, path: str, lang: Lang, *, must_exist: bool) -> None:
        super().__init__(lang)
        self.title_text = title
        self.path = path
        self.must_exist = must_exist

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-files"):
            yield Label(self.title_text, classes="dialog-title")
            prompt = tr("path_prompt", self.lang)
            yield Input(self.path, placeholder=prompt, id="path", compact=True)
            yield from self._options()
            yield Files(self._folder(self.path), self.endings, id="files")
            yield Static("", id="dialog-msg", classes="field-msg")
            yield Static(tr(self.hint_key, self.lang), classes="dialog-hint")
        yield Footer(show_command_palette=False)

    def _options(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def _folder(text: str) -> Path:
        """The folder the tree shows for the path ``text``: the path itself when it is
        a folder, else its parent, else the current one."""
        path = Path(text).expanduser() if text.strip() else Path.cwd()
        for candidate in (path, path.parent):
            if candidate.is_dir():
                return candidate.resolve()
        return Path.cwd()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#dialog-msg", Static).update(self._problem(event.value) or "")
        folder = Path(event.value).expanduser()
        if event.value.endswith(("/", "\\")) and folder.is_dir():
            self.query_one(Files).path = folder.resolve()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#path", Input).value = _shown(event.path)
        if self.must_exist:
            self.action_ok()

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        if not self.must_exist:
            name = Path(self.query_one("#path", Input).value).name
            self.query_one("#path", Input).value = _shown(event.path / name)

    def _problem(self, text: str) -> str | None:
        path = Path(text).expanduser()
        if not text.strip():
            return tr("required", self.lang)
        if self.must_exist and not path.is_file():
            return tr("no_file", self.lang)
        if not self.must_exist and not path.parent.exists():
            return tr("no_file", self.lang) + f": {path.parent}"
        return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_ok()

    def action_ok(self) -> None:
        text = self.query_one("#path", Input).value
        problem = self._problem(text)
        if problem:
            self.query_one("#dialog-msg", Static).update(problem)
            return
        self.dismiss(self._answer(str(Path(text).expanduser())))

    def _answer(self, path: str) -> Any:
        return path


def _shown(path: Path) -> str:
    """``path`` as typed: relative to the current folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class ExportDialog(PathDialog):
    """Ask where to write the report (``.html`` or ``.md``) and whether to draw charts.
    Dismisses with ``(path, charts)``; F10 exports from the checkbox too."""

    endings = tuple(FORMATS)
    hint_key = "export_hint"

    def __init__(self, title: str, path: str, lang: Lang) -> None:
        super().__init__(title, path, lang, must_exist=False)

    def _options(self) -> ComposeResult:
        yield Tick(tr("export_charts", self.lang), False, id="charts", compact=True)

    def _problem(self, text: str) -> str | None:
        problem = super()._problem(text)
        if problem is None and format_of(text) is None:
            return tr("export_ending", self.lang)
        return problem

    def _answer(self, path: str) -> Any:
        return path, self.query_one("#charts", Tick).value


class ExplainScreen(_Modal):
    """A number's steps, each with its citation (source document and section)."""

    def __init__(self, title: str, steps: Sequence[Step], lang: Lang) -> None:
        super().__init__(lang)
        self.title_text = title
        self.steps = tuple(steps)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="dialog-title")
            with VerticalScroll(id="steps", classes="dialog-body"):
                yield Static(self._table(), id="steps-text")
        yield Footer(show_command_palette=False)

    def _table(self) -> Table | str:
        if not self.steps:
            return tr("explain_none", self.lang)
        table = Table(box=None, show_header=True, expand=True, padding=(0, 1))
        table.add_column(tr("col_step", self.lang), ratio=1)
        table.add_column(tr("col_value", self.lang), justify="right", no_wrap=True)
        for s in self.steps:
            table.add_row(plain(pick(self.lang, s.label_zh, s.label_en)), plain(s.value))
            if s.cite:
                table.add_row(plain("  ↳ " + step_cite(s, self.lang), style="cyan"), "")
        return table

    def on_mount(self) -> None:
        self.query_one("#steps").focus()


class HelpScreen(_Modal):
    """Every key, grouped by where it works (as remapped), and where the config file is."""

    def __init__(self, lang: Lang, keymap: dict[str, str], config: str) -> None:
        super().__init__(lang)
        self.keymap = keymap
        self.config = config

    def compose(self) -> ComposeResult:
        t = self.lang
        with Vertical(classes="dialog"):
            yield Label(tr("help", t), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(plain(f"{tr('config_file', t)}: {self.config}"), id="config-path")
            yield Static(tr("config_keys", t), classes="dialog-hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("help_scope", "help_key", "help_action"):
            table.add_column(tr(col, self.lang))
        for k in KEYS:
            scope = SCOPES[k.scope]
            keys = self.keymap.get(k.id, k.key).replace(",", " / ")
            table.add_row(pick(self.lang, *scope), keys, k.label(self.lang))
        for key, zh, en in BUILTIN:
            table.add_row(pick(self.lang, *SCOPES["app"]), key, pick(self.lang, zh, en))
        table.focus()
