"""The UI's read-only questions to the catalogue, each one short function over a session factory.

Where the storage layer has the answer (storage.coverage, storage.search, storage.changes, storage.history),
it is used as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive.reader import read_record
from parsing.tree import iter_cells
from storage import changes, history
from storage import coverage as storage_coverage
from storage.models import Capture, Crawl, Document, ParseOutcome, Report, ReportRendition, ReportVersion, Site
from storage.queries import as_utc, latest_reports
from storage.search import search_reports

Sessions = sessionmaker[Session]


def sites(sessions: Sessions) -> list[Site]:
    with sessions() as s:
        return list(s.scalars(select(Site).order_by(Site.id)).all())


def site(sessions: Sessions, site_id: str) -> Site | None:
    with sessions() as s:
        return s.get(Site, site_id)


def crawls(sessions: Sessions, *, site_id: str | None = None, limit: int = 20) -> list[Crawl]:
    """Newest first."""
    query = select(Crawl).order_by(Crawl.id.desc()).limit(limit)
    with sessions() as s:
        return list(s.scalars(query.where(Crawl.site_id == site_id) if site_id else query).all())


@dataclass(frozen=True)
class ReportSummary:
    id: int
    site_id: str
    unit_name: str
    report_year: int
    status: str
    versions: int
    first_seen_at: datetime | None


def site_reports(sessions: Sessions, site_id: str) -> list[ReportSummary]:
    counts = (select(ReportVersion.report_id, func.count().label("n")).group_by(ReportVersion.report_id).subquery())
    query = (select(Report, counts.c.n).join(counts, counts.c.report_id == Report.id)
             .where(Report.site_id == site_id).order_by(Report.report_year.desc(), Report.unit_name))
    with sessions() as s:
        return [ReportSummary(r.id, r.site_id, r.unit_name, r.report_year, r.status, int(n), r.first_seen_at)
                for r, n in s.execute(query).all()]


@dataclass(frozen=True)
class CoverageCell:
    """One unit × year of the matrix: state found / missing / withdrawn, plus late and changed flags."""

    state: str
    report_id: int | None = None
    late: bool | None = None
    changed: bool = False


@dataclass
class CoverageGroup:
    """One county (site): its units (rows) × the years (columns)."""

    site_id: str
    site_name: str
    years: list[int]
    units: dict[str, dict[int, CoverageCell]]


def coverage(sessions: Sessions, *, site_id: str | None = None) -> list[CoverageGroup]:
    """The coverage matrix grouped by site; storage.coverage supplies missing/late/changed when present."""
    with sessions() as s:
        names = {row.id: row.name for row in s.scalars(select(Site)).all()}
        query = select(Report.id, Report.site_id, Report.unit_name, Report.report_year, Report.status)
        ids = {(r.site_id, r.unit_name, r.report_year): r for r in s.execute(
            query.where(Report.site_id == site_id) if site_id else query).all()}
    groups: dict[str, CoverageGroup] = {}
    for (sid, unit, year), row in ids.items():
        group = groups.setdefault(sid, CoverageGroup(sid, names.get(sid, sid), [], {}))
        group.units.setdefault(unit, {})[year] = CoverageCell(row.status if row.status == "withdrawn" else "found",
                                                              row.id)
    for c in storage_coverage.coverage(sessions, site=site_id):
        group = groups.setdefault(c.site, CoverageGroup(c.site, names.get(c.site, c.site), [], {}))
        report = ids.get((c.site, c.unit_name, c.report_year))
        group.units.setdefault(c.unit_name, {})[c.report_year] = CoverageCell(
            c.state, report.id if report else None, c.late, c.changed_after_publication)
    for group in groups.values():
        group.years = sorted({y for cells in group.units.values() for y in cells})
        group.units = dict(sorted(group.units.items()))
    return [groups[k] for k in sorted(groups)]


def report(sessions: Sessions, report_id: int) -> Report | None:
    with sessions() as s:
        return s.get(Report, report_id)


def versions(sessions: Sessions, report_id: int) -> list[ReportVersion]:
    """Oldest first."""
    with sessions() as s:
        return list(s.scalars(select(ReportVersion).where(ReportVersion.report_id == report_id)
                              .order_by(ReportVersion.version)).all())


@dataclass(frozen=True)
class RenditionView:
    document_id: int
    url: str
    kind: str
    format: str | None
    authoritative: bool
    title: str | None
    media_type: str | None
    capture_id: int | None


def renditions(sessions: Sessions, report_id: int) -> list[RenditionView]:
    query = (select(ReportRendition, Document, Capture)
             .join(Document, Document.id == ReportRendition.document_id)
             .outerjoin(Capture, Capture.id == Document.latest_capture_id)
             .where(ReportRendition.report_id == report_id)
             .order_by(ReportRendition.authoritative.desc(), Document.kind.desc(), Document.id))
    with sessions() as s:
        return [RenditionView(d.id, d.url, d.kind, r.format, r.authoritative, d.title,
                              c.media_type if c else None, c.id if c else None)
                for r, d, c in s.execute(query).all()]


def report_events(sessions: Sessions, report_id: int) -> list[dict[str, Any]]:
    return list(history.report_events(sessions, report_id))


def record_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """[{"path", "old", "new"}] of the cells and fields that differ."""
    return changes.record_changes(old, new)


def cell_paths(record: dict[str, Any]) -> list[str]:
    """The dotted path of every CELL in tables 2–4 of a record, in the record's order."""
    return [path for table in ("table2", "table3", "table4") for path, _ in iter_cells(record.get(table), table)]


