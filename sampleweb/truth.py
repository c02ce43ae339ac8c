"""Ground truth of the sample web for tests: which reports each site publishes, which pages are decoys."""

from __future__ import annotations

import functools
from pathlib import Path

from sampleweb.resources import DEFAULT_CACHE_DIR
from sampleweb.site import ExpectedReport, SitePlan, SiteSpec
from sampleweb.sites import SITES

__all__ = ["SITES", "ExpectedReport", "SiteSpec", "all_urls", "expected_decoy_urls", "expected_reports"]


@functools.cache
def _plan(site_id: str) -> SitePlan:
    # Planning renders nothing, so the cache dir only matters to the render callables, never to the truth.
    return SITES[site_id].plan(Path(DEFAULT_CACHE_DIR))


def expected_reports(site_id: str) -> list[ExpectedReport]:
    """The reports of ``site_id``, newest first (the order of its report column)."""
    return list(_plan(site_id).reports)


def expected_decoy_urls(site_id: str) -> list[str]:
    """Pages of ``site_id`` that must not be recognised as reports (notices, 图解, news, static pages)."""
    return list(_plan(site_id).decoy_urls)


def all_urls(site_id: str) -> list[str]:
    """Every URL the site serves (pages, attachments, images, robots.txt), sorted."""
    spec = SITES[site_id]
    return sorted(spec.url(p.path) for p in _plan(site_id).pages)
