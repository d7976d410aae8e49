"""What every ``yibao`` sub-command shares: the error guard, the common options, the
region list and the progress bar.

:mod:`yibao.cli` and each module that adds commands (:mod:`yibao.batch.cli`,
:mod:`yibao.cli_cases`, :mod:`yibao.cli_plugin`, the reports' commands) import from
here, and this module imports none of them, so the commands form no import circle
(``tests/test_architecture.py``). Only click is imported at module level, so listing
commands stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141
"""The reader of standard output went away (128 + SIGPIPE, as a shell reports a command
a closed pipe ended): nothing more to say, and nobody to say it to."""


def guard(command: F) -> F:
    """Turn yibao's errors into one clear message and exit status 2 (in the language of
    :func:`error_lang`); a reader that stops reading (``yibao demo | head -1``) ends the
    command quietly."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from yibao.errors import YibaoError
        from yibao.textsafe import printable

        try:
            return command(*args, **kwargs)
        except YibaoError as exc:
            click.echo(f"yibao: error: {printable(exc.text(error_lang()))}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("yibao: interrupted; nothing was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(EXIT_PIPE)
        except OSError as exc:  # the system refused (a full disk): no bug
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"yibao: error: {printable(where)}{exc.strerror or exc}", err=True)
            sys.exit(EXIT_INPUT)
        except Exception as exc:  # a bug in yibao itself: still no traceback for users
            click.echo(
                f"yibao: internal error: {type(exc).__name__}: {printable(str(exc))} "
                "(set YIBAO_DEBUG=1 to see the traceback)",
                err=True,
            )
            if _debug():
                raise
            sys.exit(EXIT_INTERNAL)

    return run  # type: ignore[return-value]


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so flushing it at exit cannot fail again
    (Python's advice for a closed pipe)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass


def error_lang() -> str:
    """The language errors are printed in: ``--lang`` when the command was given it,
    else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh…`` is Chinese), else
    English."""
    import os

    ctx = click.get_current_context(silent=True)
    if ctx is not None and "lang" in ctx.params:
        from click.core import ParameterSource

        if ctx.get_parameter_source("lang") not in (ParameterSource.DEFAULT, None):
            return str(ctx.params["lang"])
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _debug() -> bool:
    import os

    return bool(os.environ.get("YIBAO_DEBUG"))


params_option = click.option(
    "--params",
    "params",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Parameter overlay TOML adding or replacing dated, cited values (repeatable).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")
notices_option = click.option(
    "--notices",
    "all_notices",
    is_flag=True,
    help="List every notice (values not published, statements, checklists) instead of a "
    "summary line per region.",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of labels.",
)


def code_list(codes: str | None) -> list[str] | None:
    """``--regions a,b`` as a list (``None``: not given)."""
    return [c.strip() for c in codes.split(",") if c.strip()] if codes else None


def region_list(codes: str | None, registry: Any) -> list[str]:
    """``--regions a,b`` checked against the installed regions (all when not given)."""
    from yibao.api import region_codes

    return region_codes(code_list(codes), registry)


@contextmanager
def progress(
    total: int, description: str, *, minimum: int = 1, in_bytes: bool = False
) -> Iterator[Callable[..., None]]:
    """A Rich progress bar on stderr when it is a terminal and there are at least
    ``minimum`` units of work; yields ``advance(step=1)`` (a no-op when no bar is shown).
    ``in_bytes``: the units are input bytes (shown as sizes, with the time remaining)."""
    if not sys.stderr.isatty() or total < max(minimum, 1):
        yield lambda step=1: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskProgressColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if in_bytes else TaskProgressColumn()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        amount,
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda step=1: bar.advance(task, step)
