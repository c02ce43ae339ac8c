"""Fetch outcomes: the URLs a crawl asked for and did not get whole, each with its kind and reason.

A download that fails (timeout, reset, DNS, TLS, a body cut short), an HTTP error left after the retries, a
request refused before it was sent (robots.txt, off the site, a private address, a redirect loop) or a body cut
at the size limit ends here as one row per (crawl, URL, attempt series): the catalogue's answer to "what became of
this URL" when there is no capture, or the capture is not the whole story. The crawler's adapter writes them
(crawler/outcomes.py); the CLI, the UI and tests read them back as FetchOutcomeRow dataclasses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import FetchOutcome
from storage.queries import as_utc


@dataclass(frozen=True)
class FetchOutcomeRow:
    """A fetch outcome as the catalogue hands it out."""

    crawl_id: int
    url: str
    outcome: str
    reason: str
    attempts: int
    capture_id: int | None
    recorded_at: datetime


def record_outcome(sessions: sessionmaker[Session], row: FetchOutcomeRow) -> None:
    """Store one outcome (its own short transaction: nothing half-committed if the crawl dies after it)."""
    with sessions.begin() as session:
        session.add(FetchOutcome(crawl_id=row.crawl_id, url=row.url, outcome=row.outcome, reason=row.reason,
                                 attempts=row.attempts, capture_id=row.capture_id, recorded_at=row.recorded_at))


def outcomes(sessions: sessionmaker[Session], crawl_id: int) -> list[FetchOutcomeRow]:
    """The outcomes a crawl recorded, in the order it recorded them."""
    with sessions() as session:
        rows = session.scalars(select(FetchOutcome).where(FetchOutcome.crawl_id == crawl_id)
                               .order_by(FetchOutcome.id)).all()
        return [FetchOutcomeRow(r.crawl_id, r.url, r.outcome, r.reason, r.attempts, r.capture_id,
                                as_utc(r.recorded_at)) for r in rows]


def outcome_counts(sessions: sessionmaker[Session], crawl_id: int) -> dict[str, int]:
    """How many URLs ended in each outcome in a crawl (the crawl summary's line)."""
    return dict(Counter(row.outcome for row in outcomes(sessions, crawl_id)))
