"""`nianbao schedule` against the sample web: two sites on second-level cron, SIGTERM, history in the database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from sampleweb.server import SampleWebServer
from storage.crawls import recover_stale
from storage.db import open_catalogue
from storage.models import Capture, Crawl, Site
from tests.conftest import REPO, run_nianbao

REGISTRY = ('[helan]\nname = "贺兰县"\nhome_url = "http://www.nxhl.gov.cn/"\nfamily = "hanweb"\n'
            'schedule = "*/2 * * * * *"\n\n'
            '[huinong]\nname = "惠农区"\nhome_url = "http://www.huinong.gov.cn/"\nfamily = "vsb"\n'
            'schedule = ["*/2 * * * * *"]\n')


def _env(tmp_path: Path) -> dict[str, str]:
    registry = tmp_path / "sites.toml"
    registry.write_text(REGISTRY, "utf-8")
    return {"NIANBAO_HOME": str(tmp_path / "data"), "NIANBAO_REGISTRY": str(registry), "NIANBAO_BROWSER": "0",
            "NIANBAO_SCHEDULE_CONCURRENCY": "1", "NIANBAO_LOG_LEVEL": "WARNING"}


def _crawls(tmp_path: Path) -> list[Crawl]:
    with open_catalogue(f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}")() as s:
        return list(s.scalars(select(Crawl).order_by(Crawl.id)))


def _captured(tmp_path: Path, site_id: str) -> bool:
    with open_catalogue(f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}")() as s:
        return s.scalar(select(Capture.id).join(Crawl).where(Crawl.site_id == site_id, Crawl.status == "running")
                        .limit(1)) is not None


def test_schedule_runs_both_sites_never_overlapping(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    env = {**os.environ, **_env(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "schedule", "--proxy", sampleweb.proxy_url],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        time.sleep(1)
        ended = [c for c in _crawls(tmp_path) if c.status == "finished"] if (tmp_path / "data").exists() else []
        if all(sum(c.site_id == site for c in ended) >= 2 for site in ("helan", "huinong")):
            break
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err[-3000:]

    crawls = _crawls(tmp_path)
    assert all(c.status != "running" for c in crawls), [(c.id, c.status) for c in crawls]
    assert all(c.trigger == "scheduled" and c.pid and c.host == socket.gethostname() for c in crawls)
    for site in ("helan", "huinong"):
        assert sum(c.site_id == site and c.status == "finished" for c in crawls) >= 2, err[-3000:]
    # The global limit is 1: no two runs overlap at all, so in particular no two runs of one site.
    spans = sorted((c.started_at, c.finished_at) for c in crawls)
    assert all(end is not None for _, end in spans)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end is not None and end <= start, spans


def test_schedule_sigterm_interrupts_running_crawl_and_skips_busy_site(sampleweb: SampleWebServer,
                                                                        tmp_path: Path) -> None:
    env = {**os.environ, **_env(tmp_path), "NIANBAO_SCHEDULE_CONCURRENCY": "2"}
    # helan is being crawled on demand by a live process (this one): the scheduler must leave it alone.
    sessions = open_catalogue(f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}")
    with sessions.begin() as s:
        s.add(Site(id="helan", name="贺兰县", home_url="http://www.nxhl.gov.cn/"))
        s.flush()
        s.add(Crawl(site_id="helan", started_at=datetime.now(UTC), status="running"))  # host/pid: this process
    proc = subprocess.Popen([sys.executable, "-m", "cli", "schedule", "--proxy", sampleweb.proxy_url],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # SIGTERM once the scheduled crawl has stored its first capture: Scrapy is then past start-up, its signal
    # handlers installed, and the crawl still has most of the site ahead of it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _captured(tmp_path, "huinong"):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err[-3000:]
    crawls = _crawls(tmp_path)
    assert [(c.site_id, c.status, c.pid) for c in crawls if c.site_id == "helan"] == [
        ("helan", "running", os.getpid())], "the scheduler crawled a site that was already running"
    scheduled = [c for c in crawls if c.site_id == "huinong"]
    # Scrapy closed the crawl itself on the forwarded SIGTERM (close reason "shutdown"), nothing was killed.
    assert [(c.status, c.close_reason) for c in scheduled] == [("interrupted", "shutdown")], err[-3000:]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_running_rows_are_interrupted_live_ones_kept(database_url: str) -> None:
    sessions = open_catalogue(database_url)
    now = datetime.now(UTC)
    host = socket.gethostname()
    owners = {"dead": (host, _dead_pid()), "live": (host, os.getpid()), "elsewhere": ("elsewhere", _dead_pid()),
              "unknown": (None, None)}
    with sessions.begin() as s:
        s.add_all(Site(id=site, name=site, home_url=f"http://www.{site}.gov.cn/") for site in owners)
        s.flush()
        rows = [Crawl(site_id=site, started_at=now, status="running", host=h, pid=p) for site, (h, p) in owners.items()]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
        # The ORM writes the column defaults (this host and pid) for None: an unknown owner is set afterwards.
        s.execute(update(Crawl).where(Crawl.id == ids[3]).values(host=None, pid=None))
    assert recover_stale(sessions, now) == [ids[0]]
    with sessions() as s:
        assert [s.get_one(Crawl, i).status for i in ids] == ["interrupted", "running", "running", "running"]


def test_status_table_and_key_value(sampleweb: SampleWebServer, tmp_path: Path) -> None:
    env = _env(tmp_path)
    sessions = open_catalogue(f"sqlite:///{tmp_path / 'data' / 'nianbao.db'}")
    now = datetime.now(UTC)
    with sessions.begin() as s:
        s.add(Site(id="helan", name="贺兰县", home_url="http://www.nxhl.gov.cn/"))
        s.flush()
        s.add(Crawl(site_id="helan", started_at=now, finished_at=now, status="failed", trigger="scheduled"))
        s.add(Crawl(site_id="helan", started_at=now, status="running", host=socket.gethostname(), pid=os.getpid()))
    out = run_nianbao(["status"], env)
    finished = datetime.now(UTC)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = {line.split()[1]: dict(kv.split("=", 1) for kv in line.split()[1:]) for line in out.stdout.splitlines()}
    assert lines["site=helan"]["failing"] == "yes" and lines["site=helan"]["last_status"] == "failed_(scheduled)"
    assert lines["site=helan"]["running"].startswith("crawl_2_pid_")
    assert lines["site=huinong"]["last_run"] == "-" and lines["site=huinong"]["failing"] == "no"
    # "*/2 * * * * *": the next run is at most 2 s after the moment the command computed it
    next_run = datetime.fromisoformat(lines["site=huinong"]["next_run"])
    assert now - timedelta(seconds=1) <= next_run <= finished + timedelta(seconds=2)
    tty = subprocess.run(["script", "-qec", f"{sys.executable} -m cli status", "/dev/null"], cwd=REPO,
                         env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert "next_run" in tty.stdout and "failing: helan" in tty.stdout, tty.stdout + tty.stderr
