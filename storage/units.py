"""The units a site publishes annual reports for — its county government, departments, towns and streets — as its
own column tree, its annual-report module and the registry show them: one row per (site, unit name), kept across
crawls, read by the parse stage as the site's known unit names (parsing.identity: a name the site itself shows).

Rows are only added or completed: a unit no longer shown keeps its row (`last_seen_at` says when it was last seen).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import SiteUnitRow


@dataclass(frozen=True)
class SiteUnit:
    """A unit as a site shows it: its name as written there, its level (kernel.report UNIT_LEVELS) and region code
    when the site or the registry gives them, the site's own code for it (Hanweb ``area=``), and where it was
    read (``module-select``, ``module-link``, ``unit-subcolumn``, ``nav-subcolumn``, ``registry``)."""

    name: str
    level: str | None = None
    region_code: str | None = None
    code: str | None = None
    source: str = ""


def record_units(sessions: sessionmaker[Session], site_id: str, units: Iterable[SiteUnit],
                 now: datetime | None = None) -> int:
    """Add the units not yet known, complete the known ones (a level, region code or code they lacked) and mark all
    seen now; the number of units added. Concurrent writers of one site: the loser of an insert race retries."""
    now = now or datetime.now(UTC)
    wanted = {u.name: u for u in units if u.name}
    for last_try in (False, True):
        try:
            with sessions.begin() as s:
                rows = {r.name: r for r in s.scalars(select(SiteUnitRow).where(SiteUnitRow.site_id == site_id))}
                added = 0
                for name, unit in wanted.items():
                    row = rows.get(name)
                    if row is None:
                        row = SiteUnitRow(site_id=site_id, name=name, source=unit.source, first_seen_at=now)
                        s.add(row)
                        added += 1
                    row.level = row.level or unit.level
                    row.region_code = row.region_code or unit.region_code
                    row.code = row.code or unit.code
                    row.last_seen_at = now
                return added
        except IntegrityError:
            if last_try:
                raise
    return 0


def site_units(sessions: sessionmaker[Session], site_id: str) -> list[SiteUnit]:
    """The site's units, by name."""
    with sessions() as s:
        rows = s.scalars(select(SiteUnitRow).where(SiteUnitRow.site_id == site_id).order_by(SiteUnitRow.name))
        return [SiteUnit(r.name, r.level, r.region_code, r.code, r.source) for r in rows]


def known_units(sessions: sessionmaker[Session], site_id: str) -> tuple[tuple[str, str | None], ...]:
    """The site's unit names with their region codes, as the parser takes them (``known_units``)."""
    return tuple((u.name, u.region_code) for u in site_units(sessions, site_id))
