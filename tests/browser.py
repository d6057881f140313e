"""Headless browsers for the tests: Chromium driven through the DevTools protocol over a pipe, Firefox through
WebDriver BiDi over a websocket (no driver, no websocket library).

>>> with Browser() as b:                                # doctest: +SKIP
...     b.open("file:///tmp/site/index.html", width=1280)
...     b.evaluate("document.title")
...     png = b.screenshot()
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe")
#: requests a page may make that must not leave the machine (theme web fonts)
BLOCKED = ("*fonts.googleapis.com*", "*fonts.gstatic.com*", "http://*", "https://*")
TIMEOUT = 60.0


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(RuntimeError):
    """The browser did not answer, or answered with an error."""


class Page:
    """What every engine's driver offers the tests besides open() and screenshot()."""

    name = ""

    def evaluate(self, expression: str) -> Any:
        raise NotImplementedError

    def wait_for(self, expression: str, timeout: float = 20.0) -> None:
        """Wait until a JavaScript expression is true in the page."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            time.sleep(0.05)


class Browser(Page):
    """One headless Chromium with one page."""

    name = "chromium"

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium()
        if self.executable is None:
            raise BrowserError("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix="cnnsummary-chromium-")
        self.buffer = b""
        self.next_id = 0
        self.session: str | None = None

    def __enter__(self) -> Browser:
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def pipes() -> None:  # the protocol is read from fd 3 and written to fd 4
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            preexec_fn=pipes, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t["targetId"] for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Network.enable", session=True)
        self.call("Network.setBlockedURLs", session=True, urls=list(BLOCKED))
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.to_browser, self.from_browser):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    # the protocol ------------------------------------------------------------------------------
    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events in between are dropped)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self.next_id:
                    if "error" in answer:
                        raise BrowserError(f"{method}: {answer['error']}")
                    return answer.get("result", {})
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise BrowserError(f"{method}: no answer from the browser")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise BrowserError(f"{method}: the browser closed the pipe")
            self.buffer += chunk

    # what tests use ----------------------------------------------------------------------------
    def open(self, url: str, *, width: int = 1280, height: int = 900, dark: bool = False) -> None:
        """Load ``url`` in a window ``width`` CSS pixels wide, preferring a dark scheme if ``dark``."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        self.call("Emulation.setEmulatedMedia", session=True,
                  features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete'")
        if self.evaluate("localStorage.length"):  # what an earlier visit remembered (a theme's chosen scheme)
            self.evaluate("localStorage.clear()")
            self.call("Page.reload", session=True)
            self.wait_for("document.readyState === 'complete' && localStorage.length >= 0")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, clip: dict[str, float] | None = None, full_page: bool = False, scale: float = 1) -> bytes:
        """A PNG of the viewport, of ``clip`` (x, y, width, height in page pixels, shrunk by ``scale``)
        or of the whole page."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": bool(clip or full_page)}
        if clip:
            params["clip"] = {**clip, "scale": scale}
        elif full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        return base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"])


# --- Firefox, through WebDriver BiDi over a websocket ---------------------------------------------------------

def firefox() -> str | None:
    """The Firefox executable, or None when it is not installed."""
    for name in ("firefox-esr", "firefox"):
        path = shutil.which(name)
        if path:
            return path
    return None


#: a profile's preferences: no first-run pages, no updates or telemetry, and every request that would leave
#: the machine (theme web fonts) sent to a closed local port so that it fails at once
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False, "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False, "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False, "app.update.disabledForTesting": True,
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": 9, "network.proxy.allow_hijacking_localhost": False,
    "network.proxy.no_proxies_on": "localhost, 127.0.0.1",
    "network.dns.disablePrefetch": True, "network.prefetch-next": False, "layout.css.devPixelsPerPx": "1.0",
    "ui.prefersReducedMotion": 1,
}


class WebSocket:
    """The client side of one websocket (RFC 6455): text messages only, enough for a local browser."""

    def __init__(self, host: str, port: int, path: str, timeout: float = TIMEOUT) -> None:
        import socket

        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise BrowserError("the browser refused the websocket")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise BrowserError(f"websocket handshake: {head[:200]!r}")

    def send(self, text: str) -> None:
        import struct

        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                struct.pack(">BH", 0x80 | 126, n) if n < 1 << 16 else struct.pack(">BQ", 0x80 | 127, n))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise BrowserError("the browser closed the websocket")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self) -> str:
        """The next whole text message (fragments joined; pings and other control frames skipped)."""
        import struct

        parts: list[bytes] = []
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            body = self._read(n)
            if mask:
                body = bytes(b ^ mask[i % 4] for i, b in enumerate(body))
            opcode = first & 0x0F
            if opcode == 8:
                raise BrowserError("the browser closed the websocket")
            if opcode in (0, 1, 2):
                parts.append(body)
                if first & 0x80:
                    return b"".join(parts).decode()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


class Firefox(Page):
    """One headless Firefox with one page, driven through WebDriver BiDi; the interface of :class:`Browser`.

    A page's colour scheme is a preference of the profile, so a change of ``dark`` starts a fresh browser."""

    name = "firefox"

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or firefox()
        if self.executable is None:
            raise BrowserError("firefox is not installed")
        self.dark: bool | None = None
        self.process: subprocess.Popen | None = None
        self.socket: WebSocket | None = None
        self.next_id = 0

    def __enter__(self) -> Firefox:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self, dark: bool) -> None:
        import socket

        self._stop()
        self.profile = tempfile.mkdtemp(prefix="cnnsummary-firefox-")
        prefs = {**FIREFOX_PREFS, "layout.css.prefers-color-scheme.content-override": 0 if dark else 1,
                 "ui.systemUsesDarkTheme": int(dark)}
        with open(os.path.join(self.profile, "user.js"), "w", encoding="utf-8") as out:
            out.writelines(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [self.executable, "--headless", "--no-remote", "--profile", self.profile,
             f"--remote-debugging-port={port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"})
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.socket = WebSocket("127.0.0.1", port, "/session")
                break
            except (OSError, BrowserError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self._stop()
                    raise BrowserError("firefox did not open its remote port") from None
                time.sleep(0.1)
        self.call("session.new", capabilities={"alwaysMatch": {"acceptInsecureCerts": True}})
        self.context = self.call("browsingContext.getTree")["contexts"][0]["context"]
        self.dark = dark

    def _stop(self) -> None:
        if self.process is None:
            return
        if self.socket is not None:
            with contextlib.suppress(BrowserError, OSError):
                self.call("browser.close")
            self.socket.close()
            self.socket = None
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        shutil.rmtree(self.profile, ignore_errors=True)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events in between are dropped)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.socket.receive())
            if answer.get("id") == self.next_id:
                if answer.get("type") == "error":
                    raise BrowserError(f"{method}: {answer.get('error')}: {answer.get('message')}")
                return answer.get("result", {})

    def open(self, url: str, *, width: int = 1280, height: int = 900, dark: bool = False) -> None:
        """Load ``url`` in a window ``width`` CSS pixels wide, preferring a dark scheme if ``dark``."""
        if self.process is None or self.dark != dark:
            self._start(dark)
        self.call("browsingContext.setViewport", context=self.context,
                  viewport={"width": width, "height": height}, devicePixelRatio=1)
        self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")
        # what an earlier visit remembered (a theme's chosen scheme); a data: URL has no storage
        if self.evaluate("(() => { try { return localStorage.length; } catch (e) { return 0; } })()"):
            self.evaluate("localStorage.clear()")
            self.call("browsingContext.reload", context=self.context, wait="complete")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        wrapped = f"Promise.resolve({expression}).then(v => JSON.stringify(v === undefined ? null : v))"
        result = self.call("script.evaluate", expression=wrapped, target={"context": self.context},
                           awaitPromise=True, resultOwnership="none")
        if result.get("type") == "exception":
            raise BrowserError(f"{expression[:80]}...: {result['exceptionDetails'].get('text')}")
        return json.loads(result["result"]["value"])

    def screenshot(self, clip: dict[str, float] | None = None, full_page: bool = False, scale: float = 1) -> bytes:
        """A PNG of the viewport, of ``clip`` (x, y, width, height in page pixels) or of the whole page;
        ``scale`` is Chromium's alone (Firefox draws at one device pixel per CSS pixel here)."""
        params: dict[str, Any] = {"context": self.context}
        if clip or full_page:
            params["origin"] = "document"
        if clip:
            params["clip"] = {"type": "box", **clip}
        return base64.b64decode(self.call("browsingContext.captureScreenshot", **params)["data"])


#: the engines tests can drive: name -> (class, finder of the executable)
ENGINES = {"chromium": (Browser, chromium), "firefox": (Firefox, firefox)}


def browsers() -> list[str]:
    """The names of the engines installed here, Chromium first."""
    return [name for name, (_, find) in ENGINES.items() if find()]


def launch(name: str = "chromium") -> Browser | Firefox:
    """A browser of the engine ``name`` (use it as a context manager)."""
    return ENGINES[name][0]()


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows) of an 8-bit RGB or RGBA PNG such as Chromium's screenshots; each row holds
    4 bytes per pixel (RGBA)."""
    import struct
    import zlib

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB(A), non-interlaced PNGs are read")
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous = line
        if bpp == 3:
            line = bytearray(b"".join(bytes(line[i:i + 3]) + b"\xff" for i in range(0, stride, 3)))
        rows.append(bytes(line))
    return width, height, rows
