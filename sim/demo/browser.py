"""Drive the demo page in a real headless Chromium (Playwright from PyPI + Debian's
chromium): start ``demo.sh`` on a free port, open pages, press the page's controls.
Shared by the browser tests and ``scripts/demo_screenshots.py`` so the screenshots in
docs/teaching.md come from the same steps the tests check.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TICK = re.compile(r"Tick (\d+) of (\d+)")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    port: int | None = None, timeout: float = 120.0, log: Path | None = None
) -> Iterator[str]:
    """Run ``./demo.sh --port N`` (the README command) until the page answers; yield its URL."""
    port = port or free_port()
    with ExitStack() as stack:  # the log file closes with the server
        out = stack.enter_context(open(log, "w")) if log else subprocess.DEVNULL
        proc = subprocess.Popen(
            [str(ROOT / "demo.sh"), "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    where = f"; see {log}" if log else ""
                    raise RuntimeError(f"demo.sh exited with {proc.returncode}{where}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the demo did not answer on {url} within {timeout:.0f} s")
                time.sleep(0.5)
            yield url
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the group we started (demo.sh execs solara)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


@dataclass
class Watch:
    """What went wrong in a page: console errors, failed requests, requests to other hosts."""

    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
        )  # e.g. an asset missing from the offline cache
        page.on("request", lambda r: None if _local(r.url) else self.external.append(r.url))


def _local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))


class DemoPage:
    """One browser tab on the demo, with the actions a student takes."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url = page, url
        self.watch = Watch()
        self.watch.attach(page)

    def open(self, timeout_ms: int = 60000) -> DemoPage:
        self.page.goto(self.url)
        self.page.wait_for_selector(".demo-tick", timeout=timeout_ms)
        self.page.wait_for_selector(".demo-chart-believers img", timeout=timeout_ms)
        return self

    def text(self, css: str) -> str:
        return self.page.inner_text(css)

    def tick(self) -> int:
        m = TICK.search(self.text(".demo-tick"))
        assert m, self.text(".demo-tick")
        return int(m.group(1))

    def wait_tick(self, tick: int, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while self.tick() != tick:
            if time.monotonic() > deadline:
                raise TimeoutError(f"tick stayed at {self.tick()}, expected {tick}")
            time.sleep(0.1)

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def step(self, times: int = 1) -> int:
        for _ in range(times):
            before = self.tick()
            self.button("Step").click()
            self.wait_tick(before + 1)
        return self.tick()

    def play_until(self, tick: int, timeout_s: float = 300.0) -> int:
        """Press play, wait for ``tick`` (or the end), press pause; returns the tick reached."""
        self.button("▶").click()
        deadline = time.monotonic() + timeout_s
        while self.tick() < tick and time.monotonic() < deadline:
            time.sleep(0.2)
        pause = self.button("❚❚")
        if pause.count() and pause.is_enabled():  # disabled once the run has ended
            pause.click()
        time.sleep(1.0)  # the frame in flight
        return self.tick()

    def reset(self) -> None:
        """Mesa's Reset: rebuild the model from the current inputs (tick back to 0)."""
        old = self.text(".demo-status")
        self.button("Reset").click()
        deadline = time.monotonic() + 60
        while self.text(".demo-status") == old and time.monotonic() < deadline:
            time.sleep(0.1)
        self.wait_tick(0)

    def slider(self, label: str):
        box = self.page.locator(".v-input__slider", has_text=label)
        return box.locator("[role=slider]")

    def slider_value(self, label: str) -> float:
        return float(self.slider(label).get_attribute("aria-valuenow"))

    def move_slider(self, label: str, presses: int) -> float:
        """Press the arrow keys on a slider's handle (one step each); returns its new value."""
        handle = self.slider(label)
        handle.focus()
        for _ in range(abs(presses)):
            handle.press("ArrowRight" if presses > 0 else "ArrowLeft")
        handle.blur()
        time.sleep(0.5)  # let the new value reach the server before the next click
        return self.slider_value(label)

    def toggle(self, label: str) -> None:
        self.page.get_by_label(label, exact=True).click(force=True)
        time.sleep(0.3)  # as for sliders: the change reaches the server before the next click

    def select(self, label: str, option: str) -> None:
        self.page.locator(".v-select", has_text=label).click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def chart(self, name: str) -> bytes:
        return self.page.locator(f".demo-chart-{name} img").screenshot()

    def shot(self, path: Path, full_page: bool = False) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@contextmanager
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium not found (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
