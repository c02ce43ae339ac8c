"""The site registry (spiders/sites.toml): which sites exist, and ad-hoc sites from a home URL."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kernel.config import Config
from kernel.errors import NianbaoError, UnknownSiteError
from storage.catalog import SiteRow

REGISTRY_FILE = Path(__file__).with_name("sites.toml")


class DuplicateSiteError(NianbaoError):
    """Raised by add_site (`nianbao sites add`) when the registry already has the site's id or host."""


@dataclass(frozen=True)
class Site:
    """A registry row: the site's identity and home, its CMS family, its parent and per-site overrides."""

    id: str
    name: str
    home_url: str
    region_code: str | None = None
    family: str | None = None
    parent: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.home_url).hostname or ""

    @property
    def row(self) -> SiteRow:
        """What the catalogue keeps of the site (storage/catalog.py)."""
        return SiteRow(id=self.id, name=self.name, home_url=self.home_url, region_code=self.region_code,
                       family=self.family)


def registry_file() -> Path:
    """The registry in use: NIANBAO_REGISTRY (kernel/config.py) or spiders/sites.toml."""
    registry = Config.load().registry
    return Path(registry) if registry else REGISTRY_FILE


def load_registry(path: Path | None = None) -> dict[str, Site]:
    path = registry_file() if path is None else path
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


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def site_row_toml(site: Site) -> str:
    """The registry table of `site`, as `nianbao sites add` appends it."""
    lines = [f"[{site.id}]", f"name = {_toml_value(site.name)}"]
    if site.region_code:
        lines.append(f"region_code = {_toml_value(site.region_code)}")
    lines.append(f"home_url = {_toml_value(site.home_url)}")
    if site.family:
        lines.append(f"family = {_toml_value(site.family)}")
    if site.parent:
        lines.append(f"parent = {_toml_value(site.parent)}")
    lines.extend(f"{key} = {_toml_value(value)}" for key, value in sorted(site.overrides.items()))
    return "\n".join(lines) + "\n"


def add_site(site: Site, path: Path | None = None) -> Path:
    """Append `site` to the registry file; a site id or host already there is an error."""
    path = registry_file() if path is None else path
    registry = load_registry(path)
    if site.id in registry or any(s.host == site.host for s in registry.values()):
        raise DuplicateSiteError(f"site {site.id} ({site.host}) is already in {path}")
    text = path.read_text("utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + site_row_toml(site), "utf-8")
    return path
