"""The crawl's state machine over the `crawls` table: who runs what, stale `running` rows, the last run of each site.

Everything here hands out CrawlRow dataclasses, never ORM entities."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Crawl
from storage.queries import as_utc

FAILING = ("failed", "interrupted", "truncated")


@dataclass(frozen=True)
class CrawlRow:
    """One run over one site, as the catalogue holds it (the `crawls` row)."""

    id: int
    site_id: str
    started_at: datetime
    finished_at: datetime | None
    status: str  # running / finished / failed / interrupted / truncated
    close_reason: str | None
    pages: int
    attachments: int
    bytes: int
    errors: int
    trigger: str
    host: str | None
    pid: int | None


def crawl_row(crawl: Crawl) -> CrawlRow:
    """The row as a dataclass; times in UTC."""
    values = {f.name: getattr(crawl, f.name) for f in fields(CrawlRow)}
    values["started_at"] = as_utc(crawl.started_at)
    values["finished_at"] = as_utc(crawl.finished_at) if crawl.finished_at else None
    return CrawlRow(**values)


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(crawl: Crawl | CrawlRow, host: str) -> bool:
    """A `running` row whose process is gone: opened on this host by a pid that no longer exists.

    Rows of other hosts, and rows without an owner (before migration 0003), are never judged stale here.
    """
    return crawl.status == "running" and crawl.host == host and crawl.pid is not None and not process_alive(crawl.pid)


def recover_stale(sessions: sessionmaker[Session], now: datetime, site_id: str | None = None) -> list[int]:
    """Mark `running` rows of dead processes of this host as interrupted; returns their ids."""
    host = socket.gethostname()
    with sessions.begin() as s:
        query = select(Crawl).where(Crawl.status == "running")
        if site_id is not None:
            query = query.where(Crawl.site_id == site_id)
        stale = [c for c in s.scalars(query) if is_stale(c, host)]
        for crawl in stale:
            crawl.status, crawl.finished_at = "interrupted", now
            crawl.close_reason = f"process {crawl.pid} on {crawl.host} ended without closing the run"
        return [c.id for c in stale]


def running(sessions: sessionmaker[Session], site_id: str | None = None) -> list[CrawlRow]:
    """The `running` rows that are not stale (live or of unknown owner), oldest first."""
    host = socket.gethostname()
    with sessions() as s:
        query = select(Crawl).where(Crawl.status == "running").order_by(Crawl.id)
        if site_id is not None:
            query = query.where(Crawl.site_id == site_id)
        return [crawl_row(c) for c in s.scalars(query) if not is_stale(c, host)]


def last_runs(sessions: sessionmaker[Session]) -> dict[str, CrawlRow]:
    """The latest ended run of each site (status other than running)."""
    with sessions() as s:
        latest = (select(Crawl.site_id, func.max(Crawl.id).label("id")).where(Crawl.status != "running")
                  .group_by(Crawl.site_id).subquery())
        rows = s.scalars(select(Crawl).join(latest, Crawl.id == latest.c.id)).all()
        return {c.site_id: crawl_row(c) for c in rows}


def resumable(sessions: sessionmaker[Session], site_id: str, since: datetime) -> int | None:
    """The site's latest run if it was cut short (`interrupted`: stopped, or found stale by `recover_stale`) and
    began after ``since``: `nianbao crawl --resume` continues it under the same id. None: start a new run."""
    with sessions() as s:
        latest = s.scalars(select(Crawl).where(Crawl.site_id == site_id).order_by(Crawl.id.desc()).limit(1)).first()
        if latest is None or latest.status != "interrupted" or as_utc(latest.started_at) < since:
            return None
        return latest.id
