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
import gc
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import msgspec

from yibao.batch.atomic import Writeback, atomic_binary, leftover_prefix, write_back
from yibao.batch.records import Record, Summary, bad_line, record
from yibao.errors import InputError
from yibao.inputs import BOM, MAX_INPUT_BYTES
from yibao.model import Scenario
from yibao.scenario_io import decode_json, scenario_type

if TYPE_CHECKING:
    from yibao.batch.plan import Planner
    from yibao.steps.compiled import Compiled, Write

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


def process_block(
    data: bytes, first_line: int, config: Config, write: Write | None = None
) -> Block:
    """Settle every line of ``data`` (whole lines; the first is line ``first_line``).
    With ``write``, the records are handed to it rather than kept in the block (the
    compiled core then hands over its own buffer: one copy of the output fewer)."""
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    core = compiled(config)
    if core is not None:
        with _compiled_lock:
            return Block(data=core.process(data, first_line, summary, write), summary=summary)
    out = bytearray()
    for number, raw in enumerate(data.split(b"\n"), start=first_line):
        if not raw.strip():
            continue
        summary.lines += 1
        emit(config, raw, number, None, None, summary, out)
    if write is not None:
        write(memoryview(out))
        return Block(data=b"", summary=summary)
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
    """``False`` when ``data`` is not the input's bytes but :data:`TOO_LONG`, standing
    for one line over the limit."""


TOO_LONG = b"\x00yibao:line-too-long\x00"
"""What stands in a block for a line longer than :data:`~yibao.inputs.MAX_INPUT_BYTES`
(never valid JSON; :func:`process_block` reports the line as too long)."""


def blocks(source: IO[bytes], size: int = BLOCK_BYTES, limit: int | None = None) -> Iterator[Part]:
    """Cut ``source`` into runs of whole lines of about ``size`` bytes. A line longer
    than ``limit`` (default :data:`~yibao.inputs.MAX_INPUT_BYTES`) becomes a one-line
    block of :data:`TOO_LONG`; it is never held beyond ``limit`` + ``size`` bytes (its
    bytes are skipped up to its end). Exact wherever ``size`` ≤ ``limit``, so every
    way of cutting a file (any block size, a worker's byte range) agrees on it."""
    if limit is None:
        limit = MAX_INPUT_BYTES
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
        first = data.find(b"\n")
        if first > limit:  # a line begun in an earlier chunk ends in this one, too long
            yield Part(TOO_LONG, line, offset, as_read=False)
            line += 1
            offset += first + 1
            data = data[first + 1 :]
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

POOL_BLOCK_BYTES = 4 << 20
"""About how much input a pool worker settles at a time. The compiled core settles 1 MB
in about 10 ms, so a block's fixed costs (its trip to the worker, its place in the
output) weigh less in bigger blocks; 1,000,000 cases are still 72 blocks."""


WRITE_PIECE = 1 << 20
"""The most one call writes into the output file. A write holds the file's lock (Linux:
the inode's) while it copies into the page cache, and a pool worker waiting for it spins
on the CPU: writing whole blocks (about 9 MB each), the workers of a ``--jobs 2`` run of
1,000,000 cases used 0.94 s of system time, much of it spinning on that lock; in 1 MiB
pieces, 0.30 s. One process writing its 2.4 MB blocks in such pieces spends less too
(0.64–1.00 → 0.40–0.50 s; docs/performance.md)."""


def _write_in_pieces(out: IO[bytes], data: memoryview) -> None:
    """Write ``data`` to ``out`` at most :data:`WRITE_PIECE` bytes at a time."""
    for start in range(0, len(data), WRITE_PIECE):
        out.write(data[start : start + WRITE_PIECE])


def run(
    source: Path,
    target: Path,
    config: Config,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    block_bytes: int | None = None,
) -> Summary:
    """Settle ``source`` into ``target`` with ``jobs`` processes; return the summary.
    ``block_bytes``: about how much input a block holds (default :data:`BLOCK_BYTES`,
    :data:`POOL_BLOCK_BYTES` with a pool)."""
    started = time.perf_counter()
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    with _opened(source) as src, atomic_binary(target) as out:
        written = Writeback(out.fileno())
        if jobs <= 1:
            write = functools.partial(_write_in_pieces, out)
            for part in blocks(src, block_bytes or BLOCK_BYTES):
                block = process_block(part.data, part.first_line, config, write)
                settle_heap()
                _took(block.summary, len(part.data), summary, progress)
                written(out.tell())
        elif str(source) != "-":  # a regular file (checked): workers read their own ranges
            _run_ranges(
                src, out, target, config, jobs, block_bytes or POOL_BLOCK_BYTES, summary, progress
            )
        else:
            parts = blocks(src, block_bytes or BLOCK_BYTES)
            _run_pool(parts, target, config, jobs, out, summary, progress)
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


