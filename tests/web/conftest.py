"""UI test fixtures: the app served by uvicorn on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from kernel.config import Config
from web.app import UiOptions, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def config_for(home: Path, **changes: Any) -> Config:
    """The config a `nianbao` process with NIANBAO_HOME=home (SQLite) would have, plus `changes`."""
    base = Config(home=home, database_url=f"sqlite:///{home / 'nianbao.db'}", warc_dir=home / "warcs")
    return Config(**{**vars(base), **changes})


@contextmanager
def serve_app(config: Config, options: UiOptions | None = None) -> Iterator[str]:
    """Run the UI in a thread on a free loopback port; yields its base URL, stops it afterwards."""
    app = create_app(config, options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the UI server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture(scope="module")
def browser(sync_playwright_session: Any) -> Iterator[Any]:
    """Headless Debian Chromium under Playwright (no `playwright install`: the browser download is impossible)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps (apt-get install chromium)")
    chromium = sync_playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                       headless=True)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
