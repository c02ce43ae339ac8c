"""Downloader middlewares: the proxy switch and the WARC recorder."""

from __future__ import annotations

import dataclasses
import logging
import socket
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.stats import get_header_size, get_status_size
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes
from warcio.recordloader import ArcWarcRecord

from archive.cdxj import index_directory, write_index
from archive.page_metadata import PageLinks, decode_content, is_html, metadata_fields, page_links
from archive.records import NOT_MODIFIED_PROFILE, HttpExchange, OriginalCapture, RecordBuilder, payload_sha256
from archive.repair import repair_open_files
from archive.replay import ArchivedResponse, archived_response
from archive.resume import ArchiveAnswers, read_capture
from archive.writer import RecordLocation, WarcWriter
from kernel.config import Config
from kernel.errors import ArchiveError
from spiders.discovery import ATTACHMENT_EXT
from storage.catalog import CaptureRow, Catalog, StoredCapture
from storage.db import open_catalogue
from storage.reports import as_utc

logger = logging.getLogger(__name__)

SENT_AT = "nianbao_sent_at"
CAPTURE_ID = "nianbao_capture_id"
# Set by spiders: fetch without If-None-Match / If-Modified-Since (list pages), and the discovery rule.
ALWAYS_FETCH = "nianbao_always_fetch"
RULE = "nianbao_rule"
# Set here: the earlier capture a conditional request revalidates.
REVALIDATES = "nianbao_revalidates"
# The request.meta keys that describe one exchange (as sent, recorded, revalidated), not the request to make.
EXCHANGE_META = (SENT_AT, CAPTURE_ID, REVALIDATES)
REVISIT_FLAG = "nianbao-revisit"
# Set here: a response a resumed crawl answered from its own earlier capture (archive/resume.py).
RESUMED_FLAG = "nianbao-resumed"
# The media type of a rendered DOM's `conversion` record (the DOM is serialised as UTF-8 whatever the page declared).
RENDERED_MEDIA_TYPE = "text/html; charset=utf-8"


