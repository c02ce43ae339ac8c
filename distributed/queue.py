"""The crawl's request queue: scrapy-redis's priority queue, popping through the coordination script."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy_redis.queue import PriorityQueue

from crawler.meta import REQUEUED, for_new_exchange
from distributed.coordination import CrawlCoordination
from distributed.keys import CrawlKeys
from distributed.politeness import LEASE
from distributed.spider import WorkerSpider
from kernel.config import Config

logger = logging.getLogger(__name__)

# request.meta key: the request as it was popped (bytes), i.e. its entry in this worker's in-flight set, so that
# the worker can remove it once its engine is done with the request (distributed/extension.py).
POPPED = "nianbao_popped"


class CrawlQueue(PriorityQueue):  # type: ignore[misc]  # scrapy-redis has no type hints
    """scrapy-redis's PriorityQueue (sorted set) whose pop also marks this worker busy and notes the request in
    its in-flight set (distributed/coordination.py); the popped bytes travel in ``meta[POPPED]``.

    A request derived from a popped one (a redirect hop, a retry, a link followed with the page's meta) is pushed
    without that key: it is a queue entry of its own; nor with its host lease or what its last exchange left
    (crawler.meta.for_new_exchange). The spider must carry its `crawl_id`
    (distributed/spider.py) before the scheduler opens.
    """

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        assert isinstance(spider, WorkerSpider) and spider.crawl_id is not None
        config = Config.from_settings(spider.settings)
        keys = CrawlKeys(config.redis_prefix, spider.crawl_id)
        self.coordination = CrawlCoordination(server, keys, config.worker_id, stale_after=config.worker_stale_after)

    def pop(self, timeout: int = 0) -> Request | None:
        while (popped := self.coordination.pop()) is not None:
            data, given_back = popped
            try:
                request: Request = self._decode_request(data)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                # Not a request this code wrote (an old pickle, a stray write to Redis): dropped, never run.
                logger.error("queue entry dropped, not a request: %s: %.200r", exc, data)
                self.coordination.done_with(data)
                continue
            request.meta[POPPED] = data
            if given_back:  # a worker held it before: the crawl may have archived it (crawler/middlewares.py)
                request.meta[REQUEUED] = True
            return request
        return None

    def _encode_request(self, request: Request) -> Any:
        request = for_new_exchange(request)
        if POPPED in request.meta or LEASE in request.meta or REQUEUED in request.meta:
            request = request.replace(meta={k: v for k, v in request.meta.items()
                                            if k not in (POPPED, LEASE, REQUEUED)})
        return super()._encode_request(request)
