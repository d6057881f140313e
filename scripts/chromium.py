"""A small headless-Chromium driver over the DevTools protocol, through a pipe (no websocket, no packages).

>>> with Chromium() as browser:
...     page = browser.open("http://127.0.0.1:8000/", width=390, scheme="dark")
...     page.evaluate("document.title")
...     page.screenshot("home.png")

Chromium is Debian's (``apt-get install -y chromium``); ``CHROMIUM`` names another binary.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars=false", "--remote-debugging-pipe",
]
TIMEOUT = 60.0


class BrowserError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM``, else ``chromium`` or ``chromium-browser`` on the path."""
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Chromium:
    """One headless browser process; :meth:`open` gives a page (tab) with its own viewport and colour scheme."""

    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or find_chromium()
        if self.binary is None:
            raise BrowserError("Chromium not found: apt-get install -y chromium (or set CHROMIUM)")
        self.profile = tempfile.mkdtemp(prefix="cnnsummary-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # the protocol: the browser reads fd 3 and writes fd 4
            read, write = os.dup(to_browser_r), os.dup(from_browser_w)  # above 4, so neither is overwritten
            os.dup2(read, 3)
            os.dup2(write, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._waiting: dict[int, queue.Queue] = {}
        self._events: dict[str | None, queue.Queue] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # protocol -----------------------------------------------------------------------------------
    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message and message["id"] in self._waiting:
                    self._waiting[message["id"]].put(message)
                else:
                    self._events.setdefault(message.get("sessionId"), queue.Queue()).put(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            answer: queue.Queue = queue.Queue()
            self._waiting[ident] = answer
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        try:
            reply = answer.get(timeout=TIMEOUT)
        except queue.Empty:
            raise BrowserError(f"{method}: no answer in {TIMEOUT:.0f} s") from None
        finally:
            self._waiting.pop(ident, None)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def wait_event(self, session: str, method: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        events = self._events.setdefault(session, queue.Queue())
        while True:
            try:
                event = events.get(timeout=timeout)
            except queue.Empty:
                raise BrowserError(f"no {method} in {timeout:.0f} s") from None
            if event.get("method") == method:
                return event.get("params", {})

    # pages ---------------------------------------------------------------------------------------
    def open(self, url: str, *, width: int, height: int = 900, scheme: str = "light") -> Page:
        """A new tab at ``width`` CSS pixels (a phone when narrower than 600), ``prefers-color-scheme: scheme``."""
        context = self.send("Target.createBrowserContext")["browserContextId"]  # no storage shared with others
        target = self.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session, width, context)
        page.setup(height, scheme)
        page.goto(url)
        return page

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Page:
    """One tab."""

    def __init__(self, browser: Chromium, target: str, session: str, width: int, context: str) -> None:
        self.browser, self.target, self.session, self.width = browser, target, session, width
        self.context = context

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def setup(self, height: int, scheme: str) -> None:
        phone = self.width < 600
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": height, "deviceScaleFactor": 2 if phone else 1, "mobile": phone})
        if phone:
            self.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        self.send("Emulation.setEmulatedMedia", {"media": "screen", "features": [
            {"name": "prefers-color-scheme", "value": scheme}, {"name": "prefers-reduced-motion", "value": "reduce"}]})

    def goto(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.browser.wait_event(self.session, "Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => new Promise(r => setTimeout(r, 300)))")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (promises are awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"JavaScript: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def screenshot(self, path: str | Path, *, max_height: int = 6000, clip: dict[str, float] | None = None) -> Path:
        """A PNG of the page from the top (at most ``max_height`` CSS pixels), or of ``clip`` (x, y, width, height)."""
        if clip is None:
            height = self.evaluate("document.documentElement.scrollHeight")
            clip = {"x": 0, "y": 0, "width": self.width, "height": min(height, max_height)}
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {**clip, "scale": 1}})
        path = Path(path)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
        self.browser.send("Target.disposeBrowserContext", {"browserContextId": self.context})
