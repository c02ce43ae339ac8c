"""Scope: which links a crawl of one site may follow (its own hosts, no calendar or search traps)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from spiders import discovery as rules
from spiders.links import Link
from spiders.registry import Site


def own_domain(host: str) -> str:
    """The site's domain: its host without a leading www. (xxgk.<domain> is the same site)."""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class SiteScope:
    """The hosts of one site and the link filter that keeps a crawl on them."""

    domains: list[str]

    @classmethod
    def for_site(cls, site: Site) -> SiteScope:
        extra = [own_domain(h) for h in site.overrides.get("hosts", [])]
        return cls([own_domain(site.host), *extra])

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return False
        return not rules.TRAP_PATH.search(parts.path) and not rules.TRAP_QUERY.search(parts.query)

    def keep(self, links: list[Link]) -> list[Link]:
        return [link for link in links if self.allows(link.url)]
