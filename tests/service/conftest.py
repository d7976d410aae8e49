"""The real service: ``yibao serve`` started as a process on an ephemeral port, called
with a real HTTP client (httpx), its log kept for the tests that read it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

YIBAO = Path(sys.executable).with_name("yibao")
ROOT = Path(__file__).parents[2]
EXAMPLES = sorted(ROOT.glob("plugins/*/src/*/*/examples/*.toml"))


@dataclass
class Server:
    """A running ``yibao serve`` process and what it has logged so far (stderr and
    stdout, where uvicorn writes its access log)."""

    process: subprocess.Popen[str]
    url: str
    log: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def stop(self) -> str:
        """Stop the server and return its whole log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=15)  # the whole log, up to the end of the pipe
        if self.process.stdout is not None:
            self.process.stdout.close()
        return "".join(self.log)


def start(*args: str) -> Server:
    """Start ``yibao serve --port 0 ARGS`` and wait until it listens."""
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_PLUGINS", "YIBAO_DISABLE")}
    process = subprocess.Popen(
        [str(YIBAO), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    log: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def drain() -> None:  # keeps reading, so the server never blocks on a full pipe
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                url.append(match.group(1))
                found.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    server = Server(process, "", log, reader)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if found.wait(0.1):
            server.url = url[0]
            break
    if not server.url:
        raise RuntimeError("yibao serve did not start:\n" + server.stop())
    with server.client() as client:  # bound; wait until the application answers
        while time.monotonic() < deadline:
            try:
                if client.get("/health").status_code == 200:
                    return server
            except httpx.TransportError:
                time.sleep(0.05)
    raise RuntimeError("yibao serve did not answer /health:\n" + server.stop())


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The service with small limits, so the limits can be tested quickly."""
    running = start("--max-body", "20000", "--max-batch-lines", "5")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client
