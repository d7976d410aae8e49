"""``yibao batch``: many scenarios (JSON Lines) in, one record per line and region out.

The input is cut into blocks of whole lines; each block is settled by
:func:`process_block` — in this process (``jobs=1``), in worker processes
(``jobs>1``) or on Dask workers (:mod:`yibao.batch.dask_runner`) — and the blocks'
output is written in input order, so every runner writes the same bytes. The output
goes to a temporary file beside the target, renamed when complete
(:mod:`yibao.batch.atomic`).

Each region answers *as if the person lived there* (the engine's ``compare`` rule,
:func:`yibao.whatif.relocate`), like ``yibao compare``; ``relocate=False``
(``--as-given``) evaluates the facts literally.

Where the compiled core is installed (``yibao-fastcore``, :mod:`yibao.steps.compiled`)
a block goes through it: it writes the records of the lines and regions it settles and
asks :func:`emit` for the others, in their places; the bytes are the same either way.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import msgspec

from yibao.batch.atomic import atomic_binary, leftover_prefix
from yibao.batch.records import Record, Summary, bad_line, record
from yibao.errors import InputError
from yibao.inputs import BOM, MAX_INPUT_BYTES
from yibao.model import Scenario
from yibao.scenario_io import decode_json, scenario_type

if TYPE_CHECKING:
    from yibao.batch.plan import Planner
    from yibao.steps.compiled import Compiled

BLOCK_BYTES = 1 << 20
"""About how much input one block holds (whole lines)."""


@dataclass(frozen=True)
class Config:
    """What every block is settled with; picklable, so workers build the same engine."""

    regions: tuple[str, ...]
    timeout: float | None = None
    """Each region's time limit per line in seconds (:mod:`yibao.deadline`); ``None``:
    the worker's own setting."""
    explain: bool = False
    relocate: bool = True
    overlays: tuple[str, ...] = ()
    """Parameter overlay files (``--params``), loaded by each worker."""
    plan: bool = True
    """Use settlement plans (:mod:`yibao.batch.plan`); ``False``: the per-claim engine."""
    memo: int = 0
    """Person-years a plan remembers (0: none); see :mod:`yibao.batch.plan`."""
    kernel: bool = True
    """Let regions' declared settlements answer the cases they settle (batch's fast path,
    :mod:`yibao.steps.batch`, compiled where installed); never with ``explain``, and
    only with ``plan``."""


@dataclass
class Block:
    """One block's output bytes and summary."""

    data: bytes
    summary: Summary


# -------------------------------------------------------------------------------------
# Settling one block
# -------------------------------------------------------------------------------------

_encoder = msgspec.json.Encoder(decimal_format="string")
Answerer = Callable[[Scenario, int, Sequence[str] | None], list[Record]]
"""The records of a scenario read from an input line, in the given regions (``None``:
every configured region)."""
_answerers: dict[Config, Answerer] = {}
_planners: dict[Config, Planner] = {}
_compiled: dict[Config, Compiled | None] = {}
_compiled_lock = threading.Lock()
"""One block at a time through a compiled core (Dask's threads share it)."""


def answerer(config: Config) -> Answerer:
    """The function giving each configured region's record for a scenario (cached)."""
    found = _answerers.get(config)
    if found is None:
        found = _answerers[config] = _build_answerer(config)
    return found


def _build_answerer(config: Config) -> Answerer:
    if config.plan:
        planner = _planner(config)
        regions = config.regions
        return lambda scenario, line, only=None: planner.records(
            scenario, regions if only is None else only, line, explain=config.explain
        )
    from yibao.engine import compare
    from yibao.registry import default_registry, load_overlays

    _configure(config)
    registry = default_registry()
    overlays = load_overlays(list(config.overlays))

    def per_claim(scenario: Scenario, line: int, only: Sequence[str] | None = None) -> list[Record]:
        answers = compare(
            scenario,
            list(config.regions if only is None else only),
            overlays=overlays,
            registry=registry,
            relocate=config.relocate,
        )
        return [record(line, result, explain=config.explain) for result in answers.results]

    return per_claim


