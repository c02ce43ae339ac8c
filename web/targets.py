"""What an on-demand crawl from the UI may target: a registry site, or a URL whose host resolves to public addresses.

Loopback, private, link-local, multicast and reserved addresses are refused unless the operator's allowlist
(NIANBAO_UI_CRAWL_ALLOWLIST: host names, addresses or networks) names the host or covers every address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

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
        if not _public(address) and not _allowed_address(address, allowed):
            raise CrawlTargetRefused(
                f"host {host!r} resolves to {address}, which is not a public address "
                "(add it to NIANBAO_UI_CRAWL_ALLOWLIST to allow it)")
    return CrawlTarget(target, None)


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def _allowed_address(address: str, allowed: list[str]) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name, matched before resolution
    return False