@dataclass(frozen=True)
class DocumentView:
    document: Document
    capture: Capture | None
    text: str | None
    parse_status: str | None
    parse_reason: str | None


def document(sessions: Sessions, document_id: int) -> DocumentView | None:
    """A document, its latest capture and the text the newest parse extracted from that payload."""
    with sessions() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            return None
        capture = s.get(Capture, doc.latest_capture_id) if doc.latest_capture_id else None
        outcome = None
        if capture is not None and capture.payload_sha256:
            outcome = s.scalars(select(ParseOutcome).where(ParseOutcome.payload_sha256 == capture.payload_sha256)
                                .order_by(ParseOutcome.parsed_at.desc(), ParseOutcome.id.desc())).first()
        return DocumentView(doc, capture, outcome.text if outcome else None,
                            outcome.status if outcome else None, outcome.reason if outcome else None)


def report_documents(sessions: Sessions, site_id: str) -> list[Document]:
    with sessions() as s:
        return list(s.scalars(select(Document).where(Document.site_id == site_id)
                              .order_by(Document.kind.desc(), Document.url)).all())


@dataclass(frozen=True)
class Original:
    """An archived payload as the site served it: URL, media type, bytes (content-encoding removed)."""

    url: str
    captured_at: datetime
    media_type: str
    body: bytes


def original(sessions: Sessions, warc_dir: Path, capture_id: int) -> Original | None:
    """The payload of a capture, read from its WARC record (a revisit's from the record it refers to)."""
    with sessions() as s:
        capture = s.get(Capture, capture_id)
        if capture is None:
            return None
        source = capture
        if capture.record_type != "response" and capture.payload_sha256:
            source = s.scalars(select(Capture).where(
                Capture.payload_sha256 == capture.payload_sha256, Capture.record_type == "response")
                .order_by(Capture.id)).first() or capture
    record = read_record(warc_dir, source.warc_file, source.warc_offset)
    head_type = dict((k.lower(), v) for k, v in record.http_headers).get("content-type")
    media_type = capture.media_type or head_type or "application/octet-stream"
    return Original(capture.url, as_utc(capture.captured_at), media_type, record.payload)


def search(sessions: Sessions, q: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Reports whose text contains `q` (storage.search), best first."""
    return [vars(hit) | {"snippet": hit.snippet} for hit in search_reports(sessions, q, limit=limit)]


def headline_rows(sessions: Sessions, *, site_id: str | None = None, year: int | None = None,
                  unit: str | None = None) -> list[dict[str, Any]]:
    """The latest version of each matching report, as public objects (schema §9 plus catalogue keys)."""
    rows = latest_reports(sessions, site=site_id, year=year, unit=unit)
    return [r for r in rows if unit is None or r.get("unit_name") == unit]
