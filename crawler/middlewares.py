"""Downloader middlewares: the proxy switch, and the Scrapy side of the WARC recorder (archive/recorder.py)."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.stats import get_header_size, get_status_size
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from archive.capture import CONDITIONAL_HEADERS, CapturedExchange
from archive.recorder import Recorder, crawl_writer, prepare_warc_dir, rendered_dom
from archive.records import HttpExchange, payload_sha256
from archive.replay import ArchivedResponse
from archive.resume import Resumption
from archive.writer import WarcWriter
from crawler import meta
from crawler.archived_browser import archive_route
from kernel.config import Config
from storage.catalog import Catalog, StoredCapture
from storage.db import open_catalogue

logger = logging.getLogger(__name__)


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
    """Hands every request/response pair (each redirect hop) to the WARC recorder (archive/recorder.py).

    Sits at 950, nearest the downloader, so bodies are still content-encoded and every redirect hop passes
    through. What is archived, and how, is the recorder's to decide; this adapter turns Scrapy requests and
    responses into its exchanges and back, keeps the request.meta contract (crawler/meta.py) and the stats:

    * a GET is made conditional when the recorder says it revalidates a capture (never one flagged
      ``meta["nianbao_always_fetch"]``, list pages); a 304 is replaced, for the rest of the chain and the
      spider, by the archived response (status 200, flag ``nianbao-revisit``);
    * a page rendered by the browser (scrapy-playwright, flag ``playwright``) is recorded as a rendered DOM;
    * in a resumed crawl (``spider.resumed``) a GET the crawl already captured is answered from that capture
      (flag ``nianbao-resumed``) and not recorded again (archive/resume.py).

    At spider start the WARC directory is repaired and indexed (archive.recorder.prepare_warc_dir).
    """

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        catalog = Catalog(open_catalogue(config.database_url))
        self.recorder = Recorder(catalog, config.warc_dir, self._new_writer)
        self.resumption = Resumption(catalog, config.warc_dir)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorderMiddleware:
        mw = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        prepare_warc_dir(self.config.warc_dir)
        site = getattr(spider, "site", None)
        if site is not None:  # one query for the site's revalidatable URLs instead of one per request
            self.recorder.limit_revalidation(self.recorder.catalog.revalidatable_urls(site.id))

    def spider_closed(self, spider: Spider) -> None:
        self.recorder.close()

    def _new_writer(self) -> WarcWriter:
        spider = self._spider()
        site = getattr(spider, "site", None)
        # A distributed worker's spider names its files itself (its worker id in the name).
        prefix = getattr(spider, "warc_prefix", None) or f"nianbao-{getattr(site, 'id', spider.name)}"
        return crawl_writer(self.config.warc_dir, prefix=prefix, max_size=self.config.warc_max_size,
                            info=_warcinfo(spider, self.config))

    def process_request(self, request: Request) -> Response | None:
        answer = self._answer_from_archive(request)
        if answer is not None:
            return answer
        request.meta[meta.SENT_AT] = datetime.now(UTC)
        earlier = request.meta.get(meta.REVALIDATES)
        if isinstance(earlier, StoredCapture) and earlier.url != request.url:  # a redirect hop copied them
            del request.meta[meta.REVALIDATES]
            meta.drop_conditionals(request)
        if meta.REVALIDATES in request.meta:
            return None
        revalidation = self.recorder.revalidation(
            request.method, request.url, always_fetch=bool(request.meta.get(meta.ALWAYS_FETCH)),
            conditional=any(name.encode("latin-1") in request.headers for name in CONDITIONAL_HEADERS))
        if revalidation is not None:
            for name, value in revalidation.headers:
                request.headers[name.encode("latin-1")] = value
            request.meta[meta.REVALIDATES] = revalidation.source
        return None

    def _answer_from_archive(self, request: Request) -> Response | None:
        """In a resumed crawl, or for a request a dead distributed worker had taken (``meta.REQUEUED``): the capture
        this crawl already made of the request, as its response.

        Pages rendered by the browser are rendered again: the data requests a page made are only known to a
        live browser (spiders/annual_reports.py reads them from its events). The browser's own requests are then
        answered from the crawl's captures (crawler/archived_browser.py), and a DOM identical to one the crawl
        recorded before is not recorded again.
        """
        if request.meta.get(meta.REQUEUED) and request.method == "GET" and not request.meta.get(meta.PLAYWRIGHT):
            answer = self.resumption.already_archived(request.url, self._crawl_id())
        elif not getattr(self.crawler.spider, "resumed", False) or request.method != "GET":
            return None
        elif request.meta.get(meta.PLAYWRIGHT):  # rendered again, its requests answered from the archive
            request.meta["playwright_page_init_callback"] = archive_route(
                self.resumption, self._crawl_id(), lambda: self._stats_inc("nianbao/browser_from_archive"))
            return None
        else:
            answer = self.resumption.answer(request.url, self._crawl_id())
        if answer is None:
            return None
        meta.set_capture(request, answer.capture_id)
        self._stats_inc("nianbao/resumed_from_archive")
        return _archived_as_response(request, answer.response, meta.RESUMED_FLAG)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if meta.RESUMED_FLAG in response.flags:
            return response
        captured = _captured(request, response)
        if captured.rendered and getattr(self.crawler.spider, "resumed", False):
            before = self.resumption.rendered_before(captured.response_url, self._crawl_id(),
                                                     payload_sha256(rendered_dom(captured)[0]))
            if before is not None:  # the killed run recorded this very DOM
                meta.set_capture(request, before)
                return response
        source = request.meta.get(meta.REVALIDATES)
        if response.status == 304 and isinstance(source, StoredCapture) and source.url == request.url:
            return self._not_modified(request, response, captured, source)
        recorded = self.recorder.record(captured, self._crawl_id())
        meta.set_capture(request, recorded.capture_id, recorded.payload)
        if captured.rendered:
            self._stats_inc("nianbao/rendered_conversions")
        return response

    def _not_modified(self, request: Request, response: Response, captured: CapturedExchange,
                      source: StoredCapture) -> Request | Response:
        """Hand on the archived response the 304 stands for; re-fetch in full if it could not be read."""
        outcome = self.recorder.not_modified(captured, source, self._crawl_id())
        meta.set_capture(request, outcome.recorded.capture_id, outcome.recorded.payload)
        if outcome.archived is None:
            retry = request.replace(dont_filter=True)
            retry.meta[meta.ALWAYS_FETCH] = True
            retry.meta.pop(meta.REVALIDATES, None)
            meta.drop_conditionals(retry)
            return retry
        rebuilt = _archived_as_response(request, outcome.archived, meta.REVISIT_FLAG, response)
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

    def process_exception(self, request: Request, exception: BaseException) -> None:
        """Failed downloads are counted and the first reason kept for the Crawl row; Scrapy retries."""
        stats = self.crawler.stats
        assert stats is not None
        reason = f"{type(exception).__name__}: {exception} url={request.url}"
        logger.warning("download failed url=%s reason=%s", request.url, type(exception).__name__)
        if not stats.get_value("nianbao/first_error"):
            stats.set_value("nianbao/first_error", reason[:300])

    def _spider(self) -> Spider:
        spider = self.crawler.spider
        assert spider is not None
        return spider

    def _crawl_id(self) -> int:
        crawl_id = getattr(self._spider(), "crawl_id", None)
        if crawl_id is None:
            raise NotConfigured("WarcRecorderMiddleware needs crawler.extensions.CrawlRecorder (EXTENSIONS)")
        return int(crawl_id)

    def _stats_inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


def _captured(request: Request, response: Response) -> CapturedExchange:
    """The exchange as the recorder takes it (the rule: set by the spider in meta, or a callback argument)."""
    rendered = meta.PLAYWRIGHT in response.flags
    return CapturedExchange(
        _exchange(request, response), response.url, rule=request.meta.get(meta.RULE) or request.cb_kwargs.get("rule"),
        callback=getattr(request.callback, "__name__", None), rendered=rendered,
        dom_text=response.text if rendered and isinstance(response, TextResponse) else None)


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
        sent_at=request.meta.get(meta.SENT_AT) or datetime.now(UTC),
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated="length" if meta.TRUNCATED_FLAG in response.flags else None)


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
