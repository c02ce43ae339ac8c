"""Built sites in memory: path → Resource with ETag, built once per (site, cache dir) and process."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sampleweb.site import SiteSpec

DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "nianbao-sampleweb-cache"
# Pages are "published" at 08:30 Beijing time (00:30 UTC) on their date.
PUBLISH_TIME = dt.time(0, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Resource:
    """One served body with the validators derived from it."""

    body: bytes
    content_type: str
    last_modified: dt.datetime
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"')


_built: dict[tuple[str, Path], Mapping[str, Resource]] = {}
_lock = threading.Lock()


def build_site(spec: SiteSpec, cache_dir: Path | None = None) -> Mapping[str, Resource]:
    """Every resource of ``spec`` keyed by path; rendered on first use, then shared within the process."""
    cache = (cache_dir or DEFAULT_CACHE_DIR).resolve()
    key = (spec.site_id, cache)
    with _lock:
        if key not in _built:
            plan = spec.plan(cache)
            _built[key] = {
                p.path: Resource(p.render(), p.content_type, dt.datetime.combine(p.last_modified, PUBLISH_TIME))
                for p in plan.pages
            }
        return _built[key]
