"""A small HTTP/1.1 load generator (asyncio, keep-alive connections, no dependencies
beyond uvloop when it is installed).

Two modes:

- **closed loop** (:func:`saturate`): ``connections`` clients each send the next request
  as soon as the last answer arrived, for ``seconds``: the throughput the server gives.
- **open loop** (:func:`fixed_rate`): requests are *scheduled* at a fixed rate, whether
  or not earlier answers have come back, and each latency is measured from the moment
  the request was due to go out (waiting for a free connection counts), so a stalled
  server shows in the percentiles instead of slowing the generator.

The generator checks every status code and, optionally, that every body equals the
expected bytes.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Stats:
    sent: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        """The ``q`` quantile of the latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def line(self) -> str:
        median = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        return (
            f"{self.sent} requests in {self.seconds:.2f} s = {self.rate:,.0f}/s; errors "
            f"{self.errors}; latency p50 {median:.2f} ms, p90 {self.pct(0.90):.2f} ms, "
            f"p99 {self.pct(0.99):.2f} ms, max {max(self.latencies, default=0) * 1000:.2f} ms"
        )


def request_bytes(method: str, path: str, body: bytes, host: str, token: str | None) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    head.append("Content-Type: application/json")
    if token:
        head.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        body = bytearray()
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            body += await self.reader.readexactly(size + 2)
            if size == 0:
                return status, bytes(body)

    def close(self) -> None:
        self.writer.close()


def _check(stats: Stats, status: int, body: bytes, expect: bytes | None) -> None:
    if status != 200 or (expect is not None and body != expect):
        stats.errors += 1


async def saturate(
    host: str, port: int, raw: bytes, *, connections: int, seconds: float,
    expect: bytes | None = None,
) -> Stats:  # fmt: skip
    """Closed loop: the most requests the server answers."""
    stats = Stats()
    conns = [await Connection.open(host, port) for _ in range(connections)]
    stop = time.perf_counter() + seconds

    async def client(conn: Connection) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status, body = await conn.send(raw)
            stats.latencies.append(time.perf_counter() - started)
            stats.sent += 1
            _check(stats, status, body, expect)

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in conns))
    stats.seconds = time.perf_counter() - began
    for c in conns:
        c.close()
    return stats


async def fixed_rate(
    host: str, port: int, raw: bytes, *, rate: float, seconds: float, connections: int = 16,
    expect: bytes | None = None,
) -> Stats:  # fmt: skip
    """Open loop: ``rate`` requests a second, latency counted from each scheduled time."""
    stats = Stats()
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Connection.open(host, port))
    total = int(rate * seconds)
    began = time.perf_counter()
    tasks = []

    async def one() -> None:
        started = time.perf_counter()  # waiting for a free connection counts
        conn = await idle.get()
        status, body = await conn.send(raw)
        stats.latencies.append(time.perf_counter() - started)
        stats.sent += 1
        _check(stats, status, body, expect)
        idle.put_nowait(conn)

    for i in range(total):
        due = began + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    stats.seconds = time.perf_counter() - began
    while not idle.empty():
        idle.get_nowait().close()
    return stats


def event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