def _configure(config: Config) -> None:
    from yibao.deadline import set_region_timeout

    if config.timeout is not None:  # a spawned or Dask worker has no CLI options
        set_region_timeout(config.timeout)


def _planner(config: Config) -> Planner:
    """The run's settlement plans (:mod:`yibao.batch.plan`), built once per process."""
    found = _planners.get(config)
    if found is None:
        from yibao.batch.plan import Planner
        from yibao.registry import default_registry, load_overlays

        _configure(config)
        found = _planners[config] = Planner(
            default_registry(),
            overlays=load_overlays(list(config.overlays)),
            relocate=config.relocate,
            memo_size=config.memo,
            kernel=config.kernel and not config.explain,
        )
    return found


def compiled(config: Config) -> Compiled | None:
    """The compiled core for ``config`` (built once per process), or ``None`` when the
    run does not use declared settlements or the core is not installed."""
    if config in _compiled:
        return _compiled[config]
    found = None
    if config.plan and config.kernel and not config.explain:
        from yibao.steps import compiled as module

        if module.available():
            emit_line = functools.partial(emit, config)
            found = module.Compiled(_planner(config), config.regions, decode_line, emit_line)
    _compiled[config] = found
    return found


def decode_line(raw: bytes, line: int) -> Scenario:
    """Decode one JSON line (:func:`yibao.scenario_io.decode_json`, the rules of a JSON
    scenario file); raise :class:`InputError` naming the line and the field."""
    if line == 1:
        raw = raw.removeprefix(BOM)  # a byte-order mark opens the file, not the line
    return decode_json(raw, f"line {line}", scenario_type())


def process_block(data: bytes, first_line: int, config: Config) -> Block:
    """Settle every line of ``data`` (whole lines; the first is line ``first_line``)."""
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    core = compiled(config)
    if core is not None:
        with _compiled_lock:
            return Block(data=core.process(data, first_line, summary), summary=summary)
    out = bytearray()
    for number, raw in enumerate(data.split(b"\n"), start=first_line):
        if not raw.strip():
            continue
        summary.lines += 1
        emit(config, raw, number, None, None, summary, out)
    return Block(data=bytes(out), summary=summary)


def emit(
    config: Config,
    raw: bytes,
    number: int,
    regions: Sequence[str] | None,
    scenario: Scenario | None,
    summary: Summary,
    out: bytearray,
) -> None:
    """Append input line ``number``'s records in ``regions`` (``None``: every configured
    region; a line that is not a scenario gets a ``bad_input`` record in each) to
    ``out`` and count them in ``summary``. ``scenario``: the line, decoded already."""
    encode_into = _encoder.encode_into
    if scenario is None:
        try:
            if raw == TOO_LONG:
                raise InputError(
                    f"line {number}", f"longer than the limit of {MAX_INPUT_BYTES} bytes"
                )
            scenario = decode_line(raw, number)
        except InputError as exc:
            summary.bad_lines += 1
            for code in config.regions:
                encode_into(bad_line(number, code, str(exc)), out, -1)
                out += b"\n"
            return
    for found in answerer(config)(scenario, number, regions):
        summary.regions[found.region].add(found)
        encode_into(found, out, -1)
        out += b"\n"


# -------------------------------------------------------------------------------------
# Cutting the input into blocks
# -------------------------------------------------------------------------------------


class Part(NamedTuple):
    """A block of whole input lines and where it sits in the input."""

    data: bytes
    first_line: int
    offset: int
    """Byte offset of the block's first line."""
    as_read: bool = True
    """``False`` when ``data`` is not the input's bytes (a line over the limit replaced
    by :data:`TOO_LONG`), so a worker must be sent the bytes, not re-read them."""


TOO_LONG = b"\x00yibao:line-too-long\x00"
"""What stands in a block for a line longer than :data:`~yibao.inputs.MAX_INPUT_BYTES`
(never valid JSON; :func:`process_block` reports the line as too long)."""


