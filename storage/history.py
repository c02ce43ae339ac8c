"""What happens to a report over time: events (first seen, changed, withdrawn, restored, republished)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Crawl, Report, ReportEvent

# The crawl statuses whose silence about a report is evidence that the site no longer offers it.
COMPLETE_CRAWL = "finished"


def add_event(s: Session, report: Report, kind: str, now: datetime, crawl_id: int | None, *,
              version_id: int | None = None, url: str | None = None, previous_url: str | None = None,
              changes: list[dict[str, Any]] | None = None) -> ReportEvent:
    event = ReportEvent(report_id=report.id, kind=kind, occurred_at=now, crawl_id=crawl_id, version_id=version_id,
                        url=url, previous_url=previous_url, changes=changes)
    s.add(event)
    return event


def note_offered(s: Session, report: Report, page_url: str, crawl_id: int, now: datetime) -> None:
    """The site offers `report` on `page_url` in this crawl: restore it if withdrawn, note a move."""
    if report.status == "withdrawn":
        report.status = "current"
        add_event(s, report, "restored", now, crawl_id, url=page_url)
    if report.page_url is not None and report.page_url != page_url:
        add_event(s, report, "republished", now, crawl_id, url=page_url, previous_url=report.page_url)
    report.page_url = page_url
    report.last_offered_crawl_id = crawl_id
    if report.first_seen_at is None:
        report.first_seen_at = now


def record_withdrawals(sessions: sessionmaker[Session], site_id: str, crawl_id: int, now: datetime) -> list[int]:
    """After a complete crawl, mark the site's current reports it did not offer as withdrawn.

    Call it once the crawl is closed and after `assemble_reports` for the same crawl. A crawl that did not
    finish (failed, interrupted, still running) proves nothing: nothing is withdrawn. Returns the report ids.
    """
    with sessions.begin() as s:
        crawl = s.get(Crawl, crawl_id)
        if crawl is None or crawl.site_id != site_id or crawl.status != COMPLETE_CRAWL:
            return []
        gone = s.scalars(select(Report).where(
            Report.site_id == site_id, Report.status == "current",
            (Report.last_offered_crawl_id.is_(None)) | (Report.last_offered_crawl_id != crawl_id))).all()
        for report in gone:
            report.status = "withdrawn"
            add_event(s, report, "withdrawn", now, crawl_id, url=report.page_url)
        return [r.id for r in gone]


def report_events(sessions: sessionmaker[Session], report_id: int) -> list[dict[str, Any]]:
    """The events of one report, oldest first, as plain dicts."""
    with sessions() as s:
        rows = s.scalars(select(ReportEvent).where(ReportEvent.report_id == report_id)
                         .order_by(ReportEvent.occurred_at, ReportEvent.id)).all()
        return [{"kind": e.kind, "occurred_at": e.occurred_at, "crawl_id": e.crawl_id, "version_id": e.version_id,
                 "url": e.url, "previous_url": e.previous_url, "changes": e.changes} for e in rows]
