"""The site registry (spiders/sites.toml): which sites exist, and ad-hoc sites from a home URL."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import UnknownSiteError
from storage.catalog import SiteRow

REGISTRY_FILE = Path(__file__).with_name("sites.toml")


@dataclass(frozen=True)
class Site(SiteRow):
    """A registry row: what the catalogue keeps of a site, plus its parent and per-site overrides."""

    parent: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.home_url).hostname or ""


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, Site]:
    with path.open("rb") as f:
        rows = tomllib.load(f)
    return {site_id: _site(site_id, row) for site_id, row in rows.items()}


def _site(site_id: str, row: dict[str, Any]) -> Site:
    known = {"name", "home_url", "region_code", "family", "parent"}
    return Site(id=site_id, **{k: v for k, v in row.items() if k in known},
                overrides={k: v for k, v in row.items() if k not in known})


def resolve_site(ref: str, registry: dict[str, Site] | None = None) -> Site:
    """A site by registry id, by home URL (registered or not), or UnknownSiteError."""
    registry = load_registry() if registry is None else registry
    if ref in registry:
        return registry[ref]
    parts = urlsplit(ref if "://" in ref else f"http://{ref}")
    if not parts.hostname or "." not in parts.hostname:
        known = ", ".join(sorted(registry)) or "none"
        raise UnknownSiteError(f"unknown site {ref!r}: give a registry id ({known}) or a home URL")
    for site in registry.values():
        if site.host == parts.hostname:
            return site
    home = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    return Site(id=_id_from_host(parts.hostname), name=parts.hostname, home_url=home)


def _id_from_host(host: str) -> str:
    labels = [p for p in host.split(".") if p not in {"www", "gov", "cn", "com", "org", "net"}]
    return "_".join(labels) or host.replace(".", "_")