def settle_heap() -> None:
    """After a block of a batch run: collect the block's cyclic garbage, then take what
    survives — mostly the person-years and plans the memos keep for the rest of the run —
    out of the garbage collector's sight (``gc.freeze``). Without it every collection of
    the oldest generation scans all memo entries again as the memos grow: 11–16% of a
    general-population run's CPU (docs/performance.md). Only in a batch run's own
    processes (the CLI, pool workers, ``yibao impact``): a long-lived process such as the
    service must not freeze what its other work still holds."""
    gc.collect()
    gc.freeze()


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


def _took(block_summary: Summary, size: int, summary: Summary, progress: Progress | None) -> None:
    """Count one block, written in its place, of ``size`` input bytes."""
    summary.merge(block_summary)
    if progress is not None:
        progress(size)


def _pool(
    config: Config, jobs: int, target: Path, shared: _Shared | None = None
) -> tuple[ProcessPoolExecutor, Path]:
    """``jobs`` worker processes for ``config`` and a new directory beside ``target`` for
    the blocks they cannot write in place yet (the same file system, so moving one into
    the output is a copy inside the kernel)."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    if context.get_start_method() == "fork":
        # Built once here, so forked workers start with it rather than each building
        # it again: the answerer, the compiled core, and what settling a line would load
        # on first use (the scenario type with the regions' facts, every stack).
        answerer(config)
        compiled(config)
        scenario_type()
        if config.plan:
            _planner(config).prepare(config.regions)
    spill_dir = Path(
        tempfile.mkdtemp(prefix=leftover_prefix(target), suffix=".spill", dir=target.parent)
    )
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_start, initargs=(os.getpid(), shared)
    )
    return pool, spill_dir


@contextlib.contextmanager
def _running(pool: ProcessPoolExecutor, spill_dir: Path) -> Iterator[None]:
    """Wait for ``pool`` at the end; on an error or a signal stop it at once (no worker
    may outlive the run). The spill directory goes either way."""
    try:
        yield
        pool.shutdown()
    except BaseException:
        _stop(pool)
        raise
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


def _run_ranges(
    src: IO[bytes],
    out: IO[bytes],
    target: Path,
    config: Config,
    jobs: int,
    block_bytes: int,
    summary: Summary,
    progress: Progress | None,
) -> None:
    """Settle a regular file in ``jobs`` worker processes that never send its bytes.

    The main process only hands out byte ranges. A worker reads its range, moves its
    ends to line boundaries (the neighbours agree: both look for the first line that
    starts at or after the shared offset), counts its lines and learns its first line
    number from the blocks before it (:func:`_number`), settles the lines, and writes
    its output into the output file at its place once the blocks before it are settled
    (:func:`_place`), or else into a spill file that the main process copies into place
    (``copy_file_range``, in the kernel). Reading and numbering the lines here, then
    appending every block, cost the main process a third of the workers' time with the
    compiled core (docs/performance.md).
    """
    info = os.fstat(src.fileno())
    count = max(1, -(-info.st_size // block_bytes))
    shared = _Shared.new(count)
    name = getattr(out, "name", None)
    if not isinstance(name, str):
        raise TypeError("the pool writes the output file by name")
    pool, spill_dir = _pool(config, jobs, target, shared)
    ranges = _Ranges(Path(src.name), name, block_bytes, _identity(info))
    out_fd = out.fileno()
    written = Writeback(out_fd)

    def take(done: tuple[Path | None, Summary, int], index: int) -> None:
        spilled, block_summary, size = done
        offset = shared.start[index]
        if spilled is not None:
            _copy_into(spilled, out_fd, offset)
            spilled.unlink()
        _took(block_summary, size, summary, progress)
        written(offset + shared.size[index])

    with _running(pool, spill_dir):
        submitted = (
            (pool.submit(_settle_range, ranges, index, config, spill_dir), index)
            for index in range(count)
        )
        ordered_window(submitted, 2 * jobs, take)


def _run_pool(
    parts: Iterator[Part],
    target: Path,
    config: Config,
    jobs: int,
    out: IO[bytes],
    summary: Summary,
    progress: Progress | None,
) -> None:
    """Settle an input that cannot be read twice (standard input from a pipe) in ``jobs``
    worker processes: the blocks' bytes are sent to them, and each block's output comes
    back in a spill file, appended here in input order."""
    pool, spill_dir = _pool(config, jobs, target)
    written = Writeback(out.fileno())

    def take(done: tuple[Path, Summary], size: int) -> None:
        spilled, block_summary = done
        _append_file(spilled, out)
        spilled.unlink()
        _took(block_summary, size, summary, progress)
        written(out.tell())

    with _running(pool, spill_dir):
        submitted = (
            (pool.submit(_settle_spilled, part, config, spill_dir), len(part.data))
            for part in parts
        )
        ordered_window(submitted, 2 * jobs, take)


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


class _Shared(NamedTuple):
    """What the workers of one :func:`_run_ranges` share, block by block (in shared
    memory, under one lock)."""

    lock: Any
    """A ``multiprocessing`` condition: told when a block is numbered or settled."""
    first: Any
    """Each block's first line number; 0 until the blocks before it are counted."""
    start: Any
    """Each block's offset in the output; -1 until the blocks before it are settled."""
    size: Any
    """Each block's output bytes; -1 until it is settled."""
    placed: Any
    """How many blocks have their output offset (``start``) known."""

    @classmethod
    def new(cls, count: int) -> _Shared:
        import multiprocessing

        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        shared = cls(
            lock=context.Condition(),
            first=context.Array("q", count + 1, lock=False),
            start=context.Array("q", [-1] * (count + 1), lock=False),
            size=context.Array("q", [-1] * count, lock=False),
            placed=context.Value("q", 1, lock=False),
        )
        shared.first[0] = 1
        shared.start[0] = 0
        return shared


