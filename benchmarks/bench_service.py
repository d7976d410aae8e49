"""``yibao serve``: single-case ``POST /evaluate`` throughput on one worker, and latency
at a fixed load (issue 22: ≥ 1,000 evaluations/s on one core, p99 ≤ 10 ms at 500/s).

    uv run python benchmarks/bench_service.py [--seconds 5] [--rounds 3]

The server runs as ``yibao serve`` (one worker) pinned to CPU 0, the load generator
(:mod:`loadgen`, asyncio over keep-alive connections) to CPU 1. Each round measures:

1. the peer in the same run: the same case evaluated and encoded in process (what the
   HTTP stack adds to is this);
2. ``GET /health`` saturated: the HTTP stack's own ceiling;
3. ``POST /evaluate`` saturated (8 connections): evaluations/s, and per CPU-second of
   the server process (what one free core gives, whatever else the machine runs);
4. ``POST /evaluate`` at a fixed rate — half the saturated rate, and 500/s — with the
   latency percentiles, each measured from when the request was due.

Every answer is checked against the bytes ``yibao evaluate --json`` gives. Prints
medians over the rounds. Not a timed test: record the numbers in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import msgspec
from _common import machine, yibao_exe
from bench_single import ONE_CLAIM
from loadgen import event_loop, fixed_rate, request_bytes, saturate
from yibao.engine import evaluate
from yibao.jsonformat import to_json
from yibao.model import Scenario
from yibao.registry import default_registry

SERVER_CPU, CLIENT_CPU = 0, 1


def start(*args: str) -> tuple[subprocess.Popen[bytes], int]:
    process = subprocess.Popen(
        ["taskset", "-c", str(SERVER_CPU), yibao_exe(), "serve", "--port", "0", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    for raw in process.stderr:
        found = re.search(rb"listening on http://127\.0\.0\.1:(\d+)", raw)
        if found:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # drain
            time.sleep(1.0)  # the application starts after the socket is bound
            return process, int(found.group(1))
    raise RuntimeError("yibao serve did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(body: bytes, repeat: int = 2000) -> float:
    """Median µs to decode the body, evaluate the case and encode the answer, in
    process (no HTTP): what the service does for each request besides HTTP."""
    registry = default_registry()
    decode = msgspec.json.Decoder(Scenario).decode
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        to_json(evaluate(decode(body), "changzhou", registry=registry))
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--access-log", action="store_true", help="leave the access log on")
    args = parser.parse_args()
    os.sched_setaffinity(0, {CLIENT_CPU})
    scenario = msgspec.convert(ONE_CLAIM, type=Scenario)
    body = msgspec.json.encode(scenario)
    expect = to_json(evaluate(scenario, "changzhou"))
    print(machine())
    print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds of {args.seconds} s; "
          f"access log {'on' if args.access_log else 'off'}")  # fmt: skip
    rows: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        rows.setdefault(name, []).append(value)

    loop = event_loop()
    for round_ in range(1, args.rounds + 1):
        keep("in process: decode + evaluate + encode (µs)", in_process(body))
        process, port = start(*([] if args.access_log else ["--no-access-log"]))
        try:
            health = request_bytes("GET", "/health", b"", "127.0.0.1", None)
            post = request_bytes("POST", "/evaluate?region=changzhou", body, "127.0.0.1", None)
            run = loop.run_until_complete
            host = "127.0.0.1"
            run(saturate(host, port, post, connections=4, seconds=1))  # warm up
            c0 = cpu_seconds(process.pid)
            top = run(saturate(host, port, health, connections=args.connections,
                               seconds=args.seconds))  # fmt: skip
            c1 = cpu_seconds(process.pid)
            full = run(saturate(host, port, post, connections=args.connections,
                                seconds=args.seconds, expect=expect))  # fmt: skip
            c2 = cpu_seconds(process.pid)
            half = run(fixed_rate(host, port, post, rate=full.rate / 2, seconds=args.seconds,
                                  expect=expect))  # fmt: skip
            at500 = run(fixed_rate(host, port, post, rate=500, seconds=args.seconds,
                                   expect=expect))  # fmt: skip
        finally:
            process.terminate()
            process.wait()
        assert full.errors == half.errors == at500.errors == 0, "a wrong answer"
        keep("GET /health saturated (req/s)", top.rate)
        keep("GET /health per server CPU-second", top.sent / (c1 - c0))
        keep("POST /evaluate saturated (evaluations/s)", full.rate)
        keep("POST /evaluate per server CPU-second", full.sent / (c2 - c1))
        keep("POST /evaluate saturated p50 (ms)", full.pct(0.5))
        keep("at half that rate: rate (/s)", half.rate)
        keep("at half that rate: p50 (ms)", half.pct(0.5))
        keep("at half that rate: p99 (ms)", half.pct(0.99))
        keep("at 500/s: p50 (ms)", at500.pct(0.5))
        keep("at 500/s: p99 (ms)", at500.pct(0.99))
        print(f"round {round_}: saturated {full.line()}", file=sys.stderr)
        print(f"round {round_}: half      {half.line()}", file=sys.stderr)
        print(f"round {round_}: 500/s     {at500.line()}", file=sys.stderr)
    width = max(map(len, rows))
    print(f"{'measure':<{width}}  median   (rounds)")
    for name, values in rows.items():
        shown = ", ".join(f"{v:,.1f}" for v in values)
        print(f"{name:<{width}}  {statistics.median(values):>8,.1f}  ({shown})")


if __name__ == "__main__":
    main()
