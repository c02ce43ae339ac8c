"""Run crawls in this process (one site, or several side by side) and report how they ended."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from kernel.config import Config
from lifecycle.claim import SiteBusy, claim_site
from spiders.annual_reports import AnnualReports
from spiders.registry import Site, resolve_site
from storage.crawls import get_crawl
from storage.db import open_catalogue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended, read back from the catalogue."""

    site: Site
    crawl_id: int | None
    status: str  # a crawl's status, or `skipped` (with `note`) when the site was not crawled
    config: Config
    note: str = ""


def _settings(proxy: str) -> Settings:
    settings = get_project_settings()
    if proxy:
        settings.set("NIANBAO_PROXY", proxy, priority="cmdline")
    return settings


def run_crawl(site_ref: str, proxy: str = "", resume: bool = False,
              on_tick: Callable[[list[SiteProgress]], None] | None = None) -> CrawlResult:
    """Crawl `site_ref` (registry id or home URL) to the end; blocks. One crawl per process.

    `resume`: go on with the site's interrupted last run (archive/resume.py) if there is one.
    """
    (result,) = run_crawls([site_ref], proxy, on_tick=on_tick, resume=resume)
    return result


@dataclass(frozen=True)
class SiteProgress:
    """A running crawl's counters, read from its Scrapy stats."""

    site: str
    state: str
    fetched: int
    pages: int
    attachments: int
    bytes: int
    errors: int


def _progress(site: Site, crawler: Crawler) -> SiteProgress:
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    state = "done" if "finish_reason" in stats else "running" if crawler.crawling else "waiting"
    return SiteProgress(site.id, state, int(stats.get("downloader/response_count", 0)),
                        int(stats.get("nianbao/documents/page", 0)), int(stats.get("nianbao/documents/attachment", 0)),
                        int(stats.get("downloader/response_bytes", 0)),
                        int(stats.get("log_count/ERROR", 0)) + int(stats.get("downloader/exception_count", 0)))


def run_crawls(site_refs: Sequence[str], proxy: str = "",
               on_tick: Callable[[list[SiteProgress]], None] | None = None, interval: float = 2.0,
               resume: bool = False) -> list[CrawlResult]:
    """Crawl several sites in one process (one spider per site, side by side in one CrawlerProcess); blocks.

    `on_tick` gets every site's counters each `interval` seconds and once more at the end. A site with a
    live run elsewhere is skipped; `resume` goes on with interrupted runs.
    """
    sites = [resolve_site(ref) for ref in site_refs]
    settings = _settings(proxy)
    config = Config.from_settings(settings)
    process = CrawlerProcess(settings)
    crawlers = []
    skipped = {}
    for site, ref in zip(sites, site_refs, strict=True):
        try:
            claim = claim_site(site.row, config, resume)
        except SiteBusy as exc:
            logger.warning("crawl skipped site=%s reason=%s", site.id, exc)
            skipped[site.id] = CrawlResult(site, None, "skipped", config, note=str(exc))
            continue
        crawler = process.create_crawler(AnnualReports)
        process.crawl(crawler, site=ref, crawl_id=claim.crawl_id, resume=claim.resumed)
        crawlers.append((site, crawler))
    if not crawlers:
        return list(skipped.values())

    def tick() -> None:
        if on_tick is not None:
            on_tick([_progress(site, crawler) for site, crawler in crawlers])

    from twisted.internet.task import LoopingCall

    loop = LoopingCall(tick)
    loop.start(interval, now=False)
    process.start()
    tick()
    done = {site.id: _result(site, crawler, config) for site, crawler in crawlers}
    return [done.get(site.id) or skipped[site.id] for site in sites]


def _result(site: Site, crawler: Crawler, config: Config) -> CrawlResult:
    spider = crawler.spider
    crawl_id = getattr(spider, "crawl_id", None)
    if crawl_id is None:
        return CrawlResult(site, None, "failed", config)
    crawl = get_crawl(open_catalogue(config.database_url), crawl_id)
    return CrawlResult(site, crawl_id, crawl.status if crawl else "failed", config)
