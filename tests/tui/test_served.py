"""``yibao tui --serve`` in a real browser: headless Chromium loads the page, a case is
typed in with the keyboard, and the answer — 常州, its premium and its settlement —
reaches the page.

Chromium is driven over the DevTools protocol (a websocket, through aiohttp, which
textual-serve already brings). The terminal is drawn on a canvas, so the test reads
what the page received: the terminal output the server sends over the page's websocket.
Set ``YIBAO_SCREENSHOT=FILE.png`` to keep the screenshot.

The case (changzhou-resident-2025): an elderly resident (老年居民) of 武进 with 常州
household registration, paid 2024-11-20 for 2025, one level-3 admission of 50,000.00 on
2025-05-10. §一(三): premium 730.00. §三(一): deductible 1,000, 70% →
(50,000 − 1,000) × 70% = 34,300.00 from the basic fund; §四: the rest, 15,700.00, stays
under the critical-illness threshold of 20,000 → the patient pays 15,700.00.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from yibao_tui.domain.fields import (
    CASE_FIELDS,
    CLAIM_FIELDS,
    ENROLLMENT_FIELDS,
    PERSON_FIELDS,
    FieldSpec,
)

CHROMIUM = Path("/usr/bin/chromium")
YIBAO = Path(sys.executable).with_name("yibao")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (Debian: apt-get install chromium)",
)

TAB, ENTER, DOWN = "Tab", "Enter", "ArrowDown"
F2, F3, F4 = "F2", "F3", "F4"


def tabs(fields: tuple[FieldSpec, ...], start: str, end: str) -> list[str]:
    """The Tab presses from field ``start`` to field ``end`` of a form (in its order)."""
    names = [f.name for f in fields]
    return [TAB] * (names.index(end) - names.index(start))


CASE_TAB = (*CASE_FIELDS, *PERSON_FIELDS)
CASE = [
    # a new case starts on the year field: the year, the birth date, then the household
    # registration (常州 is the second region), the district (the first, 武进) and the
    # category (老年居民, the first after "derive from facts")
    "2025", *tabs(CASE_TAB, "year", "birth_date"), "1952-03-02",
    *tabs(CASE_TAB, "birth_date", "hukou"), ENTER, DOWN, DOWN, ENTER,
    *tabs(CASE_TAB, "hukou", "district"), ENTER, DOWN, ENTER,
    *tabs(CASE_TAB, "district", "category"), ENTER, DOWN, ENTER,
    # enrolment: add a year (the case's) in 常州 (from the household registration),
    # paid 2024-11-20
    F3, "a", *tabs(ENROLLMENT_FIELDS, "year", "paid_on"), "2024-11-20", ENTER,
    # claims (F3 twice more): add one, dated 2025-05-10, inpatient, level 3, 50,000.00
    F3, F3, "a", *tabs(CLAIM_FIELDS, "id", "date"), "2025-05-10",
    *tabs(CLAIM_FIELDS, "date", "compliant"), "50000", ENTER,
    # show 常州 (the next region after 昌黎) and its result
    F2, F4,
]  # fmt: skip
KEYS = {TAB: 9, ENTER: 13, DOWN: 40, F2: 113, F3: 114, F4: 115}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


class Page:
    """One Chromium page over the DevTools protocol, keeping what its websockets
    received."""

    def __init__(self, ws) -> None:  # type: ignore[no-untyped-def]
        self.ws = ws
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future] = {}
        self.received = bytearray()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.waiting:
                self.waiting.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                frame = data["params"]["response"]
                payload = frame["payloadData"]
                self.received += (
                    base64.b64decode(payload) if frame["opcode"] == 2 else payload.encode()
                )

    async def send(self, method: str, **params: object) -> dict:
        self.next_id += 1
        done = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = done
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method,
                                           "params": params}))  # fmt: skip
        answer = await asyncio.wait_for(done, 30)
        assert "error" not in answer, answer
        return answer.get("result", {})

    @property
    def text(self) -> str:
        return self.received.decode("utf-8", errors="replace")

    async def until(self, *texts: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not all(t in self.text for t in texts):
            if time.monotonic() > deadline:
                missing = [t for t in texts if t not in self.text]
                raise AssertionError(f"the page never received {missing}")
            await asyncio.sleep(0.1)

    async def settle(self, quiet: float = 0.25, seconds: float = 10) -> None:
        """Wait until the app has drawn what the last key did: nothing new arrives for
        ``quiet`` seconds (so a key never reaches a dialog before it is open)."""
        deadline = time.monotonic() + seconds
        seen = -1
        while len(self.received) != seen and time.monotonic() < deadline:
            seen = len(self.received)
            await asyncio.sleep(quiet)

    async def key(self, key: str) -> None:
        await asyncio.sleep(0.1)  # the app answers a key with at least one frame
        if key not in KEYS:  # text: typed as input, as a keyboard or an IME does
            await self.send("Input.insertText", text=key)
        else:
            code = KEYS[key]
            for kind in ("rawKeyDown", "keyUp"):
                await self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                                windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)  # fmt: skip
        await self.settle()


async def drive(url: str, devtools: int, shot: Path) -> str:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{devtools}/json/list") as listing:
            target = next(t for t in await listing.json() if t["type"] == "page")
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            page = Page(ws)
            await page.send("Network.enable")
            await page.send("Page.enable")
            await page.send("Page.navigate", url=url)
            await page.until("人员信息", seconds=60)  # the app's first screen: the case tab
            await asyncio.sleep(2)
            focus = "document.querySelector('.xterm-helper-textarea').focus()"
            await page.send("Runtime.evaluate", expression=focus)
            for key in CASE:
                await page.key(key)
            await page.until("常州", "34,300.00", "15,700.00", "730.00")
            await asyncio.sleep(1)  # let the canvas draw the last frame
            picture = await page.send("Page.captureScreenshot", format="png")
            shot.write_bytes(base64.b64decode(picture["data"]))
            page.reader.cancel()
            return page.text


def test_a_case_entered_in_the_browser_shows_changzhou_s_numbers(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(YIBAO), "tui", "--serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    home = tmp_path / "chromium"
    home.mkdir()
    browser = None
    try:
        wait_for(port)
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as page:  # the page loads
            html = page.read().decode()
        assert "textual-terminal" in html and "yibao 医保" in html
        browser = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={home}",
             "--remote-debugging-port=0", "--window-size=1280,800", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(home)},
        )  # fmt: skip
        active = home / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not active.exists() or not active.read_text().strip():
            assert time.monotonic() < deadline, "Chromium did not start"
            time.sleep(0.1)
        devtools = int(active.read_text().split()[0])
        shot = tmp_path / "served.png"
        text = asyncio.run(drive(f"http://127.0.0.1:{port}/", devtools, shot))
    finally:
        for process in (browser, server):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    assert "老年居民" in text  # the category typed in, as the region names it
    assert shot.stat().st_size > 20_000
    keep = os.environ.get("YIBAO_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
