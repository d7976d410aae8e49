"""yibao batch: order, error records, summary, atomic output, jobs, the CLI."""

from __future__ import annotations

import gc
import json
import os
import pickle
import subprocess
import sys
import weakref
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from yibao.batch import batch
from yibao.batch.atomic import atomic_binary
from yibao.batch.batch import Config
from yibao.batch.records import Record
from yibao.cli import main
from yibao.engine import compare
from yibao.errors import InputError
from yibao.model import Scenario
from yibao.registry import default_registry

REGIONS = ("changzhou", "xuzhou")


def _records(path: Path) -> list[Record]:
    decoder = msgspec.json.Decoder(Record)
    return [decoder.decode(line) for line in path.read_bytes().splitlines()]


def _with_bad_lines(source: Path, target: Path) -> list[int]:
    """Copy ``source`` with a broken line, a wrong field and a blank line put in."""
    lines = source.read_text().splitlines()
    lines.insert(3, '{"year": 2025, "person": ')  # line 4: not JSON
    lines.insert(9, "")  # line 10: blank, skipped
    lines.insert(12, '{"year": 2025, "person": {"birth_date": "1990-01-01", "colour": "red"}}')
    target.write_text("\n".join(lines) + "\n")
    return [4, 13]


def test_one_record_per_line_and_region_in_input_order(general_file: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    bad = _with_bad_lines(general_file, source)
    out = tmp_path / "out.jsonl"
    summary = batch.run(source, out, Config(regions=REGIONS), block_bytes=4096)
    records = _records(out)
    numbers = [n for n, line in enumerate(source.read_text().splitlines(), 1) if line.strip()]
    assert [(r.line, r.region) for r in records] == [(n, c) for n in numbers for c in REGIONS]
    assert summary.lines == len(numbers)
    assert summary.bad_lines == len(bad)
    errors = {(r.line, r.region): r.error for r in records if r.status == "bad_input"}
    assert sorted({line for line, _ in errors}) == bad
    assert errors[4, "changzhou"].startswith("line 4: not valid JSON")
    assert "line 13: $.person" in errors[13, "xuzhou"]
    assert "colour" in errors[13, "xuzhou"]


def test_records_and_summary_match_the_engine(general_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    summary = batch.run(general_file, out, Config(regions=REGIONS))
    records = iter(_records(out))
    decoder = msgspec.json.Decoder(Scenario)
    registry = default_registry()
    layers: dict[str, dict[str, Decimal]] = {c: {} for c in REGIONS}
    patient = dict.fromkeys(REGIONS, Decimal(0))
    errors = dict.fromkeys(REGIONS, 0)
    for number, line in enumerate(general_file.read_bytes().splitlines(), 1):
        for result in compare(decoder.decode(line), REGIONS, registry=registry).results:
            got = next(records)
            assert (got.line, got.region) == (number, result.region)
            if result.status == "error":
                errors[result.region] += 1
                assert got.status == "error" and got.error == result.error
                continue
            assert got.totals == result.totals
            for claim, line_out in zip(result.claims, got.claims, strict=True):
                assert line_out.patient == claim.patient
                if claim.patient is None:
                    continue
                patient[result.region] += claim.patient
                for p in claim.layers:
                    layers[result.region][p.layer] = (
                        layers[result.region].get(p.layer, Decimal(0)) + p.amount
                    )
    for code in REGIONS:
        part = summary.regions[code]
        assert part.errors == errors[code]
        assert part.patient == patient[code]
        assert part.layers == layers[code]
    assert summary.regions["changzhou"].layers["basic_fund"] > 0


def test_two_jobs_write_the_same_bytes_as_one(general_file: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    config = Config(regions=REGIONS)
    first = batch.run(general_file, one, config, jobs=1, block_bytes=8192)
    second = batch.run(general_file, two, config, jobs=2, block_bytes=8192)
    assert one.read_bytes() == two.read_bytes()
    first.seconds = second.seconds = None
    assert msgspec.json.encode(first) == msgspec.json.encode(second)
    # The workers' spill files are gone with their directory.
    assert sorted(os.listdir(tmp_path)) == ["one.jsonl", "two.jsonl"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_two_jobs_read_a_pipe_once(general_file: Path, tmp_path: Path) -> None:
    """An input that cannot be re-read (standard input from a pipe, ``-``): the workers
    are sent the lines. A named pipe given as a path is refused (it may never end)."""
    pipe, one, two = tmp_path / "in.pipe", tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    config = Config(regions=REGIONS)
    batch.run(general_file, one, config, jobs=1, block_bytes=8192)
    # A writer in its own process, as a shell's would be.
    feeder = subprocess.Popen(["cat", str(general_file)], stdout=subprocess.PIPE)
    command = [sys.executable, "-m", "yibao.cli", "batch", "-", "-r", ",".join(REGIONS)]
    done = subprocess.run(
        [*command, "-o", str(two), "-j", "2"], stdin=feeder.stdout, capture_output=True
    )
    feeder.stdout.close()  # type: ignore[union-attr]
    assert feeder.wait(timeout=60) == 0
    assert done.returncode == 0, done.stderr
    assert b"lines 240, bad lines 0" in done.stderr
    assert two.read_bytes() == one.read_bytes()
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="must be a regular file"):
        batch.run(pipe, two, config, jobs=2)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_records_to_standard_output(general_file: Path, tmp_path: Path, jobs: str) -> None:
    """``-o -`` writes the records to standard output, the bytes ``-o FILE`` writes (no
    file named ``-``, nothing left behind); the summary stays on stderr."""
    one = tmp_path / "one.jsonl"
    batch.run(general_file, one, Config(regions=REGIONS), jobs=1, block_bytes=8192)
    command = [sys.executable, "-m", "yibao.cli", "batch", str(general_file)]
    done = subprocess.run(
        [*command, "-r", ",".join(REGIONS), "-o", "-", "-j", jobs],
        capture_output=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == one.read_bytes()
    assert b"lines 240, bad lines 0" in done.stderr
    assert sorted(os.listdir(tmp_path)) == ["one.jsonl"]


def test_an_input_changed_under_a_worker_is_an_error(
    general_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker reads its own block; one that finds the input no longer the file the main
    process measured (here a line was appended) refuses it with the file named, and the
    error survives the trip back from the worker."""
    source, output = tmp_path / "in.jsonl", tmp_path / "out.part"
    source.write_bytes(general_file.read_bytes())
    output.write_bytes(b"")
    identity = batch._identity(os.stat(source))
    ranges = batch._Ranges(source, str(output), 8192, identity)
    monkeypatch.setattr(batch, "_shared", batch._Shared.new(2))
    spilled, summary, size = batch._settle_range(ranges, 0, Config(regions=REGIONS), tmp_path)
    assert spilled is None and summary.lines > 0  # written in its place
    assert size >= 8192 and source.read_bytes()[size - 1 : size] == b"\n"  # whole lines
    assert output.read_bytes().count(b"\n") == summary.lines * len(REGIONS)
    with source.open("ab") as more:
        more.write(source.read_bytes().splitlines(keepends=True)[0])
    with pytest.raises(InputError, match="changed while it was being read") as raised:
        batch._settle_range(ranges, 1, Config(regions=REGIONS), tmp_path)
    again = pickle.loads(pickle.dumps(raised.value))
    assert str(again) == str(raised.value) and again.where == str(source)


def test_two_jobs_cut_lines_where_one_does(
    inpatient_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers find their own line boundaries and numbers from byte ranges: ranges far
    shorter than a line (most hold no line start), a blank line, two lines over the
    limit (one five limits long, so whole blocks fall inside it; one 1.25 limits long,
    which a block can hold whole) and no final line end give the bytes one process
    gives, at any block size."""
    lines = inpatient_file.read_bytes().splitlines(keepends=True)[:60]
    limit = max(map(len, lines)) + 10
    monkeypatch.setattr(batch, "MAX_INPUT_BYTES", limit)
    source = tmp_path / "in.jsonl"
    long = b" " * (limit * 5) + lines[5]
    longer = b" " * (limit * 5 // 4 - len(lines[20])) + lines[20]
    text = b"".join([*lines[:5], b"\n", long, *lines[6:20], longer, *lines[21:]])
    source.write_bytes(text.rstrip(b"\n"))
    config = Config(regions=("changzhou",))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first = batch.run(source, one, config, jobs=1, block_bytes=97)
    assert first.bad_lines == 2 and first.lines == 60
    expected = one.read_bytes()
    assert b'"line":7,' in expected and b'"line":22,' in expected
    assert expected.count(b"longer than the limit") == 2
    runs = [(1, 150), (1, limit), (2, 97), (2, 1000), (2, 1 << 20)]
    for jobs, size in runs:
        second = batch.run(source, two, config, jobs=jobs, block_bytes=size)
        assert two.read_bytes() == expected, (jobs, size)
        first.seconds = second.seconds = None
        assert msgspec.json.encode(first) == msgspec.json.encode(second)


def test_block_size_does_not_change_the_output(inpatient_file: Path, tmp_path: Path) -> None:
    outs = []
    for size in (97, 1 << 20):
        out = tmp_path / f"out-{size}.jsonl"
        batch.run(inpatient_file, out, Config(regions=("changzhou",)), block_bytes=size)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_a_failed_run_leaves_no_output_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("the previous, complete output\n")
    with pytest.raises(RuntimeError), atomic_binary(target) as out:
        out.write(b'{"line": 1}\n')
        raise RuntimeError("killed half way")
    assert target.read_text() == "the previous, complete output\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_output_appears_only_complete(general_file: Path, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.jsonl"
    seen: list[list[str]] = []
    real = batch.process_block

    def spy(data: bytes, first: int, config: Config, write=None):
        seen.append(sorted(os.listdir(tmp_path)))
        return real(data, first, config, write)

    monkeypatch.setattr(batch, "process_block", spy)
    batch.run(general_file, target, Config(regions=("changzhou",)), block_bytes=4096)
    assert all("out.jsonl" not in names for names in seen)
    assert any(name.startswith(".out.jsonl.") and name.endswith(".part") for name in seen[-1])
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_cli_batch_writes_records_and_a_summary(general_file: Path, tmp_path: Path) -> None:
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = CliRunner().invoke(
        main,
        ["batch", str(general_file), "-r", "changzhou", "-o", str(out), "--summary", str(summary)],
    )
    assert result.exit_code == 0, result.output
    assert "changzhou: cases 240" in result.output  # the summary on stderr
    data = json.loads(summary.read_text())
    assert data["lines"] == 240 and data["regions"]["changzhou"]["cases"] == 240
    assert len(out.read_bytes().splitlines()) == 240
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # not the temporary file's 0600


def test_cli_batch_explain_adds_the_steps(inpatient_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main, ["batch", str(inpatient_file), "-r", "changzhou", "-o", str(out), "--explain", "-q"]
    )
    assert result.exit_code == 0, result.output
    first = json.loads(out.read_bytes().splitlines()[0])
    assert first["result"]["claims"][0]["layers"][0]["steps"]


def test_cli_batch_unknown_region_is_one_clear_error(general_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["batch", str(general_file), "-r", "atlantis", "-o", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2
    assert "unknown region 'atlantis'" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_settle_heap_collects_a_blocks_cycles_then_freezes_the_rest() -> None:
    """After each block of a run, the block's cyclic garbage is collected — never frozen
    for the rest of the run — and what survives (the memos) leaves the collector's
    sight, so later collections do not scan it again (docs/performance.md)."""

    class Node:
        me: object

    was_enabled = gc.isenabled()
    gc.disable()  # only settle_heap may collect the cycle below
    frozen = gc.get_freeze_count()
    try:
        cycle = Node()
        cycle.me = cycle
        gone = weakref.ref(cycle)
        del cycle
        kept = Node()
        kept.me = kept
        batch.settle_heap()
        assert gone() is None
        assert gc.get_freeze_count() > frozen
        assert kept.me is kept
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_a_block_given_a_writer_hands_over_its_records_once() -> None:
    """With ``write``, a block's records go to it once (a view of the compiled core's
    buffer where it is installed) and the block keeps none — a blank block included."""
    config = Config(regions=("changzhou",))
    line = msgspec.json.encode(
        {"year": 2025, "person": {"birth_date": "1964-12-28", "category": "elderly",
         "hukou": "changzhou"}, "enrollment": [{"year": 2025, "region": "changzhou",
         "paid_on": "2024-11-20"}]}
    )  # fmt: skip
    for data, records in ((b"\n  \n", 0), (line + b"\n", 1)):
        got: list[bytes] = []
        block = batch.process_block(data, 1, config, lambda view, got=got: got.append(bytes(view)))
        assert block.data == b"" and len(got) == 1
        assert got[0] == batch.process_block(data, 1, config).data
        assert got[0].count(b"\n") == records
