"""The real server on localhost and headless Chromium (Debian's), shared by the browser tests.

Nothing here sleeps for a fixed time: every step waits for the app's own markers (a run counter
that changes at the end of each script run, `.st-key-*` containers) and for Streamlit's status
widget to go away.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"  # Debian's
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, *, log=None) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    return subprocess.Popen(command, cwd=ROOT, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)  # polling interval of the health check, not a wait for the app
    raise RuntimeError("streamlit did not become healthy in time")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (bash scripts/setup.sh test installs it)")
    port = free_port()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with open(SHOTS.parent / "streamlit-test.log", "wb") as log:
        process = start_server(port, log=log)
        try:
            wait_healthy(port, process)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_server(process)


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_app(browser, server):
    """open_app(viewport, kiosk=False, **params) -> an App on a fresh page (its own session)."""
    from .app_driver import App
    contexts = []

    def opener(viewport=DESKTOP, *, kiosk=False, path="", **params):
        context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1,
                                      has_touch=viewport["width"] < 500)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        app = App(page, server, SHOTS)
        app.open(path=path, kiosk=kiosk, **params)
        return app

    yield opener
    for context in contexts:
        context.close()
