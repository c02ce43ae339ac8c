"""From parse outcomes to reports: store outcomes, group renditions, add versions, read them back."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.catalog import SiteRow
from storage.models import Capture, Document, ParseOutcome, Report, ReportVersion


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


def has_outcome(sessions: sessionmaker[Session], payload_sha256: str, parser_version: str) -> bool:
    with sessions() as s:
        found = s.scalars(select(ParseOutcome.id).where(
            ParseOutcome.payload_sha256 == payload_sha256, ParseOutcome.parser_version == parser_version).limit(1))
        return found.first() is not None


def store_outcome(sessions: sessionmaker[Session], outcome: Outcome, now: datetime) -> None:
    """Record one parse attempt; a second attempt by the same parser version is not stored twice."""
    if has_outcome(sessions, outcome.payload_sha256, outcome.parser_version):
        return
    record = outcome.record or {}
    with sessions.begin() as s:
        s.add(ParseOutcome(
            payload_sha256=outcome.payload_sha256, parser_version=outcome.parser_version,
            status="ok" if outcome.ok else "failed", reason=outcome.reason, is_report=outcome.is_report,
            source_kind=outcome.source_kind, unit_name=record.get("unit_name"),
            report_year=record.get("report_year"), text=outcome.text, record=outcome.record,
            parsed_at=now,
        ))


@dataclass
class _Rendition:
    doc: Document
    capture: Capture
    outcome: ParseOutcome | None


def assemble_reports(
    sessions: sessionmaker[Session], site: SiteRow, crawl_id: int, parser_version: str, now: datetime
) -> list[int]:
    """Turn the report pages seen in a crawl (with their attachments) into report versions.

    Renditions of one report (the page and its attachments) are grouped by identity; the one with the
    most table cells is authoritative for the numbers, an attachment winning a tie over the page.
    Returns the ids of the report versions created or confirmed.
    """
    with sessions.begin() as s:
        pages = s.scalars(select(Document).where(
            Document.site_id == site.id, Document.kind == "page", Document.last_crawl_id == crawl_id)).all()
        version_ids = []
        for page in pages:
            renditions = _renditions(s, site.id, page, parser_version)
            page_record = next((r.outcome.record for r in renditions if r.doc is page and r.outcome), None)
            for identity, group in _group_by_identity(renditions).items():
                primary = max(group, key=_authority)
                record = _report_record(primary, page, renditions, page_record or {}, site)
                version_ids.append(_add_version(s, site, identity, record, primary, parser_version, now))
        return version_ids


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
    attachment's group: the page title is often shorter (平罗县宝丰镇) than the document's (…镇人民政府)."""
    groups: dict[tuple[str, int], list[_Rendition]] = defaultdict(list)
    identified = [(r, key) for r in renditions if (key := _identity(r)) is not None]
    for r, key in identified:
        if r.doc.kind == "attachment":
            groups[key].append(r)
    for r, (unit, year) in identified:
        if r.doc.kind != "page":
            continue
        same_year = [key for key in groups if key[1] == year]
        matching = [key for key in same_year if key[0].startswith(unit) or unit.startswith(key[0])]
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
    cells = sum(_count_cells(record.get(t)) for t in ("table2", "table3", "table4"))
    return cells, int(r.doc.kind == "attachment")


def _count_cells(node: Any) -> int:
    if isinstance(node, dict):
        if "value" in node and "raw" in node:
            return int(node["value"] is not None)
        return sum(_count_cells(v) for v in node.values())
    return 0


def _report_record(primary: _Rendition, page: Document, renditions: list[_Rendition],
                   page_record: dict[str, Any], site: SiteRow) -> dict[str, Any]:
    assert primary.outcome is not None and primary.outcome.record is not None
    record = dict(primary.outcome.record)
    record["source_url"] = page.url
    record["attachment_urls"] = [r.doc.url for r in renditions if r.doc.kind == "attachment"]
    record["source_kind"] = "html_inline" if primary.doc.kind == "page" else primary.outcome.source_kind
    record["region_code"] = record.get("region_code") or site.region_code
    record["published_at"] = record.get("published_at") or page_record.get("published_at")
    return record


def _add_version(s: Session, site: SiteRow, identity: tuple[str, int], record: dict[str, Any],
                 primary: _Rendition, parser_version: str, now: datetime) -> int:
    unit_name, year = identity
    region = site.region_code or site.id
    report = s.scalars(select(Report).where(
        Report.region_code == region, Report.unit_name == unit_name, Report.report_year == year)).first()
    if report is None:
        report = Report(site_id=site.id, region_code=region, unit_name=unit_name, report_year=year)
        s.add(report)
        s.flush()
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = s.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                       .order_by(ReportVersion.version.desc()).limit(1)).first()
    if latest is not None and latest.record_sha256 == digest:
        latest.last_seen_at = now
        return latest.id
    assert primary.capture.payload_sha256 is not None
    version = ReportVersion(
        report_id=report.id, version=(latest.version + 1) if latest else 1, record=record,
        record_sha256=digest, parser_version=parser_version, payload_sha256=primary.capture.payload_sha256,
        source_capture_id=primary.capture.id, first_seen_at=now, last_seen_at=now)
    s.add(version)
    s.flush()
    return version.id


def latest_reports(sessions: sessionmaker[Session], *, site: str | None = None, year: int | None = None,
                   unit: str | None = None) -> list[dict[str, Any]]:
    """The latest version of each report as the public JSON object (schema §9 plus catalogue keys)."""
    newest = (select(ReportVersion.report_id, func.max(ReportVersion.version).label("v"))
              .group_by(ReportVersion.report_id).subquery())
    query = (select(Report, ReportVersion, Capture)
             .join(newest, newest.c.report_id == Report.id)
             .join(ReportVersion, (ReportVersion.report_id == Report.id) & (ReportVersion.version == newest.c.v))
             .join(Capture, Capture.id == ReportVersion.source_capture_id)
             .order_by(Report.site_id, Report.report_year, Report.unit_name))
    if site:
        query = query.where(Report.site_id == site)
    if year:
        query = query.where(Report.report_year == year)
    if unit:
        query = query.where(Report.unit_name.contains(unit))
    with sessions() as s:
        return [_public_object(r, v, c) for r, v, c in s.execute(query).all()]


def _public_object(report: Report, version: ReportVersion, capture: Capture) -> dict[str, Any]:
    obj = dict(version.record)
    obj.update({
        "site": report.site_id,
        "version": version.version,
        "captured_at": as_utc(capture.captured_at).isoformat(),
        "payload_sha256": version.payload_sha256,
    })
    return obj


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; nianbao stores UTC, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
