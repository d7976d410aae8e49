"""Textual bindings made from the one key table (:mod:`yibao_tui.domain.keys`)."""

from __future__ import annotations

import dataclasses

from textual.binding import Binding
from textual.dom import DOMNode

from yibao_tui.domain.keys import KEYS, scoped


def bindings(scope: str) -> list[Binding]:
    """The bindings of ``scope``, described in Chinese (see :func:`relabel`)."""
    return [
        Binding(k.key, k.action, k.footer("zh"), show=k.show, id=k.id, priority=k.scope == "app")
        for k in scoped(scope)
    ]


def relabel(node: DOMNode, lang: str) -> None:
    """Describe ``node``'s bindings in ``lang`` (class bindings are in Chinese)."""
    if lang == "zh":
        return
    by_id = {k.id: k for k in KEYS}
    table = node._bindings.key_to_bindings
    for key, items in table.items():
        table[key] = [
            dataclasses.replace(b, description=by_id[b.id].footer(lang)) if b.id in by_id else b
            for b in items
        ]


TEXTUAL_SHOWN_ZH = {"Dismiss menu": "关闭菜单"}
"""The footer words of Textual's own widgets that show a key (the drop-down list of a
choice field: esc), in Chinese."""


def relabel_textual(node: DOMNode, lang: str) -> None:
    """Describe the keys a Textual widget shows in the footer in ``lang`` (they come in
    English); called when such a widget takes the focus."""
    if lang != "zh":
        return
    table = node._bindings.key_to_bindings
    for key, items in table.items():
        table[key] = [
            dataclasses.replace(b, description=TEXTUAL_SHOWN_ZH[b.description])
            if b.description in TEXTUAL_SHOWN_ZH
            else b
            for b in items
        ]
