"""Before a run of a site: take the site (one run per site at a time), going on with its interrupted run or
opening a new one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.config import Config
from crawler.errors import NianbaoError
from crawler.scheduling.runs import recover_stale, resumable, running
from spiders.registry import Site
from storage.catalog import Catalog, RunConflict
from storage.db import open_catalogue

logger = logging.getLogger(__name__)


class SiteBusy(NianbaoError):
    """The site has a live run already (this host or another): one run per site at a time."""


@dataclass(frozen=True)
class Claim:
    """The run this process now owns: its crawl id, and whether it goes on with an interrupted one."""

    crawl_id: int
    resumed: bool


def claim_site(site: Site, config: Config, resume: bool) -> Claim:
    """Take `site` for a run by this process: its `running` row is written now, so that of two processes that
    start the site at the same moment one goes ahead and the other gets SiteBusy (the database holds one
    running row per site). Runs of dead processes of this host are marked interrupted first. With `resume`, the
    site's last run is taken over if it was cut short recently (NIANBAO_RESUME_MAX_AGE)."""
    sessions = open_catalogue(config.database_url)
    catalog = Catalog(sessions)
    now = datetime.now(UTC)
    recover_stale(sessions, now, site.id)
    busy = running(sessions, site.id)
    if busy:
        raise SiteBusy(f"site {site.id} is being crawled (crawl {busy[0].id}, pid {busy[0].pid} on {busy[0].host}); "
                       f"try again when it ends (`nianbao status`)")
    catalog.upsert_site(site)
    try:
        crawl_id = resumable(sessions, site.id, now - timedelta(hours=config.resume_max_age_hours)) if resume else None
        if crawl_id is not None:
            if not catalog.reopen_crawl(crawl_id):
                raise SiteBusy(f"site {site.id}: crawl {crawl_id} was resumed by another process just now")
            logger.info("resume site=%s crawl=%s", site.id, crawl_id)
            return Claim(crawl_id, resumed=True)
        if resume:
            logger.info("resume site=%s: no interrupted run in the last %sh, starting a new one",
                        site.id, config.resume_max_age_hours)
        return Claim(catalog.start_crawl(site.id, now, config.trigger), resumed=False)
    except RunConflict:
        raise SiteBusy(f"site {site.id}: another process started a run of it just now; try again when it ends "
                       f"(`nianbao status`)") from None
