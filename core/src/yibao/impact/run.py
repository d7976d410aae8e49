"""Settling a population under a baseline and a reform, streamed block by block.

The batch engine does the settling: the population is cut into blocks of whole lines
(:func:`yibao.batch.batch.blocks`); each line is decoded once
(:func:`yibao.batch.batch.decode_line`) and answered by the batch answerer of each rule
set (:func:`yibao.batch.batch.answerer`: settlement plans, kernels, relocation, region
isolation — exactly ``yibao batch``'s records). Instead of writing the records, a block
adds them into an :class:`~yibao.impact.aggregate.Impact`; the blocks' aggregates merge
in input order, in this process, in worker processes or on Dask workers, so every runner
gives the same aggregates.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yibao.batch.batch import (
    BLOCK_BYTES,
    Config,
    Part,
    answerer,
    blocks,
    decode_line,
    ordered_window,
)
from yibao.errors import InputError
from yibao.impact.aggregate import DEFAULT_THRESHOLDS, Impact, note
from yibao.impact.population import shift_year

Progress = Callable[[int], None]
"""Told how many input bytes were just finished."""


@dataclass(frozen=True)
class ImpactConfig:
    """What every block is settled with; picklable, so workers build the same engines."""

    regions: tuple[str, ...]
    baseline: tuple[str, ...] = ()
    """Parameter overlay files of the baseline (``--baseline``)."""
    reform: tuple[str, ...] = ()
    """Parameter overlay files of the reform (``--reform``), stacked on the baseline's."""
    scheme: str | None = None
    """Settle only people of this scheme (``--scheme``); others are counted aside."""
    year: int | None = None
    """Settle every case as if it happened in this year (``--year``)."""
    relocate: bool = True
    """Each region answers as if the person lived there (as ``yibao batch``)."""
    kernel: bool = True
    thresholds: tuple[int, ...] = DEFAULT_THRESHOLDS
    """Yearly burdens in fen whose share of people above them is counted."""

    def rule_set(self, which: str) -> Config:
        """The batch configuration of the ``baseline`` or the ``reform``."""
        overlays = self.baseline if which == "baseline" else (*self.baseline, *self.reform)
        return Config(
            regions=self.regions, relocate=self.relocate, overlays=overlays, kernel=self.kernel
        )


def impact_block(data: bytes, first_line: int, config: ImpactConfig) -> Impact:
    """The aggregates of every line of ``data`` (whole lines; the first is
    ``first_line``)."""
    before = answerer(config.rule_set("baseline"))
    after = answerer(config.rule_set("reform"))
    impact = Impact()
    regions = [impact.region(code) for code in config.regions]
    thresholds = sorted(config.thresholds)  # ascending: Side.add stops at the first above
    for number, raw in enumerate(data.split(b"\n"), start=first_line):
        if not raw.strip():
            continue
        impact.lines += 1
        try:
            scenario = decode_line(raw, number)
            if config.year is not None:
                scenario = shift_year(scenario, config.year, number)
        except InputError as exc:
            note(impact.bad, exc.expected, number)
            continue
        if config.scheme is not None and scenario.person.scheme != config.scheme:
            note(impact.outside, f"scheme {scenario.person.scheme}", number)
            continue
        pairs = zip(before(scenario, number), after(scenario, number), strict=True)
        for region, (old, new) in zip(regions, pairs, strict=True):
            region.add(number, scenario, old, new, thresholds)
    return impact


def run(
    source: Path,
    config: ImpactConfig,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> Impact:
    """Settle the population in ``source`` (JSON Lines) with ``jobs`` processes."""
    started = time.perf_counter()
    total = _empty(config)
    take = _taker(total, progress)
    with open(source, "rb") as src:
        parts = blocks(src, block_bytes)
        if jobs <= 1:
            for part in parts:
                take(impact_block(part.data, part.first_line, config), len(part.data))
        else:
            _run_pool(parts, config, jobs, take)
    total.seconds = time.perf_counter() - started
    return total


def run_dask(
    source: Path,
    config: ImpactConfig,
    *,
    client: Any,
    progress: Progress | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> Impact:
    """Settle the population on ``client``'s Dask cluster: the same blocks and the same
    function as :func:`run`, so the same aggregates."""
    started = time.perf_counter()
    total = _empty(config)
    window = 2 * max(sum(client.nthreads().values()), 1)
    with open(source, "rb") as src:
        submitted = (
            (
                client.submit(impact_block, part.data, part.first_line, config, pure=False),
                len(part.data),
            )
            for part in blocks(src, block_bytes)
        )
        ordered_window(submitted, window, _taker(total, progress))
    total.seconds = time.perf_counter() - started
    return total


def _empty(config: ImpactConfig) -> Impact:
    impact = Impact()
    for code in config.regions:
        impact.region(code)
    return impact


def _taker(total: Impact, progress: Progress | None) -> Callable[[Impact, int], None]:
    def take(block: Impact, size: int) -> None:
        total.merge(block)
        if progress is not None:
            progress(size)

    return take


def _run_pool(
    parts: Iterator[Part], config: ImpactConfig, jobs: int, take: Callable[[Impact, int], None]
) -> None:
    """Settle the blocks in ``jobs`` worker processes, at most ``2 × jobs`` in flight
    (memory stays flat), merged in input order. A block's bytes go through the pool's
    pipe and only its aggregates come back, so the parent's share is small."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    if context.get_start_method() == "fork":
        # Built once here, so forked workers start with the stacks and memos.
        answerer(config.rule_set("baseline"))
        answerer(config.rule_set("reform"))
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        submitted = (
            (pool.submit(impact_block, part.data, part.first_line, config), len(part.data))
            for part in parts
        )
        ordered_window(submitted, 2 * jobs, take)
