"""Redis restarting under a distributed crawl: the workers wait for it and go on (or the crawl ends interrupted and
is resumed), never corrupt — every report archived, no URL downloaded twice, no orphan row, `archive verify` clean.
The Redis is a private one (tests/storage/private_services.py) with its append-only file on, as a Redis a crawl
relies on must be configured: the machine's own is not restarted under other tests."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import select

from distributed.outage import EXIT_REDIS_GONE
from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from storage.db import open_catalogue
from storage.models import Crawl
from tests.conftest import postgres_schema, run_nianbao
from tests.crawler.kill_support import orphan_rows
from tests.distributed.test_distributed import _captures, _start, _wait
from tests.storage.private_services import PrivateRedis, private_redis

SITE = "pingluo"


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with private_redis() as server:
        yield server


def _env(home: Path, db_url: str, proxy: str, redis_url: str, **more: str) -> dict[str, str]:
    return {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": db_url, "http_proxy": proxy,
            "NIANBAO_PARSE_WORKERS": "1", "NIANBAO_BROWSER": "0", "NIANBAO_REDIS_URL": redis_url,
            "NIANBAO_REDIS_PREFIX": "restart:", **more}


def _workers(env: dict[str, str], home: Path, names: tuple[str, ...]) -> tuple[list[subprocess.Popen[bytes]],
                                                                                 list[Path]]:
    logs = [home / f"{name}.log" for name in names]
    return [_start(["worker", "--burst", "--poll", "0.5"], {**env, "NIANBAO_WORKER_ID": name}, log, own_group=True)
            for name, log in zip(names, logs, strict=True)], logs


def _when_captured(db_url: str, count: int, workers: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while len(_captures(db_url)) < count:
        assert all(w.poll() is None for w in workers), "a worker ended before Redis went away"
        assert time.monotonic() < deadline, f"fewer than {count} captures within 120 s"
        time.sleep(0.05)


def _kill(workers: list[subprocess.Popen[bytes]]) -> None:
    for proc in workers:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _ends_whole(env: dict[str, str], db_url: str, output: str) -> None:
    """One crawl, finished; every report archived, nothing downloaded twice, no orphan row, the archive verifies."""
    with open_catalogue(db_url)() as s:
        crawls = list(s.scalars(select(Crawl)))
    assert [(c.status, c.trigger) for c in crawls] == [("finished", "distributed")], (
        [(c.status, c.close_reason) for c in crawls], output)
    captures = _captures(db_url)
    twice = {url: n for url, n in Counter(url for url, _, _ in captures).items() if n > 1}
    assert not twice, f"downloaded more than once: {twice}"
    ok = {url for url, status, _ in captures if status == 200}
    for report in expected_reports(SITE):  # nothing lost
        for url in (report.page_url, *report.attachment_urls):
            assert url in ok, url
    assert orphan_rows(db_url) == []
    verify = run_nianbao(["archive", "verify"], env)
    assert verify.returncode == 0, verify.stdout[-3000:]


def test_workers_wait_out_a_redis_restart(sampleweb: SampleWebServer, redis_server: PrivateRedis,
                                          tmp_path: Path) -> None:
    sampleweb.render(SITE)
    with postgres_schema() as db_url:
        home = tmp_path / "home"
        home.mkdir()
        env = _env(home, db_url, sampleweb.proxy_url, redis_server.url)
        out = run_nianbao(["crawl", SITE, "--distributed"], env)
        assert out.returncode == 0, out.stderr[-3000:]
        workers, logs = _workers(env, home, ("w1", "w2"))
        try:
            for restart_after in (5, 15):  # two restarts, at two points of the crawl, each down for 2 s
                _when_captured(db_url, restart_after, workers)
                redis_server.restart(down=2.0)
            _wait(workers, logs, timeout=300)
        finally:
            _kill(workers)
        output = "\n".join(log.read_text(errors="replace") for log in logs)
        assert "Redis unreachable" in output  # the restarts were felt, and waited out
        _ends_whole(env, db_url, output[-6000:])


def test_workers_stop_when_redis_stays_away_and_the_next_ones_finish_the_crawl(
        sampleweb: SampleWebServer, redis_server: PrivateRedis, tmp_path: Path) -> None:
    sampleweb.render(SITE)
    with postgres_schema() as db_url:
        home = tmp_path / "home"
        home.mkdir()
        env = _env(home, db_url, sampleweb.proxy_url, redis_server.url, NIANBAO_REDIS_WAIT="2",
                   NIANBAO_WORKER_STALE_AFTER="6")
        out = run_nianbao(["crawl", SITE, "--distributed"], env)
        assert out.returncode == 0, out.stderr[-3000:]
        workers, logs = _workers(env, home, ("w1", "w2"))
        try:
            _when_captured(db_url, 5, workers)
            redis_server.stop()  # away for longer than the workers wait
            codes = [proc.wait(timeout=120) for proc in workers]
        finally:
            _kill(workers)
        output = "\n".join(log.read_text(errors="replace") for log in logs)
        assert codes == [EXIT_REDIS_GONE] * 2, (codes, output[-6000:])
        assert "Redis unreachable past NIANBAO_REDIS_WAIT" in output
        with open_catalogue(db_url)() as s:  # not taken for finished
            assert [c.status for c in s.scalars(select(Crawl))] == ["running"]
        redis_server.start()
        workers, logs = _workers(env, home, ("w3", "w4"))  # new workers: w1 and w2 are taken for dead
        try:
            _wait(workers, logs, timeout=300)
        finally:
            _kill(workers)
        output = "\n".join(log.read_text(errors="replace") for log in logs)
        assert "worker taken for dead" in output, output[-6000:]
        _ends_whole(env, db_url, output[-6000:])
