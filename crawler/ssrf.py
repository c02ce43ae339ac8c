"""The crawl's own guard against server-side request forgery: it never sends a request to a private address.

A site's page (or a redirect) may point at http://127.0.0.1:…/, http://169.254.169.254/ (cloud metadata) or
http://[::1]/; the host running nianbao must not be made to fetch those for an outsider. Any request whose host is
`localhost` or an IP address that is not public (loopback, private, link-local, multicast, reserved) is refused,
with the outcome `private-address`, unless NIANBAO_UI_CRAWL_ALLOWLIST names the host or covers the address. The
proxy itself (NIANBAO_PROXY, http_proxy) is not a request target and is never checked. Host names are not resolved
here: the resolver the downloader connects through refuses a name that resolves to a private address
(crawler/resolver.py), and such a name is refused here from then on, without another lookup or retry.

The check runs twice: when a request is scheduled (a redirect hop is dropped there by Scrapy's off-site filter,
before any downloader middleware would see it), and as the first downloader middleware (40) for requests that
skip the off-site filter (dont_filter).
"""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.crawler import Crawler

from crawler.addresses import private_target
from crawler.outcomes import OutcomeLog, RefusedRequest
from crawler.resolver import refused_reason
from kernel.config import Config


class PrivateAddressGuard:
    """Refuses requests to private addresses (see the module docstring)."""

    def __init__(self, allowlist: tuple[str, ...], log: OutcomeLog) -> None:
        self.allowlist = tuple(entry.lower() for entry in allowlist)
        self.log = log

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuard:
        guard = cls(Config.from_settings(crawler.settings).ui_crawl_allowlist, OutcomeLog(crawler))
        crawler.signals.connect(guard.request_scheduled, signal=signals.request_scheduled)
        return guard

    def _refusal(self, request: Request) -> RefusedRequest | None:
        why = private_target(request.url, self.allowlist)
        if why is None:
            resolved = refused_reason(request.url)
            return None if resolved is None else RefusedRequest("private-address", resolved)
        return RefusedRequest("private-address", f"refused: {why} (NIANBAO_UI_CRAWL_ALLOWLIST would allow it)")

    def request_scheduled(self, request: Request) -> None:
        """Drop a private request before it is queued, recorded (FetchOutcomes never sees it)."""
        refusal = self._refusal(request)
        if refusal is not None:
            self.log.record(request, refusal.outcome, refusal.reason)
            raise refusal

    def process_request(self, request: Request) -> None:
        """Refuse a private request that reached the downloader (FetchOutcomes records the refusal)."""
        refusal = self._refusal(request)
        if refusal is not None:
            raise refusal
