"""Ground truth of the sample web for tests: which reports each site publishes, which pages are decoys."""

from __future__ import annotations

import functools
from pathlib import Path

from sampleweb.resources import DEFAULT_CACHE_DIR
from sampleweb.site import ExpectedReport, SitePlan, SiteSpec
from sampleweb.sites import SITES

__all__ = [
    "SITES", "ExpectedReport", "SiteSpec", "all_urls", "expected_decoy_urls", "expected_reports",
    "list_page_urls", "registry_row", "trap_urls",
]


@functools.cache
def _plan(site_id: str) -> SitePlan:
    # Planning renders nothing, so the cache dir only matters to the render callables, never to the truth.
    return SITES[site_id].plan(Path(DEFAULT_CACHE_DIR))


def expected_reports(site_id: str) -> list[ExpectedReport]:
    """The reports of ``site_id``, newest first (the order of its report column)."""
    return list(_plan(site_id).reports)


def expected_decoy_urls(site_id: str) -> list[str]:
    """Pages of ``site_id`` that must not be recognised as reports (notices, 解读/图解, news, static pages)."""
    return list(_plan(site_id).decoy_urls)


def all_urls(site_id: str) -> list[str]:
    """Every URL the site serves with 200 (pages, attachments, list endpoints with their query), sorted."""
    spec = SITES[site_id]
    plan = _plan(site_id)
    return sorted([spec.url(p.path) for p in plan.pages if p.status == 200 and not p.delay_s]
                  + list(plan.endpoint_urls))


def trap_urls(site_id: str) -> dict[str, str]:
    """Harmless pages that misbehave: URL → "status-500" or "slow" (not needed for recall)."""
    spec = SITES[site_id]
    plan = _plan(site_id)
    return {spec.url(p.path): ("slow" if p.delay_s else f"status-{p.status}")
            for p in plan.pages if p.status != 200 or p.delay_s}


def list_page_urls(site_id: str) -> list[str]:
    """Every list page of the site's report column(s) (HTML pages, or endpoint URLs for AJAX lists)."""
    plan = _plan(site_id)
    return list(plan.list_pages)


def registry_row(site_id: str) -> dict[str, str]:
    """The row ``spiders/sites.toml`` should hold for ``site_id``."""
    spec = SITES[site_id]
    row = {"name": spec.name, "region_code": spec.region_code, "home_url": spec.home_url, "family": spec.family}
    if spec.parent:
        row["parent"] = spec.parent
    return row
