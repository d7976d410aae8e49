"""A batch is never lost to one line, one signal or one plugin (issue #24).

The region that blocks the batch in the signal tests is FICTIONAL.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest
from reliability_helpers import ONE_CLAIM, STROKE, install
from yibao.batch import batch
from yibao.batch.batch import TOO_LONG, Config
from yibao.model import Scenario

GOOD = msgspec.json.encode(msgspec.toml.decode(STROKE.read_bytes(), type=Scenario))
# Invalid UTF-8 inside a JSON string: used to end the whole run as "internal error:
# UnicodeDecodeError", exit 3, with no output at all.
BAD_UTF8 = GOOD.replace(b'"title":"', b'"title":"\xff\xfe', 1)


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(GOOD + b"\n" + BAD_UTF8 + b"\n" + GOOD + b"\n")
    return path


def test_invalid_utf8_in_a_line_is_that_lines_bad_input_record(cli, lines, tmp_path) -> None:
    target = tmp_path / "out.jsonl"
    code, _, err = cli("batch", lines, "-r", "changzhou", "-o", target)
    assert code == 1  # completed with bad lines
    assert "lines 3, bad lines 1" in err
    records = [json.loads(x) for x in target.read_text().splitlines()]
    assert [r["status"] for r in records] == ["ok", "bad_input", "ok"]
    offset = BAD_UTF8.index(b"\xff")
    assert records[1]["error"] == f"line 2: not UTF-8 text (invalid start byte at byte {offset})"


def test_all_lines_settled_is_exit_0(cli, tmp_path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(GOOD + b"\n" + GOOD + b"\n")
    code, _, err = cli("batch", source, "-r", "changzhou,changli", "-o", target)
    assert code == 0 and "lines 2, bad lines 0" in err


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_invalid_utf8_in_a_scenario_file_is_exit_2_with_the_offset(cli, tmp_path, suffix):
    path = tmp_path / f"case{suffix}"
    toml = STROKE.read_bytes().replace(b'title = "', b'title = "\xff', 1)
    data = BAD_UTF8 if suffix == ".json" else toml
    path.write_bytes(data)
    code, _, err = cli("evaluate", path, "-r", "changzhou")
    assert code == 2
    offset = data.index(b"\xff")
    assert err == f"yibao: error: {path}: not UTF-8 text (invalid start byte at byte {offset})\n"


def test_invalid_utf8_in_an_overlay_is_exit_2_with_the_offset(cli, tmp_path) -> None:
    overlay = tmp_path / "o.toml"
    overlay.write_bytes(b'layer = "x\xff"\n')
    code, _, err = cli("evaluate", STROKE, "-r", "changzhou", "--params", overlay)
    assert code == 2
    assert err == f"yibao: error: {overlay}: not UTF-8 text (invalid start byte at byte 10)\n"


def test_a_line_over_the_limit_is_never_held_whole() -> None:
    """Lines of 10, 40 and 10 bytes with a 20-byte limit: the long one is reported, the
    two around it are read, and line numbers and offsets stay right."""
    data = b"a" * 9 + b"\n" + b"b" * 39 + b"\n" + b"c" * 9 + b"\n"
    parts = list(batch.blocks(io.BytesIO(data), size=8, limit=20))
    assert parts[0] == batch.Part(b"a" * 9 + b"\n", 1, 0)
    assert parts[1] == batch.Part(TOO_LONG, 2, 10, as_read=False)
    assert b"".join(p.data for p in parts[2:]) == b"c" * 9 + b"\n"
    assert parts[2].first_line == 3
    block = batch.process_block(TOO_LONG, 2, Config(regions=("changzhou",)))
    assert json.loads(block.data)["error"] == ("line 2: longer than the limit of 16777216 bytes")


# -------------------------------------------------------------------------------------
# The output: never a device, a FIFO or a symlink replaced; failures said clearly
# -------------------------------------------------------------------------------------


@pytest.fixture
def one_line(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_bytes(GOOD + b"\n")
    return path


def test_output_through_a_symlink_keeps_the_link_and_the_files_mode(cli, one_line, tmp_path):
    real, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    real.write_text("old\n")
    real.chmod(0o640)
    link.symlink_to(real)
    code, _, err = cli("batch", one_line, "-r", "changzhou", "-o", link)
    assert code == 0, err
    assert link.is_symlink() and json.loads(real.read_text())["status"] == "ok"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_fifo_or_a_device_is_never_replaced(cli, one_line, tmp_path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        code, _, err = cli("batch", one_line, "-r", "changzhou", "-o", target)
        assert code == 2
        assert f"yibao: error: {target}: the output must be a regular file" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("where", "number", "message"),
    [("os.fsync", errno.ENOSPC, "No space left on device"),
     ("tempfile.mkstemp", errno.EROFS, "Read-only file system")],
)  # fmt: skip
def test_a_full_disk_or_a_read_only_file_system_is_a_clear_error(
    cli, one_line, tmp_path, monkeypatch, where, number, message
) -> None:
    import yibao.batch.atomic as atomic

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(number, os.strerror(number))

    module, name = where.split(".")
    monkeypatch.setattr(getattr(atomic, module), name, refuse)
    target = tmp_path / "out.jsonl"
    code, _, err = cli("batch", one_line, "-r", "changzhou", "-o", target)
    assert code == 2
    assert err == f"yibao: error: {target}: cannot write the output: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.jsonl"]  # nothing else


def test_a_missing_directory_is_a_clear_error(cli, one_line, tmp_path) -> None:
    target = tmp_path / "nowhere" / "out.jsonl"
    code, _, err = cli("batch", one_line, "-r", "changzhou", "-o", target)
    assert code == 2 and f"no such directory: {target.parent}" in err


# -------------------------------------------------------------------------------------
# Signals: no worker outlives the run, nothing that looks complete is left
# -------------------------------------------------------------------------------------

BLOCKING = """
import datetime as dt, os, sys, time
from decimal import Decimal
from pathlib import Path
from yibao import hookimpl
from yibao.registry import RegionPlugin
from yibao.results import Coverage, Eligibility, Premium, RegionInfo, SchemeInfo

