"""One exchange as the crawler hands it to the recorder, and the capture row the catalogue keeps of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.records import HttpExchange
from archive.writer import RecordLocation
from storage.catalog import CaptureRow, StoredCapture

# The request headers that make a GET conditional (archive/recorder.py adds them to revalidate a capture).
CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


@dataclass(frozen=True)
class CapturedExchange:
    """An HTTP exchange plus what only the crawler knows of it.

    ``response_url`` is the URL the response says it is for (a browser may end up elsewhere than it was sent);
    ``rule`` (the discovery rule that found the link) and ``callback`` (the spider callback that parses the
    page: its page type) go into the page's `metadata` record. ``rendered`` says the response body is a DOM a
    browser rendered (scrapy-playwright), not bytes off the wire; ``dom_text`` is that DOM as text when the
    crawler decoded it (it is then archived as UTF-8).
    """

    http: HttpExchange
    response_url: str
    rule: str | None = None
    callback: str | None = None
    rendered: bool = False
    dom_text: str | None = None

    @property
    def via(self) -> str | None:
        """The page that linked here: the request's Referer."""
        return header(self.http.request_headers, "Referer")

    def response_header(self, name: str) -> str | None:
        return header(self.http.response_headers, name)


def header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    """A header's value as a client reads it: the last one of that name (any case); None when absent or empty."""
    wanted, value = name.lower(), None
    for key, candidate in headers:
        if key.lower() == wanted:
            value = candidate
    return value or None


def capture_row(
    crawl_id: int, captured: CapturedExchange, location: RecordLocation, payload_sha256: str | None,
    record_type: str, *, media_type: str | None = None, fallback: StoredCapture | None = None,
) -> CaptureRow:
    """The catalogue row of a capture written at ``location``; validators missing from the response (a 304 may
    leave them out) are taken from ``fallback``, the capture it revalidated. A truncated body keeps none: it is
    never revalidated (a 304 would stand for the cut body), but fetched again in full."""
    ex = captured.http
    etag = captured.response_header("ETag") or (fallback.etag if fallback else None)
    last_modified = captured.response_header("Last-Modified") or (fallback.last_modified if fallback else None)
    return CaptureRow(
        crawl_id=crawl_id, url=captured.response_url, captured_at=ex.sent_at, http_status=ex.status,
        record_type=record_type, warc_file=location.filename, warc_offset=location.offset,
        warc_length=location.length, warc_record_id=location.record_id, payload_sha256=payload_sha256,
        payload_size=len(ex.response_body), media_type=media_type or captured.response_header("Content-Type"),
        etag=None if ex.truncated else etag, last_modified=None if ex.truncated else last_modified)
