"""Extensions: the Crawl row that frames each run."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from kernel.config import Config
from lifecycle.claim import claim_site
from spiders.annual_reports import AnnualReports
from storage.catalog import Catalog
from storage.db import open_catalogue
from storage.drift import DriftStore, Findings
from storage.history import record_withdrawals

logger = logging.getLogger(__name__)


class CrawlRecorder:
    """Frames each run with its Crawl row: the spider comes with the row `lifecycle/claim.py` took for it
    (`nianbao crawl`), or, run as `scrapy crawl annual_reports -a site=…`, takes it here — a site with a live run
    is then refused with SiteBusy before anything is fetched. Closes the row with status and counts."""

    def __init__(self, crawler: Crawler, catalog: Catalog) -> None:
        self.crawler = crawler
        self.catalog = catalog

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        config = Config.from_settings(crawler.settings)
        ext = cls(crawler, Catalog(open_catalogue(config.database_url)))
        spider = crawler.spider  # created before the extensions (Crawler.crawl)
        if isinstance(spider, AnnualReports) and spider.crawl_id is None:
            spider.crawl_id = claim_site(spider.site, config, resume=False).crawl_id
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        assert isinstance(spider, AnnualReports)
        site = spider.site
        logger.info("crawl %s site=%s crawl=%s home=%s", "resumed" if spider.resumed else "started", site.id,
                    spider.crawl_id, site.home_url)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None and isinstance(spider, AnnualReports) and spider.crawl_id is not None
        counts = crawl_counts(stats)
        status, reason = crawl_status(reason, int(stats.get_value("downloader/response_count", 0)),
                                      str(stats.get_value("nianbao/first_error", "")))
        # The item pipelines closed before this signal, so the crawl's reports are assembled.
        close_crawl(self.catalog, spider.site.id, spider.crawl_id, status, reason, counts)


def crawl_counts(stats: StatsCollector) -> dict[str, int]:
    """The Crawl row's counters, from a crawler's stats."""
    return {
        "pages": int(stats.get_value("nianbao/documents/page", 0)),
        "attachments": int(stats.get_value("nianbao/documents/attachment", 0)),
        "bytes": int(stats.get_value("downloader/response_bytes", 0)),
        "errors": int(stats.get_value("log_count/ERROR", 0)) + int(stats.get_value("downloader/exception_count", 0)),
    }


def close_crawl(catalog: Catalog, site_id: str, crawl_id: int, status: str, reason: str,
                counts: dict[str, int]) -> None:
    """Close the Crawl row. Call it after `assemble_reports`: a complete crawl that no longer offers a report
    withdraws it (an incomplete one proves nothing and changes nothing)."""
    catalog.finish_crawl(crawl_id, datetime.now(UTC), status, reason, counts)
    withdrawn = record_withdrawals(catalog.sessions, site_id, crawl_id, datetime.now(UTC))
    if withdrawn:
        logger.info("reports withdrawn site=%s crawl=%s reports=%s", site_id, crawl_id, withdrawn)
    logger.info("crawl closed site=%s crawl=%s status=%s %s", site_id, crawl_id, status,
                " ".join(f"{k}={v}" for k, v in counts.items()))


def crawl_status(close_reason: str, responses: int, first_error: str) -> tuple[str, str]:
    """The Crawl's status and reason: a run that got no response at all failed, whatever Scrapy says."""
    if close_reason == "shutdown":
        return "interrupted", close_reason
    if close_reason == "closespider_pagecount":
        # The page cap (NIANBAO_MAX_PAGES) stopped it: what was fetched is good, but the site was not covered.
        return "truncated", f"stopped at the page cap ({close_reason}); raise NIANBAO_MAX_PAGES if the site is that big"
    if close_reason != "finished":
        return "failed", close_reason
    if responses == 0:
        return "failed", f"no response from the site ({first_error or 'unknown error'}); check the URL and the proxy"
    return "finished", close_reason


class DriftMonitor:
    """Extension: at spider close, stores what discovery found and records drift alerts for the site."""

    def __init__(self, store: DriftStore) -> None:
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DriftMonitor:
        ext = cls(DriftStore(Config.from_settings(crawler.settings).home))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Spider, reason: str) -> None:
        site = getattr(spider, "site", None)
        if site is None or reason not in ("finished", "closespider_pagecount"):
            return  # an interrupted crawl says nothing about the site's template
        self.store.record(site.id, findings_of(spider))


def findings_of(spider: Spider) -> Findings:
    """What the spider's discovery found in this process (the whole crawl, or one worker's part of it)."""
    roles: Counter[str] = Counter(getattr(spider, "roles", {}))
    return Findings(at=datetime.now(UTC).isoformat(timespec="seconds"), crawl_id=getattr(spider, "crawl_id", None),
                    columns=dict(getattr(spider, "columns", {})),
                    list_rules=dict(Counter(getattr(spider, "lists", {}).values())),
                    reports=roles["report"], variants=roles["variant"])
