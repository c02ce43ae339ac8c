"""On-demand crawls started from the UI: one `nianbao crawl` child process each, its output in a log file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kernel.config import Config

REPO = Path(__file__).resolve().parents[1]


@dataclass
class CrawlJob:
    id: int
    ref: str
    started_at: datetime
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def status(self) -> str:
        code = self.process.poll()
        if code is None:
            return "running"
        return "finished" if code == 0 else f"failed (exit {code})"

    def log_tail(self, size: int = 2000) -> str:
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return ""
        return data[-size:].decode("utf-8", "replace")


class CrawlJobs:
    """Starts crawls as child processes (a Scrapy reactor runs once per process) and remembers them."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.jobs: list[CrawlJob] = []
        self._lock = threading.Lock()

    def start(self, ref: str) -> CrawlJob:
        """Run `nianbao crawl ref` against this UI's database, WARC directory and proxy."""
        with self._lock:
            job_id = len(self.jobs) + 1
            log_dir = self.config.home / "ui-jobs"
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / f"{datetime.now(UTC):%Y%m%d%H%M%S}-{job_id}.log"
            args = [sys.executable, "-m", "cli", "crawl", ref]
            if self.config.proxy:
                args += ["--proxy", self.config.proxy]
            env = {**os.environ, "NIANBAO_HOME": str(self.config.home),
                   "NIANBAO_DATABASE_URL": self.config.database_url, "NIANBAO_WARC_DIR": str(self.config.warc_dir)}
            with log_path.open("wb") as log:
                process = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL)
            job = CrawlJob(job_id, ref, datetime.now(UTC), log_path, process)
            self.jobs.append(job)
            return job

    def running(self) -> list[CrawlJob]:
        return [job for job in self.jobs if job.status == "running"]

    def stop_all(self) -> None:
        """Terminate the crawls this UI started that are still running (at shutdown)."""
        for job in self.running():
            job.process.terminate()
            try:
                job.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                job.process.kill()
