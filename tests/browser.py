"""A real headless Chromium driven over the DevTools protocol, for the review page's test.

The browser is the Debian `chromium` package; the protocol runs over the pipe Chromium
opens with `--remote-debugging-pipe` (file descriptors 3 and 4, messages as JSON ended by
a NUL byte), so no port, no network and no client library are needed. The network is
closed and the profile folder is fresh for every run.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
)


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """What loading one page gave: its console messages, errors and log entries."""

    console: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


class Chromium:
    def __init__(self, binary: str, profile: Path, width: int = 1280, height: int = 900):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child: the protocol's descriptors 3 (in) and 4 (out)
            inbound, outbound = os.dup(to_child_r), os.dup(from_child_w)  # above 4: no clash
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        args = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
        self._proc = subprocess.Popen(
            [*args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # no threads here; dup2 has to run in the child
            pass_fds=(3, 4),  # kept open in the child after `wire`; the rest are closed
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []
        self.session = ""

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, RuntimeError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)

    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the protocol pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        self._next += 1
        request: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            request["sessionId"] = self.session
        os.write(self._to_child, json.dumps(request).encode() + b"\0")
        while True:
            message = self._read(timeout)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for i, event in enumerate(self._events):
            if event.get("method") == method:
                return self._events.pop(i)
        while True:
            message = self._read(timeout)
            if message.get("method") == method:
                return message
            self._events.append(message)

    def open(self, url: str) -> Page:
        """Attach to the first tab, load `url`, and collect what it reported."""
        targets = self.call("Target.getTargets")["targetInfos"]
        tab = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=tab["targetId"], flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.call("Runtime.evaluate", expression="1", awaitPromise=True)  # let events flush
        page = Page()
        for event in self._events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled":
                page.console.append(params)
            elif event.get("method") == "Runtime.exceptionThrown":
                page.exceptions.append(params)
            elif event.get("method") == "Log.entryAdded":
                page.log.append(params["entry"])
        return page

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, target: Path) -> tuple[int, int]:
        """The whole page as PNG; returns its width and height in CSS pixels."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        width, height = int(size["width"]), int(size["height"])
        clip = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
        shot = self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        target.write_bytes(base64.b64decode(shot["data"]))
        return width, height
