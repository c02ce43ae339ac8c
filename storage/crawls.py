"""The crawl's state machine over the `crawls` table: the one module that writes a run's status.

A run is opened `running` (start_crawl), ends `finished` / `failed` / `truncated` / `interrupted` (finish_crawl),
is found `interrupted` when its process is gone (recover_stale) or when a distributed run is lost (interrupt_lost),
and goes `running` again when it is resumed (reopen_crawl). Everything here hands out CrawlRow dataclasses, never
ORM entities."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import reconnecting
from storage.models import Crawl
from storage.queries import as_utc

FAILING = ("failed", "interrupted", "truncated")


class RunConflict(Exception):
    """A run of the site is `running` already: the catalogue holds one running run per site (migration 0004)."""


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


# --- transitions ---------------------------------------------------------------------------------------------

def start_crawl(sessions: sessionmaker[Session], site_id: str, now: datetime, trigger: str = "manual",
                owned: bool = True) -> int:
    """Open a run; `owned`: by this process (its host and pid are recorded), else by none (distributed).

    Raises RunConflict if the site has a `running` row already."""
    try:
        with sessions.begin() as s:
            crawl = Crawl(site_id=site_id, started_at=now, status="running", trigger=trigger)
            s.add(crawl)
            s.flush()
            if not owned:  # the ORM writes the column default (this pid) for a None: cleared afterwards
                s.execute(update(Crawl).where(Crawl.id == crawl.id).values(pid=None))
            return crawl.id
    except IntegrityError as exc:
        if _has_running(sessions, site_id):
            raise RunConflict(site_id) from exc
        raise


def reopen_crawl(sessions: sessionmaker[Session], crawl_id: int) -> bool:
    """Take an interrupted run over for this process (status `running` again); False if another took it.

    Raises RunConflict if another run of the site is `running` meanwhile."""
    try:
        with sessions.begin() as s:
            taken: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                update(Crawl).where(Crawl.id == crawl_id, Crawl.status == "interrupted")
                .values(status="running", finished_at=None, close_reason=None, host=socket.gethostname(),
                        pid=os.getpid()))
            return bool(taken.rowcount)
    except IntegrityError as exc:
        with sessions() as s:
            site_id = s.get_one(Crawl, crawl_id).site_id
        if _has_running(sessions, site_id):
            raise RunConflict(site_id) from exc
        raise


@reconnecting
def finish_crawl(sessions: sessionmaker[Session], crawl_id: int, now: datetime, status: str, reason: str,
                 counts: dict[str, int]) -> CrawlRow:
    """Close the run with its status, reason and counters (pages, attachments, bytes, errors); the row as closed."""
    with sessions.begin() as s:
        crawl = s.get_one(Crawl, crawl_id)
        crawl.finished_at, crawl.status, crawl.close_reason = now, status, reason
        for name, value in counts.items():
            setattr(crawl, name, value)
        s.flush()
        return crawl_row(crawl)


@reconnecting
def note_crawl(sessions: sessionmaker[Session], crawl_id: int, reason: str | None) -> None:
    """Say on a `running` run's row why it is held up (its downloads paused: the disk is full), or clear it (None);
    the reason is replaced when the run closes."""
    with sessions.begin() as s:
        s.execute(update(Crawl).where(Crawl.id == crawl_id, Crawl.status == "running").values(close_reason=reason))


def interrupt_lost(sessions: sessionmaker[Session], crawl_id: int, now: datetime, reason: str) -> bool:
    """Mark a run nobody will ever close (a distributed run Redis no longer lists) interrupted; False if it was
    not `running` any more (closed meanwhile), and is left as it is."""
    with sessions.begin() as s:
        updated: CursorResult[Any] = s.execute(  # type: ignore[assignment]
            update(Crawl).where(Crawl.id == crawl_id, Crawl.status == "running")
            .values(status="interrupted", finished_at=now, close_reason=reason))
        return bool(updated.rowcount)


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


# --- questions -----------------------------------------------------------------------------------------------

def process_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host. A zombie (dead, not yet reaped: an orphaned crawl whose
    new parent has not waited for it yet) is not alive, though signal 0 still reaches its pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): signal 0 is all there is
    return stat[stat.rfind(")") + 2:][:1] not in ("Z", "X")


def is_stale(crawl: Crawl | CrawlRow, host: str) -> bool:
    """A `running` row whose process is gone: opened on this host by a pid that no longer exists.

    Rows of other hosts, and rows without an owner (before migration 0003), are never judged stale here.
    """
    return crawl.status == "running" and crawl.host == host and crawl.pid is not None and not process_alive(crawl.pid)


def get_crawl(sessions: sessionmaker[Session], crawl_id: int) -> CrawlRow | None:
    """One run, None if there is no such row."""
    with sessions() as s:
        crawl = s.get(Crawl, crawl_id)
        return crawl_row(crawl) if crawl is not None else None


def crawl_rows(sessions: sessionmaker[Session], site_id: str | None = None) -> list[CrawlRow]:
    """Every run (of one site when given), oldest first."""
    with sessions() as s:
        query = select(Crawl).order_by(Crawl.id)
        return [crawl_row(c) for c in s.scalars(query.where(Crawl.site_id == site_id) if site_id else query)]


def running(sessions: sessionmaker[Session], site_id: str | None = None) -> list[CrawlRow]:
    """The `running` rows that are not stale (live or of unknown owner), oldest first."""
    host = socket.gethostname()
    with sessions() as s:
        query = select(Crawl).where(Crawl.status == "running").order_by(Crawl.id)
        if site_id is not None:
            query = query.where(Crawl.site_id == site_id)
        return [crawl_row(c) for c in s.scalars(query) if not is_stale(c, host)]


def _has_running(sessions: sessionmaker[Session], site_id: str) -> bool:
    with sessions() as s:
        return s.scalar(select(Crawl.id).where(Crawl.site_id == site_id, Crawl.status == "running")) is not None


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
