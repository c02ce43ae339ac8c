"""The site registry: which sites exist, and ad-hoc sites from a home URL.

Where rows come from (`load_registry()`): NIANBAO_REGISTRY, if set, is the whole registry. Otherwise the shipped
spiders/sites.toml (read-only, part of the installed code) with $NIANBAO_HOME/sites.toml on top: a table there with
a new id adds a site, a table with a shipped id changes that site key by key (`[pingluo]` + `max_list_pages = 50`
is enough). `nianbao sites add` and the UI's "add site" write to `registry_file()` — NIANBAO_REGISTRY or
$NIANBAO_HOME/sites.toml —, never into the package.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kernel.config import Config
from kernel.errors import NianbaoError, UnknownSiteError
from storage.catalog import SiteRow

REGISTRY_FILE = Path(__file__).with_name("sites.toml")  # the shipped registry: read, never written
LOCAL_REGISTRY_NAME = "sites.toml"  # in NIANBAO_HOME
_LOCAL_HEADER = ("# The site registry of this deployment, read on top of nianbao's shipped spiders/sites.toml: a new\n"
                 "# id adds a site, a shipped id changes that site key by key. `nianbao sites add` appends here.\n")


class DuplicateSiteError(NianbaoError):
    """Raised by add_site (`nianbao sites add`) when the registry already has the site's id or host."""


class ReadOnlyRegistryError(NianbaoError):
    """Raised by add_site when asked to write into the shipped registry (the installed package's spiders/)."""


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


def registry_file(config: Config | None = None) -> Path:
    """The registry file sites are added to: NIANBAO_REGISTRY, else $NIANBAO_HOME/sites.toml (kernel/config.py)."""
    config = Config.load() if config is None else config
    return Path(config.registry) if config.registry else config.home / LOCAL_REGISTRY_NAME


def load_registry(path: Path | None = None, config: Config | None = None) -> dict[str, Site]:
    """The sites of one registry file (`path`), or of the registry in use (see the module docstring)."""
    if path is not None:
        return _sites(_read(path))
    config = Config.load() if config is None else config
    if config.registry:
        return _sites(_read(Path(config.registry)))
    rows = _read(REGISTRY_FILE)
    local = config.home / LOCAL_REGISTRY_NAME
    if local.exists():
        for site_id, row in _read(local).items():
            rows[site_id] = {**rows.get(site_id, {}), **row}
    return _sites(rows)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The registry file's tables (a new top-level dict; the tables themselves are shared: read them only).

    Parsed once per version of the file: every site a `crawl --all` starts looks itself up, and parsing the
    registry of every county for each of them would cost more than crawling some of them."""
    stat = path.stat()
    return dict(_parsed(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _parsed(path: str, _mtime_ns: int, _size: int) -> dict[str, dict[str, Any]]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def _sites(rows: dict[str, dict[str, Any]]) -> dict[str, Site]:
    return {site_id: _site(site_id, row) for site_id, row in rows.items()}


def _site(site_id: str, row: dict[str, Any]) -> Site:
    if "name" not in row or "home_url" not in row:  # e.g. a $NIANBAO_HOME/sites.toml table for a site not shipped
        raise UnknownSiteError(f"registry row [{site_id}] needs a name and a home_url (it is not a shipped site)")
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


def add_site(site: Site, path: Path | None = None, config: Config | None = None) -> Path:
    """Append `site` to `path` (default: `registry_file(config)`, created if missing) and return the file written.

    A site id or host already in the registry (`path`, or the whole registry in use) is a DuplicateSiteError; the
    shipped registry is never written (ReadOnlyRegistryError)."""
    target = registry_file(config) if path is None else path
    if target.resolve() == REGISTRY_FILE.resolve():
        raise ReadOnlyRegistryError(f"{target} is the shipped registry, read-only: sites are added to "
                                    f"$NIANBAO_HOME/{LOCAL_REGISTRY_NAME} or to NIANBAO_REGISTRY")
    registry = load_registry(path, config)
    if site.id in registry or any(s.host == site.host for s in registry.values()):
        raise DuplicateSiteError(f"site {site.id} ({site.host}) is already in the registry ({target})")
    text = target.read_text("utf-8").rstrip("\n") + "\n\n" if target.exists() else _LOCAL_HEADER + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(text + site_row_toml(site), "utf-8")
    os.replace(partial, target)
    return target
