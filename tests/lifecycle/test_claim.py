"""One run per site at a time, decided by the database: processes that start one site at once, and the
migration that brings an older catalogue under that rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from kernel.config import Config
from lifecycle.claim import DISTRIBUTED, LOST_DISTRIBUTED_AFTER, SiteBusy, claim_site
from spiders.registry import resolve_site
from storage.catalog import Catalog
from storage.crawls import RunConflict, finish_crawl, reopen_crawl, start_crawl
from storage.db import engine_for, open_catalogue, upgrade
from storage.models import Crawl, Site
from tests.conftest import REPO

# Each process says it is ready (a file of its own), then claims the site as soon as the test says go.
CLAIM = """
import json, os, pathlib, sys, time
from lifecycle.claim import SiteBusy, claim_site
from kernel.config import Config
from spiders.registry import resolve_site
from storage.db import open_catalogue
config = Config.load()
site = resolve_site("pingluo")
open_catalogue(config.database_url)  # migrated and connected now, so that the claims below really race
pathlib.Path(sys.argv[2]).touch()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.002)
try:
    print(json.dumps({"crawl": claim_site(site.row, config, resume=False).crawl_id}))
except SiteBusy as exc:
    print(json.dumps({"busy": str(exc)}))
"""


def _config(database_url: str) -> Config:
    return Config.from_settings({"NIANBAO_DATABASE_URL": database_url})


def test_processes_starting_one_site_at_once_one_goes_ahead(database_url: str, tmp_path: Path) -> None:
    open_catalogue(database_url)  # migrated before the race: the race is about the run, not the schema
    go = tmp_path / "go"
    env = {**os.environ, "NIANBAO_DATABASE_URL": database_url, "NIANBAO_HOME": str(tmp_path / "data")}
    ready = [tmp_path / f"ready{n}" for n in range(6)]
    procs = [subprocess.Popen([sys.executable, "-c", CLAIM, str(go), str(r)], cwd=REPO, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for r in ready]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    claimed = [o["crawl"] for o in outcomes if "crawl" in o]
    assert len(claimed) == 1, outcomes
    assert all("pingluo" in o["busy"] for o in outcomes if "busy" in o)
    with open_catalogue(database_url)() as s:
        rows = s.scalars(sa.select(Crawl).where(Crawl.site_id == "pingluo")).all()
    # The losers wrote nothing; the winner's row is the only one, and it is running.
    assert [(r.id, r.status) for r in rows] == [(claimed[0], "running")]


def test_a_second_running_row_is_refused_by_the_catalogue(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    Catalog(sessions).upsert_site(resolve_site("pingluo").row)
    first = start_crawl(sessions, "pingluo", datetime.now(UTC))
    with pytest.raises(RunConflict):
        start_crawl(sessions, "pingluo", datetime.now(UTC), owned=False)
    finish_crawl(sessions, first, datetime.now(UTC), "interrupted", "shutdown", {})
    second = start_crawl(sessions, "pingluo", datetime.now(UTC))
    # The interrupted run cannot be reopened while the new one runs.
    with pytest.raises(RunConflict):
        reopen_crawl(sessions, first)
    assert second > first


def test_claim_refuses_a_site_with_a_live_run_and_reopens_an_interrupted_one(database_url: str) -> None:
    config, site = _config(database_url), resolve_site("pingluo").row
    first = claim_site(site, config, resume=True)
    assert first.resumed is False
    with pytest.raises(SiteBusy, match="pingluo is being crawled"):
        claim_site(site, config, resume=True)
    finish_crawl(open_catalogue(database_url), first.crawl_id, datetime.now(UTC), "interrupted", "shutdown", {})
    again = claim_site(site, config, resume=True)
    assert (again.crawl_id, again.resumed) == (first.crawl_id, True)


def test_migration_0004_keeps_the_latest_running_row_of_a_site(database_url: str) -> None:
    upgrade(database_url, "0003")
    t0 = datetime(2026, 1, 5, tzinfo=UTC)
    with engine_for(database_url).begin() as conn:
        conn.execute(sa.insert(Site.__table__), [{"id": "pingluo", "name": "平罗县", "home_url": "http://x/"},
                                                 {"id": "helan", "name": "贺兰县", "home_url": "http://y/"}])
        conn.execute(sa.insert(Crawl.__table__), [
            {"id": i, "site_id": site, "started_at": t0, "status": status, "trigger": "manual", "pages": 0,
             "attachments": 0, "bytes": 0, "errors": 0}
            for i, site, status in [(1, "pingluo", "running"), (2, "pingluo", "finished"), (3, "pingluo", "running"),
                                    (4, "helan", "running")]])
    upgrade(database_url)  # `nianbao db upgrade` (a PostgreSQL catalogue is not upgraded implicitly)
    sessions = open_catalogue(database_url)
    with sessions() as s:
        rows = {c.id: (c.status, c.close_reason) for c in s.scalars(sa.select(Crawl))}
    assert rows[1][0] == "interrupted" and "0004" in (rows[1][1] or "")
    assert [rows[i][0] for i in (2, 3, 4)] == ["finished", "running", "running"]
    with pytest.raises(RunConflict):
        start_crawl(sessions, "helan", datetime.now(UTC))


def test_a_distributed_run_redis_no_longer_lists_is_taken_for_lost(tmp_path: Path) -> None:
    """Redis was wiped under a distributed run: nobody will close its row; the site must not be refused for ever."""
    prefix = f"nianbao-test-{uuid.uuid4().hex[:10]}:"
    url = f"sqlite:///{tmp_path / 'nianbao.db'}"
    config = Config.from_settings({"NIANBAO_DATABASE_URL": url, "NIANBAO_REDIS_PREFIX": prefix})
    site, catalog = resolve_site("pingluo").row, Catalog(open_catalogue(url))
    catalog.upsert_site(site)
    server = redis.Redis.from_url(config.redis_url)
    old = datetime.now(UTC) - timedelta(minutes=LOST_DISTRIBUTED_AFTER + 1)
    try:
        listed = start_crawl(catalog.sessions, "pingluo", old, DISTRIBUTED, owned=False)
        server.hset(f"{prefix}crawls", str(listed), "pingluo")
        with pytest.raises(SiteBusy):  # listed: the workers are on it
            claim_site(site, config, resume=False)
        server.hdel(f"{prefix}crawls", str(listed))
        with open_catalogue(url).begin() as s:
            s.get_one(Crawl, listed).started_at = datetime.now(UTC)
        with pytest.raises(SiteBusy):  # not listed yet, but just opened: the enqueuer lists it a moment later
            claim_site(site, config, resume=False)
        with open_catalogue(url).begin() as s:
            s.get_one(Crawl, listed).started_at = old
        claim = claim_site(site, config, resume=False)
    finally:
        server.delete(f"{prefix}crawls")
        server.close()
    with open_catalogue(url)() as s:
        lost = s.get_one(Crawl, listed)
        assert (lost.status, "no longer listed in Redis" in (lost.close_reason or "")) == ("interrupted", True)
        assert s.get_one(Crawl, claim.crawl_id).status == "running"
