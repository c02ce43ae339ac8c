"""The worker's side of a distributed crawl: state reports, staying open while work may come, finalizing."""

from __future__ import annotations

import logging
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from twisted.internet.task import LoopingCall

from crawler.extensions import findings_of
from distributed.coordination import CrawlCoordination
from distributed.finalize import finalize_crawl
from distributed.keys import CrawlKeys, redis_client
from distributed.outage import worker_gone
from distributed.queue import POPPED
from distributed.spider import WorkerSpider
from kernel.config import Config
from lifecycle.finish import crawl_counts

logger = logging.getLogger(__name__)

# Seconds between two state reports of a worker; at most a quarter of NIANBAO_WORKER_STALE_AFTER.
HEARTBEAT = 5.0
# Seconds between two looks of an idle engine at the shared queue (Scrapy's own heartbeat, 5 s by default, would
# leave an idle worker out of a crawl whose requests another worker pushes meanwhile).
ENGINE_HEARTBEAT = 0.5


class WorkerCrawl:
    """Takes the part of CrawlRecorder in a worker (the row is opened by the enqueuer, closed by the finalizer).

    * spider_idle: this worker has nothing in flight — report it; unless the crawl is done, keep the spider
      open (DontCloseSpider): another worker may still push requests. The engine looks again every
      ENGINE_HEARTBEAT seconds (pops what others pushed, or asks spider_idle again).
    * every HEARTBEAT seconds (or a quarter of the stale time, if shorter): report busy or idle, so that live
      workers are told from dead ones, and give the requests of dead ones back to the queue.
    * each request this worker popped leaves its in-flight set once the engine is done with it (see
      `_note_request_ends`), so a worker that dies gives back only what it had not finished.
    * spider_closed: add this worker's counters to the crawl's, say it drained (or left); the worker whose
      close completes the crawl finalizes it (distributed/finalize.py).
    """

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.server = redis_client(config, worker_gone)
        self.coordination: CrawlCoordination | None = None
        self.heartbeat = LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerCrawl:
        ext = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        assert isinstance(spider, WorkerSpider) and spider.crawl_id is not None
        keys = CrawlKeys(self.config.redis_prefix, spider.crawl_id)
        self.coordination = CrawlCoordination(self.server, keys, self.config.worker_id,
                                              stale_after=self.config.worker_stale_after)
        # Connected now, after every component connected its own: the WARC recorder has finished this worker's
        # files and the pipeline has stored its parses by the time this runs.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.heartbeat.start(min(HEARTBEAT, self.config.worker_stale_after / 4), now=False)
        self._note_request_ends()
        # A Scrapy internal (re-check on upgrades): read when the engine starts, right after spider_opened.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = ENGINE_HEARTBEAT
        logger.info("worker joined crawl site=%s crawl=%s worker=%s", spider.site.id, spider.crawl_id,
                    self.config.worker_id)

    def beat(self) -> None:
        if self.coordination is None:
            return
        try:
            idle = self.crawler.engine.spider_is_idle()
        except RuntimeError:  # the engine is closing the spider
            return
        self._report(idle=idle)
        self.coordination.requeue_lost()

    def spider_idle(self, spider: Spider) -> None:
        self._report(idle=True)
        assert self.coordination is not None
        if not self.coordination.check_done():
            raise DontCloseSpider

    def _report(self, *, idle: bool) -> None:
        assert self.coordination is not None
        left = self.coordination.report(idle=idle)
        if left:
            logger.warning("worker idle with requests still in flight crawl=%s worker=%s requests=%d: their end "
                           "was missed; dropped", self.coordination.keys.crawl_id, self.config.worker_id, left)

    def _note_request_ends(self) -> None:
        """Remove each popped request (``meta[POPPED]``) from this worker's in-flight set when the engine is done.

        The engine's slot holds a request from its download until its outcome was handled: the response scraped
        (callback output pushed to the queue, items through the pipelines), the failure passed to the errback,
        or the redirect or retry that replaced it pushed to the queue. No signal marks that moment (response_
        received comes before the callback, item_scraped per item, request_dropped only for requests the
        scheduler refused), so the slot's `remove_request` — a Scrapy internal, re-check on upgrades — is wrapped.
        """
        coordination = self.coordination
        slot: Any = getattr(self.crawler.engine, "_slot", None)
        release = getattr(slot, "remove_request", None)
        if coordination is None or release is None:
            logger.error("worker cannot see when requests end (Scrapy's engine changed): a worker that dies "
                         "loses the requests it held worker=%s", self.config.worker_id)
            return

        def remove_request(request: Request) -> None:
            try:
                item = request.meta.get(POPPED)
                if item is not None:
                    coordination.done_with(item)
            except redis.RedisError as exc:
                logger.error("worker could not mark a request done url=%s reason=%s", request.url, exc)
            finally:
                release(request)

        slot.remove_request = remove_request

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert isinstance(spider, WorkerSpider) and self.coordination is not None
        if self.heartbeat.running:
            self.heartbeat.stop()
        stats = self.crawler.stats
        assert stats is not None
        drained = reason == "finished" and self.coordination.is_done()
        counts = crawl_counts(stats.get_stats())
        # A worker stopped (SIGTERM: "shutdown") gives back what it held (CLOSE) and the others go on: its leaving
        # does not make the crawl interrupted. Any other early end (an error, a page cap) says so.
        self.coordination.add_totals(counts, reason="" if drained or reason in ("finished", "shutdown") else reason,
                                     first_error=str(stats.get_value("nianbao/first_error", "")))
        self.coordination.add_findings(findings_of(spider))  # before close: the finalizer reads them all
        finalizer = self.coordination.close(drained=drained)
        logger.info("worker %s crawl site=%s crawl=%s worker=%s reason=%s", "drained" if drained else "left",
                    spider.site.id, spider.crawl_id, self.config.worker_id, reason)
        if finalizer:
            finalize_crawl(self.config, self.server, self.coordination.keys, spider.site.row)