def blocks(
    source: IO[bytes], size: int = BLOCK_BYTES, limit: int = MAX_INPUT_BYTES
) -> Iterator[Part]:
    """Cut ``source`` into runs of whole lines of about ``size`` bytes. A line longer
    than ``limit`` is never held whole: it becomes a one-line block of
    :data:`TOO_LONG`, and its bytes are skipped up to its end."""
    line = 1
    offset = 0
    rest = b""
    skipping = False  # inside a line over the limit, already reported
    while True:
        chunk = source.read(size)
        if not chunk:
            break
        if skipping:
            end = chunk.find(b"\n")
            if end < 0:
                offset += len(chunk)
                continue
            offset += end + 1
            line += 1
            chunk, skipping = chunk[end + 1 :], False
        data = rest + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            rest = data
            if len(rest) > limit:
                yield Part(TOO_LONG, line, offset, as_read=False)
                offset += len(rest)
                rest, skipping = b"", True
            continue
        whole, rest = data[: cut + 1], data[cut + 1 :]
        yield Part(whole, line, offset)
        line += whole.count(b"\n")
        offset += len(whole)
    if rest:
        yield Part(rest, line, offset)


# -------------------------------------------------------------------------------------
# Runners
# -------------------------------------------------------------------------------------

Progress = Callable[[int], None]
"""Told how many input bytes were just finished."""


