"""Which hosts a crawl may reach: public addresses only, unless the operator's allowlist says otherwise (pure)."""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

# A host that C's inet_aton reads as an IPv4 address though Python's ipaddress does not: 127.1, 2130706433,
# 0x7f000001, 0177.0.0.1. A resolver (getaddrinfo) or a proxy turns such a name into that address.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)


def as_address(host: str) -> str:
    """The IP address ``host`` spells, a legacy IPv4 form (127.1, 2130706433, 0x7f.1) written out; ValueError for a
    host name."""
    host = host.split("%")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        if _LEGACY_IPV4.match(host):
            try:
                return socket.inet_ntoa(socket.inet_aton(host))
            except OSError:
                pass
        raise


def public_address(address: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address counts as its IPv4 one)."""
    ip = ipaddress.ip_address(as_address(address))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def allowed(host: str, allowlist: tuple[str, ...]) -> bool:
    """True when the allowlist names ``host`` or, for an address, a network that holds it."""
    if host in allowlist:
        return True
    try:
        ip = ipaddress.ip_address(as_address(host))
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
        return None  # a host name: checked when it is resolved (crawler/resolver.py)


def on_site(url: str, domains: list[str]) -> bool:
    """True when ``url``'s host is one of ``domains`` or under one (Scrapy's allowed_domains rule)."""
    host = (urlsplit(url).hostname or "").lower()
    return not domains or any(host == d or host.endswith("." + d) for d in domains)
