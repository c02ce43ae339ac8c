"""The records a killed crawl wrote but never catalogued: put in the catalogue before the crawl is resumed.

The recorder makes a record durable in the WARC (fsync) and then commits its capture row; a SIGKILL between the two
leaves a whole record that the catalogue does not know. A resumed crawl answers from its catalogued captures
(archive/resume.py), so it would fetch that URL again and archive it twice. ``catalogue_uncatalogued`` reads the
files of the crawl (their warcinfo says ``isPartOf: crawl-<id>``) and records a capture for each HTTP `response`
(and identical-payload `revisit`) found there without one. A server-not-modified
revisit or a rendered DOM found so is left as it is: the resumed run revalidates or renders that page again.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from archive.cdxj import finished_warcs
from archive.reader import ReadRecord, iter_records
from archive.records import NOT_MODIFIED_PROFILE
from kernel.errors import ArchiveError
from storage.catalog import CaptureRow, Catalog

logger = logging.getLogger(__name__)


def catalogue_uncatalogued(catalog: Catalog, warc_dir: Path, crawl_id: int) -> int:
    """Record captures for the crawl's whole records that have none (run after crash repair); how many."""
    known: dict[str, set[str]] = {}
    for capture in catalog.iter_captures(crawl_id=crawl_id):
        known.setdefault(capture.warc_file, set()).add(capture.warc_record_id)
    added = 0
    for path in finished_warcs(warc_dir):
        try:
            for row in _rows(path, crawl_id, known.get(path.name, set())):
                catalog.record_capture(row)
                logger.warning("event=resume_catalogued_tail url=%s file=%s offset=%d", row.url, path.name,
                               row.warc_offset)
                added += 1
        except ArchiveError as exc:
            logger.error("event=resume_tail_unreadable file=%s reason=%s", path.name, exc)
    return added


def _rows(path: Path, crawl_id: int, known: set[str]) -> Iterator[CaptureRow]:
    records = iter_records(path)
    first = next(records, None)
    if first is None or first.record_type != "warcinfo" or _part_of(first) != f"crawl-{crawl_id}":
        return
    size = path.stat().st_size
    pending: ReadRecord | None = None
    for record in records:
        if pending is not None:
            yield _row(crawl_id, path.name, pending, record.offset - pending.offset)
            pending = None
        if record.record_id not in known and _is_http_capture(record):
            pending = record
    if pending is not None:
        yield _row(crawl_id, path.name, pending, size - pending.offset)


def _part_of(warcinfo: ReadRecord) -> str:
    for line in warcinfo.payload.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "isPartOf":
            return value.strip()
    return ""


def _is_http_capture(record: ReadRecord) -> bool:
    if record.http_status is None:
        return False
    return record.record_type == "response" or (
        record.record_type == "revisit" and record.headers.get_header("WARC-Profile") != NOT_MODIFIED_PROFILE)


def _row(crawl_id: int, filename: str, record: ReadRecord, length: int) -> CaptureRow:
    headers = dict((name.lower(), value) for name, value in record.http_headers)
    digest = str(record.headers.get_header("WARC-Payload-Digest") or "")
    sha = base64.b32decode(digest.removeprefix("sha256:")).hex() if digest.startswith("sha256:") else None
    assert record.http_status is not None and record.url is not None
    return CaptureRow(
        crawl_id=crawl_id, url=record.url,
        captured_at=datetime.fromisoformat(str(record.headers.get_header("WARC-Date")).replace("Z", "+00:00")),
        http_status=record.http_status, record_type=record.record_type, warc_file=filename,
        warc_offset=record.offset, warc_length=length, warc_record_id=record.record_id, payload_sha256=sha,
        payload_size=len(record.raw_payload), media_type=headers.get("content-type"), etag=headers.get("etag"),
        last_modified=headers.get("last-modified"))
