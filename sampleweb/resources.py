"""Built sites in memory: path → Resource with ETag, built once per (site, cache dir) and process."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sampleweb.site import Endpoint, SiteSpec

DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "nianbao-sampleweb-cache"
# Pages are "published" at 08:30 Beijing time (00:30 UTC) on their date.
PUBLISH_TIME = dt.time(0, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Resource:
    """One served body with the validators derived from it."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    status: int = 200
    delay_s: float = 0.0
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"')


_built: dict[tuple[str, Path], tuple[Mapping[str, Resource], Mapping[str, Endpoint]]] = {}
_lock = threading.Lock()


def published(date: dt.date) -> dt.datetime:
    """The Last-Modified instant of something dated ``date``."""
    return dt.datetime.combine(date, PUBLISH_TIME)


def _build(spec: SiteSpec, cache_dir: Path | None) -> tuple[Mapping[str, Resource], Mapping[str, Endpoint]]:
    cache = (cache_dir or DEFAULT_CACHE_DIR).resolve()
    key = (spec.site_id, cache)
    with _lock:
        if key not in _built:
            plan = spec.plan(cache)
            resources = {
                p.path: Resource(p.render(), p.content_type, published(p.last_modified), p.status, p.delay_s)
                for p in plan.pages
            }
            _built[key] = (resources, {e.path: e for e in plan.endpoints})
        return _built[key]


def build_site(spec: SiteSpec, cache_dir: Path | None = None) -> Mapping[str, Resource]:
    """Every resource of ``spec`` keyed by path; rendered on first use, then shared within the process."""
    return _build(spec, cache_dir)[0]


def site_endpoints(spec: SiteSpec, cache_dir: Path | None = None) -> Mapping[str, Endpoint]:
    """The query-dependent endpoints of ``spec`` keyed by path (built together with its resources)."""
    return _build(spec, cache_dir)[1]


def preload(spec: SiteSpec, resources: Mapping[str, Resource], cache_dir: Path | None = None) -> None:
    """Serve ``resources`` for ``spec`` (built elsewhere, e.g. by a worker process); endpoints are planned here."""
    cache = (cache_dir or DEFAULT_CACHE_DIR).resolve()
    endpoints = {e.path: e for e in spec.plan(cache).endpoints}
    with _lock:
        _built.setdefault((spec.site_id, cache), (resources, endpoints))
