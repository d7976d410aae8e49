"""Inputs that are merely large or odd end in one clear message (issue #24)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from reliability_helpers import STROKE
from yibao.errors import InputError
from yibao.inputs import MAX_INPUT_BYTES, read_input
from yibao.model import MAX_CLAIMS, Scenario
from yibao.scenario_io import parse_scenario

BASE = msgspec.to_builtins(msgspec.toml.decode(STROKE.read_bytes(), type=Scenario))


def _claims(n: int, repeat: str | None = None) -> dict:
    claims = [
        {"id": f"c{i}", "date": "2025-06-01", "kind": "general_outpatient", "compliant": "1.00"}
        for i in range(n)
    ]
    if repeat is not None:
        claims[-1]["id"] = repeat
    return {**BASE, "claims": claims}


def test_repeated_claim_ids_are_found_among_ten_thousand() -> None:
    """The check is one pass (it took 12 s for 30,000 claims when it counted each id)."""
    data = msgspec.json.encode(_claims(MAX_CLAIMS, repeat="c17"))
    with pytest.raises(InputError, match=r"claim ids must be unique; repeated: c17$"):
        parse_scenario(data, name="big.json")


@pytest.mark.parametrize("n", [30_000, 80_000])
def test_more_claims_than_the_limit_are_refused_by_path(n: int) -> None:
    data = msgspec.json.encode(_claims(n))
    with pytest.raises(
        InputError, match=r"big.json: \$.claims: Expected `array` of length <= 10000"
    ):
        parse_scenario(data, name="big.json")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(cli, tmp_path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as f:
        f.truncate(MAX_INPUT_BYTES + 1)  # sparse: nothing is written, nothing read
    code, _, err = cli("evaluate", path, "-r", "changzhou")
    assert code == 2
    assert err == (
        f"yibao: error: {path}: the scenario file is {MAX_INPUT_BYTES + 1} bytes; "
        f"the limit is {MAX_INPUT_BYTES}\n"
    )


def test_a_stream_is_read_no_further_than_the_limit(tmp_path) -> None:
    """Standard input (or a file growing while read) stops one byte past the limit."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="is 101 bytes; the limit is 100"):
        read_input(path, "the file", limit=100)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "."])
def test_a_device_a_fifo_or_a_directory_is_refused_at_once(tmp_path, target: str) -> None:
    """``/dev/zero`` once grew to 8 GB; a FIFO with no writer blocked forever."""
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
    path = tmp_path / target if target != "/dev/zero" else Path(target)
    done = subprocess.run(
        [sys.executable, "-m", "yibao.cli", "evaluate", str(path), "-r", "changzhou"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    if target == ".":  # the command line's own check comes first
        assert "is a directory" in done.stderr
        return
    assert "the scenario file must be a regular file, not a" in done.stderr
    assert "(give - to read standard input)" in done.stderr


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_standard_input_is_read_when_dash_is_given(cli, fmt: str) -> None:
    data = STROKE.read_bytes() if fmt == "toml" else msgspec.json.encode(BASE)
    code, out, err = cli("evaluate", "-", "-r", "changzhou", "--json", input=data)
    assert code == 0, err
    assert json.loads(out)["premium"]["individual"] == "730.00"  # changzhou-resident-2025 §一(三)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("deep.toml", b"a = " + b"[" * 500 + b"]" * 500, "nested too deeply"),
        ("deep.json", b"[" * 5000 + b"]" * 5000, "Expected `object`, got `array`"),
        ("bigint.toml", b"year = " + b"9" * 5000, "Exceeds the limit (4300 digits)"),
        ("dup.json", b'{"year": 2025, "year": 2024, "person": {"birth_date": "1980-01-01"}}',
         "the key 'year' appears twice in one object"),
        ("dup.toml", b"year = 2025\nyear = 2024\n", "not valid TOML: Cannot overwrite a value"),
    ],
)  # fmt: skip
def test_odd_documents_are_exit_2_not_tracebacks(cli, tmp_path, name, data, expected) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = cli("evaluate", path, "-r", "changzhou")
    assert code == 2
    assert err.startswith(f"yibao: error: {path}: ") and expected in err


def test_odd_overlays_are_exit_2_too(cli, tmp_path) -> None:
    for text in (b"a = " + b"[" * 500 + b"]" * 500, b"layer = " + b"9" * 5000):
        overlay = tmp_path / "o.toml"
        overlay.write_bytes(text)
        code, _, err = cli("evaluate", STROKE, "-r", "changzhou", "--params", overlay)
        assert code == 2 and err.startswith(f"yibao: error: {overlay}: not valid TOML")


@pytest.mark.parametrize("money", ["１２.００", "٣", "1_000", " 12", "+5", "1e2"])
def test_money_is_written_in_ascii_digits(cli, tmp_path, money: str) -> None:
    claim = {"id": "a", "date": "2025-06-01", "kind": "inpatient", "compliant": money}
    for suffix in (".json", ".toml"):
        path = tmp_path / f"case{suffix}"
        if suffix == ".json":
            path.write_bytes(msgspec.json.encode({**BASE, "claims": [claim]}))
        else:
            toml = STROKE.read_bytes().replace(b'"50000.00"', msgspec.json.encode(money), 1)
            assert b"50000.00" not in toml
            path.write_bytes(toml)
        code, _, err = cli("evaluate", path, "-r", "changzhou")
        assert code == 2, (suffix, err)
        assert "$.claims[0].compliant: expected an amount in ASCII digits" in err
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(msgspec.json.encode({**BASE, "claims": [claim]}) + b"\n")
    code, _, err = cli("batch", lines, "-r", "changzhou", "-o", tmp_path / "out.jsonl")
    assert code == 1 and "bad lines 1" in err


def test_a_byte_order_mark_is_read_or_named(cli, tmp_path) -> None:
    bom = b"\xef\xbb\xbf"
    for name, data in (
        ("case.toml", STROKE.read_bytes()),
        ("case.json", msgspec.json.encode(BASE)),
    ):
        path = tmp_path / name
        path.write_bytes(bom + data)
        code, _, err = cli("evaluate", path, "-r", "changzhou")
        assert code == 0, err
    line = msgspec.json.encode(BASE)
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes(bom + line + b"\n" + bom + line + b"\n")
    code, _, _ = cli("batch", source, "-r", "changzhou", "-o", target)
    assert code == 1
    first, second = (json.loads(x) for x in target.read_text().splitlines())
    assert first["status"] == "ok"  # a BOM opening the file is read
    assert second["error"] == "line 2: not valid JSON: it starts with a byte-order mark"
