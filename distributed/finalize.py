"""Closing a distributed crawl once every worker has drained: reports, the crawl row, the merged index."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis
from sqlalchemy.orm import Session, sessionmaker

from archive.cdxj import merge_indexes
from archive.repair import repair_open_files
from crawler.extensions import close_crawl, crawl_status
from distributed.coordination import CrawlCoordination
from distributed.keys import CrawlKeys, active_crawls_key
from kernel.config import Config
from lifecycle.parse_stage import parse_payloads
from parsing.report import PARSER_VERSION
from spiders.registry import Site
from storage.catalog import Catalog
from storage.db import open_catalogue
from storage.drift import DriftStore
from storage.models import Crawl
from storage.reparse import payloads_to_parse
from storage.reports import assemble_reports, store_outcome

logger = logging.getLogger(__name__)

COUNTS = ("pages", "attachments", "bytes", "errors")


def finalize_crawl(config: Config, server: redis.Redis, keys: CrawlKeys, site: Site) -> str | None:
    """Assemble the crawl's reports from all workers' documents, close its row, merge the archive index.

    Called by the one worker that took the finalizer lock (distributed/coordination.py); a row that is
    no longer `running` (finalized already, or closed by hand) is left alone. Returns the crawl's status.

    A worker that died mid-crawl (its requests were requeued) left its last WARC file open and the documents it
    stored unparsed: the file is repaired as after a standalone crash (every record the catalogue points to is
    whole: a record is fsynced before its capture is recorded), and those documents are parsed first.
    """
    sessions = open_catalogue(config.database_url)
    with sessions() as s:
        crawl = s.get(Crawl, keys.crawl_id)
        status_now = crawl.status if crawl is not None else None
    if status_now != "running":
        logger.warning("distributed crawl not finalized crawl=%s status=%s", keys.crawl_id, status_now)
        forget_crawl(server, keys)
        return None
    totals = CrawlCoordination(server, keys, "finalizer").totals()
    for path in repair_open_files(config.warc_dir):  # only files no live writer holds (flock)
        logger.warning("event=warc_repaired_at_finalize crawl=%s file=%s", keys.crawl_id, path.name)
    parse_left_over(config, sessions, site, keys.crawl_id)
    versions = assemble_reports(sessions, site, keys.crawl_id, PARSER_VERSION, datetime.now(UTC))
    catalog = Catalog(sessions)
    # Responses as archived by every worker, a lost one too (the totals only have those of workers that closed).
    status, reason = crawl_status(totals.get("reason", "finished"), catalog.http_capture_count(keys.crawl_id),
                                  totals.get("first_error", ""))
    # Pages and attachments from the catalogue, so that a worker lost mid-crawl is counted too; bytes and errors
    # are what the workers that closed reported.
    counts = {**{name: int(totals.get(name, 0)) for name in COUNTS}, **catalog.document_counts(keys.crawl_id)}
    close_crawl(catalog, site.id, keys.crawl_id, status, reason, counts)
    record_drift(config, CrawlCoordination(server, keys, "finalizer"), site, status, totals)
    merge_indexes(config.warc_dir)
    forget_crawl(server, keys)
    logger.info("distributed crawl finalized site=%s crawl=%s status=%s report_versions=%d requeued=%s",
                site.id, keys.crawl_id, status, len(versions), totals.get("requeued", 0))
    return status


def record_drift(config: Config, coordination: CrawlCoordination, site: Site, status: str,
                 totals: dict[str, str]) -> None:
    """Drift alerts from what all workers' discovery found, as a standalone crawl records them — unless the
    crawl did not finish, or a worker was lost (requeued or reaped): its part of the findings went with it, and a
    partial picture would raise false alerts."""
    if status != "finished" or int(totals.get("requeued", 0)) or int(totals.get("reaped", 0)):
        logger.info("drift not recorded crawl=%s status=%s requeued=%s reaped=%s", coordination.keys.crawl_id,
                    status, totals.get("requeued", 0), totals.get("reaped", 0))
        return
    DriftStore(config.home).record(site.id, coordination.findings(datetime.now(UTC).isoformat(
        timespec="seconds")))


def parse_left_over(config: Config, sessions: sessionmaker[Session], site: Site, crawl_id: int) -> int:
    """Parse the site's payloads no parse is stored for (those of a worker that died before it drained)."""
    todo = payloads_to_parse(sessions, site.id, PARSER_VERSION)
    if not todo:
        return 0
    logger.warning("distributed crawl parses what a lost worker left crawl=%s payloads=%d", crawl_id, len(todo))
    now = datetime.now(UTC)
    for outcome in parse_payloads(config, todo, PARSER_VERSION):
        store_outcome(sessions, outcome, now)
    return len(todo)


def forget_crawl(server: redis.Redis, keys: CrawlKeys) -> None:
    """Drop the crawl's queue, duplicate filter and state from Redis, and from the active crawls."""
    pipe = server.pipeline()
    pipe.delete(*keys.all(), *server.scan_iter(match=keys.robots_lease("*")),
                *server.scan_iter(match=f"{keys.inflight_prefix}*"))
    pipe.hdel(active_crawls_key(keys.prefix), str(keys.crawl_id))
    pipe.execute()