_shared: _Shared | None = None
"""In a pool worker of :func:`_run_ranges`: what it shares with the others."""


def _worker_start(parent: int, shared: _Shared | None = None) -> None:
    """In each pool worker: die with the parent. The parent handles interrupts and
    stops its workers (:func:`_stop`); if it is killed outright (``kill -9``) the
    kernel ends them (Linux ``PR_SET_PDEATHSIG``), and elsewhere a watch thread does
    within half a second."""
    global _shared
    _shared = shared
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


class _Ranges(NamedTuple):
    """What every block of a :func:`_run_ranges` run is read from and written to."""

    source: Path
    output: str
    block_bytes: int
    identity: tuple[int, ...]
    """The input as the main process found it (:func:`_identity`): a worker that finds
    it different refuses to settle a block of it."""


def _identity(info: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is replaced, grows, shrinks or is written to."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _settle_range(
    ranges: _Ranges, index: int, config: Config, spill_dir: Path
) -> tuple[Path | None, Summary, int]:
    """A pool worker's block ``index`` of ``ranges``: settled and written in its place in
    the output, or left in a spill file under ``spill_dir`` (returned) when the blocks
    before it are not all settled yet. Also the block's summary and input size."""
    assert _shared is not None
    with open(ranges.source, "rb", buffering=0) as src:
        begin, end, parts, lines = _read_range(src, index, ranges)
        if _identity(os.fstat(src.fileno())) != ranges.identity:
            raise InputError(str(ranges.source), "the file changed while it was being read")
    first = _number(_shared, index, lines)
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    spilled: list[Path | None] = []

    def put(data: bytes | memoryview) -> None:
        spilled.append(_put(data, index, ranges.output, spill_dir))

    if len(parts) == 1:  # the usual block: written from the compiled core's own buffer
        part = parts[0]
        summary.merge(process_block(part.data, first + part.first_line - 1, config, put).summary)
    else:
        data = b""
        for part in parts:
            block = process_block(part.data, first + part.first_line - 1, config)
            data = block.data if not data else data + block.data
            summary.merge(block.summary)
        put(data)
    settle_heap()
    return spilled[0], summary, end - begin


def _put(data: bytes | memoryview, index: int, output: str, spill_dir: Path) -> Path | None:
    """Write block ``index``'s records in their place in ``output`` if every block before
    it is settled; else into a new spill file under ``spill_dir``, returned."""
    assert _shared is not None
    offset = _place(_shared, index, len(data))
    if offset is None:
        fd, name = tempfile.mkstemp(dir=spill_dir)
        with os.fdopen(fd, "wb") as spilled:
            spilled.write(data)
        return Path(name)
    fd = _output_fd(output)
    _pwrite_all(fd, data, offset)
    write_back(fd, offset, len(data))
    return None


