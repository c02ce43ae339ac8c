"""Reading reports back: the version current now or on a past date, as public objects or CSV rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kernel import report as rk
from kernel.report_tables import HEADLINE_CELLS
from storage.models import Capture, Report, ReportEvent, ReportVersion

__all__ = ["CSV_COLUMNS", "CSV_FIELDS", "HEADLINE_CELLS", "as_of_cutoff", "as_utc", "cell_value", "csv_row",
           "latest_reports", "statuses_as_of"]

# CSV: one row per report; the headline numbers are table cells' values (a blank cell stays empty).
CSV_FIELDS = [rk.SITE, rk.REGION_CODE, rk.UNIT_NAME, rk.UNIT_LEVEL, rk.REPORT_YEAR, rk.FORMAT_VERSION,
              rk.PUBLISHED_AT, rk.STATUS, rk.WITHDRAWN_AT, rk.VERSION, rk.SOURCE_URL, rk.SOURCE_KIND]
# The headline cells by name (kernel.report_tables.HEADLINE_CELLS), then both lawsuits columns summed.
CSV_COLUMNS = [*CSV_FIELDS, *HEADLINE_CELLS, "lawsuits"]


def latest_reports(sessions: sessionmaker[Session], *, site: str | None = None, year: int | None = None,
                   unit: str | None = None, as_of: date | datetime | None = None) -> list[dict[str, Any]]:
    """Each report's current version as the public JSON object (schema §9 plus kernel.report.CATALOGUE_KEYS).

    With `as_of`, the version that was current then, and the status it had then; reports first seen later are
    left out. A datetime is an exclusive cutoff (storage.asof.resolve_as_of); a date means the end of that day (UTC).
    """
    cutoff = as_of_cutoff(as_of)
    query = _current_versions(cutoff)
    if site:
        query = query.where(Report.site_id == site)
    if year:
        query = query.where(Report.report_year == year)
    if unit:
        query = query.where(Report.unit_name.contains(unit))
    with sessions() as s:
        rows = s.execute(query).all()
        statuses = statuses_as_of(s, [r.id for r, _, _ in rows], cutoff)
    return [_public_object(r, v, c, *statuses.get(r.id, (rk.STATUS_CURRENT, None))) for r, v, c in rows]


def as_of_cutoff(as_of: date | datetime | None) -> datetime | None:
    """The exclusive UTC cutoff of an as-of: a datetime in UTC (SQLite compares them as text), a date → the next
    midnight UTC."""
    if as_of is None or isinstance(as_of, datetime):
        return as_utc(as_of).astimezone(UTC) if as_of else None
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def _current_versions(cutoff: datetime | None) -> Any:
    """Report, its newest version (first seen before `cutoff`) and that version's capture."""
    newest = select(ReportVersion.report_id, func.max(ReportVersion.version).label("v"))
    if cutoff is not None:
        newest = newest.where(ReportVersion.first_seen_at < cutoff)
    sub = newest.group_by(ReportVersion.report_id).subquery()
    return (select(Report, ReportVersion, Capture)
            .join(sub, sub.c.report_id == Report.id)
            .join(ReportVersion, (ReportVersion.report_id == Report.id) & (ReportVersion.version == sub.c.v))
            .join(Capture, Capture.id == ReportVersion.source_capture_id)
            .order_by(Report.site_id, Report.report_year, Report.unit_name))


def statuses_as_of(s: Session, report_ids: list[int],
                   cutoff: datetime | None) -> dict[int, tuple[str, datetime | None]]:
    """Per report: (status, withdrawn_at) from its last withdrawn/restored event before `cutoff` (absent: current)."""
    query = (select(ReportEvent).where(ReportEvent.report_id.in_(report_ids),
                                       ReportEvent.kind.in_([rk.EVENT_WITHDRAWN, rk.EVENT_RESTORED]))
             .order_by(ReportEvent.occurred_at, ReportEvent.id))
    if cutoff is not None:
        query = query.where(ReportEvent.occurred_at < cutoff)
    out: dict[int, tuple[str, datetime | None]] = {}
    for event in s.scalars(query).all() if report_ids else []:
        withdrawn = event.kind == rk.EVENT_WITHDRAWN
        out[event.report_id] = (rk.STATUS_WITHDRAWN if withdrawn else rk.STATUS_CURRENT,
                                event.occurred_at if withdrawn else None)
    return out


def _public_object(report: Report, version: ReportVersion, capture: Capture, status: str,
                   withdrawn_at: datetime | None) -> dict[str, Any]:
    """The stored record in its own key order, then the catalogue keys in kernel.report.CATALOGUE_KEYS order."""
    obj = dict(version.record)
    obj.update({
        rk.SITE: report.site_id,
        rk.VERSION: version.version,
        rk.CAPTURED_AT: as_utc(capture.captured_at).isoformat(),
        rk.PAYLOAD_SHA256: version.payload_sha256,
        rk.PARSER_VERSION: version.parser_version,
        rk.AUTHORITATIVE_URL: capture.url,
        rk.REPORT_ID: report.id,
        rk.STATUS: status,
        rk.WITHDRAWN_AT: as_utc(withdrawn_at).isoformat() if withdrawn_at else None,
        rk.FIRST_SEEN_AT: as_utc(report.first_seen_at).isoformat() if report.first_seen_at else None,
        rk.VERSION_FIRST_SEEN_AT: as_utc(version.first_seen_at).isoformat(),
    })
    return obj


def csv_row(obj: dict[str, Any]) -> dict[str, Any]:
    """One spreadsheet row for a public report object: identity, status and the headline numbers."""
    row = {key: obj.get(key) for key in CSV_FIELDS}
    for name, path in HEADLINE_CELLS.items():
        row[name] = cell_value(obj, path)
    direct, after = row["lawsuits_direct"], row["lawsuits_after_review"]
    row["lawsuits"] = direct + after if direct is not None and after is not None else None
    return row


def cell_value(obj: dict[str, Any], path: str) -> Any:
    """The `value` of the cell at a dotted path, None when the table, the row or the value is missing."""
    node: Any = obj
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node.get("value") if isinstance(node, dict) else None


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; nianbao stores UTC, so say so."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
