"""The Redis keys of distributed mode, and the Redis client every part of it uses (lifecycle/active.py's)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.config import Config
from kernel.errors import ConfigError
from lifecycle.active import active_crawls_key, redis_client, redis_params

__all__ = ["CrawlKeys", "active_crawls_key", "alive_key", "alive_prefix", "host_slot_key", "redis_client",
           "redis_params", "require_postgresql", "safe_worker_id", "text"]


@dataclass(frozen=True)
class CrawlKeys:
    """The keys of one distributed crawl, all under ``<prefix>crawl:<id>:``."""

    prefix: str
    crawl_id: int

    def _key(self, name: str) -> str:
        return f"{self.prefix}crawl:{self.crawl_id}:{name}"

    @property
    def requests(self) -> str:
        """scrapy-redis request queue (sorted set by priority)."""
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        """scrapy-redis duplicate filter (set of request fingerprints)."""
        return self._key("dupefilter")

    @property
    def workers(self) -> str:
        """Hash worker id → ``busy:<redis time>`` / ``idle:<redis time>``."""
        return self._key("workers")

    @property
    def done(self) -> str:
        """Set (to the Redis time) once the crawl's frontier is exhausted: no request left, none being worked on."""
        return self._key("done")

    @property
    def members(self) -> str:
        """Set of the workers alive when the crawl was done: each must drain before the crawl is finalized."""
        return self._key("members")

    @property
    def drained(self) -> str:
        """Set of the workers that closed their spider of the crawl (parses stored, WARC files finished)."""
        return self._key("drained")

    @property
    def totals(self) -> str:
        """Hash of counters summed over workers (pages, attachments, bytes, errors, responses), and reasons."""
        return self._key("totals")

    @property
    def finalizer(self) -> str:
        """Lock: the worker that finalizes the crawl."""
        return self._key("finalizer")

    @property
    def robots(self) -> str:
        """Hash host → robots.txt body as the first worker fetched it (distributed/robots.py)."""
        return self._key("robots")

    def robots_lease(self, netloc: str) -> str:
        """The worker id that fetches `netloc`'s robots.txt for the crawl (with a TTL); ``"*"``: a pattern of all."""
        return f"{self.robots}:lease:{netloc}"

    @property
    def findings(self) -> str:
        """Hash of what discovery found over all workers (storage/drift.py Findings): ``column:<url>`` → rule,
        ``list:<rule>`` → list pages, ``reports`` / ``variants`` → articles of that role."""
        return self._key("findings")

    @property
    def requeued(self) -> str:
        """Set of queue entries given back from a worker's in-flight set (it died or left holding them): when one is
        popped again, the crawl may already have archived it (distributed/queue.py)."""
        return self._key("requeued")

    def inflight(self, worker_id: str) -> str:
        """Sorted set of the requests `worker_id` popped and is not done with yet (member: the request as queued,
        score: its queue score), so that a dead worker's requests can go back to the queue."""
        return self.inflight_prefix + worker_id

    @property
    def inflight_prefix(self) -> str:
        """The in-flight keys of the crawl's workers are this prefix plus the worker id."""
        return self._key("inflight:")

    def all(self) -> list[str]:
        return [self.requests, self.dupefilter, self.workers, self.done, self.members, self.drained, self.totals,
                self.robots, self.findings, self.requeued]


def alive_key(prefix: str, worker_id: str) -> str:
    """Set, with a time to live of NIANBAO_WORKER_STALE_AFTER, while the worker's process lives
    (distributed/liveness.py): gone, the worker is dead, whatever its reactor last reported."""
    return alive_prefix(prefix) + worker_id


def alive_prefix(prefix: str) -> str:
    return f"{prefix}alive:"


def host_slot_key(prefix: str, host: str) -> str:
    """Sorted set of one host's leases (member: lease id, score: expiry), with its next-allowed time alongside."""
    return f"{prefix}host:{host}"


def require_postgresql(config: Config) -> None:
    """Distributed mode shares the catalogue between machines: SQLite cannot do that."""
    if not config.database_url.startswith("postgresql"):
        raise ConfigError("distributed mode needs PostgreSQL: set NIANBAO_DATABASE_URL to a "
                          "postgresql+psycopg://user@host:5432/db URL that every worker can reach")


def text(value: bytes | str) -> str:
    """A Redis reply (bytes from our clients) as text."""
    return value.decode() if isinstance(value, bytes) else value


def safe_worker_id(worker_id: str) -> str:
    """The worker id as it may appear in a file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", worker_id).strip("._") or "worker"
