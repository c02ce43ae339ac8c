"""PostgreSQL restarting under nianbao: a session after the restart gets a new connection (the dead pooled one is
found at checkout), a connection asked for while the server is down is waited for, and a crawl whose catalogue
server restarts mid-crawl ends whole — finished, or interrupted and then resumed — never corrupt. The server is a
private one (tests/storage/private_services.py): the machine's own is not restarted under other tests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from sampleweb.server import SampleWebServer
from sampleweb.truth import expected_reports
from storage.db import engine_for, open_catalogue, reconnecting
from storage.models import Capture, Crawl
from tests.conftest import REPO, run_nianbao
from tests.crawler.kill_support import capture_count, orphan_rows
from tests.storage.private_services import PrivatePostgres, private_postgres

SITE = "pingluo"


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server


def test_a_session_after_a_restart_reconnects(postgres: PrivatePostgres) -> None:
    engine = engine_for(postgres.url)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    postgres.restart()  # the pooled connection is dead now
    with engine.connect() as conn:
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != before


def test_a_connection_asked_for_while_the_server_is_down_is_waited_for(postgres: PrivatePostgres) -> None:
    engine = engine_for(postgres.url)
    engine.dispose()
    postgres.ctl("stop", "-m", "fast")
    back = threading.Timer(2.0, postgres.ctl, args=("start",))
    back.start()
    try:
        with engine.connect() as conn:  # refused at first: tried again until the server is back
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        back.join()


def test_a_transaction_cut_by_a_restart_is_run_again(postgres: PrivatePostgres) -> None:
    sessions = open_catalogue(postgres.url)
    runs = []

    @reconnecting
    def cut_once() -> int:
        runs.append(len(runs))
        with sessions.begin() as s:
            if len(runs) == 1:  # the server restarts while the first run's statement is going on
                threading.Timer(1.0, postgres.restart).start()
                s.execute(text("SELECT pg_sleep(30)"))
            return int(s.execute(text("SELECT count(*) FROM crawls")).scalar_one())

    assert cut_once() == 0
    assert runs == [0, 1]



def test_a_crawl_whose_catalogue_server_restarts_ends_whole(sampleweb: SampleWebServer, postgres: PrivatePostgres,
                                                            tmp_path: Path) -> None:
    sampleweb.render(SITE)
    home, log = tmp_path / "data", tmp_path / "crawl.log"
    env = {"NIANBAO_HOME": str(home), "NIANBAO_DATABASE_URL": postgres.url, "NIANBAO_BROWSER": "0",
           "NIANBAO_PARSE_WORKERS": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", SITE, "--proxy", sampleweb.proxy_url],
                                cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        for restart_after in (5, 15):  # two restarts, at two points of the crawl
            deadline = time.monotonic() + 240
            while capture_count(postgres.url) < restart_after and proc.poll() is None:
                assert time.monotonic() < deadline, f"fewer than {restart_after} captures within 240 s"
                time.sleep(0.05)
            postgres.restart()
        code = proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = log.read_text(errors="replace")
    with open_catalogue(postgres.url)() as s:
        (crawl,) = s.scalars(select(Crawl)).all()
    assert crawl.status in ("finished", "interrupted"), (crawl.status, crawl.close_reason, output[-3000:])
    if crawl.status == "interrupted":  # it could not wait for the server: the next run goes on with it
        resumed = run_nianbao(["crawl", SITE, "--resume", "--proxy", sampleweb.proxy_url], env)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
    else:
        assert code == 0, output[-3000:]
    with open_catalogue(postgres.url)() as s:
        assert [c.status for c in s.scalars(select(Crawl))] == ["finished"]
        ok = {url for url, status in s.execute(select(Capture.url, Capture.http_status)) if status == 200}
    for report in expected_reports(SITE):  # nothing lost
        for url in (report.page_url, *report.attachment_urls):
            assert url in ok, url
    assert orphan_rows(postgres.url) == []
    verify = run_nianbao(["archive", "verify"], env)
    assert verify.returncode == 0, verify.stdout[-3000:]
