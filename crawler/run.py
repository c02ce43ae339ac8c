"""Run one crawl of one site in this process and report how it ended."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
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
