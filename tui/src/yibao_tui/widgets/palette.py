"""Textual's own words in the app's language: the command palette's prompt and "no
matches", the system commands (theme, quit, keys, screenshot, maximise) and the ctrl+c
hint. A Chinese counter sees no English it did not ask for."""

from __future__ import annotations

from collections.abc import Iterable

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from yibao_tui.domain.i18n import Lang, tr

SYSTEM_ZH: dict[str, tuple[str, str]] = {
    "Theme": ("主题", "更改配色主题"),
    "Quit": ("退出", "立即退出程序"),
    "Maximize": ("最大化", "放大当前控件"),
    "Minimize": ("还原", "把放大的控件还原"),
    "Screenshot": ("截图", "把当前屏幕保存为 SVG 图片"),
}
"""Textual's system commands (``App.get_system_commands``) by title: zh title, help."""


def system_commands(commands: Iterable[SystemCommand], lang: Lang) -> Iterable[SystemCommand]:
    """Textual's system commands, titled and explained in ``lang``; without "Keys"
    (its panel lists Textual's widget keys in English; the app's own help, F1, is in
    the palette and lists every key)."""
    for command in commands:
        if command.title == "Keys":
            continue
        if lang == "zh" and command.title in SYSTEM_ZH:
            title, help_text = SYSTEM_ZH[command.title]
            command = SystemCommand(title, help_text, command.callback, command.discover)
        yield command


class Palette(CommandPalette):
    """The command palette with its prompt and "no matches" in the app's language."""

    def __init__(self, lang: Lang, *, themes: bool = False, **kwargs: object) -> None:
        key = "palette_themes" if themes else "palette_prompt"
        super().__init__(placeholder=tr(key, lang), **kwargs)  # type: ignore[arg-type]
        self.lang = lang

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (command.py), with the words in the app's language.
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(tr("palette_none", self.lang), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)
