"""Fetch outcomes: every URL a crawl does not get whole ends as a row with its kind and reason.

Two downloader middlewares, placed where each sees the final word on a request:

* ``FetchOutcomes`` at 45, below RetryMiddleware (550) and RedirectMiddleware (600): its process_exception sees a
  download error only once the retries gave up (and every IgnoreRequest: robots.txt at 100, off-site at 50, a
  private address at 40), its process_response only the response the retries and redirects ended with — an HTTP
  error, a body cut at the size limit (crawler/limits.py), a soft 404.
* ``RedirectGuard`` at 610, just above RedirectMiddleware: a redirect back to a URL of its own chain (a loop) or one
  hop past REDIRECT_MAX_TIMES ends there, recorded, instead of being discarded quietly.

The classification (``failure_outcome``, ``response_outcome``) is pure; the rest writes rows and stats.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse

from crawler import meta
from crawler.addresses import on_site, private_target
from crawler.resolver import refused_reason
from kernel.config import Config
from storage.db import open_catalogue
from storage.fetch_outcomes import FetchOutcomeRow, record_outcome

logger = logging.getLogger(__name__)

# A 200 page whose <title> says it is an error page (portals answer 200 for every URL they do not have).
SOFT_404_TITLE = re.compile(r"(404|页面不存在|页面未找到|找不到|无法找到|已删除|not found)", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
# Words in an exception chain that say the TLS handshake failed (OpenSSL errors, certificate checks).
_TLS_WORDS = re.compile(r"(SSL|TLS|certificate|handshake)", re.I)


class RefusedRequest(IgnoreRequest):
    """Raised by nianbao's guards (crawler/ssrf.py, RedirectGuard) for a request the crawl must not send;
    ``outcome`` is the recorded kind."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and the reasons Twisted wraps (ResponseFailed / ResponseNeverReceived)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(r.value for r in getattr(current, "reasons", []) if isinstance(getattr(r, "value", None),
                                                                                    BaseException))
    return seen


def failure_outcome(exc: BaseException) -> tuple[str, str]:
    """(kind, reason) of a download that ended in ``exc``."""
    if isinstance(exc, RefusedRequest):
        return exc.outcome, exc.reason
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots-disallowed", "robots.txt disallows it (NIANBAO_ROBOTS=0 ignores robots.txt)"
        return "ignored", text or type(exc).__name__
    chain = _chain(exc)
    names = " ".join(f"{type(e).__name__}: {e}" for e in chain)
    if any(isinstance(e, DownloadTimeoutError | TimeoutError) for e in chain) or "TimeoutError" in names:
        return "timeout", f"no complete answer in time ({type(exc).__name__}: {exc})"
    if any(isinstance(e, CannotResolveHostError) for e in chain) or "DNSLookupError" in names:
        return "dns-failure", f"the host name does not resolve ({exc})"
    if any(isinstance(e, ResponseDataLossError) for e in chain):
        return "data-loss", "the connection closed before the body was whole (shorter than its Content-Length)"
    if _TLS_WORDS.search(names) or "TunnelError" in names:
        return "tls-error", f"no TLS connection to the host ({names[:200]})"
    if any(isinstance(e, DownloadConnectionRefusedError | ConnectionRefusedError) for e in chain):
        return "connection-refused", f"the host refused the connection ({exc})"
    if re.search(r"Connection(Lost|Done|Reset|Aborted)|reset by peer", names):
        return "connection-reset", f"the connection was closed before an answer came ({names[:200]})"
    return "download-error", names[:300] or type(exc).__name__


def response_outcome(response: Response, retry_after_max: float) -> tuple[str, str] | None:
    """(kind, reason) of a final response that is not a whole page, or None for a good one."""
    if meta.TRUNCATED_FLAG in response.flags:
        return "truncated", f"truncated: over NIANBAO_MAX_DOWNLOAD_MB ({len(response.body)} bytes kept)"
    if response.status >= 400:
        squid = (response.headers.get("X-Squid-Error") or b"").decode("latin-1")
        if response.status in (502, 503) and squid.startswith("ERR_DNS_FAIL"):
            return "dns-failure", f"the proxy could not resolve the host (X-Squid-Error: {squid})"
        reason = f"HTTP {response.status}"
        wait = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
        if wait:
            reason += f" with Retry-After {wait} (honoured up to NIANBAO_RETRY_AFTER_MAX={retry_after_max:g} s)"
        return f"http-{response.status}", reason
    if response.status == 200 and isinstance(response, TextResponse):
        title = _TITLE.search(response.body[:8192])
        text = title.group(1).decode(response.encoding, "replace").strip() if title else ""
        if SOFT_404_TITLE.search(text):
            return "soft-404", f"a 200 page titled {text[:80]!r}: the site's error page"
    return None


