"""`nianbao crawl --distributed`: open a crawl row per site and hand its start requests to the workers."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import redis
import scrapy
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from distributed import serializer
from distributed.keys import CrawlKeys, active_crawls_key, require_postgresql
from distributed.spider import WorkerSpider
from kernel.config import Config
from lifecycle.claim import DISTRIBUTED
from spiders.annual_reports import AnnualReports
from storage.catalog import Catalog
from storage.crawls import start_crawl
from storage.db import open_catalogue

logger = logging.getLogger(__name__)

# Pushing is the same for the workers' CrawlQueue (it only changes how requests are popped).
QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"


def enqueue_site(config: Config, server: redis.Redis, site_ref: str) -> int:
    """Open a crawl of `site_ref` (registry id or home URL) for the workers; return its crawl id.

    The row is owned by no process (no pid: `nianbao schedule` never takes it for a dead run); the start
    requests go through scrapy-redis's own scheduler into the crawl's queue and duplicate filter, and only then
    is the crawl listed as active, so no worker can see it with an empty queue.
    """
    require_postgresql(config)
    spider = WorkerSpider(site=site_ref, worker_id="enqueuer")
    sessions = open_catalogue(config.database_url)
    Catalog(sessions).upsert_site(spider.site.row)
    crawl_id = start_crawl(sessions, spider.site.id, datetime.now(UTC), DISTRIBUTED, owned=False)
    spider.crawl_id = crawl_id
    keys = CrawlKeys(config.redis_prefix, crawl_id)
    scheduler = Scheduler(server, persist=True, queue_key=keys.requests, queue_cls=QUEUE_CLASS,
                          dupefilter=RFPDupeFilter(server, keys.dupefilter), serializer=serializer)
    scheduler.open(spider)
    pushed = sum(bool(scheduler.enqueue_request(request)) for request in _start_requests(spider))
    server.hset(active_crawls_key(config.redis_prefix), str(crawl_id), site_ref)
    logger.info("distributed crawl enqueued site=%s crawl=%s requests=%d", spider.site.id, crawl_id, pushed)
    return crawl_id


def _start_requests(spider: WorkerSpider) -> list[scrapy.Request]:
    """The site spider's own start requests (a worker's spider starts from the queue instead)."""
    async def collect() -> list[scrapy.Request]:
        return [request async for request in AnnualReports.start(spider)]

    return asyncio.run(collect())