def _read_range(src: IO[bytes], index: int, ranges: _Ranges) -> tuple[int, int, list[Part], int]:
    """Block ``index``: the lines that start in its byte range — where they begin and
    end, their bytes (a line over the limit replaced, :func:`blocks`, numbered from 1)
    and how many line ends they hold."""
    fd, size, step = src.fileno(), ranges.identity[2], ranges.block_bytes
    # A line longer than blocks has no block of its own but the one it starts in: the
    # others look for a line start only in their own range.
    begin = _line_start(fd, index * step, min((index + 1) * step, size))
    end = _line_start(fd, (index + 1) * step, size) if begin < (index + 1) * step else begin
    if end - begin <= MAX_INPUT_BYTES:  # no line in it can be over the limit
        data = os.pread(fd, end - begin, begin)
        if len(data) != end - begin:
            raise InputError(str(ranges.source), "the file changed while it was being read")
        return begin, end, [Part(data, 1, begin)] if data else [], data.count(b"\n")
    src.seek(begin)
    chunk = min(step, BLOCK_BYTES, MAX_INPUT_BYTES)  # ≤ the limit: exact (blocks)
    parts = list(blocks(_Bounded(src, end - begin), chunk))
    ends = sum(1 if not part.as_read else part.data.count(b"\n") for part in parts)
    return begin, end, parts, ends


def _line_start(fd: int, offset: int, stop: int) -> int:
    """Where the first line starting at or after ``offset`` begins, looking no further
    than ``stop`` (returned when none does before it)."""
    if offset <= 0:
        return 0
    at = offset - 1
    while at < stop:
        chunk = os.pread(fd, min(1 << 16, stop - at), at)
        if not chunk:
            break
        cut = chunk.find(b"\n")
        if cut >= 0:
            return min(at + cut + 1, stop)
        at += len(chunk)
    return stop


class _Bounded:
    """The next ``left`` bytes of ``source``, as a file to :func:`blocks`."""

    def __init__(self, source: IO[bytes], left: int) -> None:
        self.source, self.left = source, left

    def read(self, size: int) -> bytes:
        data = self.source.read(min(size, self.left))
        self.left -= len(data)
        return data


def _number(shared: _Shared, index: int, lines: int) -> int:
    """Block ``index``'s first line number, once the blocks before it are counted (each
    worker counts its block as soon as it has read it, and blocks are taken in order, so
    this waits at most for a neighbour's read); its ``lines`` counted for the next."""
    with shared.lock:
        shared.lock.wait_for(lambda: shared.first[index] > 0)
        first = shared.first[index]
        shared.first[index + 1] = first + lines
        shared.lock.notify_all()
    return first


def _place(shared: _Shared, index: int, size: int) -> int | None:
    """Record that block ``index`` settled into ``size`` bytes; its offset in the output
    if every block before it is settled, else ``None``."""
    with shared.lock:
        shared.size[index] = size
        placed = shared.placed.value
        while placed < len(shared.start) and shared.size[placed - 1] >= 0:
            shared.start[placed] = shared.start[placed - 1] + shared.size[placed - 1]
            placed += 1
        shared.placed.value = placed
        offset = shared.start[index]
    return offset if offset >= 0 else None


_output_fds: dict[str, int] = {}
"""A pool worker's open output files (one per run)."""


def _output_fd(path: str) -> int:
    found = _output_fds.get(path)
    if found is None:
        for fd in _output_fds.values():  # an earlier run's, in a reused worker
            with contextlib.suppress(OSError):
                os.close(fd)
        _output_fds.clear()
        found = _output_fds[path] = os.open(path, os.O_WRONLY)
    return found


def _pwrite_all(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        done = os.pwrite(fd, view[:WRITE_PIECE], offset)
        view, offset = view[done:], offset + done


def _copy_into(path: Path, out_fd: int, offset: int) -> None:
    """Copy the spill file ``path`` into the output at ``offset``, in the kernel where
    it can (``copy_file_range``)."""
    with open(path, "rb", buffering=0) as spilled:
        fd = spilled.fileno()
        size = os.fstat(fd).st_size
        copied = 0
        with contextlib.suppress(AttributeError, OSError):
            while copied < size:
                piece = min(size - copied, WRITE_PIECE)  # the output's lock, as _pwrite_all
                step = os.copy_file_range(fd, out_fd, piece, copied, offset + copied)
                if step == 0:
                    break
                copied += step
        if copied < size:  # no copy_file_range here: through this process
            _pwrite_all(out_fd, os.pread(fd, size - copied, copied), offset + copied)


def _settle_spilled(part: Part, config: Config, spill_dir: Path) -> tuple[Path, Summary]:
    """A pool worker's block sent as bytes: its output left in a new file under
    ``spill_dir``, and its summary."""
    block = process_block(part.data, part.first_line, config)
    settle_heap()
    fd, name = tempfile.mkstemp(dir=spill_dir)
    with os.fdopen(fd, "wb") as spilled:
        spilled.write(block.data)
    return Path(name), block.summary


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
