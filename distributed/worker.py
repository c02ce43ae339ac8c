"""`nianbao worker`: one process that joins every active distributed crawl with a spider of its own."""

from __future__ import annotations

import logging
from typing import Any

import redis
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor

from crawler.process import GracefulCrawlerProcess
from distributed.coordination import CrawlCoordination
from distributed.finalize import finalize_crawl
from distributed.keys import CrawlKeys, active_crawls_key, redis_client, redis_params, require_postgresql, text
from distributed.liveness import Liveness
from distributed.outage import worker_gone
from distributed.spider import WorkerSpider
from kernel.config import Config
from spiders.registry import resolve_site

logger = logging.getLogger(__name__)


def crawl_settings(settings: Settings, config: Config, crawl_id: int) -> dict[str, Any]:
    """The Scrapy settings of one crawl's spider in a worker: NIANBAO_WORKER_SETTINGS plus the crawl's keys."""
    keys = CrawlKeys(config.redis_prefix, crawl_id)
    return {**settings.getdict("NIANBAO_WORKER_SETTINGS"), "REDIS_URL": config.redis_url,
            "REDIS_PARAMS": redis_params(config, worker_gone),
            "SCHEDULER_QUEUE_KEY": keys.requests, "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter}


class Worker:
    """Polls Redis for active crawls and starts a WorkerSpider for each one it has not joined yet.

    In burst mode it stops once it runs no crawl and every active crawl is one it has joined already.
    """

    def __init__(self, process: CrawlerProcess, settings: Settings, config: Config, server: redis.Redis,
                 burst: bool) -> None:
        self.process, self.settings, self.config, self.server, self.burst = process, settings, config, server, burst
        self.running: dict[int, Crawler] = {}
        self.joined: set[int] = set()

    def active(self) -> dict[int, str]:
        found = self.server.hgetall(active_crawls_key(self.config.redis_prefix))
        return {int(crawl_id): text(ref) for crawl_id, ref in found.items()}

    def poll(self) -> None:
        active = self.active()
        unfinalized = 0
        for crawl_id, site_ref in sorted(active.items()):
            keys = CrawlKeys(self.config.redis_prefix, crawl_id)
            done = self.server.exists(keys.done)
            if crawl_id not in self.joined and not done:
                self.join(crawl_id, site_ref)
            elif done and crawl_id not in self.running:
                unfinalized += not self.reap(keys, site_ref)
        # In burst mode, a done crawl still listed waits for a member to drain or be found dead: stay to reap it.
        if self.burst and not self.running and set(active) <= self.joined and not unfinalized:
            logger.info("worker done worker=%s crawls=%d", self.config.worker_id, len(self.joined))
            self.stop()

    def reap(self, keys: CrawlKeys, site_ref: str) -> bool:
        """A done crawl this worker no longer runs: finalize it if a member died before draining; True when it
        did."""
        if not CrawlCoordination(self.server, keys, self.config.worker_id).reap():
            return False
        logger.warning("worker reaps crawl=%s worker=%s: a member died before it drained", keys.crawl_id,
                       self.config.worker_id)
        finalize_crawl(self.config, self.server, keys, resolve_site(site_ref).row)
        return True

    def join(self, crawl_id: int, site_ref: str) -> None:
        self.joined.add(crawl_id)
        crawler = self.process.create_crawler(WorkerSpider)
        crawler.settings.setdict(crawl_settings(self.settings, self.config, crawl_id), priority="cmdline")
        self.running[crawl_id] = crawler
        ended = self.process.crawl(crawler, site=site_ref, crawl_id=crawl_id, worker_id=self.config.worker_id)
        ended.addErrback(lambda failure: logger.error("worker crawl failed crawl=%s reason=%s", crawl_id,
                                                      failure.getErrorMessage()))
        ended.addBoth(lambda _: self.running.pop(crawl_id, None))

    def stop(self) -> None:
        from twisted.internet import reactor

        core: Any = reactor  # the installed reactor (asyncio), typed by Twisted as a module attribute
        if core.running:
            core.stop()


def run_worker(*, burst: bool, poll: float, proxy: str = "") -> int:
    """Run a worker until SIGTERM/SIGINT (or, with `burst`, until no active crawl is left to join); blocks."""
    settings = get_project_settings()
    if proxy:
        settings.set("NIANBAO_PROXY", proxy, priority="cmdline")
    config = Config.from_settings(settings)
    require_postgresql(config)
    # One id for the whole process, whatever computes it later (the default is <host>-<pid>).
    settings.set("NIANBAO_WORKER_ID", config.worker_id, priority="cmdline")
    server = redis_client(config, worker_gone)
    # Installed now, not with the first crawler: the poll loop needs the reactor before any crawl is joined.
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    process = GracefulCrawlerProcess(settings)
    worker = Worker(process, settings, config, server, burst)
    from twisted.internet.task import LoopingCall

    liveness = Liveness(server, config.redis_prefix, config.worker_id, config.worker_stale_after)
    liveness.start()
    LoopingCall(worker.poll).start(poll, now=True)
    logger.info("worker started worker=%s redis=%s burst=%s", config.worker_id, config.redis_url, burst)
    try:
        process.start(stop_after_crawl=False)
    finally:
        liveness.stop()
    return 0
