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
    parser.add_argument("--region")
    args = parser.parse_args(argv)

    from yibao_tui.app import make_app
    from yibao_tui.domain import config

    with tempfile.TemporaryDirectory(prefix="yibao-tui-session-") as state:
        make_app(
            args.scenario,
            lang=args.lang,
            restore=False,
            state_dir=Path(state),
            region=args.region,
            config=config.load(),
        ).run()


if __name__ == "__main__":
    main()
