"""Resuming a crawl that was cut short: what it already captured is answered from the archive, not the site.

A resumed crawl starts again from the home page under the same crawl id. Its frontier and its seen set are
the crawl's captures in the catalogue: the k-th request for a URL is answered by the crawl's k-th capture of
that URL (a retried 500 replays its retries), read back from the WARC. So the spider walks the same path again
without a single request to the site until it reaches what was never fetched, and nothing is written twice.

Only GET requests are answered this way (the spider sends no others; a Hanweb jpage list is a GET of the data
proxy with its range in the query). A page the browser rendered is rendered (and its DOM recorded) again: its
data requests are only known to a live browser, so its `conversion` capture answers nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.dedup import Dedup
from archive.replay import ArchivedResponse, archived_response
from kernel.errors import ArchiveError
from storage.catalog import HTTP_RECORD_TYPES, Catalog, StoredCapture

logger = logging.getLogger(__name__)


class ArchiveAnswers:
    """The captures of one crawl, by URL in capture order, handed out one per request."""

    def __init__(self, captures: Iterable[StoredCapture]) -> None:
        self.by_url: dict[str, list[StoredCapture]] = defaultdict(list)
        for capture in captures:
            if capture.record_type in HTTP_RECORD_TYPES:  # a rendered DOM is not an HTTP response
                self.by_url[capture.url].append(capture)
        self.asked: dict[str, int] = defaultdict(int)

    def __len__(self) -> int:
        return sum(len(captures) for captures in self.by_url.values())

    def next_capture(self, url: str) -> StoredCapture | None:
        """The capture that answers this request for `url`, or None when the crawl never got that far."""
        captures = self.by_url.get(url, [])
        k = self.asked[url]
        if k >= len(captures):
            return None
        self.asked[url] = k + 1
        return captures[k]


def read_capture(catalog: Catalog, warc_dir: Path, capture: StoredCapture) -> ArchivedResponse:
    """The response a capture recorded; a 304 revisit stands for the earlier 200 it revalidated."""
    if capture.payload_sha256 is None:
        raise ArchiveError(f"capture {capture.id} of {capture.url} has no payload")
    payload = Dedup(catalog).payload_record(capture.payload_sha256)
    if payload is None:
        raise ArchiveError(f"no response record holds payload={capture.payload_sha256}")
    head = (capture.warc_file, capture.warc_offset)
    if capture.http_status == 304:
        revalidated = catalog.latest_ok_capture(capture.url)
        if revalidated is None:
            raise ArchiveError(f"capture {capture.id} revalidated {capture.url} but no 200 capture of it is stored")
        head = (revalidated.warc_file, revalidated.warc_offset)
    return archived_response(warc_dir, head, payload, capture.payload_sha256)


@dataclass(frozen=True)
class ResumedAnswer:
    """A request answered from the crawl's own earlier capture: the capture's id and the response it recorded."""

    capture_id: int
    response: ArchivedResponse


class Resumption:
    """A resumed crawl's answers from its own captures, loaded on the first question (before it records anything)."""

    def __init__(self, catalog: Catalog, warc_dir: Path) -> None:
        self.catalog = catalog
        self.warc_dir = warc_dir
        self.answers: ArchiveAnswers | None = None

    def answer(self, url: str, crawl_id: int) -> ResumedAnswer | None:
        """The capture that answers this GET of ``url``, read back; None to fetch it (never captured, or unreadable)."""
        if self.answers is None:
            self.answers = ArchiveAnswers(self.catalog.iter_captures(crawl_id=crawl_id))
            logger.info("event=resume_from_archive captures=%d", len(self.answers))
        capture = self.answers.next_capture(url)
        if capture is None:
            return None
        try:
            return ResumedAnswer(capture.id, read_capture(self.catalog, self.warc_dir, capture))
        except ArchiveError as exc:
            logger.error("event=resume_unreadable url=%s capture=%s reason=%s; fetching again", url, capture.id, exc)
            return None