def _robots_txt(request: Request) -> bool:
    """The robots.txt request Scrapy's RobotsTxtMiddleware makes for a host."""
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"


class OutcomeLog:
    """Writes a crawl's fetch outcomes to the catalogue and counts them in its stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config = Config.from_settings(crawler.settings)
        self.sessions = open_catalogue(self.config.database_url)
        self.counts: Counter[str] = Counter()

    def record(self, request: Request, kind: str, reason: str, capture_id: int | None = None) -> None:
        """Record what became of ``request``'s URL — for a redirect hop, of the URL the chain started at."""
        crawl_id = getattr(self.crawler.spider, "crawl_id", None)
        attempts = int(request.meta.get("retry_times", 0)) + 1
        url = next(iter(request.meta.get("redirect_urls", ())), request.url)
        if url != request.url:
            reason += f" (redirected to {request.url})"
        logger.warning("fetch outcome url=%s outcome=%s attempts=%d reason=%s", url, kind, attempts, reason)
        self.counts[kind] += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"nianbao/outcome/{kind}")
        if crawl_id is not None:
            record_outcome(self.sessions, FetchOutcomeRow(int(crawl_id), url, kind, reason, attempts, capture_id,
                                                          datetime.now(UTC)))


class FetchOutcomes:
    """Records the final outcome of every request that did not end in a whole page (see the module docstring)."""

    def __init__(self, log: OutcomeLog) -> None:
        self.log = log

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchOutcomes:
        mw = cls(OutcomeLog(crawler))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        return mw

    def request_scheduled(self, request: Request) -> None:
        """A redirect off the site: Scrapy's off-site filter drops it when it is scheduled; record why."""
        domains = list(getattr(self.log.crawler.spider, "allowed_domains", None) or [])
        if request.meta.get("redirect_urls") and not request.dont_filter and not on_site(request.url, domains) and \
                private_target(request.url, self.log.config.ui_crawl_allowlist) is None:
            self.log.record(request, "offsite", "redirected to a host outside the site")

    def process_response(self, request: Request, response: Response) -> Response:
        found = None if _robots_txt(request) else response_outcome(response, self.log.config.retry_after_max)
        if found is not None:
            self.log.record(request, *found, capture_id=request.meta.get(meta.CAPTURE_ID))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if _robots_txt(request):  # a robots.txt that cannot be had means "no rules"; its URL is no page
            return
        kind, reason = failure_outcome(exception)
        private = refused_reason(request.url) if kind == "dns-failure" else None  # crawler/resolver.py refused it
        self.log.record(request, *(("private-address", private) if private else (kind, reason)))

    def spider_closed(self, spider: Spider) -> None:
        """The crawl summary's line: how many URLs ended in each outcome."""
        summary = " ".join(f"{kind}={n}" for kind, n in sorted(self.log.counts.items())) or "none"
        logger.info("fetch outcomes crawl=%s %s", getattr(spider, "crawl_id", None), summary)


class RedirectGuard:
    """Ends a redirect loop, or a chain longer than REDIRECT_MAX_TIMES, with a recorded outcome (at 610)."""

    def __init__(self, log: OutcomeLog, max_redirects: int) -> None:
        self.log = log
        self.max_redirects = max_redirects

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuard:
        return cls(OutcomeLog(crawler), crawler.settings.getint("REDIRECT_MAX_TIMES"))

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self._refuse(request, "redirect-loop", f"redirects back to {target} after {len(chain)} hop(s)")
        if len(chain) > self.max_redirects:
            self._refuse(request, "too-many-redirects", f"more than REDIRECT_MAX_TIMES={self.max_redirects} hops")
        return response

    def _refuse(self, request: Request, kind: str, reason: str) -> None:
        self.log.record(request, kind, reason, capture_id=request.meta.get(meta.CAPTURE_ID))
        raise RefusedRequest(kind, reason)
