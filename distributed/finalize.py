"""Closing a distributed crawl once every worker has drained: the crawl's end (lifecycle/finish.py) from the
workers' totals, then its state dropped from Redis."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis

from archive.repair import repair_open_files
from distributed.coordination import CrawlCoordination
from distributed.keys import CrawlKeys, active_crawls_key
from kernel.config import Config
from lifecycle.finish import CrawlEnd, Ending
from storage.catalog import Catalog, SiteRow
from storage.crawls import get_crawl
from storage.db import open_catalogue
from storage.drift import Findings

logger = logging.getLogger(__name__)

COUNTS = ("pages", "attachments", "bytes", "errors")


class WorkersRun:
    """How a distributed run ended, for lifecycle/finish.py: the totals the workers added up in Redis, the
    catalogue's counts (a worker lost mid-crawl is counted too), and the findings of every worker's discovery."""

    def __init__(self, coordination: CrawlCoordination, catalog: Catalog, totals: dict[str, str]) -> None:
        self.coordination = coordination
        self.catalog = catalog
        self.totals = totals

    def ending(self) -> Ending:
        crawl_id = self.coordination.keys.crawl_id
        # Pages and attachments from the catalogue, so that a worker lost mid-crawl is counted too; bytes and errors
        # are what the workers that closed reported.
        counts = {**{name: int(self.totals.get(name, 0)) for name in COUNTS}, **self.catalog.document_counts(crawl_id)}
        # Responses as archived by every worker, a lost one too (the totals only have those of workers that closed).
        return Ending(self.totals.get("reason", "finished"), self.catalog.http_capture_count(crawl_id),
                      self.totals.get("first_error", ""), counts,
                      lost={name: int(self.totals.get(name, 0)) for name in ("requeued", "reaped")})

    def findings(self) -> Findings:
        return self.coordination.findings(datetime.now(UTC).isoformat(timespec="seconds"))


def finalize_crawl(config: Config, server: redis.Redis, keys: CrawlKeys, site: SiteRow) -> str | None:
    """End the crawl from all workers' documents (lifecycle/finish.py CrawlEnd), then forget it in Redis.

    Called by the one worker that took the finalizer lock (distributed/coordination.py); a row that is
    no longer `running` (finalized already, or closed by hand) is left alone. Returns the crawl's status.

    A worker that died mid-crawl (its requests were requeued) left its last WARC file open and the documents it
    stored unparsed: the file is repaired as after a standalone crash (every record the catalogue points to is
    whole: a record is fsynced before its capture is recorded), and the crawl's end parses those documents first.
    """
    sessions = open_catalogue(config.database_url)
    crawl = get_crawl(sessions, keys.crawl_id)
    status_now = crawl.status if crawl is not None else None
    if status_now != "running":
        logger.warning("distributed crawl not finalized crawl=%s status=%s", keys.crawl_id, status_now)
        forget_crawl(server, keys)
        return None
    coordination = CrawlCoordination(server, keys, "finalizer")
    totals = coordination.totals()
    for path in repair_open_files(config.warc_dir):  # only files no live writer holds (flock)
        logger.warning("event=warc_repaired_at_finalize crawl=%s file=%s", keys.crawl_id, path.name)
    catalog = Catalog(sessions)
    ended = CrawlEnd(config, catalog, site, keys.crawl_id, distributed=True).run(
        WorkersRun(coordination, catalog, totals))
    forget_crawl(server, keys)
    logger.info("distributed crawl finalized site=%s crawl=%s status=%s report_versions=%d requeued=%s",
                site.id, keys.crawl_id, ended.status, len(ended.report_version_ids), totals.get("requeued", 0))
    return ended.status


def forget_crawl(server: redis.Redis, keys: CrawlKeys) -> None:
    """Drop the crawl's queue, duplicate filter and state from Redis, and from the active crawls."""
    pipe = server.pipeline()
    pipe.delete(*keys.all(), *server.scan_iter(match=keys.robots_lease("*")),
                *server.scan_iter(match=f"{keys.inflight_prefix}*"))
    pipe.hdel(active_crawls_key(keys.prefix), str(keys.crawl_id))
    pipe.execute()
