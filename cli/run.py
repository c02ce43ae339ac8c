"""Run crawls in this process (one site, or several side by side, a bounded number at once) and report how they
ended. The process's parse pool (lifecycle/parse_stage.py) is closed here, once every crawl has ended."""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from logging.handlers import MemoryHandler
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.process import GracefulCrawlerProcess
from kernel.config import Config
from lifecycle.claim import SiteBusy, claim_site
from lifecycle.parse_stage import close_shared_pool
from spiders.annual_reports import AnnualReports
from spiders.registry import Site, resolve_site
from storage.crawls import get_crawl
from storage.db import open_catalogue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended, read back from the catalogue."""

    site: Site
    crawl_id: int | None
    status: str  # a crawl's status, or `skipped` (with `note`) when the site was not crawled
    config: Config
    note: str = ""


def _settings(proxy: str, no_wait: bool = False) -> Settings:
    settings = get_project_settings()
    if proxy:
        settings.set("NIANBAO_PROXY", proxy, priority="cmdline")
    if no_wait:
        settings.set("NIANBAO_PARSE_DEFERRED", True, priority="cmdline")
    return settings


def run_crawl(site_ref: str, proxy: str = "", resume: bool = False,
              on_tick: Callable[[list[SiteProgress]], None] | None = None, no_wait: bool = False,
              log: RunLog | None = None) -> CrawlResult:
    """Crawl `site_ref` (registry id or home URL) to the end; blocks. One crawl per process.

    `resume`: go on with the site's interrupted last run (archive/resume.py) if there is one. `no_wait`: leave
    the parses to `nianbao reparse --pending`. `log`: where the log goes instead of stderr (a terminal's run).
    """
    (result,) = run_crawls([site_ref], proxy, on_tick=on_tick, resume=resume, no_wait=no_wait, log=log)
    return result


class RunLog:
    """A terminal run's logging, set up in place of Scrapy's stderr handler: the full log (Scrapy's and ours, at
    NIANBAO_LOG_LEVEL) goes to a file in NIANBAO_HOME/logs/ — `<crawl id>.log` for one site, `run-<UTC time>.log`
    for several (the crawl ids are in their `crawl started site=… crawl=…` lines) — and `console` gets the records
    from WARNING up (every record at NIANBAO_LOG_LEVEL in Scrapy's format when `verbose`). Records logged before the
    file is named (the crawl id comes with the claim) are held and written to it first."""

    def __init__(self, console: logging.Handler, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self.path: Path | None = None
        self.logs_dir = Path(".")
        self._held = MemoryHandler(capacity=sys.maxsize, flushLevel=logging.CRITICAL + 1)
        self._file: logging.Handler | None = None
        self._formatter = logging.Formatter()

    def install(self, settings: Settings, logs_dir: Path) -> None:
        """Route the root logger here; Scrapy installs no handler of its own (LOG_INSTALL_ROOT_HANDLER)."""
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
        self.logs_dir = logs_dir
        self._formatter = logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
        level = logging.getLevelName(str(settings.get("LOG_LEVEL")).upper())
        self._held.setLevel(level)
        self.console.setLevel(level if self.verbose else logging.WARNING)
        self.console.setFormatter(self._formatter if self.verbose else _OneLine())
        logging.root.setLevel(logging.NOTSET)
        logging.root.addHandler(self._held)
        logging.root.addHandler(self.console)

    def open(self, name: str) -> None:
        """Name the log file `<name>.log` and write the held records to it."""
        if self._file is not None:
            return
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.logs_dir / f"{name}.log"
        self._file = logging.FileHandler(self.path, encoding="utf-8")
        self._file.setLevel(self._held.level)
        self._file.setFormatter(self._formatter)
        self._held.setTarget(self._file)
        self._held.flush()
        logging.root.removeHandler(self._held)
        logging.root.addHandler(self._file)

    def close(self) -> None:
        """Write out and detach: what is logged afterwards is not this run's."""
        self.open(_run_name())
        for handler in (self._held, self._file, self.console):
            if handler is not None:
                logging.root.removeHandler(handler)
        if self._file is not None:
            self._file.close()


def _run_name() -> str:
    return time.strftime("run-%Y%m%dT%H%M%SZ", time.gmtime())


class _OneLine(logging.Formatter):
    """`LEVEL [logger] message` on one line: the message's first line, no traceback (that is in the log file)."""

    def format(self, record: logging.LogRecord) -> str:
        lines = [line for line in record.getMessage().splitlines() if line.strip()] or [""]
        return f"{record.levelname} [{record.name}] {lines[0]}"


@dataclass(frozen=True)
class SiteProgress:
    """A running crawl's counters, read from its Scrapy stats."""

    site: str
    state: str
    fetched: int
    pages: int
    attachments: int
    bytes: int
    errors: int


@dataclass(frozen=True)
class _Ended:
    """What is kept of a site's crawl once it ended: its final stats and crawl id. The Crawler itself — settings,
    spider, middlewares, pipelines and their state — is let go, so that `crawl --all` of many sites keeps no more
    in memory per finished site than this."""

    stats: dict[str, Any]
    crawl_id: int | None


def _progress(site: Site, crawler: Crawler | _Ended | None) -> SiteProgress:
    if crawler is None:
        return SiteProgress(site.id, "waiting", 0, 0, 0, 0, 0)
    if isinstance(crawler, _Ended):
        stats, state = crawler.stats, "done"
    else:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        state = ("done" if "finish_reason" in stats else "parsing" if stats.get("nianbao/parsing")
                 else "running" if crawler.crawling else "waiting")
    return SiteProgress(site.id, state, int(stats.get("downloader/response_count", 0)),
                        int(stats.get("nianbao/documents/page", 0)), int(stats.get("nianbao/documents/attachment", 0)),
                        int(stats.get("downloader/response_bytes", 0)),
                        int(stats.get("log_count/ERROR", 0)) + int(stats.get("downloader/exception_count", 0)))


class _SiteQueue:
    """Starts the sites' crawls in one CrawlerProcess, at most NIANBAO_SITE_CONCURRENCY at once: a site's row is
    claimed (lifecycle/claim.py) when its turn comes, and the next site starts as a crawl ends."""

    def __init__(self, process: CrawlerProcess, config: Config, sites: Sequence[tuple[Site, str]],
                 resume: bool) -> None:
        self.process = process
        self.config = config
        self.resume = resume
        self.waiting = deque(sites)
        self.crawlers: dict[str, Crawler | _Ended | None] = {site.id: None for site, _ref in sites}
        self.skipped: dict[str, CrawlResult] = {}
        self.crawl_ids: dict[str, int] = {}

    def start(self) -> None:
        """Start the first sites, up to the concurrency."""
        for _ in range(self.config.site_concurrency):
            self.start_next()

    def start_next(self) -> None:
        """Start the next waiting site that is not busy elsewhere (a busy one is skipped)."""
        while self.waiting:
            site, ref = self.waiting.popleft()
            try:
                claim = claim_site(site.row, self.config, self.resume)
            except SiteBusy as exc:
                logger.warning("crawl skipped site=%s reason=%s", site.id, exc)
                self.skipped[site.id] = CrawlResult(site, None, "skipped", self.config, note=str(exc))
                del self.crawlers[site.id]
                continue
            crawler = self.process.create_crawler(AnnualReports)
            self.crawlers[site.id] = crawler
            self.crawl_ids[site.id] = claim.crawl_id
            ended = self.process.crawl(crawler, site=ref, crawl_id=claim.crawl_id, resume=claim.resumed)
            ended.addBoth(self._next_after, crawler, site.id)
            return

    def _next_after(self, result: Any, crawler: Crawler, site_id: str) -> Any:
        """A crawl ended: keep its stats (not the crawler), and the next site's turn — unless the run is being
        stopped (SIGINT/SIGTERM: `shutdown`)."""
        stats = dict(crawler.stats.get_stats()) if crawler.stats is not None else {}
        self.crawlers[site_id] = _Ended(stats, getattr(crawler.spider, "crawl_id", None))
        if stats.get("finish_reason") == "shutdown":
            self.waiting.clear()
        self.start_next()
        return result

    def result(self, site: Site) -> CrawlResult:
        """How the site's crawl ended; skipped when it was busy, or never started (the run was stopped first)."""
        crawler = self.crawlers.get(site.id)
        if crawler is not None:
            return _result(site, crawler, self.config)
        return self.skipped.get(site.id) or CrawlResult(site, None, "skipped", self.config,
                                                        note="not started: the run was stopped before its turn")

    def progress(self, sites: Sequence[Site]) -> list[SiteProgress]:
        return [_progress(site, self.crawlers[site.id]) for site in sites if site.id in self.crawlers]


def run_crawls(site_refs: Sequence[str], proxy: str = "",
               on_tick: Callable[[list[SiteProgress]], None] | None = None, interval: float = 2.0,
               resume: bool = False, no_wait: bool = False, log: RunLog | None = None) -> list[CrawlResult]:
    """Crawl several sites in one process (one spider per site, at most NIANBAO_SITE_CONCURRENCY side by side in
    one CrawlerProcess, all parsing on the process's one parse pool); blocks.

    `on_tick` gets every site's counters (waiting sites too) each `interval` seconds and once more at the end. A
    site with a live run elsewhere is skipped; `resume` goes on with interrupted runs; `no_wait` leaves the parses
    (and so the reports) to `nianbao reparse --pending`. `log` (RunLog) takes the log instead of stderr; the caller
    closes it.
    """
    sites = [resolve_site(ref) for ref in site_refs]
    settings = _settings(proxy, no_wait)
    config = Config.from_settings(settings)
    if log is not None:
        log.install(settings, config.home / "logs")
    process = GracefulCrawlerProcess(settings)
    queue = _SiteQueue(process, config, list(zip(sites, site_refs, strict=True)), resume)
    queue.start()
    if log is not None:
        log.open(str(queue.crawl_ids[sites[0].id]) if len(sites) == 1 and queue.crawl_ids else _run_name())
    if not any(queue.crawlers.values()):
        return [queue.skipped[site.id] for site in sites]

    def tick() -> None:
        if on_tick is not None:
            on_tick(queue.progress(sites))

    from twisted.internet.task import LoopingCall

    loop = LoopingCall(tick)
    loop.start(interval, now=False)
    try:
        process.start()
    finally:
        close_shared_pool()
    tick()
    return [queue.result(site) for site in sites]


def _result(site: Site, crawler: Crawler | _Ended, config: Config) -> CrawlResult:
    crawl_id = crawler.crawl_id if isinstance(crawler, _Ended) else getattr(crawler.spider, "crawl_id", None)
    if crawl_id is None:
        return CrawlResult(site, None, "failed", config)
    crawl = get_crawl(open_catalogue(config.database_url), crawl_id)
    return CrawlResult(site, crawl_id, crawl.status if crawl else "failed", config)
