"""The ``yibao batch`` and ``yibao synth`` commands (registered in :mod:`yibao.cli`).

Only click is imported at module level, so listing commands stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from yibao.cli_common import guard, params_option, progress, region_list

if TYPE_CHECKING:
    from yibao.batch.batch import Config
    from yibao.batch.records import Summary


@click.command()
@click.argument(
    "source", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option("--regions", "-r", "codes", help="Comma-separated region codes (default: all).")
@click.option(
    "-o", "--output", "target", required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write the JSON Lines records (written to a temporary file, then renamed; "
    "- writes them to standard output when the run ends).",
)  # fmt: skip
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes for the local engine.")  # fmt: skip
@click.option("--explain", is_flag=True, help="Add each region's whole answer with its steps.")
@click.option("--as-given", is_flag=True,
              help="Evaluate the facts literally, not as if living in each region.")  # fmt: skip
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the summary as JSON to this file.")  # fmt: skip
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (default: a local in-process cluster).")
@click.option("--no-plan", is_flag=True,
              help="Use the per-claim engine path (no settlement plans).")  # fmt: skip
@click.option("--no-kernel", is_flag=True,
              help="The engine settles every case (no fast path from declared rules).")  # fmt: skip
@click.option("--memo", default=0, show_default=True, type=click.IntRange(0),
              help="Person-years to remember (helps when person-years repeat).")  # fmt: skip
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@params_option
@guard
def batch(
    source: Path,
    codes: str | None,
    target: Path,
    jobs: int,
    explain: bool,
    as_given: bool,
    summary_path: Path | None,
    engine: str,
    scheduler: str | None,
    no_plan: bool,
    no_kernel: bool,
    memo: int,
    quiet: bool,
    params: Sequence[Path],
) -> None:
    """Settle every scenario of INPUT (JSON Lines, one scenario per line; - reads standard
    input) in each region.

    Writes one record per input line and region, in input order; a line that is not a
    valid scenario gets a ``bad_input`` record naming its line and field, and the run
    goes on. The summary (cases, errors, fund outlays per layer, patient share, per
    region) goes to stderr and, with --summary, to a JSON file. Exit status 0: every
    line was a scenario; 1: the run completed with bad lines (their records say why);
    2: nothing was written. See docs/batch.md and docs/reliability.md.
    """
    import msgspec

    from yibao.batch.atomic import atomic_binary, output_path
    from yibao.batch.batch import Config, check_input
    from yibao.deadline import region_timeout
    from yibao.registry import default_registry, load_overlays

    registry = default_registry()
    regions = tuple(region_list(codes, registry))
    # A bad overlay fails here, once, with its message.
    registry.check_targets(load_overlays(params), regions)
    check_input(source)
    with _records_to(target) as target:
        output_path(target)  # a target yibao must not replace fails before any work
        summary = _settle(source, target, jobs, engine, scheduler, Config(
            timeout=region_timeout(),
            regions=regions,
            explain=explain,
            relocate=not as_given,
            overlays=tuple(str(p) for p in params),
            plan=not no_plan,
            kernel=not no_kernel,
            memo=memo,
        ))  # fmt: skip
    if summary_path is not None:
        with atomic_binary(summary_path) as out:
            out.write(msgspec.json.format(msgspec.json.encode(summary)) + b"\n")
    if not quiet:
        click.echo(summary.text(), err=True)
    if summary.bad_lines:
        sys.exit(EXIT_BAD_LINES)


@contextmanager
def _records_to(target: Path) -> Iterator[Path]:
    """Where the run writes: ``target``, or for ``-`` a file in a new temporary
    directory, copied to standard output once the run has ended (the workers write the
    output in place, which a pipe does not allow)."""
    import shutil
    import tempfile

    if str(target) != "-":
        yield target
        return
    spool = Path(tempfile.mkdtemp(prefix="yibao-batch-"))
    try:
        records = spool / "records.jsonl"
        yield records
        with open(records, "rb") as done:
            shutil.copyfileobj(done, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    finally:
        shutil.rmtree(spool, ignore_errors=True)


def _settle(
    source: Path, target: Path, jobs: int, engine: str, scheduler: str | None, config: Config
) -> Summary:
    """Run the batch on the chosen engine; its summary."""
    size = 0 if str(source) == "-" else source.stat().st_size
    with progress(size, "settling", in_bytes=True) as advance, _sigterm_interrupts():
        if engine == "dask":
            from yibao.batch import dask_runner

            client = dask_runner.client_for(scheduler)
            try:
                summary = dask_runner.run(source, target, config, client=client, progress=advance)
            finally:
                client.close()
        else:
            from yibao.batch.batch import run

            summary = run(source, target, config, jobs=jobs, progress=advance)
    return summary


EXIT_BAD_LINES = 1
"""``yibao batch`` completed, but some lines were not scenarios (``bad_input`` records)."""


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM ends a run as Ctrl-C does: workers stopped, no output, no leftovers."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command()
@click.option("--n", "-n", "count", default=1000, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--profile",
    default="general",
    show_default=True,
    help="A profile installed by a region's distribution (--list shows them).",
)
@click.option("--list", "listing", is_flag=True, help="List the installed profiles.")
@click.option("-o", "--output", "target",
              type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))  # fmt: skip
@guard
def synth(count: int, seed: int, profile: str, listing: bool, target: Path | None) -> None:
    """Write COUNT synthetic scenarios (JSON Lines), the same bytes for the same seed.

    Profiles come from the installed regions' distributions (entry-point group
    yibao.profiles); --list names them.
    """
    from yibao.batch import synth as generator

    if listing:
        for name, found in generator.profiles().items():
            click.echo(f"{name:16} {found.summary}")
        return
    if target is None:
        raise click.UsageError("give -o/--output FILE (or - for standard output)")
    if str(target) == "-":
        generator.write(sys.stdout, profile, count, seed)
        return
    generator.write_file(target, profile, count, seed)
