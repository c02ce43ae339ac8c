"""Downloader middlewares: the proxy switch and the WARC recorder."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.records import HttpExchange, OriginalCapture, RecordBuilder, payload_sha256
from archive.writer import WarcWriter
from crawler.config import Config
from storage.catalog import CaptureRow, Catalog
from storage.db import open_catalogue
from storage.reports import as_utc

logger = logging.getLogger(__name__)

SENT_AT = "nianbao_sent_at"
CAPTURE_ID = "nianbao_capture_id"


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
    passes through. A payload archived before (any crawl, any site) becomes a `revisit` record.
    """

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.catalog = Catalog(open_catalogue(config.database_url))
        self.builder = RecordBuilder()
        self.writer: WarcWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorderMiddleware:
        mw = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _writer(self, spider: Spider) -> WarcWriter:
        if self.writer is None:
            site = getattr(spider, "site", None)
            self.writer = WarcWriter(
                self.config.warc_dir, prefix=f"nianbao-{getattr(site, 'id', spider.name)}",
                max_size=self.config.warc_max_size, info=_warcinfo(spider, self.config))
        return self.writer

    def process_request(self, request: Request) -> None:
        request.meta[SENT_AT] = datetime.now(UTC)

    @staticmethod
    def _crawl_id(spider: Spider) -> int:
        crawl_id = getattr(spider, "crawl_id", None)
        if crawl_id is None:
            raise NotConfigured("WarcRecorderMiddleware needs crawler.extensions.CrawlRecorder (EXTENSIONS)")
        return int(crawl_id)

    def process_response(self, request: Request, response: Response) -> Response:
        spider = self.crawler.spider
        assert spider is not None
        exchange = _exchange(request, response)
        digest = payload_sha256(response.body)
        original = self.catalog.original_record(digest)
        refers = None if original is None else OriginalCapture(
            original.record_id, original.url, as_utc(original.captured_at), digest)
        _, location = self._writer(spider).write(list(self.builder.capture(exchange, refers_to=refers)))
        headers = response.headers
        request.meta[CAPTURE_ID] = self.catalog.record_capture(CaptureRow(
            crawl_id=self._crawl_id(spider), url=response.url,
            captured_at=exchange.sent_at, http_status=response.status,
            record_type="response" if original is None else "revisit", warc_file=location.filename,
            warc_offset=location.offset, warc_length=location.length, warc_record_id=location.record_id,
            payload_sha256=digest, payload_size=len(response.body),
            media_type=_header(headers, b"Content-Type"), etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified")))
        return response

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
                "header names are as Scrapy normalised them and the reason phrase is not known.",
    }
