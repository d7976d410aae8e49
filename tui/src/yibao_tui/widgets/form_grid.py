"""A grid of labelled inputs, each with its message beside it, built from field specs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from yibao_tui.domain.fields import CHOICE_KINDS, HOME_FIELDS, OPEN, Choices, FieldSpec
from yibao_tui.domain.i18n import Lang, pick, tr
from yibao_tui.widgets import quiet
from yibao_tui.widgets.ticks import Tick, TickList


class FormGrid(Grid):
    """Label | input | message, one row per field. Posts :class:`FormGrid.Edited`."""

    class Edited(Message):
        def __init__(self, grid: FormGrid, name: str, value: Any) -> None:
            super().__init__()
            self.grid = grid
            self.name = name
            self.value = value

    def __init__(
        self,
        specs: Sequence[FieldSpec],
        raw: dict[str, Any],
        choices: Choices,
        lang: Lang,
        *,
        id: str | None = None,
        region: str = "",
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(id=id, classes="form-grid")
        self.specs = tuple(specs)
        self.raw = raw
        self.choices = choices
        self.lang = lang
        self.shown_region = region
        """The region shown (its categories apply when the facts name no home)."""
        self.context = dict(context or {})
        """Values that decide the choices without being fields (``region``, ``scheme``)."""
        self._pending: dict[str, str] | None = None
        self._loading = True
        self._offered: dict[str, list[tuple[str, str]]] = {}

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            yield Label(spec.label(self.lang), classes="field-label")
            yield self._input(spec, self.raw.get(spec.name, spec.empty()))
            yield Static("", id=f"m-{spec.name}", classes="field-msg")

    def on_mount(self) -> None:
        if self._pending is not None:
            self.show_errors(self._pending)
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False

    def _input(self, spec: FieldSpec, raw: Any) -> Widget:
        wid = f"f-{spec.name}"
        if spec.kind == "bool":
            return Tick("", bool(raw), id=wid, compact=True)
        if spec.kind == "multi":
            words = self.choices.words_of(spec)
            items = [(pick(self.lang, zh, en), code, code in raw) for code, zh, en in words]
            known = {code for code, _, _ in words}  # a code from a file is kept, marked ?
            items += [(f"{code} ?", code, True) for code in raw if code not in known]
            long = "multi -long" if len(items) > 8 else "multi"
            return TickList(*items, id=wid, compact=True, classes=long)
        if spec.kind in CHOICE_KINDS:
            prompts = {
                "category": tr("derive", self.lang),
                "district": tr("no_district", self.lang),
            }
            prompt = prompts.get(spec.kind, "—")
            return Select(
                self._options(spec, raw),
                id=wid,
                compact=True,
                allow_blank=True,
                prompt=prompt,
                value=raw if raw else Select.NULL,
            )
        return Input(str(raw), placeholder=spec.prompt(self.lang), id=wid, compact=True)

    def _options(self, spec: FieldSpec, raw: Any) -> list[tuple[str, str]]:
        """What a choice field offers now; a value it does not offer (from a file, or
        left from another region or scheme) stays, marked ``?``, beside its message."""
        row = {**self.raw, **self.context}
        options = self.choices.options(spec, self.lang, row, self.shown_region)
        if raw and raw not in {v for _, v in options}:
            options.append((raw if spec.vocab == OPEN else f"{raw} ?", raw))
        self._offered[spec.name] = options
        return options

    def set_region(self, region: str) -> None:
        self.shown_region = region
        self.sync_choices()

    def set_context(self, context: dict[str, Any]) -> None:
        self.context = dict(context)
        self.sync_choices()

    def sync_choices(self) -> None:
        """Offer each row-dependent field (category, district) the choices that the
        other fields now imply, keeping its value."""
        for spec in self.specs:
            if spec.kind not in ("category", "district"):
                continue
            before = self._offered.get(spec.name)
            raw = self.raw.get(spec.name, "")
            options = self._options(spec, raw)
            if options != before:
                select = self.query_one(f"#f-{spec.name}", Select)
                select.set_options(options)
                select.value = raw if raw else Select.NULL

    def _post(self, widget: Widget, value: Any) -> None:
        if widget.id and widget.id.startswith("f-") and widget.parent is self:
            name = widget.id[2:]
            if self.raw.get(name) != value:
                self.raw[name] = value
                if name in HOME_FIELDS or name == "region":
                    self.sync_choices()
                self.post_message(self.Edited(self, name, value))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._post(event.input, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        current = event.select.value  # not event.value: options may have been reset since
        self._post(event.select, "" if current is Select.NULL else str(current))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._post(event.checkbox, event.value)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._post(event.selection_list, list(event.selection_list.selected))

    def show_errors(self, messages: dict[str, str]) -> None:
        """Put each field's message beside it (clearing the others)."""
        if not self.is_mounted:
            self._pending = dict(messages)
            return
        for spec in self.specs:
            text = messages.get(spec.name, "")
            msg = self.query_one(f"#m-{spec.name}", Static)
            quiet.update(msg, text)
            msg.set_class(bool(text), "-error")
            self.query_one(f"#f-{spec.name}").set_class(bool(text), "-invalid")
