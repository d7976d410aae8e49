"""Check boxes whose state shows without colour: ``▐✓▌`` ticked, ``▐ ▌`` not.

Textual draws both states as ``▐X▌`` and tells them apart by colour alone, which a
colour-blind clerk, a monochrome terminal or a printout cannot see.
"""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Checkbox, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

ON = "✓"
OFF = " "


class Tick(Checkbox):
    """A checkbox showing ``✓`` when ticked and a blank box when not."""

    @property
    def _button(self) -> Content:
        # Textual's own box (``ToggleButton._button``) with the state in its character.
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (ON if self.value else OFF, button_style),
            (self.BUTTON_RIGHT, side_style),
        )


class TickList(SelectionList[str]):
    """A selection list whose boxes show ``✓`` for the chosen options."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip  # not an option's line
        _, scroll_y = self.scroll_offset
        try:
            option = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:  # a line below the last option
            return strip
        inner = ON if option.value in self._selected else OFF
        segments[1] = segments[1]._replace(text=inner)
        return Strip(segments, strip.cell_length)
