"""Archived payloads as the site served them, read from the WARC record that holds them (archive.dedup picks it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.dedup import Dedup
from archive.reader import read_record
from storage import browse
from storage.catalog import Catalog, Sessions
from storage.queries import as_utc


@dataclass(frozen=True)
class Original:
    """An archived payload as the site served it: URL, media type, bytes (content-encoding removed)."""

    url: str
    captured_at: datetime
    media_type: str
    body: bytes


def original(sessions: Sessions, warc_dir: Path, capture_id: int) -> Original | None:
    """The payload of a capture, read from its WARC record (a revisit's from the record it refers to)."""
    capture = browse.capture(sessions, capture_id)
    if capture is None:
        return None
    warc_file, warc_offset = Dedup(Catalog(sessions)).payload_location(
        capture.warc_file, capture.warc_offset, capture.record_type, capture.payload_sha256)
    record = read_record(warc_dir, warc_file, warc_offset)
    head_type = dict((k.lower(), v) for k, v in record.http_headers).get("content-type")
    media_type = capture.media_type or head_type or "application/octet-stream"
    return Original(capture.url, as_utc(capture.captured_at), media_type, record.payload)
