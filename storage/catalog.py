"""Writes and lookups the crawl makes in the catalogue: sites, captures, payload records, documents.

A run's own row (start, status, end) is the crawl state machine's, in storage/crawls.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import reconnecting
from storage.models import Capture, Crawl, Document, Payload, Site

# Capture record types that stand for an HTTP exchange; a `conversion` (a DOM the browser rendered) does not.
HTTP_RECORD_TYPES = ("response", "revisit")

# The session factory storage/db.py hands out (open_catalogue). Other packages pass it on; only storage opens it.
Sessions = sessionmaker[Session]


@dataclass(frozen=True)
class SiteRow:
    """What the catalogue keeps of a registry site."""

    id: str
    name: str
    home_url: str
    region_code: str | None = None
    family: str | None = None


@dataclass(frozen=True)
class CaptureRow:
    """One recorded HTTP response, as the WARC recorder hands it to the catalogue."""

    crawl_id: int
    url: str
    captured_at: datetime
    http_status: int
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    payload_sha256: str | None
    payload_size: int
    media_type: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class OriginalRecord:
    """Where a payload was first archived: what a revisit record refers to."""

    record_id: str
    url: str
    captured_at: datetime
    warc_file: str
    warc_offset: int


@dataclass(frozen=True)
class StoredCapture:
    """A capture row as the archive sees it: where its record is and what it should hold."""

    id: int
    crawl_id: int
    url: str
    captured_at: datetime
    http_status: int
    record_type: str
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    payload_sha256: str | None
    etag: str | None
    last_modified: str | None
    media_type: str | None = None


@dataclass(frozen=True)
class CapturedPayload:
    """What a capture holds, as the parse hand-off needs it: its payload's digest (None: no payload) and type."""

    capture_id: int
    payload_sha256: str | None
    media_type: str | None


@dataclass(frozen=True)
class PageRow:
    """A document of the catalogue as a WACZ page entry: URL, title and when it was captured."""

    url: str
    title: str | None
    captured_at: datetime


