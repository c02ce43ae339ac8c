"""From parse outcomes to reports: store outcomes, group renditions, add versions, read them back."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kernel import report as rk
from parsing.identity import abbreviates
from parsing.record import CrawlFacts, complete_record
from storage import history
from storage.catalog import SiteRow
from storage.changes import record_changes
from storage.db import reconnecting
from storage.models import Capture, Document, ParseOutcome, Report, ReportRendition, ReportVersion
from storage.queries import as_utc, latest_reports
from storage.search import index_report

__all__ = ["Outcome", "as_utc", "assemble_reports", "has_outcome", "latest_reports", "reassemble_reports",
           "store_outcome", "stored_outcome"]


@dataclass(frozen=True)
class Outcome:
    """A parse result as the parsing stage hands it to storage."""

    payload_sha256: str
    parser_version: str
    ok: bool
    reason: str | None
    is_report: bool
    source_kind: str | None
    text: str | None
    record: dict[str, Any] | None
    # The parser's warnings about the document (why it is not a report, where the unit's name came from, …);
    # None only when read back from an outcome stored before the warnings were (migration 0005): not known.
    warnings: tuple[str, ...] | None = ()


@reconnecting
def has_outcome(sessions: sessionmaker[Session], payload_sha256: str, parser_version: str) -> bool:
    with sessions() as s:
        return s.execute(_HAS_OUTCOME, {"sha": payload_sha256, "version": parser_version}).first() is not None


# Asked for every document a crawl finds: built once (SQLAlchemy's building of a statement costs more than running it).
_HAS_OUTCOME = select(ParseOutcome.__table__.c.id).where(
    ParseOutcome.__table__.c.payload_sha256 == bindparam("sha"),
    ParseOutcome.__table__.c.parser_version == bindparam("version")).limit(1)


@reconnecting
def store_outcome(sessions: sessionmaker[Session], outcome: Outcome, now: datetime) -> None:
    """Record one parse attempt; a second attempt by the same parser version is not stored twice."""
    if has_outcome(sessions, outcome.payload_sha256, outcome.parser_version):
        return
    record = outcome.record or {}
    try:
        with sessions.begin() as s:
            s.add(ParseOutcome(
                payload_sha256=outcome.payload_sha256, parser_version=outcome.parser_version,
                status="ok" if outcome.ok else "failed", reason=outcome.reason, is_report=outcome.is_report,
                source_kind=outcome.source_kind, unit_name=record.get(rk.UNIT_NAME),
                report_year=record.get(rk.REPORT_YEAR), text=outcome.text, record=outcome.record,
                warnings=None if outcome.warnings is None else list(outcome.warnings), parsed_at=now,
            ))
    except IntegrityError:
        if not has_outcome(sessions, outcome.payload_sha256, outcome.parser_version):
            raise
        # else another process (a distributed worker) stored this parse of the same payload meanwhile


def stored_outcome(sessions: sessionmaker[Session], payload_sha256: str, parser_version: str) -> Outcome | None:
    """The outcome stored for a payload by a parser version (warnings None when stored before 0005), else None."""
    with sessions() as s:
        row = s.scalars(select(ParseOutcome).where(
            ParseOutcome.payload_sha256 == payload_sha256, ParseOutcome.parser_version == parser_version)).first()
        if row is None:
            return None
        return Outcome(payload_sha256=row.payload_sha256, parser_version=row.parser_version, ok=row.status == "ok",
                       reason=row.reason, is_report=row.is_report, source_kind=row.source_kind, text=row.text,
                       record=row.record, warnings=None if row.warnings is None else tuple(row.warnings))


@dataclass
class _Rendition:
    doc: Document
    capture: Capture
    outcome: ParseOutcome | None


@dataclass
class _Offer:
    """One page offering a report, with the renditions of it that page and its attachments carry."""

    page: Document
    group: list[_Rendition]
    renditions: list[_Rendition]
    page_record: dict[str, Any]


def assemble_reports(
    sessions: sessionmaker[Session], site: SiteRow, crawl_id: int, parser_version: str, now: datetime
) -> list[int]:
    """Turn the report pages seen in a crawl (with their attachments) into report versions and events.

    Renditions of one report (the page and its attachments) are grouped by identity; the one with the
    most table cells is authoritative for the numbers, an attachment winning a tie over the page.
    A report offered again is restored if it was withdrawn; offered on another page, it is republished.
    Returns the ids of the report versions created or confirmed.
    """
    with sessions.begin() as s:
        pages = s.scalars(select(Document).where(
            Document.site_id == site.id, Document.kind == "page", Document.last_crawl_id == crawl_id)
            .order_by(Document.id)).all()
        version_ids = []
        for identity, offers in _offers(s, site.id, pages, parser_version).items():
            report = _report_for(s, site, identity)
            offer = _choose(offers, report.page_url)
            history.note_offered(s, report, offer.page.url, crawl_id, now)
            version_ids.append(_store_offer(s, site, report, offer, parser_version, now, crawl_id))
        return version_ids


def reassemble_reports(sessions: sessionmaker[Session], site: SiteRow, parser_version: str,
                       now: datetime) -> list[int]:
    """After a re-parse: rebuild the site's report records from stored documents with `parser_version`.

    A version is added only where the record changed (event `reparsed`); whether a report is offered or
    withdrawn is left as the crawls found it. Returns the ids of the versions created.
    """
    with sessions.begin() as s:
        pages = s.scalars(select(Document).where(Document.site_id == site.id, Document.kind == "page")
                          .order_by(Document.id)).all()
        created = []
        for identity, offers in _offers(s, site.id, pages, parser_version).items():
            report = _report_for(s, site, identity)
            offer = _choose(offers, report.page_url)
            if report.page_url is None:
                report.page_url = offer.page.url
            before = _latest_version(s, report.id)
            version_id = _store_offer(s, site, report, offer, parser_version, now, None)
            if before is None or before.id != version_id:
                created.append(version_id)
        return created


def _offers(s: Session, site_id: str, pages: Sequence[Document], parser_version: str,
            ) -> dict[tuple[str, int], list[_Offer]]:
    found: dict[tuple[str, int], list[_Offer]] = defaultdict(list)
    for page in pages:
        renditions = _renditions(s, site_id, page, parser_version)
        page_record = next((r.outcome.record for r in renditions if r.doc is page and r.outcome), None)
        for identity, group in _group_by_identity(renditions).items():
            found[identity].append(_Offer(page, group, renditions, page_record or {}))
    return found


def _choose(offers: list[_Offer], known_page_url: str | None) -> _Offer:
    """The page the report is known on, if it still offers it; else the one with the most numbers."""
    for offer in offers:
        if offer.page.url == known_page_url:
            return offer
    return max(offers, key=lambda o: (_authority(max(o.group, key=_authority)), -o.page.id))


def _store_offer(s: Session, site: SiteRow, report: Report, offer: _Offer, parser_version: str, now: datetime,
                 crawl_id: int | None) -> int:
    primary = max(offer.group, key=_authority)
    record = _report_record(primary, offer, site)
    version_id = _add_version(s, report, record, primary, parser_version, now, crawl_id, offer.group)
    _record_renditions(s, report, offer.group, primary, now, crawl_id)
    return version_id


def _renditions(s: Session, site_id: str, page: Document, parser_version: str) -> list[_Rendition]:
    docs = [page, *s.scalars(select(Document).where(
        Document.site_id == site_id, Document.kind == "attachment", Document.page_url == page.url)
        .order_by(Document.id)).all()]
    out = []
    for doc in docs:
        capture = s.get(Capture, doc.latest_capture_id) if doc.latest_capture_id else None
        if capture is None or capture.payload_sha256 is None:
            continue
        outcome = s.scalars(select(ParseOutcome).where(
            ParseOutcome.payload_sha256 == capture.payload_sha256,
            ParseOutcome.parser_version == parser_version)).first()
        out.append(_Rendition(doc, capture, outcome))
    return out


def _group_by_identity(renditions: list[_Rendition]) -> dict[tuple[str, int], list[_Rendition]]:
    """Group renditions by (unit, year). A page that offers its report as an attachment joins the
    attachment's group: the page title is often shorter (平罗县宝丰镇, 宝丰镇, 县政府办) than the document's
    (…镇人民政府, parsing.identity.abbreviates)."""
    groups: dict[tuple[str, int], list[_Rendition]] = defaultdict(list)
    identified = [(r, key) for r in renditions if (key := _identity(r)) is not None]
    for r, key in identified:
        if r.doc.kind == "attachment":
            groups[key].append(r)
    for r, (unit, year) in identified:
        if r.doc.kind != "page":
            continue
        same_year = [key for key in groups if key[1] == year]
        matching = [key for key in same_year if key[0].startswith(unit) or unit.startswith(key[0])
                    or abbreviates(unit, key[0])]
        target = matching[0] if matching else (same_year[0] if len(same_year) == 1 else (unit, year))
        groups[target].append(r)
    return groups


def _identity(r: _Rendition) -> tuple[str, int] | None:
    o = r.outcome
    if o is not None and o.status == "ok" and o.is_report and o.unit_name and o.report_year:
        return o.unit_name, o.report_year
    return None


def _authority(r: _Rendition) -> tuple[int, int]:
    record = (r.outcome.record if r.outcome else None) or {}
    cells = sum(_count_cells(record.get(t)) for t in rk.TABLES)
    return cells, int(r.doc.kind == "attachment")


def _count_cells(node: Any) -> int:
    if isinstance(node, dict):
        if "value" in node and "raw" in node:
            return int(node["value"] is not None)
        return sum(_count_cells(v) for v in node.values())
    return 0


def _report_record(primary: _Rendition, offer: _Offer, site: SiteRow) -> dict[str, Any]:
    """The authoritative rendition's record, completed by parsing.record.complete_record with the crawl's facts."""
    assert primary.outcome is not None and primary.outcome.record is not None
    return complete_record(primary.outcome.record, CrawlFacts(
        page_url=offer.page.url,
        attachment_urls=[r.doc.url for r in offer.renditions if r.doc.kind == "attachment"],
        primary_is_page=primary.doc.kind == "page", primary_source_kind=primary.outcome.source_kind,
        region_code=site.region_code, page_published_at=offer.page_record.get(rk.PUBLISHED_AT)))


def _report_for(s: Session, site: SiteRow, identity: tuple[str, int]) -> Report:
    unit_name, year = identity
    region = site.region_code or site.id
    report = s.scalars(select(Report).where(
        Report.region_code == region, Report.unit_name == unit_name, Report.report_year == year)).first()
    if report is None:
        report = Report(site_id=site.id, region_code=region, unit_name=unit_name, report_year=year,
                        status=rk.STATUS_CURRENT)
        s.add(report)
        s.flush()
    return report


def _latest_version(s: Session, report_id: int) -> ReportVersion | None:
    return s.scalars(select(ReportVersion).where(ReportVersion.report_id == report_id)
                     .order_by(ReportVersion.version.desc()).limit(1)).first()


def _add_version(s: Session, report: Report, record: dict[str, Any], primary: _Rendition, parser_version: str,
                 now: datetime, crawl_id: int | None, group: list[_Rendition]) -> int:
    """The id of the report's version holding `record`: the latest one if equal, else a new one (plus its event).

    `crawl_id` None means a re-parse: the latest version is not "seen" again and a change is `reparsed`.
    """
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = _latest_version(s, report.id)
    if latest is not None and latest.record_sha256 == digest:
        if crawl_id is not None:
            latest.last_seen_at = now
        return latest.id
    assert primary.capture.payload_sha256 is not None
    version = ReportVersion(
        report_id=report.id, version=(latest.version + 1) if latest else 1, record=record,
        record_sha256=digest, parser_version=parser_version, payload_sha256=primary.capture.payload_sha256,
        source_capture_id=primary.capture.id, first_seen_at=now, last_seen_at=now)
    s.add(version)
    s.flush()
    if latest is None:
        history.add_event(s, report, rk.EVENT_FIRST_SEEN, now, crawl_id, version_id=version.id,
                          url=record[rk.SOURCE_URL])
    else:
        changes = record_changes(latest.record, record)
        if changes or latest.payload_sha256 != version.payload_sha256:
            history.add_event(s, report, rk.EVENT_CHANGED if crawl_id is not None else rk.EVENT_REPARSED, now, crawl_id,
                              version_id=version.id, url=primary.doc.url, changes=changes)
    index_report(s, report.id, version.id, report.unit_name, _search_text(record, group))
    return version.id


def _search_text(record: dict[str, Any], group: list[_Rendition]) -> str:
    """The unit, the title and the text of every rendition of the report, each distinct text once."""
    parts = [report_field(record, rk.UNIT_NAME), report_field(record, rk.TITLE)]
    for r in group:
        if r.outcome is not None and r.outcome.text and r.outcome.text not in parts:
            parts.append(r.outcome.text)
    return "\n".join(p for p in parts if p)


def report_field(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)


def _record_renditions(s: Session, report: Report, group: list[_Rendition], primary: _Rendition, now: datetime,
                       crawl_id: int | None) -> None:
    """Upsert one ReportRendition per document of the group; only `primary` is authoritative."""
    known = {r.document_id: r for r in s.scalars(select(ReportRendition).where(
        ReportRendition.report_id == report.id)).all()}
    for existing in known.values():
        existing.authoritative = False
    for r in group:
        row = known.get(r.doc.id)
        if row is None:
            row = ReportRendition(report_id=report.id, document_id=r.doc.id, first_seen_at=now, last_seen_at=now,
                                  last_crawl_id=crawl_id)
            s.add(row)
        row.format = r.outcome.source_kind if r.outcome else None
        row.payload_sha256 = r.capture.payload_sha256
        row.authoritative = r is primary
        if crawl_id is not None:
            row.last_seen_at, row.last_crawl_id = now, crawl_id
