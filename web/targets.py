"""What an on-demand crawl from the UI may target: a registry site, or a URL whose host resolves to public addresses.

Loopback, private, link-local, multicast and reserved addresses are refused unless the operator's allowlist
(NIANBAO_UI_CRAWL_ALLOWLIST: host names, addresses or networks) names the host or covers every address — the crawl's
own rule (crawler/addresses.py). A name may resolve differently when the crawl connects (DNS rebinding): the crawl's
resolver checks again the address it connects to (crawler/resolver.py).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.addresses import allowed as allowed_host
from crawler.addresses import public_address
from kernel.errors import NianbaoError
from spiders.registry import Site

Resolver = Callable[[str], list[str]]


class CrawlTargetRefused(NianbaoError):
    """Raised by `check_crawl_target` when the UI is asked to crawl something it must not reach."""


@dataclass(frozen=True)
class CrawlTarget:
    """What to hand to `nianbao crawl`: a registry id, or a home URL; `site` when it is a registry site."""

    ref: str
    site: Site | None


def resolve_host(host: str) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise CrawlTargetRefused(f"host {host!r} does not resolve: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def check_crawl_target(target: str, registry: dict[str, Site], allowlist: Iterable[str] = (),
                       resolve: Resolver = resolve_host) -> CrawlTarget:
    """The crawl target for `target` (registry id or URL), or CrawlTargetRefused saying why not."""
    target = target.strip()
    if target in registry:
        return CrawlTarget(target, registry[target])
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CrawlTargetRefused(f"not a registry site nor an http(s) URL: {target!r}")
    host = parts.hostname.lower()
    for known in registry.values():
        if known.host == host:
            return CrawlTarget(known.id, known)
    allowed = [a.strip().lower() for a in allowlist if a.strip()]
    if host in allowed:
        return CrawlTarget(target, None)
    addresses = resolve(host)
    if not addresses:
        raise CrawlTargetRefused(f"host {host!r} resolves to no address")
    for address in addresses:
        if not public_address(address) and not allowed_host(address, tuple(allowed)):
            raise CrawlTargetRefused(
                f"host {host!r} resolves to {address}, which is not a public address "
                "(add it to NIANBAO_UI_CRAWL_ALLOWLIST to allow it)")
    return CrawlTarget(target, None)

