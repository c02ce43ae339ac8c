"""Politeness middleware: a 429 or 503 with Retry-After is retried after the delay the site asked for."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import UTC, datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)
RETRIES = "nianbao_retry_after"


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP-date; None when unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Waits Retry-After (up to NIANBAO_RETRY_AFTER_MAX seconds) and retries, RETRY_TIMES at most.

    Sits at 560, just above RetryMiddleware (550), so it sees the 429/503 first, and counts its retries in
    RetryMiddleware's ``retry_times``: one budget for both. A wait longer than the maximum is not retried at all
    (``dont_retry``): the response ends the URL's fetch, recorded with its Retry-After (crawler/outcomes.py).
    """

    def __init__(self, max_wait: float, retries: int) -> None:
        self.max_wait = max_wait
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler.settings.getfloat("NIANBAO_RETRY_AFTER_MAX"), crawler.settings.getint("RETRY_TIMES"))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        header = response.headers.get("Retry-After")
        if response.status not in (429, 503) or not header:
            return response
        wait = retry_after_seconds(header.decode("latin-1"), datetime.now(UTC))
        # One budget with RetryMiddleware (its meta key): RETRY_TIMES retries in all, waited for or not.
        tries = max(int(request.meta.get("retry_times", 0)), int(request.meta.get(RETRIES, 0)))
        if wait is not None and wait > self.max_wait:
            request.meta["dont_retry"] = True  # the site asked for a longer pause: not again in this crawl
        if wait is None or wait > self.max_wait or tries >= self.retries:
            return response
        logger.info("retry-after url=%s status=%s wait=%.1f try=%d", request.url, response.status, wait, tries + 1)
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_times"] = tries + 1
        retry.meta[RETRIES] = tries + 1
        return retry
