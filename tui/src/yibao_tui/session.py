"""One browser session of ``yibao tui --serve``: ``python -m yibao_tui.session``.

textual-serve starts this once for each browser tab. Each session begins with a new
case (or the scenario the server was started with) and autosaves into a private
temporary folder that is removed when the tab closes, so the next person at a counter
never sees the previous person's case.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m yibao_tui.session")
    parser.add_argument("scenario", nargs="?", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args(argv)

    from yibao_tui.app import make_app

    with tempfile.TemporaryDirectory(prefix="yibao-tui-session-") as state:
        make_app(args.scenario, lang=args.lang, restore=False, state_dir=Path(state)).run()


if __name__ == "__main__":
    main()
