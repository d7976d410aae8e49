"""``yibao batch --engine dask``: the same blocks settled on a Dask cluster.

The client reads the input and sends each block of whole lines (with its first line
number) to the workers, which run :func:`yibao.batch.batch.process_block` — the local
runner's own function — so the output is byte-identical to a local run. Results are
collected in input order with a bounded number of blocks in flight, so memory stays
flat on the client. Workers need yibao and the same region plugins installed; they do
not need to see the input file.

Install with ``pip install 'yibao[dask]'``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from yibao.batch.atomic import atomic_binary
from yibao.batch.batch import (
    BLOCK_BYTES,
    Block,
    Config,
    Progress,
    blocks,
    ordered_window,
    process_block,
)
from yibao.batch.records import Summary
from yibao.errors import YibaoError


def client_for(scheduler: str | None) -> Any:
    """A Dask client connected to ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786``), or to a new local cluster when ``None``."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise YibaoError(
            "the Dask runner needs the optional extra: pip install 'yibao[dask]'"
        ) from None
    if scheduler is None:
        return Client(processes=False, dashboard_address=None)
    return Client(scheduler)


def run(
    source: Path,
    target: Path,
    config: Config,
    *,
    client: Any,
    progress: Progress | None = None,
    block_bytes: int = BLOCK_BYTES,
    window: int | None = None,
) -> Summary:
    """Settle ``source`` into ``target`` on ``client``'s cluster; return the summary."""
    started = time.perf_counter()
    summary = Summary()
    for code in config.regions:
        summary.region(code)
    if window is None:
        window = 2 * max(sum(client.nthreads().values()), 1)

    def take(block: Block, size: int) -> None:
        out.write(block.data)
        summary.merge(block.summary)
        if progress is not None:
            progress(size)

    with open(source, "rb") as src, atomic_binary(target) as out:
        submitted = (
            (
                client.submit(process_block, part.data, part.first_line, config, pure=False),
                len(part.data),
            )
            for part in blocks(src, block_bytes)
        )
        ordered_window(submitted, window, take)
    summary.seconds = time.perf_counter() - started
    return summary
