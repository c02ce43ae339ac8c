"""robots.txt once per crawl and host, not once per worker: the first worker fetches (and archives) it."""

from __future__ import annotations

import asyncio
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from distributed.keys import CrawlKeys, redis_client
from distributed.outage import worker_gone
from kernel.config import Config

# Stored instead of a body when the fetch failed: Scrapy then allows everything, and so do the other workers.
FAILED = b"\x00failed"
# Seconds a worker may take to fetch robots.txt before another one tries; seconds between two looks.
FETCH_LEASE = 120
POLL = 0.2


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware whose robots.txt bodies are shared through Redis, per crawl and host.

    The worker that takes a host's fetch lease downloads robots.txt the usual way (so it is archived once) and
    publishes the body; the others wait for it and parse the same bytes. Builds on the parent's per-host cache
    (`_parsers`) and hooks (`_parse_robots`, `_robots_error`), which are Scrapy internals: re-check on upgrades.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.config = Config.from_settings(crawler.settings)
        self.server = redis_client(self.config, worker_gone)

    def _keys(self) -> CrawlKeys:
        return CrawlKeys(self.config.redis_prefix, int(getattr(self.crawler.spider, "crawl_id", 0)))

    def _key(self) -> str:
        return self._keys().robots

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            body = await self._shared_body(netloc)
            if body is not None and netloc not in self._parsers:
                self._parsers[netloc] = (None if body == FAILED
                                         else build_from_crawler(self._parserimpl, self.crawler, body))
        return await super().robot_parser(request)  # fetches it when this worker holds the lease

    async def _shared_body(self, netloc: str) -> bytes | None:
        """The body another worker published, or None once this worker holds the fetch lease."""
        lease = self._keys().robots_lease(netloc)
        while True:
            body = self.server.hget(self._key(), netloc)
            if body is not None:
                return body if isinstance(body, bytes) else body.encode()
            if self.server.set(lease, self.config.worker_id, nx=True, ex=FETCH_LEASE):
                return None
            await asyncio.sleep(POLL)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self.server.hset(self._key(), netloc, response.body)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self.server.hset(self._key(), netloc, FAILED)
        super()._robots_error(exc, netloc)


# KEYS: a fetch lease · ARGV: holder → 1 when `holder` held it and it is deleted, else 0.
DELETE_IF_HELD_BY = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def release_fetch_leases_of(server: redis.Redis, keys: CrawlKeys, owner: str) -> int:
    """Free the robots.txt fetch leases `owner` (a worker taken for dead) holds in the crawl, so that the others
    need not wait out FETCH_LEASE for a robots.txt that will never come; return how many."""
    return sum(int(server.eval(DELETE_IF_HELD_BY, 1, key, owner))
               for key in server.scan_iter(match=keys.robots_lease("*")))
