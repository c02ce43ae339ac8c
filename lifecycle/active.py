"""The distributed crawls Redis lists as active (the hash the enqueuer fills and workers poll), and the Redis client.

Here, below distributed/, so that claiming a site (lifecycle/claim.py) can ask whether a distributed run is still
listed; distributed/keys.py hands the same helpers to the rest of distributed mode.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.retry import Retry

from kernel.config import Config, redact_url
from kernel.errors import ConfigError

logger = logging.getLogger(__name__)


def active_crawls_key(prefix: str) -> str:
    """Hash crawl id → site reference (registry id or home URL): the crawls workers should join."""
    return f"{prefix}crawls"


class WaitingRetry(Retry):
    """redis-py's Retry that tries a command again, backing off up to 1 s, for about ``wait`` seconds while Redis
    cannot be reached (a restart), then calls ``gone`` with the error (a worker stops there) and raises it."""

    def __init__(self, wait: float, gone: Callable[[Exception], None] | None = None) -> None:
        # Backoff 0.1, 0.2, 0.4, 0.8, then 1 s: about `wait` seconds over ceil(wait) + 3 tries.
        super().__init__(ExponentialBackoff(cap=1.0, base=0.1), math.ceil(wait) + 3)
        self.wait, self.gone = wait, gone

    def call_with_retry(self, do: Callable[[], Any], fail: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        said: list[Exception] = []

        def failed(error: Exception, *more: Any) -> Any:
            if not said:  # once per command: the operator sees the wait begin
                said.append(error)
                logger.warning("Redis unreachable (%s): waiting for it up to NIANBAO_REDIS_WAIT=%g s", error,
                               self.wait)
            return fail(error, *more)

        try:
            return super().call_with_retry(do, failed, *args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            if self.gone is not None:
                self.gone(exc)
            raise


def redis_params(config: Config, gone: Callable[[Exception], None] | None = None) -> dict[str, Any]:
    """The client options of every nianbao Redis client (and scrapy-redis's, as its REDIS_PARAMS): a command that
    loses its connection waits for Redis up to NIANBAO_REDIS_WAIT seconds (lifecycle's `WaitingRetry`)."""
    return {"socket_timeout": 30, "socket_connect_timeout": 10, "retry": WaitingRetry(config.redis_wait, gone)}


def redis_client(config: Config, gone: Callable[[Exception], None] | None = None) -> redis.Redis:
    """A client for NIANBAO_REDIS_URL (bytes in and out, as scrapy-redis uses it) that waits out a Redis restart
    (`redis_params`); fails fast if Redis is down when it is made."""
    try:
        with redis.Redis.from_url(config.redis_url, socket_connect_timeout=10, retry=Retry(NoBackoff(), 0)) as probe:
            probe.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"Redis at NIANBAO_REDIS_URL={redact_url(config.redis_url)} is not reachable: {exc}") from exc
    return redis.Redis.from_url(config.redis_url, **redis_params(config, gone))


def listed_as_active(config: Config, crawl_id: int) -> bool:
    """Whether Redis lists the crawl as active (workers will join and finalize it). ConfigError: Redis is down."""
    return bool(redis_client(config).hexists(active_crawls_key(config.redis_prefix), str(crawl_id)))
