"""Per-host politeness across workers: a Redis-held slot per request (concurrency lease and next-allowed time)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from urllib.parse import urlsplit

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from distributed.keys import host_slot_key, redis_client
from distributed.outage import worker_gone
from kernel.config import Config

logger = logging.getLogger(__name__)

LEASE = "nianbao_host_lease"
# Seconds between two tries while a host's slots are taken (a request that waits is deferred, never blocking).
RETRY_WAIT = 0.05

# KEYS: leases (sorted set lease → expiry), next-allowed time · ARGV: lease, concurrency, delay, ttl (seconds)
# → "0" when the lease is granted, else the seconds to wait before asking again.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wait = tonumber(redis.call('GET', KEYS[2]) or '0') - now
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then wait = math.max(wait, tonumber(ARGV[5])) end
if wait > 0 then return string.format('%.6f', wait) end
local ttl = tonumber(ARGV[4])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(ttl))
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('SET', KEYS[2], string.format('%.6f', now + delay), 'PX', math.ceil(delay * 1000) + 1000)
end
return '0'
"""


class HostSlots:
    """At most `concurrency` requests per host in flight over all workers, `delay` seconds between two starts.

    A lease expires after `ttl` seconds even if never released (a worker that died holding it).
    """

    def __init__(self, server: redis.Redis, prefix: str, concurrency: int, delay: float, ttl: float,
                 owner: str = "") -> None:
        self.server, self.prefix, self.owner = server, prefix, owner
        self.concurrency, self.delay, self.ttl = max(1, concurrency), max(0.0, delay), ttl

    def try_acquire(self, host: str, lease: str) -> float:
        """Take a slot of `host` as `lease`: 0.0 when granted, else the seconds to wait before trying again."""
        key = host_slot_key(self.prefix, host)
        wait = self.server.eval(ACQUIRE, 2, key, key + ":next", lease, self.concurrency, self.delay, self.ttl,
                                RETRY_WAIT)
        return float(wait)

    async def acquire(self, host: str) -> str:
        """Wait (without blocking the reactor) for a slot of `host`; return the lease."""
        lease = f"{self.owner}/{uuid.uuid4().hex}"  # the owner first: a dead worker's leases can be found
        while (wait := self.try_acquire(host, lease)) > 0:
            await asyncio.sleep(wait)
        return lease

    def release(self, host: str, lease: str) -> None:
        self.server.zrem(host_slot_key(self.prefix, host), lease)


def release_leases_of(server: redis.Redis, prefix: str, owner: str) -> int:
    """Free every host slot `owner` (a worker taken for dead) still holds, on any host; return how many."""
    freed = 0
    for key in server.scan_iter(match=host_slot_key(prefix, "*")):
        if key.endswith(b":next"):
            continue
        held = [member for member, _ in server.zscan_iter(key, match=f"{owner}/*")]
        if held:
            freed += int(server.zrem(key, *held))
    return freed


class SharedHostSlotMiddleware:
    """Downloader middleware: a request goes out only with a slot of its host (HostSlots), released on answer.

    Uses Scrapy's own CONCURRENT_REQUESTS_PER_DOMAIN (NIANBAO_HOST_CONCURRENCY) and DOWNLOAD_DELAY
    (NIANBAO_HOST_DELAY) for the whole cluster; each worker's own Scrapy slots still apply on top. Leases last
    DOWNLOAD_TIMEOUT plus a margin. Every hop (redirect, retry) is a request of its own and takes its own slot.
    """

    def __init__(self, slots: HostSlots) -> None:
        self.slots = slots

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedHostSlotMiddleware:
        settings = crawler.settings
        config = Config.from_settings(settings)
        slots = HostSlots(redis_client(config, worker_gone), config.redis_prefix,
                          settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                          settings.getfloat("DOWNLOAD_DELAY"), settings.getfloat("DOWNLOAD_TIMEOUT") + 30,
                          owner=config.worker_id)
        return cls(slots)

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        request.meta[LEASE] = (host, await self.slots.acquire(host))

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        held = request.meta.pop(LEASE, None)
        if held is not None:
            self.slots.release(*held)