LAYER_NAME = "blocking-layer"

@hookimpl
def yibao_eligibility(case):
    return Eligibility(eligible=True)

@hookimpl
def yibao_premium(case):
    return Premium(individual=Decimal("1.00"))

@hookimpl
def yibao_coverage(case):
    return Coverage(start=dt.date(case.year, 1, 1))

@hookimpl
def yibao_basic_fund(case, claim, ledger, compliant):
    (Path(os.environ["FICTIONAL_MARKS"]) / str(os.getpid())).touch()
    time.sleep(3600)  # FICTIONAL: holds the run so it can be signalled

REGION = RegionPlugin(
    info=RegionInfo(code="blocking", name_zh="阻塞", name_en="blocking (FICTIONAL)",
                    schemes=(SchemeInfo(scheme="resident", years=(2025,),
                                        layers=("blocking-layer",)),)),
    layers={"resident": (sys.modules[__name__],)},
)
"""


def _start_blocked_batch(site: Path, tmp_path: Path) -> tuple[subprocess.Popen, list[int], Path]:
    """``yibao batch --jobs 2`` in a child process, held by the FICTIONAL region in both
    workers: the process, the workers' pids, and the output path."""
    install(site, "yibao-fictional-blocking", "yibao.regions", "blocking",
            "fictional_blocking:REGION", BLOCKING)  # fmt: skip
    marks = tmp_path / "marks"
    marks.mkdir()
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes((msgspec.json.encode(ONE_CLAIM) + b"\n") * 60_000)  # 3 pool blocks
    env = {**os.environ, "PYTHONPATH": str(site), "FICTIONAL_MARKS": str(marks)}
    command = [sys.executable, "-m", "yibao.cli", "--region-timeout", "0", "--only",
               "blocking", "batch", str(source), "-r", "blocking", "-o", str(target), "-j", "2",
               "--no-plan"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in marks.iterdir()]
    if len(workers) != 2:
        process.kill()
        process.wait()
        pytest.fail(f"the workers did not start: {process.stderr.read().decode()}")  # type: ignore[union-attr]
    return process, workers, target


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat") as f:  # a zombie awaiting its reaper is gone too
            if f.read().split(") ")[-1].startswith("Z"):
                return True
        time.sleep(0.05)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_batch_jobs_leaves_no_worker_and_a_rerun_cleans_up(
    site: Path, tmp_path: Path, cli
) -> None:
    process, workers, target = _start_blocked_batch(site, tmp_path)
    process.kill()
    process.wait(10)
    process.stderr.close()  # type: ignore[union-attr]
    assert all(_gone(pid) for pid in workers), "a worker outlived its parent"
    left = sorted(p.name.rsplit(".", 1)[-1] for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == ["part", "spill"] and not target.exists()  # nothing that looks complete
    source = tmp_path / "again.jsonl"
    source.write_bytes(GOOD + b"\n")
    code, _, err = cli("batch", source, "-r", "changzhou", "-o", target)
    assert code == 0, err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_of_batch_jobs_is_handled_like_ctrl_c(site: Path, tmp_path: Path) -> None:
    process, workers, target = _start_blocked_batch(site, tmp_path)
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 130
    err = process.stderr.read().decode()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    assert err == "yibao: interrupted; nothing was written\n"
    assert all(_gone(pid) for pid in workers)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
