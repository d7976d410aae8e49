"""The counter's own settings, read from ``tui.toml`` in the user's configuration folder
(:func:`config_path`): the home region the app starts on, the language, the theme and
key remappings. A command-line option overrides the file.

```toml
region = "changzhou"        # this counter's region: the app starts on it
lang = "zh"                 # zh or en
theme = "textual-light"     # a Textual theme (ctrl+p → 主题 lists them)

[keymap]                    # binding id = keys (docs/tui.md lists the ids)
"yibao.save" = "ctrl+s,f9"
```

A file that cannot be read is an error naming the file, the setting and what was
expected; an absent file means "nothing set".
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from yibao.errors import InputError

from yibao_tui.domain.keys import KEYS

CONFIG_ENV = "YIBAO_TUI_CONFIG"
FILE = "tui.toml"
LANGS = ("zh", "en")
SETTINGS = ("region", "lang", "theme", "keymap")


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$YIBAO_TUI_CONFIG``, else ``tui.toml`` in the user's configuration folder
    (``platformdirs``: ``~/.config/yibao/tui.toml`` on Linux)."""
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    from platformdirs import user_config_path

    return user_config_path("yibao", appauthor=False) / FILE


@dataclass(frozen=True)
class Config:
    region: str | None = None
    """The counter's home region (a region code)."""
    lang: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, for ``App.set_keymap``."""
    path: Path | None = None
    """The file the settings were read from (``None``: none was)."""


def load(path: Path | None = None) -> Config:
    """The settings in ``path`` (default :func:`config_path`); none when it is absent.
    Raises :class:`~yibao.errors.InputError` naming the file and the setting."""
    path = path or config_path()
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(path), f"无法读取 · cannot be read as TOML: {exc}") from None
    for key in data:
        if key not in SETTINGS:
            raise InputError(
                f"{path}: {key}",
                f"未知设置，可用 {', '.join(SETTINGS)} · unknown setting; "
                f"expected one of {', '.join(SETTINGS)}",
            )
    for key in ("region", "lang", "theme"):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{path}: {key}", "应为文字 · expected a string")
    if data.get("lang", "zh") not in LANGS:
        raise InputError(f"{path}: lang", "应为 zh 或 en · expected zh or en")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        raise InputError(f"{path}: keymap", "应为表 · expected a table of id = keys")
    ids = [k.id for k in KEYS]
    for key, value in keymap.items():
        if key not in ids:
            raise InputError(
                f"{path}: keymap.{key}",
                f"未知按键编号 · unknown binding id; expected one of {', '.join(ids)}",
            )
        if not isinstance(value, str) or not value.strip():
            raise InputError(
                f"{path}: keymap.{key}", '应为按键，如 "f9" · expected keys such as "f9"'
            )
    return Config(
        region=data.get("region"),
        lang=data.get("lang"),
        theme=data.get("theme"),
        keymap=dict(keymap),
        path=path,
    )


def check_choice(config: Config, setting: str, allowed: Iterable[str]) -> None:
    """Raise :class:`~yibao.errors.InputError` when ``setting`` (``region``,
    ``theme``) names none of ``allowed``."""
    value = getattr(config, setting)
    allowed = list(allowed)
    if value is not None and value not in allowed:
        raise InputError(
            f"{config.path}: {setting}",
            f"应为其中之一 · expected one of: {', '.join(allowed)} (not {value!r})",
        )