class ProxyMiddleware:
    """Routes every request through NIANBAO_PROXY (the CLI's --proxy) when it is set."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        proxy = crawler.settings.get("NIANBAO_PROXY")
        if not proxy:
            raise NotConfigured("NIANBAO_PROXY is empty; HttpProxyMiddleware still honours http_proxy")
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        request.meta.setdefault("proxy", self.proxy)


class WarcRecorderMiddleware:
    """Writes every request/response pair (each redirect hop) to the WARC and the catalogue.

    Sits at 950, nearest the downloader, so bodies are still content-encoded and every redirect hop
    passes through. A payload archived before (any crawl, any site) becomes a `revisit` record; an
    HTML page also gets a `metadata` record of its links (archive.page_metadata). A page rendered by the
    browser (scrapy-playwright, flag ``playwright``) is a DOM, not a response: it becomes a `conversion`
    record referring to the crawl's HTTP capture of the URL, left out of the replay index.

    Re-crawls are conditional: a GET for a URL with an earlier 200 capture carries that capture's
    ETag / Last-Modified, unless the request is flagged ``meta["nianbao_always_fetch"]`` (list pages).
    A 304 is archived as a server-not-modified `revisit` and replaced, for the rest of the chain and
    the spider, by the archived response (status 200, flag ``nianbao-revisit``).

    At spider start, `.open` WARC files left by a crashed crawl are repaired, and finished files get
    their CDXJ index (archive.cdxj) if they lack one; each file is indexed as it closes.

    In a resumed crawl (``spider.resumed``) a GET the crawl already captured is answered from that capture
    (flag ``nianbao-resumed``) and not recorded again; see archive/resume.py.
    """

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.catalog = Catalog(open_catalogue(config.database_url))
        self.builder = RecordBuilder()
        self.writer: WarcWriter | None = None
        self.answers: ArchiveAnswers | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorderMiddleware:
        mw = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        warc_dir = self.config.warc_dir
        warc_dir.mkdir(parents=True, exist_ok=True)
        for path in repair_open_files(warc_dir):
            logger.warning("event=warc_repaired_at_start file=%s", path.name)
        index_directory(warc_dir, only_missing=True)

    def _writer(self, spider: Spider) -> WarcWriter:
        if self.writer is None:
            site = getattr(spider, "site", None)
            # A distributed worker's spider names its files itself (its worker id in the name).
            prefix = getattr(spider, "warc_prefix", None) or f"nianbao-{getattr(site, 'id', spider.name)}"
            self.writer = WarcWriter(
                self.config.warc_dir, prefix=prefix,
                max_size=self.config.warc_max_size, info=_warcinfo(spider, self.config), on_finish=write_index)
        return self.writer

    def process_request(self, request: Request) -> Response | None:
        answer = self._answer_from_archive(request)
        if answer is not None:
            return answer
        request.meta[SENT_AT] = datetime.now(UTC)
        earlier = request.meta.get(REVALIDATES)
        if isinstance(earlier, StoredCapture) and earlier.url != request.url:  # a redirect hop copied them
            del request.meta[REVALIDATES]
            _drop_conditionals(request)
        if REVALIDATES in request.meta or not _may_revalidate(request):
            return None
        source = self.catalog.latest_ok_capture(request.url)
        if source is not None and (source.etag or source.last_modified):
            if source.etag:
                request.headers[b"If-None-Match"] = source.etag
            if source.last_modified:
                request.headers[b"If-Modified-Since"] = source.last_modified
            request.meta[REVALIDATES] = source
        return None

    def _answer_from_archive(self, request: Request) -> Response | None:
        """In a resumed crawl: the capture this crawl already made of the request, as its response.

        Pages rendered by the browser are rendered again: the data requests a page made are only known to a
        live browser (spiders/annual_reports.py reads them from its events).
        """
        spider = self.crawler.spider
        if not getattr(spider, "resumed", False) or request.method != "GET" or request.meta.get("playwright"):
            return None
        if self.answers is None:  # loaded before this run records anything
            assert spider is not None
            self.answers = ArchiveAnswers(self.catalog.iter_captures(crawl_id=self._crawl_id(spider)))
            logger.info("event=resume_from_archive captures=%d", len(self.answers))
        capture = self.answers.next_capture(request.url)
        if capture is None:
            return None
        try:
            archived = read_capture(self.catalog, self.config.warc_dir, capture)
        except ArchiveError as exc:
            logger.error("event=resume_unreadable url=%s capture=%s reason=%s; fetching again",
                         request.url, capture.id, exc)
            return None
        request.meta[CAPTURE_ID] = capture.id
        self._stats_inc("nianbao/resumed_from_archive")
        return _archived_as_response(request, archived, RESUMED_FLAG)

    @staticmethod
    def _crawl_id(spider: Spider) -> int:
        crawl_id = getattr(spider, "crawl_id", None)
        if crawl_id is None:
            raise NotConfigured("WarcRecorderMiddleware needs crawler.extensions.CrawlRecorder (EXTENSIONS)")
        return int(crawl_id)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if RESUMED_FLAG in response.flags:
            return response
        source = request.meta.get(REVALIDATES)
        if response.status == 304 and isinstance(source, StoredCapture) and source.url == request.url:
            return self._not_modified(request, response, source)
        if "playwright" in response.flags:
            self._record_rendered(request, response)
        else:
            self._record(request, response)
        return response

    def _record_rendered(self, request: Request, response: Response) -> None:
        """A page the browser rendered: its DOM as a `conversion` record of the static capture, and its links.

        The body scrapy-playwright hands over is ``page.content()`` (the DOM after scripts ran), not bytes off
        the wire, and the request was the browser's own: so no request/response pair, but the DOM serialised as
        UTF-8, referring to this crawl's HTTP capture of the URL when there is one.
        """
        spider = self.crawler.spider
        assert spider is not None
        crawl_id = self._crawl_id(spider)
        static = self.catalog.latest_http_capture(response.url, crawl_id) or \
            self.catalog.latest_http_capture(request.url, crawl_id)
        dom = response.text.encode("utf-8") if isinstance(response, TextResponse) else response.body
        media_type = RENDERED_MEDIA_TYPE if isinstance(response, TextResponse) else \
            _header(response.headers, b"Content-Type") or "application/octet-stream"
        exchange = _exchange(request, response)
        conversion = self.builder.conversion(response.url, exchange.sent_at, dom, media_type,
                                             refers_to=static.warc_record_id if static else None)
        records = [conversion, *self._page_metadata(request, response, exchange, conversion)]
        location, *_ = self._writer(spider).write(records)
        row = _capture_row(crawl_id, exchange, response, location, payload_sha256(dom), "conversion",
                           media_type=media_type)
        request.meta[CAPTURE_ID] = self.catalog.record_capture(
            dataclasses.replace(row, payload_size=len(dom), etag=None, last_modified=None))
        self._stats_inc("nianbao/rendered_conversions")

    def _record(self, request: Request, response: Response) -> None:
        spider = self.crawler.spider
        assert spider is not None
        exchange = _exchange(request, response)
        digest = payload_sha256(response.body)
        original = self.catalog.original_record(digest)
        refers = None if original is None else OriginalCapture(
            original.record_id, original.url, as_utc(original.captured_at), digest)
        records = list(self.builder.capture(exchange, refers_to=refers))
        same_page = refers.record_id if refers is not None and refers.url == exchange.url else None
        records += self._page_metadata(request, response, exchange, records[1], links_as_in=same_page)
        _, location, *_ = self._writer(spider).write(records)
        request.meta[CAPTURE_ID] = self.catalog.record_capture(_capture_row(
            self._crawl_id(spider), exchange, response, location, digest, "response" if refers is None else "revisit"))

    def _not_modified(self, request: Request, response: Response, source: StoredCapture) -> Request | Response:
        """Archive the 304 as a revisit and hand on the archived response; re-fetch if it cannot be read."""
        assert source.payload_sha256 is not None
        spider = self.crawler.spider
        assert spider is not None
        original = self.catalog.original_record(source.payload_sha256)
        try:
            if original is None:
                raise ArchiveError(f"no response record holds payload={source.payload_sha256}")
            archived = archived_response(self.config.warc_dir, (source.warc_file, source.warc_offset),
                                         (original.warc_file, original.warc_offset), source.payload_sha256)
        except ArchiveError as exc:
            logger.error("event=revisit_unreadable url=%s reason=%s; fetching again", request.url, exc)
            self._record(request, response)
            retry = request.replace(dont_filter=True)
            retry.meta[ALWAYS_FETCH] = True
            retry.meta.pop(REVALIDATES, None)
            _drop_conditionals(retry)
            return retry
        exchange = _exchange(request, response)
        refers = OriginalCapture(original.record_id, original.url, as_utc(original.captured_at),
                                 source.payload_sha256, profile=NOT_MODIFIED_PROFILE)
        _, location = self._writer(spider).write(list(self.builder.capture(exchange, refers_to=refers)))
        rebuilt = _archived_as_response(request, archived, REVISIT_FLAG, response)
        request.meta[CAPTURE_ID] = self.catalog.record_capture(_capture_row(
            self._crawl_id(spider), exchange, response, location, source.payload_sha256, "revisit",
            media_type=_header(rebuilt.headers, b"Content-Type"), fallback=source))
        self._stats_inc("nianbao/revisit_not_modified")
        self._account_rebuilt(response, rebuilt)
        return rebuilt

    def _account_rebuilt(self, wire: Response, rebuilt: Response) -> None:
        """Count a rebuilt response as the 304 that came off the wire, not as a download.

        Scrapy's DownloaderStats (850) runs after this middleware and counts ``rebuilt``; the
        difference is taken off beforehand, so ``downloader/response_bytes`` and the status counts
        say what the server sent. The rebuilt bodies get their own ``nianbao/rebuilt_response_*`` stats.
        """
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value("nianbao/rebuilt_response_count")
        stats.inc_value("nianbao/rebuilt_response_bytes", _stats_size(rebuilt))
        if self.crawler.settings.getbool("DOWNLOADER_STATS"):
            stats.inc_value("downloader/response_bytes", _stats_size(wire) - _stats_size(rebuilt))
            stats.inc_value(f"downloader/response_status_count/{wire.status}")
            stats.inc_value(f"downloader/response_status_count/{rebuilt.status}", -1)

    def _page_metadata(
        self, request: Request, response: Response, exchange: HttpExchange, response_record: ArcWarcRecord,
        *, links_as_in: str | None = None,
    ) -> list[ArcWarcRecord]:
        """The `metadata` record of an HTML 200 page (none for other responses); links only if new."""
        if response.status != 200 or not is_html(_header(response.headers, b"Content-Type")):
            return []
        try:
            body = decode_content(response.body, _header(response.headers, b"Content-Encoding"))
        except ArchiveError as exc:
            logger.warning("event=metadata_skipped url=%s reason=%s", request.url, exc)
            return []
        links = PageLinks([], []) if links_as_in else page_links(request.url, body,
                                                                   _header(response.headers, b"Content-Type"))
        fields = metadata_fields(links, is_attachment=_is_attachment,
                                 rule=request.meta.get(RULE) or request.cb_kwargs.get("rule"),
                                 via=_header(request.headers, b"Referer"),
                                 callback=getattr(request.callback, "__name__", None), links_as_in=links_as_in)
        concurrent = str(response_record.rec_headers.get_header("WARC-Record-ID"))
        return [self.builder.metadata(request.url, exchange.sent_at, fields, concurrent_to=concurrent)]

    def _stats_inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        """Failed downloads are counted and the first reason kept for the Crawl row; Scrapy retries."""
        stats = self.crawler.stats
        assert stats is not None
        reason = f"{type(exception).__name__}: {exception} url={request.url}"
        logger.warning("download failed url=%s reason=%s", request.url, type(exception).__name__)
        if not stats.get_value("nianbao/first_error"):
            stats.set_value("nianbao/first_error", reason[:300])

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.close()


def _may_revalidate(request: Request) -> bool:
    if request.method != "GET" or request.meta.get(ALWAYS_FETCH):
        return False
    return b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers


def for_new_exchange(request: Request) -> Request:
    """`request` as it is to be queued and sent anew (a redirect hop or a retry put in a shared queue): without
    what its last exchange left in meta (send time, capture id, the capture it revalidated), and without the
    conditional headers that revalidation added — the recorder decides them again for the URL it is sent to."""
    if not any(key in request.meta for key in EXCHANGE_META):
        return request
    fresh = request.replace(meta={k: v for k, v in request.meta.items() if k not in EXCHANGE_META})
    if REVALIDATES in request.meta:
        _drop_conditionals(fresh)
    return fresh


def _drop_conditionals(request: Request) -> None:
    for name in (b"If-None-Match", b"If-Modified-Since"):
        request.headers.pop(name, None)


def _is_attachment(url: str) -> bool:
    return bool(ATTACHMENT_EXT.search(urlsplit(url).path))


def _archived_as_response(request: Request, archived: ArchivedResponse, flag: str,
                          wire: Response | None = None) -> Response:
    """An archived response handed to Scrapy as if downloaded (``wire``: the 304 it stands in for)."""
    headers = Headers()
    for name, value in archived.headers:
        headers.appendlist(name, value)
    cls = responsetypes.from_args(headers=headers, url=request.url, body=archived.body)
    return cls(url=request.url, status=archived.status, headers=headers, body=archived.body, flags=[flag],
               request=request, protocol=wire.protocol if wire else None,
               ip_address=wire.ip_address if wire else None)


def _stats_size(response: Response) -> int:
    """A response's size as Scrapy's DownloaderStats counts it."""
    return len(response.body) + get_header_size(response.headers) + get_status_size(response.status) + 4


def _capture_row(
    crawl_id: int, ex: HttpExchange, response: Response, location: RecordLocation, digest: str, record_type: str,
    *, media_type: str | None = None, fallback: StoredCapture | None = None,
) -> CaptureRow:
    headers = response.headers
    return CaptureRow(
        crawl_id=crawl_id, url=response.url, captured_at=ex.sent_at, http_status=response.status,
        record_type=record_type, warc_file=location.filename, warc_offset=location.offset,
        warc_length=location.length, warc_record_id=location.record_id, payload_sha256=digest,
        payload_size=len(response.body), media_type=media_type or _header(headers, b"Content-Type"),
        etag=_header(headers, b"ETag") or (fallback.etag if fallback else None),
        last_modified=_header(headers, b"Last-Modified") or (fallback.last_modified if fallback else None))


def _exchange(request: Request, response: Response) -> HttpExchange:
    req_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, values in request.headers.items() for v in values]
    if not any(k.lower() == "host" for k, _ in req_headers):
        req_headers.insert(0, ("Host", urlsplit(request.url).netloc))
    resp_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                    for k, values in response.headers.items() for v in values]
    return HttpExchange(
        url=request.url, method=request.method, request_headers=req_headers, request_body=request.body,
        protocol=response.protocol or "HTTP/1.1", status=response.status, reason="",
        response_headers=resp_headers, response_body=response.body,
        sent_at=request.meta.get(SENT_AT) or datetime.now(UTC),
        ip_address=str(response.ip_address) if response.ip_address else None)


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _warcinfo(spider: Spider, config: Config) -> dict[str, str]:
    site = getattr(spider, "site", None)
    return {
        "hostname": socket.gethostname(),
        "operator": config.operator or "unspecified",
        "isPartOf": f"crawl-{getattr(spider, 'crawl_id', '')}",
        "description": f"nianbao crawl of {getattr(site, 'name', '')} {getattr(site, 'home_url', '')}",
        "robots": "obey" if spider.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "http-header-user-agent": spider.settings.get("USER_AGENT", ""),
        "note": "HTTP request and response records are rebuilt from Scrapy's Request/Response objects: "
                "bodies are the bytes as received (content-encoding kept, transfer-encoding removed), "
                "header names are as Scrapy normalised them and the reason phrase is not known. "
                "Pages rendered by a browser are conversion records: the DOM after scripts ran, as UTF-8.",
    }
