"""Re-parsing stored payloads without fetching: which payloads a parser version has not parsed yet.

The parsing, and the storing of its outcomes, are lifecycle/reparse.py's; storage only answers what is left to parse
and where the capture that offered it lies (archive/dedup.py says which record holds the payload itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.catalog import SiteRow, site_row
from storage.models import Capture, Document, Site
from storage.reports import has_outcome


@dataclass(frozen=True)
class StoredPayload:
    """A payload to parse, located at a WARC record: the capture that last offered it (a `response`, or a
    `revisit` whose payload is in its original record), or the record that holds the payload itself."""

    payload_sha256: str
    warc_file: str
    warc_offset: int
    url: str
    media_type: str | None
    record_type: str = "response"


def site_rows(sessions: sessionmaker[Session], site_id: str | None = None) -> list[SiteRow]:
    """The catalogue's sites (one, or all), as SiteRows."""
    with sessions() as s:
        query = select(Site).order_by(Site.id)
        sites = s.scalars(query.where(Site.id == site_id) if site_id else query).all()
        return [site_row(x) for x in sites]


def payloads_to_parse(sessions: sessionmaker[Session], site_id: str, parser_version: str) -> list[StoredPayload]:
    """The payloads of the site's documents (their latest captures) that `parser_version` has not parsed, each
    once, at the capture that offered it."""
    with sessions() as s:
        rows = s.execute(select(Capture.payload_sha256, Document.url, Capture.media_type, Capture.warc_file,
                                Capture.warc_offset, Capture.record_type)
                         .join(Document, Document.latest_capture_id == Capture.id)
                         .where(Document.site_id == site_id, Capture.payload_sha256.is_not(None))
                         .order_by(Document.id)).all()
    out: list[StoredPayload] = []
    seen: set[str] = set()
    for sha, url, media_type, warc_file, warc_offset, record_type in rows:
        assert sha is not None
        if sha in seen or has_outcome(sessions, sha, parser_version):
            continue
        seen.add(sha)
        out.append(StoredPayload(sha, warc_file, warc_offset, url, media_type, record_type))
    return out
