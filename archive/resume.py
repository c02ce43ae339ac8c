"""Resuming a crawl that was cut short: what it already captured is answered from the archive, not the site.

A resumed crawl starts again from the home page under the same crawl id. Its frontier and its seen set are
the crawl's captures in the catalogue: the k-th request for a URL is answered by the crawl's k-th capture of
that URL (a retried 500 replays its retries), read back from the WARC. So the spider walks the same path again
without a single request to the site until it reaches what was never fetched, and nothing is written twice. A record
the killed run wrote but did not live to catalogue is catalogued first (archive/uncatalogued.py).

Only GET requests are answered this way (the spider sends no others; a Hanweb jpage list is a GET of the data
proxy with its range in the query). A page the browser rendered is rendered again — its data requests are only
known to a live browser — but the browser too is answered from the crawl's captures (``for_browser``: the page's
static capture, the data requests the spider archived), so a resumed render asks the site only for what the crawl
never archived (scripts, stylesheets); and a DOM that comes out as the crawl recorded it before is not recorded
again (``rendered_before``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.dedup import Dedup
from archive.replay import ArchivedResponse, archived_response
from archive.uncatalogued import catalogue_uncatalogued
from kernel.errors import ArchiveError
from storage.catalog import HTTP_RECORD_TYPES, Catalog, StoredCapture

logger = logging.getLogger(__name__)


class ArchiveAnswers:
    """The captures of one crawl, by URL in capture order, handed out one per request."""

    def __init__(self, captures: Iterable[StoredCapture]) -> None:
        self.by_url: dict[str, list[StoredCapture]] = defaultdict(list)
        # The crawl's rendered DOMs (`conversion` captures): url -> {payload digest: capture id}.
        self.rendered: dict[str, dict[str, int]] = defaultdict(dict)
        for capture in captures:
            if capture.record_type in HTTP_RECORD_TYPES:  # a rendered DOM is not an HTTP response
                self.by_url[capture.url].append(capture)
            elif capture.record_type == "conversion" and capture.payload_sha256:
                self.rendered[capture.url][capture.payload_sha256] = capture.id
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

    def newest_ok(self, url: str) -> StoredCapture | None:
        """The newest 200 (or 304 revalidating one) capture of ``url``, without taking it from the k-th order."""
        ok = [c for c in self.by_url.get(url, []) if c.http_status in (200, 304) and c.payload_sha256]
        return ok[-1] if ok else None


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

    def _answers(self, crawl_id: int) -> ArchiveAnswers:
        if self.answers is None:
            catalogue_uncatalogued(self.catalog, self.warc_dir, crawl_id)  # what the kill left uncatalogued
            self.answers = ArchiveAnswers(self.catalog.iter_captures(crawl_id=crawl_id))
            logger.info("event=resume_from_archive captures=%d", len(self.answers))
        return self.answers

    def answer(self, url: str, crawl_id: int) -> ResumedAnswer | None:
        """The capture that answers this GET of ``url``, read back; None to fetch it (never captured, or unreadable)."""
        capture = self._answers(crawl_id).next_capture(url)
        if capture is None:
            return None
        return self._read(url, capture)

    def already_archived(self, url: str, crawl_id: int) -> ResumedAnswer | None:
        """A request another worker had taken before it died (distributed mode): the crawl's newest HTTP capture of
        ``url`` as the catalogue holds it now (other workers keep adding to it), read back; None to fetch it."""
        capture = self.catalog.latest_http_capture(url, crawl_id)
        if capture is None or capture.http_status >= 500:  # a server error is asked again, as a retry would
            return None
        return self._read(url, capture)

    def for_browser(self, url: str, crawl_id: int) -> ResumedAnswer | None:
        """A browser's GET of ``url`` while it re-renders a page: the crawl's newest 200 capture of it (the page's
        own static capture, a data request the spider archived), read back; None to let the browser fetch it.
        It does not take a capture from the spider's own order (``answer``): the spider asks for them too."""
        capture = self._answers(crawl_id).newest_ok(url)
        return None if capture is None else self._read(url, capture)

    def rendered_before(self, url: str, crawl_id: int, dom_sha256: str) -> int | None:
        """The capture id of this very DOM of ``url`` if the crawl recorded it before it was cut short (it is then
        not recorded again), else None."""
        return self._answers(crawl_id).rendered.get(url, {}).get(dom_sha256)

    def _read(self, url: str, capture: StoredCapture) -> ResumedAnswer | None:
        try:
            return ResumedAnswer(capture.id, read_capture(self.catalog, self.warc_dir, capture))
        except ArchiveError as exc:
            logger.error("event=resume_unreadable url=%s capture=%s reason=%s; fetching again", url, capture.id, exc)
            return None
