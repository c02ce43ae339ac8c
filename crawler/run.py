"""Run crawls in this process (one site, or several side by side) and report how they ended."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.project import get_project_settings
from sqlalchemy import select

from crawler.config import Config
from spiders.annual_reports import AnnualReports
from spiders.registry import Site, resolve_site
from storage.db import open_catalogue
from storage.models import Crawl


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended, read back from the catalogue."""

    site: Site
    crawl_id: int | None
    status: str
    config: Config


def run_crawl(site_ref: str, proxy: str = "") -> CrawlResult:
    """Crawl `site_ref` (registry id or home URL) to the end; blocks. One crawl per process."""
    site = resolve_site(site_ref)
    settings = get_project_settings()
    if proxy:
        settings.set("NIANBAO_PROXY", proxy, priority="cmdline")
    config = Config.from_settings(settings)
    process = CrawlerProcess(settings)
    process.crawl(AnnualReports, site=site_ref)
    process.start()
    sessions = open_catalogue(config.database_url)
    with sessions() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.site_id == site.id).order_by(Crawl.id.desc())).first()
    if crawl is None:
        return CrawlResult(site, None, "failed", config)
    return CrawlResult(site, crawl.id, crawl.status, config)


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
               ) -> list[CrawlResult]:
    """Crawl several sites in one process (one spider per site, side by side in one CrawlerProcess); blocks.

    `on_tick` gets every site's counters each `interval` seconds and once more at the end.
    """
    sites = [resolve_site(ref) for ref in site_refs]
    settings = get_project_settings()
    if proxy:
        settings.set("NIANBAO_PROXY", proxy, priority="cmdline")
    config = Config.from_settings(settings)
    process = CrawlerProcess(settings)
    crawlers = []
    for site, ref in zip(sites, site_refs, strict=True):
        crawler = process.create_crawler(AnnualReports)
        process.crawl(crawler, site=ref)
        crawlers.append((site, crawler))

    def tick() -> None:
        if on_tick is not None:
            on_tick([_progress(site, crawler) for site, crawler in crawlers])

    from twisted.internet.task import LoopingCall

    loop = LoopingCall(tick)
    loop.start(interval, now=False)
    process.start()
    tick()
    return [_result(site, crawler, config) for site, crawler in crawlers]


def _result(site: Site, crawler: Crawler, config: Config) -> CrawlResult:
    spider = crawler.spider
    crawl_id = getattr(spider, "crawl_id", None)
    if crawl_id is None:
        return CrawlResult(site, None, "failed", config)
    with open_catalogue(config.database_url)() as s:
        crawl = s.get(Crawl, crawl_id)
        return CrawlResult(site, crawl_id, crawl.status if crawl else "failed", config)
