"""The WARC recorder: one exchange the crawler saw in, its WARC records written and its capture catalogued out.

Framework-free: the crawler's adapter (crawler/middlewares.py) turns its requests and responses into a
`CapturedExchange` and hands archived responses back as its own. The decisions made here:

* response or revisit: a payload some crawl archived before (any site) becomes an identical-payload `revisit`
  of its original record (archive/dedup.py); otherwise the exchange is a `response`.
* an HTML 200 page also gets a `metadata` record of its links (archive/page_metadata.py); a page whose
  payload repeats an earlier capture of the same URL names that capture's links instead of listing them again.
* a DOM a browser rendered is no HTTP exchange (the browser made the request): it becomes a `conversion`
  record referring to the crawl's HTTP capture of the URL, when there is one.
* re-crawls revalidate: a GET of a URL whose newest 200 capture kept an ETag or Last-Modified is sent
  conditional (`revalidation`), and a 304 for it is archived as a server-not-modified `revisit` standing for
  the archived response (`not_modified`), which the crawler hands on in place of the 304. The revisit has no HTTP
  head, so that replay shows the response it confirms (archive/records.py).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from archive.capture import CapturedExchange, capture_row, header
from archive.cdxj import index_directory, write_index
from archive.dedup import Dedup, revisit_target
from archive.page_metadata import exchange_metadata
from archive.records import NOT_MODIFIED_PROFILE, RecordBuilder, payload_sha256
from archive.repair import repair_open_files
from archive.replay import ArchivedResponse, archived_response
from archive.writer import RecordLocation, WarcWriter
from kernel.errors import ArchiveError
from storage.catalog import Catalog, StoredCapture

logger = logging.getLogger(__name__)

# The media type of a rendered DOM's `conversion` record (the DOM is serialised as UTF-8 whatever the page declared).
RENDERED_MEDIA_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Revalidation:
    """The stored capture a GET revalidates, and the conditional headers (name, value) that ask about it."""

    source: StoredCapture
    headers: list[tuple[str, str]]


@dataclass(frozen=True)
class PayloadRecord:
    """What a capture's payload is and where it is archived in full (the payload's original `response` record):
    what a parse job needs, handed on by the recorder that just wrote or looked it up, not asked for again."""

    sha256: str
    media_type: str | None
    warc_file: str
    warc_offset: int


@dataclass(frozen=True)
class Recorded:
    """An exchange archived: its capture id, and its payload's record (None for a rendered DOM, whose payload is
    in its `conversion` record, and for an exchange without a body)."""

    capture_id: int
    payload: PayloadRecord | None = None


@dataclass(frozen=True)
class NotModified:
    """A 304 archived: what was recorded, and the archived response it stands for — None when that could not be
    read back, in which case the 304 was recorded as it came and the URL is to be fetched again in full."""

    recorded: Recorded
    archived: ArchivedResponse | None


def rendered_dom(captured: CapturedExchange) -> tuple[bytes, str]:
    """A rendered page's DOM as it is archived, and its media type: UTF-8 when the crawler decoded it as text."""
    if captured.dom_text is not None:
        return captured.dom_text.encode("utf-8"), RENDERED_MEDIA_TYPE
    return captured.http.response_body, captured.response_header("Content-Type") or "application/octet-stream"


def prepare_warc_dir(warc_dir: Path) -> None:
    """Ready the WARC directory for a crawl: repair `.open` files a crashed crawl left (each logged), and index
    the finished files that lack a CDXJ index."""
    warc_dir.mkdir(parents=True, exist_ok=True)
    for path in repair_open_files(warc_dir):
        logger.warning("event=warc_repaired_at_start file=%s", path.name)
    index_directory(warc_dir, only_missing=True)


def crawl_writer(warc_dir: Path, *, prefix: str, max_size: int, info: dict[str, str]) -> WarcWriter:
    """The WarcWriter of a crawl: files named ``<prefix>-…``, each indexed (CDXJ) as it is finished."""
    return WarcWriter(warc_dir, prefix=prefix, max_size=max_size, info=info, on_finish=write_index)


