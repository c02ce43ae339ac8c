"""Shared fixtures: the sample web on loopback, catalogue databases on SQLite and PostgreSQL, and Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from storage.db import engine_for

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("NIANBAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def sampleweb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The sample county web (a SampleWebServer), served once per test session on a free loopback port."""
    from sampleweb.server import SampleWebServer

    with SampleWebServer(cache_dir=tmp_path_factory.mktemp("sampleweb-cache")) as web:
        yield web


@pytest.fixture(scope="module")
def sync_playwright_session() -> Iterator[Any]:
    """One Playwright (sync API) at a time, for a module of UI or replay tests. A second one started in the same
    thread while the first lives is refused ("using Playwright Sync API inside the asyncio loop"), and while one
    lives its event loop runs in the main thread, where asyncio.run() is refused: so it ends with its module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: run `make test` (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        yield playwright


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards. Fails if PG is down."""
    schema = f"nianbao_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 — turn a connection error into an instruction
        pytest.fail(f"PostgreSQL at {PG_URL} is needed (run scripts/start-services): {exc}")
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on SQLite and on PostgreSQL (a fresh schema per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nianbao.db'}"
    else:
        with postgres_schema() as url:
            yield url


def run_nianbao(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the `nianbao` command line in a child process (a Scrapy reactor runs once per process)."""
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def fetch_via_proxy(web: Any, url: str, headers: dict[str, str] | None = None) -> bytes:
    """GET `url` through the sample web acting as an HTTP proxy; the body as sent (not decoded)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": web.proxy_url}))
    with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as resp:
        return bytes(resp.read())
