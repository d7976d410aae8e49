"""A grid of labelled inputs, each with its message beside it, built from field specs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from yibao_tui.domain.fields import Choices, FieldSpec
from yibao_tui.domain.i18n import VOCAB, Lang


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
    ) -> None:
        super().__init__(id=id, classes="form-grid")
        self.specs = tuple(specs)
        self.raw = raw
        self.choices = choices
        self.lang = lang
        self._loading = True

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            yield Label(spec.label(self.lang), classes="field-label")
            yield self._input(spec, self.raw.get(spec.name, spec.empty()))
            yield Static("", id=f"m-{spec.name}", classes="field-msg")

    def on_mount(self) -> None:
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False

    def _input(self, spec: FieldSpec, raw: Any) -> Widget:
        wid = f"f-{spec.name}"
        if spec.kind == "bool":
            return Checkbox("", bool(raw), id=wid, compact=True)
        if spec.kind == "multi":
            items = [
                (zh if self.lang == "zh" else en, code, code in raw)
                for code, zh, en in VOCAB[spec.vocab]
            ]
            return SelectionList[str](*items, id=wid, compact=True, classes="multi")
        if spec.kind in ("choice", "region", "district"):
            options = self.choices.options(spec, self.lang)
            known = {v for _, v in options}
            if raw and raw not in known:  # keep a value from a file even if unknown here
                options.append((f"{raw} ?", raw))
            return Select(
                options,
                id=wid,
                compact=True,
                allow_blank=True,
                prompt="—",
                value=raw if raw else Select.NULL,
            )
        return Input(str(raw), placeholder=spec.placeholder, id=wid, compact=True)

    def _post(self, widget: Widget, value: Any) -> None:
        if widget.id and widget.id.startswith("f-") and widget.parent is self:
            name = widget.id[2:]
            if self.raw.get(name) != value:
                self.raw[name] = value
                self.post_message(self.Edited(self, name, value))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._post(event.input, event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = "" if event.value is Select.NULL else str(event.value)
        self._post(event.select, value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._post(event.checkbox, event.value)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._post(event.selection_list, list(event.selection_list.selected))

    def show_errors(self, messages: dict[str, str]) -> None:
        """Put each field's message beside it (clearing the others)."""
        for spec in self.specs:
            text = messages.get(spec.name, "")
            msg = self.query_one(f"#m-{spec.name}", Static)
            msg.update(text)
            msg.set_class(bool(text), "-error")
            self.query_one(f"#f-{spec.name}").set_class(bool(text), "-invalid")
