"""The size limit: a body over NIANBAO_MAX_DOWNLOAD_MB is cut there, kept and archived as a truncated record.

Scrapy's own DOWNLOAD_MAXSIZE cancels such a download and keeps nothing (and refuses a response whose
Content-Length says it is too big before reading a byte). nianbao keeps the first N MB instead, so that the archive
shows what the site served and says it is cut (`WARC-Truncated: length`): Scrapy's documented way to end a download
early and keep what came — a `bytes_received` handler raising StopDownload(fail=False) — stops reading at the limit,
and this middleware trims the body to exactly the limit and flags the response (crawler/meta.py TRUNCATED_FLAG) for
the WARC recorder and the fetch outcomes (crawler/outcomes.py: "truncated").
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.http import Response

from crawler import meta
from kernel.config import Config

logger = logging.getLogger(__name__)
MB = 1024 * 1024


class DownloadLimit:
    """Stops each download at ``limit`` bytes and hands on the first ``limit`` bytes, flagged truncated.

    Sits at 960, nearest the download handler: its process_response trims the body before the WARC recorder (950)
    archives it. NotConfigured when NIANBAO_MAX_DOWNLOAD_MB is 0 (no limit).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        self._stopped: WeakKeyDictionary[Request, bool] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadLimit:
        limit = int(Config.from_settings(crawler.settings).max_download_mb * MB)
        if limit <= 0:
            raise NotConfigured("NIANBAO_MAX_DOWNLOAD_MB is 0: no size limit")
        mw = cls(limit)
        crawler.signals.connect(mw.bytes_received, signal=signals.bytes_received)
        return mw

    def bytes_received(self, data: bytes, request: Request) -> None:
        """Count a chunk of ``request``'s body; past the limit, end the download and keep what came."""
        received = self._received.get(request, 0) + len(data)
        self._received[request] = received
        if received > self.limit:
            self._stopped[request] = True
            raise StopDownload(fail=False)

    def process_response(self, request: Request, response: Response) -> Response:
        if not self._stopped.pop(request, False):
            return response
        logger.warning("download cut at the size limit url=%s limit_bytes=%d", request.url, self.limit)
        return response.replace(body=response.body[:self.limit], flags=[*response.flags, meta.TRUNCATED_FLAG])
