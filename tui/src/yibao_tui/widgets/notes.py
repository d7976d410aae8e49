"""Notices as bullet lists that wrap between Chinese characters and at spaces, never
inside an identifier or a citation (:func:`yibao_tui.domain.wrap.wrap`), at whatever
width the widget has."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from yibao_tui.domain.wrap import wrap
from yibao_tui.widgets.plain import plain

Item = tuple[str, str]
"""``(text, style)``."""


class Notes(Widget):
    """A heading (optional) over bullet items, each wrapped with a hanging indent."""

    DEFAULT_CSS = """
    Notes { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = ""
        self.items: tuple[Item, ...] = ()

    def show(self, items: Sequence[Item], heading: str = "") -> None:
        items = tuple(items)
        if (heading, items) != (self.heading, self.items):
            self.heading, self.items = heading, items
            self.refresh(layout=True)

    def lines(self, width: int) -> list[tuple[str, str]]:
        """The ``(line, style)`` pairs drawn at ``width`` cells."""
        out = [(line, "bold") for line in wrap(self.heading, width)] if self.heading else []
        for text, style in self.items:
            bullet, rest = "• ", "  "
            for i, line in enumerate(wrap(text, width - cell_len(bullet))):
                out.append(((bullet if i == 0 else rest) + line, style))
        return out

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for i, (line, style) in enumerate(self.lines(self.content_size.width)):
            if i:
                text.append("\n")
            text.append_text(plain(line, style=style))
        return text
