"""Which hosts a crawl may reach: public addresses only, unless the operator's allowlist says otherwise (pure)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def public_address(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address counts as its IPv4 one)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def allowed(host: str, allowlist: tuple[str, ...]) -> bool:
    """True when the allowlist names ``host`` or, for an address, a network that holds it."""
    if host in allowlist:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    for entry in allowlist:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name, compared above
    return False


def private_target(url: str, allowlist: tuple[str, ...] = ()) -> str | None:
    """Why ``url`` must not be fetched (its host is this machine or a non-public address), or None."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if allowed(host, allowlist):
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine"
    try:
        return None if public_address(host) else f"{host} is not a public address"
    except ValueError:
        return None  # a host name: not resolved here (module crawler/ssrf.py says why)


def on_site(url: str, domains: list[str]) -> bool:
    """True when ``url``'s host is one of ``domains`` or under one (Scrapy's allowed_domains rule)."""
    host = (urlsplit(url).hostname or "").lower()
    return not domains or any(host == d or host.endswith("." + d) for d in domains)
