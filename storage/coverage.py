"""Coverage: for each known unit × year, is the report found, missing, withdrawn, late, changed later?

Computed once here, as a matrix grouped by site (`coverage_matrix`), for the UI's coverage page and its
exports; `coverage` flattens the same matrix into the rows `nianbao coverage` prints.

Deadlines (《政府信息公开条例》 art. 49–50): departments (and towns, offices, everything below a government
of county level or above) by 31 January of the following year; county and city governments by 31 March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import Report, ReportEvent, ReportVersion, Site
from storage.queries import as_of_cutoff, statuses_as_of

MARCH_DEADLINE_LEVELS = {"county", "city"}


@dataclass(frozen=True)
class CoverageRow:
    """One unit × year: `state` is found / withdrawn / missing; `late` is None when the date is unknown."""

    site: str
    unit_name: str
    unit_level: str | None
    report_year: int
    state: str
    published_at: str | None
    deadline: date
    late: bool | None
    changed_after_publication: bool


@dataclass(frozen=True)
class CoverageCell:
    """One cell of the matrix: the unit × year's CoverageRow and the report it links to (None when missing)."""

    row: CoverageRow
    report_id: int | None

    @property
    def state(self) -> str:
        return self.row.state

    @property
    def late(self) -> bool | None:
        return self.row.late

    @property
    def changed(self) -> bool:
        return self.row.changed_after_publication


@dataclass(frozen=True)
class CoverageGroup:
    """One county (site): its units (rows, sorted) × the years (columns, ascending); every unit has every year."""

    site_id: str
    site_name: str
    years: tuple[int, ...]
    units: dict[str, dict[int, CoverageCell]]


def deadline(unit_level: str | None, report_year: int) -> date:
    """The statutory publication deadline of a report on `report_year` by a unit of `unit_level`."""
    return date(report_year + 1, 3 if unit_level in MARCH_DEADLINE_LEVELS else 1, 31)


def coverage(sessions: sessionmaker[Session], *, site: str | None = None,
             as_of: datetime | None = None) -> list[CoverageRow]:
    """Every unit the archive knows of × every year it holds any report for on that site (site, unit, year order).

    With `as_of` (an exclusive cutoff, storage.asof.resolve_as_of), the coverage as it stood then.
    """
    return [cell.row for group in coverage_matrix(sessions, site=site, as_of=as_of)
            for cells in group.units.values() for cell in cells.values()]


def coverage_matrix(sessions: sessionmaker[Session], *, site: str | None = None,
                    as_of: datetime | None = None) -> list[CoverageGroup]:
    """The coverage matrix of every site holding reports (or of `site`), grouped by site, in site id order.

    With `as_of`, only what was recorded before that cutoff: reports first seen, their versions, changes, status.
    """
    as_of = as_of_cutoff(as_of)
    with sessions() as s:
        query = select(Report).order_by(Report.site_id, Report.unit_name, Report.report_year)
        reports = list(s.scalars(query.where(Report.site_id == site) if site else query).all())
        latest = _latest_records(s, [r.id for r in reports], as_of)
        if as_of is not None:  # a report whose first version came later was not seen then
            reports = [r for r in reports if r.id in latest]
        withdrawn = _withdrawn(s, reports, as_of)
        changed_query = select(ReportEvent.report_id).where(ReportEvent.kind == "changed")
        if as_of is not None:
            changed_query = changed_query.where(ReportEvent.occurred_at < as_of)
        changed = set(s.scalars(changed_query).all())
        names = dict(s.execute(select(Site.id, Site.name)).all())
    by_key = {(r.site_id, r.unit_name, r.report_year): r for r in reports}
    groups = []
    for site_id in sorted({r.site_id for r in reports}):
        mine = [r for r in reports if r.site_id == site_id]
        levels = {r.unit_name: latest.get(r.id, {}).get("unit_level") for r in mine}
        years = tuple(sorted({r.report_year for r in mine}))
        units: dict[str, dict[int, CoverageCell]] = {}
        for unit in sorted(levels):
            units[unit] = {}
            for year in years:
                report = by_key.get((site_id, unit, year))
                record = latest.get(report.id, {}) if report else {}
                row = _row(site_id, unit, levels[unit], year, report, record, changed, withdrawn)
                units[unit][year] = CoverageCell(row, report.id if report else None)
        groups.append(CoverageGroup(site_id, names.get(site_id, site_id), years, units))
    return groups


def _row(site: str, unit: str, level: str | None, year: int, report: Report | None, record: dict[str, Any],
         changed: set[int], withdrawn: set[int]) -> CoverageRow:
    due = deadline(level, year)
    published = record.get("published_at")
    late = None if not published else date.fromisoformat(str(published)[:10]) > due
    state = "missing" if report is None else ("withdrawn" if report.id in withdrawn else "found")
    return CoverageRow(site, unit, level, year, state, published, due, late,
                       report is not None and report.id in changed)


def _withdrawn(s: Session, reports: list[Report], as_of: datetime | None) -> set[int]:
    """The reports withdrawn at the time: now, their status; as of a past moment, their last event before it."""
    if as_of is None:
        return {r.id for r in reports if r.status == "withdrawn"}
    statuses = statuses_as_of(s, [r.id for r in reports], as_of)
    return {rid for rid, (status, _) in statuses.items() if status == "withdrawn"}


def _latest_records(s: Session, report_ids: list[int], as_of: datetime | None) -> dict[int, dict[str, Any]]:
    query = select(ReportVersion.report_id, func.max(ReportVersion.version).label("v"))
    if as_of is not None:
        query = query.where(ReportVersion.first_seen_at < as_of)
    newest = query.group_by(ReportVersion.report_id).subquery()
    rows = s.execute(select(ReportVersion.report_id, ReportVersion.record).join(
        newest, (newest.c.report_id == ReportVersion.report_id) & (newest.c.v == ReportVersion.version))).all()
    wanted = set(report_ids)
    return {rid: rec for rid, rec in rows if rid in wanted}
