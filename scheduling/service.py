"""The scheduler service: APScheduler cron jobs, one `nianbao crawl <site>` subprocess per run.

At most one run per site: each site's job has max_instances=1 (a run still going swallows the next firing), and
before starting a crawl the job checks the `crawls` table for a live `running` row of the site (an on-demand
`nianbao crawl`, or another scheduler) and skips the firing if there is one. The global limit is the size of the
thread pool that runs the jobs. Crawls run in subprocesses because Twisted's reactor cannot restart in one process.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from kernel.config import Config
from lifecycle.lineage import stopped_with_this_process
from scheduling.cron import site_trigger
from spiders.registry import Site
from storage.crawls import recover_stale, running
from storage.db import open_catalogue

logger = logging.getLogger(__name__)


class ScheduleService:
    """Runs the registry's sites on their schedules until `stop()`; `stop()` interrupts the running crawls."""

    def __init__(self, config: Config, sites: dict[str, Site], proxy: str = "") -> None:
        self.config = config
        self.sites = sites
        self.proxy = proxy
        self.sessions = open_catalogue(config.database_url)
        self.stopping = threading.Event()
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.lock = threading.Lock()
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=config.schedule_concurrency)},
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None})

    def start(self) -> None:
        recovered = recover_stale(self.sessions, datetime.now(UTC))
        if recovered:
            logger.info("schedule recovered stale runs=%s status=interrupted", ",".join(map(str, recovered)))
        for site in self.sites.values():
            self.scheduler.add_job(self.run_site, site_trigger(site), args=[site.id], id=site.id, name=site.id)
        self.scheduler.start()
        for job in self.scheduler.get_jobs():
            logger.info("schedule site=%s next=%s", job.id, job.next_run_time.isoformat())

    def run_site(self, site_id: str) -> None:
        """One scheduled run: skip if stopping or the site is running elsewhere, else crawl it in a subprocess."""
        busy = running(self.sessions, site_id)
        if busy:
            logger.info("schedule skip site=%s reason=running crawl=%s pid=%s", site_id, busy[0].id, busy[0].pid)
            return
        with self.lock:
            if self.stopping.is_set():
                return
            # A crawl of its own session, stopped (SIGTERM: it closes `interrupted`, the next run resumes it) if the
            # scheduler dies without stopping it, even by SIGKILL: never an orphaned crawl.
            child = subprocess.Popen(self._command(site_id), env=self._env(), start_new_session=True,
                                     preexec_fn=stopped_with_this_process())
            self.children[site_id] = child
        logger.info("schedule start site=%s pid=%s", site_id, child.pid)
        code = child.wait()
        with self.lock:
            self.children.pop(site_id, None)
        recover_stale(self.sessions, datetime.now(UTC), site_id)  # a crawl that died without closing its row
        logger.info("schedule end site=%s pid=%s exit=%s", site_id, child.pid, code)

    def _command(self, site_id: str) -> list[str]:
        proxy = ["--proxy", self.proxy] if self.proxy else []
        # --resume: a run cut short (the machine went down, a SIGTERM) goes on where it stopped.
        return [sys.executable, "-m", "cli", "crawl", site_id, "--resume", *proxy]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NIANBAO_TRIGGER": "scheduled", "NIANBAO_HOME": str(self.config.home),
                "NIANBAO_DATABASE_URL": self.config.database_url}

    def stop(self) -> None:
        """Stop scheduling, ask running crawls to close (SIGTERM: Scrapy closes them as `interrupted`), wait
        up to the stop timeout, then kill what is left and mark its rows interrupted."""
        with self.lock:
            self.stopping.set()
            children = dict(self.children)
        self.scheduler.shutdown(wait=False)
        for site_id, child in children.items():
            logger.info("schedule stop site=%s pid=%s signal=SIGTERM", site_id, child.pid)
            child.send_signal(signal.SIGTERM)
        deadline = datetime.now(UTC).timestamp() + self.config.schedule_stop_timeout
        for site_id, child in children.items():
            try:
                child.wait(timeout=max(0.0, deadline - datetime.now(UTC).timestamp()))
            except subprocess.TimeoutExpired:
                logger.warning("schedule kill site=%s pid=%s reason=did not stop within %ss", site_id, child.pid,
                               self.config.schedule_stop_timeout)
                child.kill()
                child.wait()
        recover_stale(self.sessions, datetime.now(UTC))
