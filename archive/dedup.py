"""Dedup: the one place that answers "which record holds this payload" — for the recorder, resume, reparse and the UI.

A payload (entity body, keyed by SHA-256) is archived in full once, in its first `response` record; every later
capture of it is a `revisit` record that refers to that original. The catalogue (storage) keeps where each record is;
this module decides which of them holds a payload.
"""

from __future__ import annotations

from archive.records import REVISIT_PROFILE, OriginalCapture
from storage.catalog import Catalog, OriginalRecord
from storage.queries import as_utc


class Dedup:
    """Looks payloads up in the catalogue: their original record, and where a capture's payload can be read."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def original(self, payload_sha256: str) -> OriginalRecord | None:
        """The first full `response` record of this payload, if any crawl archived it before."""
        return self.catalog.original_record(payload_sha256)

    def payload_record(self, payload_sha256: str) -> tuple[str, int] | None:
        """Where the payload is archived in full, as (warc_file, warc_offset) of its original record: what a
        parse job reads (crawler/pipelines.py, reparse); None when no record holds it."""
        original = self.original(payload_sha256)
        return None if original is None else (original.warc_file, original.warc_offset)

    def payload_location(self, warc_file: str, warc_offset: int, record_type: str,
                         payload_sha256: str | None) -> tuple[str, int]:
        """Where the payload of a capture can be read: its own record if it is a `response` (or has no payload
        digest), else the original `response` record its revisit refers to (falling back to its own record)."""
        if record_type == "response" or not payload_sha256:
            return warc_file, warc_offset
        original = self.original(payload_sha256)
        return (original.warc_file, original.warc_offset) if original else (warc_file, warc_offset)


def revisit_target(original: OriginalRecord, payload_sha256: str, *, profile: str = REVISIT_PROFILE) -> OriginalCapture:
    """The original record as a revisit refers to it (``profile``: identical payload, or server-not-modified)."""
    return OriginalCapture(original.record_id, original.url, as_utc(original.captured_at), payload_sha256,
                           profile=profile)
