"""The Dask runner writes the same bytes as the local runner (in-process local cluster)."""

from __future__ import annotations

from pathlib import Path

import pytest
from yibao.batch import batch, dask_runner
from yibao.batch.batch import Config

distributed = pytest.importorskip("dask.distributed")


def test_dask_output_is_byte_identical_to_local(general_file: Path, tmp_path: Path) -> None:
    config = Config(regions=("changzhou", "xuzhou"))
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    expected = batch.run(general_file, local, config)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = dask_runner.run(general_file, remote, config, client=client, block_bytes=8192)
    assert remote.read_bytes() == local.read_bytes()
    assert got.regions == expected.regions and got.lines == expected.lines
