"""Writes and lookups the crawl makes in the catalogue: sites, captures, payload records, documents.

A run's own row (start, status, end) is the crawl state machine's, in storage/crawls.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import reconnecting, upsert
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
            row = s.execute(_ORIGINAL_RECORD, {"sha": payload_sha256}).first()
            if row is None:
                return None
            return OriginalRecord(row.warc_record_id, row.url, row.captured_at, row.warc_file, row.warc_offset)

    @reconnecting
    def record_capture(self, cap: CaptureRow) -> int:
        """Store a capture (and its payload, the first time it is seen); return the capture id.

        This runs for every response a crawl archives, so its statements are built once (_Statements): the payload
        row is inserted unless it is there — another process (a distributed worker) may insert it this very
        moment — and the capture row returns its id."""
        with self.sessions.begin() as s:
            statements = _statements(s)
            if cap.payload_sha256:
                s.execute(statements.payload, {"sha256": cap.payload_sha256, "size": cap.payload_size,
                                               "media_type": cap.media_type, "first_seen_at": cap.captured_at})
            return int(s.execute(statements.capture, {
                "crawl_id": cap.crawl_id, "url": cap.url, "captured_at": cap.captured_at,
                "http_status": cap.http_status, "record_type": cap.record_type, "warc_file": cap.warc_file,
                "warc_offset": cap.warc_offset, "warc_length": cap.warc_length,
                "warc_record_id": cap.warc_record_id, "payload_sha256": cap.payload_sha256,
                "media_type": cap.media_type, "etag": cap.etag, "last_modified": cap.last_modified,
            }).scalar_one())

    @reconnecting
    def record_document(
        self, *, site_id: str, crawl_id: int, url: str, kind: str, capture_id: int,
        page_url: str | None, anchor_text: str | None, title: str | None, now: datetime | None = None,
    ) -> int:
        """Insert or refresh the Document for `url` (one statement); return its id. An anchor text or title not
        given keeps the one stored."""
        now = now or datetime.now(UTC)
        with self.sessions.begin() as s:
            return int(s.execute(_statements(s).document, {
                "site_id": site_id, "url": url, "kind": kind, "page_url": page_url, "latest_capture_id": capture_id,
                "anchor_text": anchor_text or None, "title": title or None, "first_seen_at": now,
                "last_seen_at": now, "last_crawl_id": crawl_id}).scalar_one())

    @reconnecting
    def latest_ok_capture(self, url: str) -> StoredCapture | None:
        """The newest 200 HTTP capture of ``url`` with a payload: its validators drive a conditional re-fetch.

        Rendered DOMs (`conversion` records) are not HTTP captures and never count.
        """
        with self.sessions() as s:
            row = s.execute(_LATEST_OK_CAPTURE, {"url": url}).first()
            return None if row is None else stored_capture(row)

    @reconnecting
    def revalidatable_urls(self, site_id: str) -> set[str]:
        """The URLs of the site's crawls that `latest_ok_capture` could find with a validator (ETag or
        Last-Modified): a crawl asks about these only, not about every URL it fetches."""
        c = _CAPTURES
        query = (select(c.url).distinct()
                 .where(c.crawl_id.in_(select(Crawl.id).where(Crawl.site_id == site_id)), c.http_status == 200,
                        c.payload_sha256.is_not(None), c.record_type.in_(HTTP_RECORD_TYPES),
                        (c.etag.is_not(None)) | (c.last_modified.is_not(None))))
        with self.sessions() as s:
            return set(s.scalars(query))

    @reconnecting
    def latest_http_capture(self, url: str, crawl_id: int) -> StoredCapture | None:
        """The newest HTTP capture (response or revisit, not a rendered DOM) of ``url`` in one crawl."""
        with self.sessions() as s:
            row = s.execute(_LATEST_HTTP_CAPTURE, {"url": url, "crawl_id": crawl_id}).first()
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


def stored_capture(row: Capture | Row[Any]) -> StoredCapture:
    """A capture row (an ORM object, or a row of the captures table's columns) as a dataclass."""
    return StoredCapture(
        id=row.id, crawl_id=row.crawl_id, url=row.url, captured_at=row.captured_at, http_status=row.http_status,
        record_type=row.record_type, warc_file=row.warc_file, warc_offset=row.warc_offset,
        warc_length=row.warc_length, warc_record_id=row.warc_record_id, payload_sha256=row.payload_sha256,
        etag=row.etag, last_modified=row.last_modified, media_type=row.media_type)


# The lookups a crawl makes per response, built once (see _Statements).
_CAPTURES = Capture.__table__.c
_ORIGINAL_RECORD = (
    select(_CAPTURES.warc_record_id, _CAPTURES.url, _CAPTURES.captured_at, _CAPTURES.warc_file, _CAPTURES.warc_offset)
    .where(_CAPTURES.payload_sha256 == bindparam("sha"), _CAPTURES.record_type == "response")
    .order_by(_CAPTURES.id).limit(1))
_LATEST_OK_CAPTURE = (
    select(Capture.__table__)
    .where(_CAPTURES.url == bindparam("url"), _CAPTURES.http_status == 200, _CAPTURES.payload_sha256.is_not(None),
           _CAPTURES.record_type.in_(HTTP_RECORD_TYPES))
    .order_by(_CAPTURES.id.desc()).limit(1))
_LATEST_HTTP_CAPTURE = (
    select(Capture.__table__)
    .where(_CAPTURES.url == bindparam("url"), _CAPTURES.crawl_id == bindparam("crawl_id"),
           _CAPTURES.record_type.in_(HTTP_RECORD_TYPES))
    .order_by(_CAPTURES.id.desc()).limit(1))


@dataclass(frozen=True)
class _Statements:
    """The statements run for every capture and document, built once per dialect: SQLAlchemy's building of a
    statement (and of an upsert's EXCLUDED table) had cost several times what the database spends running it."""

    payload: Any
    capture: Any
    document: Any


@lru_cache(maxsize=2)
def _dialect_statements(dialect: str) -> _Statements:
    payloads, documents = Payload.__table__, Document.__table__
    captures = cast(Table, Capture.__table__)
    doc = upsert(dialect, documents)
    doc = doc.on_conflict_do_update(index_elements=["site_id", "url"], set_={
        "kind": doc.excluded.kind, "page_url": doc.excluded.page_url,
        "latest_capture_id": doc.excluded.latest_capture_id,
        "anchor_text": func.coalesce(doc.excluded.anchor_text, documents.c.anchor_text),
        "title": func.coalesce(doc.excluded.title, documents.c.title),
        "last_seen_at": doc.excluded.last_seen_at, "last_crawl_id": doc.excluded.last_crawl_id})
    return _Statements(
        payload=upsert(dialect, payloads).on_conflict_do_nothing(index_elements=["sha256"]),
        capture=insert(captures).returning(captures.c.id),
        document=doc.returning(documents.c.id))


def _statements(session: Session) -> _Statements:
    return _dialect_statements(session.get_bind().dialect.name)
