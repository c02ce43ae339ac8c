"""Before a run of a site: take the site (one run per site at a time), going on with its interrupted run or
opening a new one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kernel.config import Config, redact_url
from kernel.errors import ConfigError, NianbaoError
from lifecycle.active import listed_as_active
from storage.catalog import Catalog, Sessions, SiteRow
from storage.crawls import (
    CrawlRow,
    RunConflict,
    interrupt_lost,
    recover_stale,
    reopen_crawl,
    resumable,
    running,
    start_crawl,
)
from storage.db import open_catalogue

logger = logging.getLogger(__name__)

DISTRIBUTED = "distributed"  # the trigger of runs opened by `nianbao crawl --distributed`


class SiteBusy(NianbaoError):
    """The site has a live run already (this host or another): one run per site at a time."""


@dataclass(frozen=True)
class Claim:
    """The run this process now owns: its crawl id, and whether it goes on with an interrupted one."""

    crawl_id: int
    resumed: bool


def claim_site(site: SiteRow, config: Config, resume: bool) -> Claim:
    """Take `site` for a run by this process: its `running` row is written now, so that of two processes that
    start the site at the same moment one goes ahead and the other gets SiteBusy (the database holds one
    running row per site). Runs of dead processes of this host are marked interrupted first. With `resume`, the
    site's last run is taken over if it was cut short recently (NIANBAO_RESUME_MAX_AGE)."""
    sessions = open_catalogue(config.database_url)
    now = datetime.now(UTC)
    recover_stale(sessions, now, site.id)
    busy = [crawl for crawl in running(sessions, site.id) if not _lost_distributed(crawl, config, sessions, now)]
    if busy:
        raise SiteBusy(f"site {site.id} is being crawled (crawl {busy[0].id}, pid {busy[0].pid} on {busy[0].host}); "
                       f"try again when it ends (`nianbao status`)")
    Catalog(sessions).upsert_site(site)
    try:
        crawl_id = resumable(sessions, site.id, now - timedelta(hours=config.resume_max_age_hours)) if resume else None
        if crawl_id is not None:
            if not reopen_crawl(sessions, crawl_id):
                raise SiteBusy(f"site {site.id}: crawl {crawl_id} was resumed by another process just now")
            logger.info("resume site=%s crawl=%s", site.id, crawl_id)
            return Claim(crawl_id, resumed=True)
        if resume:
            logger.info("resume site=%s: no interrupted run in the last %sh, starting a new one",
                        site.id, config.resume_max_age_hours)
        return Claim(start_crawl(sessions, site.id, now, config.trigger), resumed=False)
    except RunConflict:
        raise SiteBusy(f"site {site.id}: another process started a run of it just now; try again when it ends "
                       f"(`nianbao status`)") from None


# Minutes after its start past which a distributed run that Redis no longer lists is taken for lost (the enqueuer
# lists a run in Redis a moment after it writes the row).
LOST_DISTRIBUTED_AFTER = 10


def _lost_distributed(crawl: CrawlRow, config: Config, sessions: Sessions, now: datetime) -> bool:
    """A distributed run (no owning process) whose state is gone from Redis (wiped, or another Redis): nobody will
    ever close it. It is marked interrupted here, so that the site is not refused for ever."""
    if crawl.trigger != DISTRIBUTED or crawl.pid is not None or \
            crawl.started_at > now - timedelta(minutes=LOST_DISTRIBUTED_AFTER):
        return False
    try:
        if listed_as_active(config, crawl.id):
            return False
    except ConfigError:
        return False  # Redis unreachable: the run may well be going on
    reason = f"distributed run no longer listed in Redis at {redact_url(config.redis_url)}"
    if interrupt_lost(sessions, crawl.id, now, reason):
        logger.warning("distributed crawl lost site=%s crawl=%s: not listed in Redis, marked interrupted",
                       crawl.site_id, crawl.id)
    return True
