"""The crawl's name resolver: a host name that resolves to a private address is not connected to (DNS rebinding).

crawler/ssrf.py refuses URLs whose host *is* a private address. A host name is only known to be private once it is
resolved, and a name can resolve to a public address when a page is read (or when the UI checks a submitted URL)
and to 127.0.0.1 when the crawl connects. So the check sits in the resolver Scrapy's downloader connects through
(TWISTED_DNS_RESOLVER): the address it hands back is the address the connection goes to, and a private one is
refused there — no second lookup can differ from the one checked. Resolution stays in Scrapy's thread pool (the
reactor does not block), with Scrapy's cache.

A refused name resolves to nothing (Twisted then fails the connection with DNSLookupError) and is noted in
``REFUSED``, so that the crawl records the URL's outcome as ``private-address`` rather than a DNS failure
(crawler/ssrf.py, crawler/outcomes.py). The proxy's own host (NIANBAO_PROXY, http_proxy, https_proxy) is trusted:
behind a proxy the crawl resolves only the proxy, and the proxy resolves the sites. NIANBAO_UI_CRAWL_ALLOWLIST
names hosts or networks that may be private.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.addresses import allowed, public_address
from kernel.config import Config, environment_proxies

logger = logging.getLogger(__name__)

# Host name → the private address it resolved to, for every name this process refused.
REFUSED: dict[str, str] = {}


def refused_reason(url: str) -> str | None:
    """Why ``url``'s host was refused by the resolver, or None when it was not."""
    host = (urlsplit(url).hostname or "").lower()
    address = REFUSED.get(host)
    if address is None:
        return None
    return f"refused: {host} resolves to {address}, not a public address (NIANBAO_UI_CRAWL_ALLOWLIST would allow it)"


def proxy_hosts(config: Config) -> frozenset[str]:
    """The hosts of the proxies the crawl may use: connecting to them is no request to a site."""
    urls = [config.proxy, *environment_proxies()]
    return frozenset((urlsplit(url if "//" in url else "//" + url).hostname or "").lower() for url in urls if url)


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching threaded resolver that refuses names resolving to private addresses (module docstring)."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float, allowlist: tuple[str, ...],
                 trusted: frozenset[str]) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allowlist = tuple(entry.lower() for entry in allowlist)
        self.trusted = trusted

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicAddressResolver:
        settings = crawler.settings
        config = Config.from_settings(settings)
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), config.ui_crawl_allowlist,
                   proxy_hosts(config))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Any:  # noqa: N802 — Twisted's name
        found = super().getHostByName(name, timeout)
        found.addCallback(self._checked, name.lower().rstrip("."))
        return found

    def _checked(self, address: str, name: str) -> str:
        if name in self.trusted or public_address(address) or allowed(name, self.allowlist) or \
                allowed(address, self.allowlist):
            return address
        if REFUSED.get(name) != address:
            logger.warning("refused to connect: %s resolves to %s, not a public address", name, address)
        REFUSED[name] = address
        raise DNSLookupError(f"{name} resolves to {address}, not a public address")
