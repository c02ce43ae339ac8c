"""Read-only questions of the UI and the terminal to the catalogue, answered with frozen dataclasses.

Times are as the database hands them back (naive UTC on SQLite), so pages and exports print what they did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.catalog import Sessions, SiteRow, StoredCapture, site_row, stored_capture
from storage.crawls import CrawlRow, crawl_row
from storage.models import Capture, Crawl, Document, ParseOutcome, Report, ReportRendition, ReportVersion, Site


@dataclass(frozen=True)
class ReportSummary:
    """A report of a site's list: identity, status and how many versions it has."""

    id: int
    site_id: str
    unit_name: str
    report_year: int
    status: str
    versions: int
    first_seen_at: datetime | None


@dataclass(frozen=True)
class ReportRow:
    """A report's identity and where it stands now (the `reports` row)."""

    id: int
    site_id: str
    region_code: str
    unit_name: str
    report_year: int
    status: str
    page_url: str | None
    first_seen_at: datetime | None


@dataclass(frozen=True)
class VersionRow:
    """One immutable parsed record of a report (the `report_versions` row)."""

    id: int
    report_id: int
    version: int
    record: dict[str, Any]
    record_sha256: str
    parser_version: str
    payload_sha256: str
    source_capture_id: int
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class RenditionView:
    """A document rendering a report, with its format and the capture its original is read from."""

    document_id: int
    url: str
    kind: str
    format: str | None
    authoritative: bool
    title: str | None
    media_type: str | None
    capture_id: int | None


@dataclass(frozen=True)
class DocumentRow:
    """A report page or attachment as its site offers it (the `documents` row)."""

    id: int
    site_id: str
    url: str
    kind: str
    page_url: str | None
    anchor_text: str | None
    title: str | None
    latest_capture_id: int | None
    first_seen_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class DocumentView:
    """A document, its latest capture and what the newest parse of that payload said (text, status, warnings).

    `parse_warnings` is None for an outcome stored before warnings were kept (migration 0005), or without one.
    """

    document: DocumentRow
    capture: StoredCapture | None
    text: str | None
    parse_status: str | None
    parse_reason: str | None
    parse_warnings: tuple[str, ...] | None


@dataclass(frozen=True)
class CrawlCaptures:
    """What a crawl archived: its WARC files (sorted) and its records counted by type (sorted by type)."""

    warc_files: tuple[str, ...]
    records: tuple[tuple[str, int], ...]


def sites(sessions: Sessions) -> list[SiteRow]:
    """Every site of the catalogue, by id."""
    with sessions() as s:
        return [site_row(x) for x in s.scalars(select(Site).order_by(Site.id)).all()]


def site(sessions: Sessions, site_id: str) -> SiteRow | None:
    with sessions() as s:
        row = s.get(Site, site_id)
        return site_row(row) if row else None


def recent_crawls(sessions: Sessions, *, site_id: str | None = None, limit: int = 20) -> list[CrawlRow]:
    """The latest runs (of one site), newest first."""
    query = select(Crawl).order_by(Crawl.id.desc()).limit(limit)
    with sessions() as s:
        return [crawl_row(c) for c in s.scalars(query.where(Crawl.site_id == site_id) if site_id else query).all()]


def crawl_captures(sessions: Sessions, crawl_id: int | None) -> CrawlCaptures:
    """The WARC files a run wrote into and how many records of each type it archived."""
    if not crawl_id:
        return CrawlCaptures((), ())
    with sessions() as s:
        files = s.scalars(select(Capture.warc_file).where(Capture.crawl_id == crawl_id).distinct()).all()
        records = s.execute(select(Capture.record_type, func.count()).where(Capture.crawl_id == crawl_id)
                            .group_by(Capture.record_type).order_by(Capture.record_type)).all()
    return CrawlCaptures(tuple(sorted(files)), tuple((kind, int(n)) for kind, n in records))


def site_reports(sessions: Sessions, site_id: str) -> list[ReportSummary]:
    """The site's reports, newest year first, then by unit."""
    counts = (select(ReportVersion.report_id, func.count().label("n")).group_by(ReportVersion.report_id).subquery())
    query = (select(Report, counts.c.n).join(counts, counts.c.report_id == Report.id)
             .where(Report.site_id == site_id).order_by(Report.report_year.desc(), Report.unit_name))
    with sessions() as s:
        return [ReportSummary(r.id, r.site_id, r.unit_name, r.report_year, r.status, int(n), r.first_seen_at)
                for r, n in s.execute(query).all()]


def report(sessions: Sessions, report_id: int) -> ReportRow | None:
    with sessions() as s:
        r = s.get(Report, report_id)
        if r is None:
            return None
        return ReportRow(r.id, r.site_id, r.region_code, r.unit_name, r.report_year, r.status, r.page_url,
                         r.first_seen_at)


def versions(sessions: Sessions, report_id: int) -> list[VersionRow]:
    """The report's versions, oldest first."""
    with sessions() as s:
        rows = s.scalars(select(ReportVersion).where(ReportVersion.report_id == report_id)
                         .order_by(ReportVersion.version)).all()
        return [VersionRow(v.id, v.report_id, v.version, v.record, v.record_sha256, v.parser_version,
                           v.payload_sha256, v.source_capture_id, v.first_seen_at, v.last_seen_at) for v in rows]


def renditions(sessions: Sessions, report_id: int) -> list[RenditionView]:
    """The documents rendering a report: the authoritative one first, pages before attachments."""
    query = (select(ReportRendition, Document, Capture)
             .join(Document, Document.id == ReportRendition.document_id)
             .outerjoin(Capture, Capture.id == Document.latest_capture_id)
             .where(ReportRendition.report_id == report_id)
             .order_by(ReportRendition.authoritative.desc(), Document.kind.desc(), Document.id))
    with sessions() as s:
        return [RenditionView(d.id, d.url, d.kind, r.format, r.authoritative, d.title,
                              c.media_type if c else None, c.id if c else None)
                for r, d, c in s.execute(query).all()]


def document(sessions: Sessions, document_id: int) -> DocumentView | None:
    """A document, its latest capture and the newest parse outcome of that capture's payload."""
    with sessions() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return None
        found = s.get(Capture, doc.latest_capture_id) if doc.latest_capture_id else None
        outcome = None
        if found is not None and found.payload_sha256:
            outcome = s.scalars(select(ParseOutcome).where(ParseOutcome.payload_sha256 == found.payload_sha256)
                                .order_by(ParseOutcome.parsed_at.desc(), ParseOutcome.id.desc())).first()
        if outcome is None:
            return DocumentView(_document_row(doc), stored_capture(found) if found else None, None, None, None, None)
        warnings = tuple(str(w) for w in outcome.warnings) if outcome.warnings is not None else None
        return DocumentView(_document_row(doc), stored_capture(found) if found else None, outcome.text,
                            outcome.status, outcome.reason, warnings)


def site_documents(sessions: Sessions, site_id: str) -> list[DocumentRow]:
    """The site's documents: pages first, then attachments, each by URL."""
    with sessions() as s:
        return [_document_row(d) for d in s.scalars(select(Document).where(Document.site_id == site_id)
                                                     .order_by(Document.kind.desc(), Document.url)).all()]


def capture(sessions: Sessions, capture_id: int) -> StoredCapture | None:
    with sessions() as s:
        row = s.get(Capture, capture_id)
        return stored_capture(row) if row else None


def _document_row(d: Document) -> DocumentRow:
    return DocumentRow(d.id, d.site_id, d.url, d.kind, d.page_url, d.anchor_text, d.title, d.latest_capture_id,
                       d.first_seen_at, d.last_seen_at)