class Catalog:
    """The crawl's window on the database; every method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def upsert_site(self, site: SiteRow) -> None:
        """Insert or update the site's row. Of processes inserting one new site at once, all but one find the
        row inserted meanwhile (integrity error) and update it instead."""
        for last_try in (False, True):
            try:
                with self.sessions.begin() as s:
                    row = s.get(Site, site.id) or Site(id=site.id)
                    row.name, row.home_url = site.name, site.home_url
                    row.region_code, row.family = site.region_code, site.family
                    s.add(row)
                return
            except IntegrityError:
                if last_try:
                    raise

    def document_counts(self, crawl_id: int) -> dict[str, int]:
        """The crawl's `pages` and `attachments`: documents whose latest offer was in this crawl, by kind."""
        with self.sessions() as s:
            rows = s.execute(select(Document.kind, func.count()).where(Document.last_crawl_id == crawl_id)
                             .group_by(Document.kind)).all()
        found = {kind: int(n) for kind, n in rows}
        return {"pages": found.get("page", 0), "attachments": found.get("attachment", 0)}

    def http_capture_count(self, crawl_id: int) -> int:
        """How many HTTP responses the crawl archived (response and revisit records)."""
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(Capture).where(
                Capture.crawl_id == crawl_id, Capture.record_type.in_(HTTP_RECORD_TYPES))) or 0)

    def capture_count(self) -> int:
        """How many captures the catalogue holds, of every crawl and record type."""
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(Capture)) or 0)

    @reconnecting
    def captured_payload(self, capture_id: int) -> CapturedPayload:
        """The payload digest and media type of one capture (it must exist)."""
        with self.sessions() as s:
            row = s.get_one(Capture, capture_id)
            return CapturedPayload(row.id, row.payload_sha256, row.media_type)

    @reconnecting
    def original_record(self, payload_sha256: str) -> OriginalRecord | None:
        """The first full `response` record of this payload, if any crawl archived it before."""
        with self.sessions() as s:
            row = s.scalars(
                select(Capture)
                .where(Capture.payload_sha256 == payload_sha256, Capture.record_type == "response")
                .order_by(Capture.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            return OriginalRecord(row.warc_record_id, row.url, row.captured_at, row.warc_file, row.warc_offset)

    @reconnecting
    def record_capture(self, cap: CaptureRow) -> int:
        """Store a capture (and its payload, the first time it is seen); return the capture id."""
        with self.sessions.begin() as s:
            if cap.payload_sha256 and s.get(Payload, cap.payload_sha256) is None:
                try:
                    with s.begin_nested():  # another process (distributed worker) may store it this very moment
                        s.add(Payload(sha256=cap.payload_sha256, size=cap.payload_size,
                                      media_type=cap.media_type, first_seen_at=cap.captured_at))
                except IntegrityError:
                    if s.get(Payload, cap.payload_sha256) is None:
                        raise
                    # else it did: the payload row is there, which is all this needs
            row = Capture(
                crawl_id=cap.crawl_id, url=cap.url, captured_at=cap.captured_at,
                http_status=cap.http_status, record_type=cap.record_type, warc_file=cap.warc_file,
                warc_offset=cap.warc_offset, warc_length=cap.warc_length,
                warc_record_id=cap.warc_record_id, payload_sha256=cap.payload_sha256,
                media_type=cap.media_type, etag=cap.etag, last_modified=cap.last_modified,
            )
            s.add(row)
            s.flush()
            return row.id

    @reconnecting
    def record_document(
        self, *, site_id: str, crawl_id: int, url: str, kind: str, capture_id: int,
        page_url: str | None, anchor_text: str | None, title: str | None, now: datetime | None = None,
    ) -> int:
        """Insert or refresh the Document for `url`; return its id."""
        now = now or datetime.now(UTC)
        with self.sessions.begin() as s:
            doc = s.scalars(select(Document).where(Document.site_id == site_id, Document.url == url)).first()
            if doc is None:
                doc = Document(site_id=site_id, url=url, first_seen_at=now)
                s.add(doc)
            doc.kind, doc.page_url, doc.latest_capture_id = kind, page_url, capture_id
            doc.anchor_text = anchor_text or doc.anchor_text
            doc.title = title or doc.title
            doc.last_seen_at, doc.last_crawl_id = now, crawl_id
            s.flush()
            return doc.id

    @reconnecting
    def latest_ok_capture(self, url: str) -> StoredCapture | None:
        """The newest 200 HTTP capture of ``url`` with a payload: its validators drive a conditional re-fetch.

        Rendered DOMs (`conversion` records) are not HTTP captures and never count.
        """
        with self.sessions() as s:
            row = s.scalars(
                select(Capture)
                .where(Capture.url == url, Capture.http_status == 200, Capture.payload_sha256.is_not(None),
                       Capture.record_type.in_(HTTP_RECORD_TYPES))
                .order_by(Capture.id.desc())
                .limit(1)
            ).first()
            return None if row is None else stored_capture(row)

    @reconnecting
    def latest_http_capture(self, url: str, crawl_id: int) -> StoredCapture | None:
        """The newest HTTP capture (response or revisit, not a rendered DOM) of ``url`` in one crawl."""
        with self.sessions() as s:
            row = s.scalars(
                select(Capture)
                .where(Capture.url == url, Capture.crawl_id == crawl_id, Capture.record_type.in_(HTTP_RECORD_TYPES))
                .order_by(Capture.id.desc())
                .limit(1)
            ).first()
            return None if row is None else stored_capture(row)

    def iter_captures(self, *, crawl_id: int | None = None, site_id: str | None = None) -> Iterator[StoredCapture]:
        """Every capture (of one crawl or site when given), in id order, streamed."""
        query = select(Capture).order_by(Capture.id)
        if crawl_id is not None:
            query = query.where(Capture.crawl_id == crawl_id)
        if site_id is not None:
            query = query.where(Capture.crawl_id.in_(select(Crawl.id).where(Crawl.site_id == site_id)))
        with self.sessions() as s:
            for row in s.scalars(query.execution_options(yield_per=500)):
                yield stored_capture(row)

    def pages(self, *, crawl_id: int | None = None, site_id: str | None = None) -> list[PageRow]:
        """Report pages and attachments captured (200, or 304 revalidated) in the crawl or site, newest per URL."""
        query = (select(Capture.url, Document.title, Capture.captured_at)
                 .join(Document, Document.url == Capture.url)
                 .where(Capture.http_status.in_((200, 304)), Capture.record_type.in_(HTTP_RECORD_TYPES))
                 .order_by(Capture.id))
        if crawl_id is not None:
            query = query.where(Capture.crawl_id == crawl_id)
        if site_id is not None:
            query = query.where(Document.site_id == site_id)
        with self.sessions() as s:
            latest = {url: PageRow(url, title, at) for url, title, at in s.execute(query).tuples()}
        return list(latest.values())


def site_row(row: Site) -> SiteRow:
    """A site row as a dataclass."""
    return SiteRow(id=row.id, name=row.name, home_url=row.home_url, region_code=row.region_code, family=row.family)


def stored_capture(row: Capture) -> StoredCapture:
    """A capture row as a dataclass."""
    return StoredCapture(
        id=row.id, crawl_id=row.crawl_id, url=row.url, captured_at=row.captured_at, http_status=row.http_status,
        record_type=row.record_type, warc_file=row.warc_file, warc_offset=row.warc_offset,
        warc_length=row.warc_length, warc_record_id=row.warc_record_id, payload_sha256=row.payload_sha256,
        etag=row.etag, last_modified=row.last_modified, media_type=row.media_type)