def run(
    source: Path,
    target: Path,
    config: Config,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> Summary:
    """Settle ``source`` into ``target`` with ``jobs`` processes; return the summary."""
    started = time.perf_counter()
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    with _opened(source) as src, atomic_binary(target) as out:
        parts = blocks(src, block_bytes)
        if jobs <= 1:
            for part in parts:
                block = process_block(part.data, part.first_line, config)
                _take(block.data, block.summary, len(part.data), out, summary, progress)
        else:
            rereadable = source if str(source) != "-" and source.is_file() else None
            _run_pool(parts, rereadable, target, config, jobs, out, summary, progress)
    summary.seconds = time.perf_counter() - started
    return summary


@contextlib.contextmanager
def _opened(source: Path) -> Iterator[IO[bytes]]:
    """The input: standard input for ``-``, else the regular file ``source``."""
    if str(source) == "-":
        yield sys.stdin.buffer
        return
    check_input(source)
    with open(source, "rb") as src:
        yield src


def check_input(source: Path) -> None:
    """Refuse an input that is not a regular file (``-`` reads standard input)."""
    if str(source) == "-":
        return
    try:
        info = os.stat(source)
    except OSError as exc:
        raise InputError(str(source), f"cannot read the input: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            str(source),
            "the input must be a regular file (give - to read standard input); reading a "
            "device or a FIFO may never end",
        )


def _take(
    data: bytes | Path,
    block_summary: Summary,
    size: int,
    out: IO[bytes],
    summary: Summary,
    progress: Progress | None,
) -> None:
    """Append one block's output (bytes, or a spill file to move over) in input order."""
    if isinstance(data, Path):
        _append_file(data, out)
        data.unlink()
    else:
        out.write(data)
    summary.merge(block_summary)
    if progress is not None:
        progress(size)


def _run_pool(
    parts: Iterator[Part],
    source: Path | None,
    target: Path,
    config: Config,
    jobs: int,
    out: IO[bytes],
    summary: Summary,
    progress: Progress | None,
) -> None:
    """Settle the blocks in ``jobs`` worker processes.

    Workers re-read their block from ``source`` and leave its output in a spill file
    beside the target, so the pool's pipes carry only offsets, file names and summaries:
    moving every block's bytes through them cost the parent about 40% more CPU, time
    the workers waited for (docs/performance.md). ``source`` is ``None`` for an input
    that cannot be read twice (a pipe): the blocks' bytes are sent then.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    if context.get_start_method() == "fork":
        answerer(config)  # built once here, so forked workers start with it (stacks, memos)
        compiled(config)
    # Beside the target, like its temporary file: the same file system, so appending a
    # spill file is a copy inside the kernel.
    spill_dir = Path(
        tempfile.mkdtemp(prefix=leftover_prefix(target), suffix=".spill", dir=target.parent)
    )
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    try:
        submitted = (
            (
                pool.submit(_settle_spilled, _task(part, source), config, spill_dir),
                len(part.data),
            )
            for part in parts
        )
        ordered_window(
            submitted, 2 * jobs, lambda done, size: _take(*done, size, out, summary, progress)
        )
        pool.shutdown()
    except BaseException:
        _stop(pool)  # an error or a signal: no worker may outlive the run
        raise
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool`` now: pending blocks cancelled, workers terminated."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
    # With its workers gone the pool's manager thread ends at once; waiting for it
    # keeps its exit handler from writing to a closed pipe.
    pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(parent: int) -> None:
    """In each pool worker: die with the parent. The parent handles interrupts and
    stops its workers (:func:`_stop`); if it is killed outright (``kill -9``) the
    kernel ends them (Linux ``PR_SET_PDEATHSIG``), and elsewhere a watch thread does
    within half a second."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


_Task = tuple[bytes | Path, int, int, int, int]
"""What a pool worker is sent of a block: its bytes, or the input file to read them from;
its first line number; its offset, its length in bytes and its CRC-32 (a check that
the bytes read again are the same; 17 ms per 60 MB)."""


def _task(part: Part, source: Path | None) -> _Task:
    data = part.data
    if not part.as_read:
        source = None
    crc = 0 if source is None else zlib.crc32(data)
    return (data if source is None else source, part.first_line, part.offset, len(data), crc)


def _settle_spilled(task: _Task, config: Config, spill_dir: Path) -> tuple[Path, Summary]:
    """A pool worker's block: its output left in a new file under ``spill_dir``, and its
    summary."""
    data, first_line, offset, length, crc = task
    if isinstance(data, Path):
        data = _read_span(data, offset, length, crc)
    block = process_block(data, first_line, config)
    fd, name = tempfile.mkstemp(dir=spill_dir)
    with os.fdopen(fd, "wb") as spilled:
        spilled.write(block.data)
    return Path(name), block.summary


def _read_span(source: Path, offset: int, length: int, crc: int) -> bytes:
    """The block's bytes, read again. An input that changed under the run (these bytes
    no longer the ones the main process cut) is an error, which leaves no output,
    rather than a silently different block."""
    with open(source, "rb") as src:
        src.seek(offset)
        data = src.read(length)
    if len(data) != length or zlib.crc32(data) != crc:
        raise InputError(str(source), "the file changed while it was being read")
    return data


def _append_file(path: Path, out: IO[bytes]) -> None:
    """Append ``path`` to ``out``, in the kernel where it can (``copy_file_range``)."""
    out.flush()
    with open(path, "rb") as spilled:
        size = os.fstat(spilled.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                step = os.copy_file_range(spilled.fileno(), out.fileno(), size - copied)
                if step == 0:
                    break
                copied += step
        except (AttributeError, OSError):
            if copied:  # part of it went over: the output is not trustworthy
                raise
        if copied < size:
            spilled.seek(copied)
            shutil.copyfileobj(spilled, out, 1 << 20)


def ordered_window(
    submitted: Iterator[tuple[Future[Any] | Any, int]],
    window: int,
    take: Callable[[Any, int], None],
) -> None:
    """Keep at most ``window`` blocks in flight and take their results in input order.

    ``submitted`` yields ``(future, size)``; a future needs ``.result()``.
    """
    pending: deque[tuple[Any, int]] = deque()
    for item in submitted:
        pending.append(item)
        if len(pending) >= window:
            future, size = pending.popleft()
            take(future.result(), size)
    while pending:
        future, size = pending.popleft()
        take(future.result(), size)
