"""Re-parsing stored payloads without fetching: which payloads a parser version has not parsed, and the result.

The parsing itself is handed in (`parse_all`), so storage does not depend on the parser or the process pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.catalog import Catalog, SiteRow
from storage.models import Capture, Document, Site
from storage.reports import Outcome, has_outcome, reassemble_reports, store_outcome


@dataclass(frozen=True)
class StoredPayload:
    """A payload to parse again, located at its original `response` record in the archive."""

    payload_sha256: str
    warc_file: str
    warc_offset: int
    url: str
    media_type: str | None


@dataclass(frozen=True)
class ReparseResult:
    site: str
    parsed: int
    new_version_ids: list[int]


def site_rows(sessions: sessionmaker[Session], site_id: str | None = None) -> list[SiteRow]:
    """The catalogue's sites (one, or all), as SiteRows."""
    with sessions() as s:
        query = select(Site).order_by(Site.id)
        sites = s.scalars(query.where(Site.id == site_id) if site_id else query).all()
        return [SiteRow(id=x.id, name=x.name, home_url=x.home_url, region_code=x.region_code, family=x.family)
                for x in sites]


def payloads_to_parse(sessions: sessionmaker[Session], site_id: str, parser_version: str) -> list[StoredPayload]:
    """The payloads of the site's documents (their latest captures) that `parser_version` has not parsed."""
    with sessions() as s:
        rows = s.execute(select(Capture.payload_sha256, Document.url, Capture.media_type)
                         .join(Document, Document.latest_capture_id == Capture.id)
                         .where(Document.site_id == site_id, Capture.payload_sha256.is_not(None))
                         .order_by(Document.id)).all()
    catalog, out, seen = Catalog(sessions), [], set()
    for sha, url, media_type in rows:
        assert sha is not None
        if sha in seen or has_outcome(sessions, sha, parser_version):
            continue
        seen.add(sha)
        original = catalog.original_record(sha)
        if original is not None:
            out.append(StoredPayload(sha, original.warc_file, original.warc_offset, url, media_type))
    return out


def reparse_site(sessions: sessionmaker[Session], site: SiteRow, parser_version: str,
                 parse_all: Callable[[list[StoredPayload]], Iterable[Outcome]], now: datetime) -> ReparseResult:
    """Parse the site's unparsed payloads with `parser_version`, store the outcomes, rebuild the records.

    With a parser version that has parsed everything already, nothing is parsed and no version is added.
    """
    todo = payloads_to_parse(sessions, site.id, parser_version)
    parsed = 0
    for outcome in parse_all(todo) if todo else []:
        store_outcome(sessions, outcome, now)
        parsed += 1
    return ReparseResult(site.id, parsed, reassemble_reports(sessions, site, parser_version, now))
