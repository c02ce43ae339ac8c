"""The crawl's request queue: scrapy-redis's priority queue, popping through the coordination script."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy_redis.queue import PriorityQueue

from crawler.config import Config
from crawler.distributed.coordination import CrawlCoordination
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.spider import WorkerSpider


class CrawlQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis has no type hints
    """scrapy-redis's PriorityQueue (sorted set, push unchanged) whose pop also marks this worker busy.

    The spider must carry its `crawl_id` (crawler/distributed/spider.py) before the scheduler opens.
    """

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        assert isinstance(spider, WorkerSpider) and spider.crawl_id is not None
        config = Config.from_settings(spider.settings)
        keys = CrawlKeys(config.redis_prefix, spider.crawl_id)
        self.coordination = CrawlCoordination(server, keys, config.worker_id)

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.coordination.pop()
        return self._decode_request(data) if data is not None else None