class Recorder:
    """Archives exchanges into WARC files and the catalogue; see the module docstring for what it decides.

    ``writer`` makes the WarcWriter on the first write (a crawl's file names and warcinfo are known only once it
    runs); ``builder`` builds the records (inject one with counting record ids to compare bytes).
    """

    def __init__(self, catalog: Catalog, warc_dir: Path, writer: Callable[[], WarcWriter], *,
                 builder: RecordBuilder | None = None) -> None:
        self.catalog = catalog
        self.dedup = Dedup(catalog)
        self.warc_dir = warc_dir
        self.builder = builder or RecordBuilder()
        self._make_writer = writer
        self._writer: WarcWriter | None = None
        # The only URLs worth a revalidation lookup (those with an earlier capture that kept a validator), when the
        # crawl said (limit_revalidation); None: every GET is looked up.
        self._revalidatable: set[str] | None = None

    def limit_revalidation(self, urls: set[str]) -> None:
        """Look up no GET for revalidation but of these URLs (Catalog.revalidatable_urls of the crawl's site, read
        once at its start): a first crawl of a site then makes no lookup per request."""
        self._revalidatable = urls

    def revalidation(self, method: str, url: str, *, always_fetch: bool, conditional: bool) -> Revalidation | None:
        """What a request revalidates, or None (fetched in full): only a GET that is not flagged always-fetch
        (list pages) nor conditional already, of a URL whose newest 200 capture kept an ETag or Last-Modified
        (and, once limit_revalidation was called, that is one of its URLs)."""
        if method != "GET" or always_fetch or conditional:
            return None
        if self._revalidatable is not None and url not in self._revalidatable:
            return None
        source = self.catalog.latest_ok_capture(url)
        if source is None or not (source.etag or source.last_modified):
            return None
        headers = [("If-None-Match", source.etag)] if source.etag else []
        if source.last_modified:
            headers.append(("If-Modified-Since", source.last_modified))
        return Revalidation(source, headers)

    def record(self, captured: CapturedExchange, crawl_id: int) -> Recorded:
        """Archive one exchange (a rendered DOM as a `conversion`) and catalogue it."""
        if captured.rendered:
            return self._record_rendered(captured, crawl_id)
        return self._record_http(captured, crawl_id)

    def not_modified(self, captured: CapturedExchange, source: StoredCapture, crawl_id: int) -> NotModified:
        """Archive a 304 answering the revalidation of ``source`` as a server-not-modified `revisit`."""
        sha = source.payload_sha256
        assert sha is not None, "a revalidated capture has a payload (Catalog.latest_ok_capture)"
        original = self.dedup.original(sha)
        try:
            if original is None:
                raise ArchiveError(f"no response record holds payload={sha}")
            archived = archived_response(self.warc_dir, (source.warc_file, source.warc_offset),
                                         (original.warc_file, original.warc_offset), sha)
        except ArchiveError as exc:
            logger.error("event=revisit_unreadable url=%s reason=%s; fetching again", captured.http.url, exc)
            return NotModified(self._record_http(captured, crawl_id), None)
        refers = revisit_target(original, sha, profile=NOT_MODIFIED_PROFILE)
        _, location = self._write(list(self.builder.capture(captured.http, refers_to=refers)))
        row = capture_row(crawl_id, captured, location, sha, "revisit",
                          media_type=header(archived.headers, "Content-Type"), fallback=source)
        payload = PayloadRecord(sha, row.media_type, original.warc_file, original.warc_offset)
        return NotModified(Recorded(self.catalog.record_capture(row), payload), archived)

    def close(self) -> None:
        """Finish the WARC file being written, if any; a later write starts a new file."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def _record_http(self, captured: CapturedExchange, crawl_id: int) -> Recorded:
        ex = captured.http
        digest = payload_sha256(ex.response_body)
        original = self.dedup.original(digest)
        refers = None if original is None else revisit_target(original, digest)
        records = list(self.builder.capture(ex, refers_to=refers))
        same_page = refers.record_id if refers is not None and refers.url == ex.url else None
        records += self._metadata(captured, records[1], links_as_in=same_page)
        _, location, *_ = self._write(records)
        row = capture_row(crawl_id, captured, location, digest, "response" if refers is None else "revisit")
        held = (location.filename, location.offset) if original is None else (original.warc_file, original.warc_offset)
        return Recorded(self.catalog.record_capture(row), PayloadRecord(digest, row.media_type, *held))

    def _record_rendered(self, captured: CapturedExchange, crawl_id: int) -> Recorded:
        """The DOM as a `conversion` record of this crawl's HTTP capture of the URL, and the page's links.

        The body the browser hands over is the DOM after scripts ran, not bytes off the wire, and the request was
        the browser's own: so no request/response pair, but the DOM (as UTF-8 when it came as text).
        """
        ex = captured.http
        static = self.catalog.latest_http_capture(captured.response_url, crawl_id) or \
            self.catalog.latest_http_capture(ex.url, crawl_id)
        dom, media_type = rendered_dom(captured)
        conversion = self.builder.conversion(captured.response_url, ex.sent_at, dom, media_type,
                                             refers_to=static.warc_record_id if static else None)
        location, *_ = self._write([conversion, *self._metadata(captured, conversion)])
        row = capture_row(crawl_id, captured, location, payload_sha256(dom), "conversion", media_type=media_type)
        return Recorded(self.catalog.record_capture(
            dataclasses.replace(row, payload_size=len(dom), etag=None, last_modified=None)))

    def _metadata(self, captured: CapturedExchange, response_record: ArcWarcRecord, *,
                  links_as_in: str | None = None) -> list[ArcWarcRecord]:
        """The `metadata` record of an HTML 200 page, concurrent to its response record (none for others)."""
        fields = exchange_metadata(captured, links_as_in=links_as_in)
        if fields is None:
            return []
        concurrent = str(response_record.rec_headers.get_header("WARC-Record-ID"))
        return [self.builder.metadata(captured.http.url, captured.http.sent_at, fields, concurrent_to=concurrent)]

    def _write(self, records: Sequence[ArcWarcRecord]) -> list[RecordLocation]:
        if self._writer is None:
            self._writer = self._make_writer()
        return self._writer.write(records)
