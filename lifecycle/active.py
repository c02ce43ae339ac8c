"""The distributed crawls Redis lists as active (the hash the enqueuer fills and workers poll), and the Redis client.

Here, below distributed/, so that claiming a site (lifecycle/claim.py) can ask whether a distributed run is still
listed; distributed/keys.py hands the same helpers to the rest of distributed mode.
"""

from __future__ import annotations

import redis

from kernel.config import Config, redact_url
from kernel.errors import ConfigError


def active_crawls_key(prefix: str) -> str:
    """Hash crawl id → site reference (registry id or home URL): the crawls workers should join."""
    return f"{prefix}crawls"


def redis_client(config: Config) -> redis.Redis:
    """A client for NIANBAO_REDIS_URL (bytes in and out, as scrapy-redis uses it); fails fast if Redis is down."""
    client = redis.Redis.from_url(config.redis_url, socket_timeout=30, socket_connect_timeout=10)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"Redis at NIANBAO_REDIS_URL={redact_url(config.redis_url)} is not reachable: {exc}") from exc
    return client


def listed_as_active(config: Config, crawl_id: int) -> bool:
    """Whether Redis lists the crawl as active (workers will join and finalize it). ConfigError: Redis is down."""
    return bool(redis_client(config).hexists(active_crawls_key(config.redis_prefix), str(crawl_id)))
