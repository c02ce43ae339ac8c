"""Extensions: the Crawl row that frames each run, and the end of the run (lifecycle/finish.py)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import LoopingCall

from crawler.pipelines import DocumentPipeline
from crawler.site_spider import SiteSpider
from kernel.config import Config
from lifecycle.claim import claim_site
from lifecycle.finish import CrawlEnd, Ending
from storage.catalog import Catalog
from storage.db import open_catalogue
from storage.drift import Findings

logger = logging.getLogger(__name__)


class CrawlRecorder:
    """Frames each run with its Crawl row, and ends it.

    The spider comes with the row `lifecycle/claim.py` took for it (`nianbao crawl`), or, run as
    `scrapy crawl annual_reports -a site=…`, takes it here — a site with a live run is then refused with SiteBusy
    before anything is fetched. At spider_closed the whole end of the crawl runs here, in its one order
    (lifecycle/finish.py CrawlEnd): DocumentPipeline's parse stage is drained and stored, the reports assembled,
    the row closed with status and counts, withdrawals and drift recorded — whatever order Scrapy closes the
    other components in.
    """

    PARSE_POLL_SECONDS = 0.25

    def __init__(self, crawler: Crawler, config: Config, catalog: Catalog) -> None:
        self.crawler = crawler
        self.config = config
        self.catalog = catalog

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        config = Config.from_settings(crawler.settings)
        ext = cls(crawler, config, Catalog(open_catalogue(config.database_url)))
        spider = crawler.spider  # created before the extensions (Crawler.crawl)
        if isinstance(spider, SiteSpider) and spider.crawl_id is None:
            spider.crawl_id = claim_site(spider.site.row, config, resume=False).crawl_id
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        assert isinstance(spider, SiteSpider)
        site = spider.site
        logger.info("crawl %s site=%s crawl=%s home=%s", "resumed" if spider.resumed else "started", site.id,
                    spider.crawl_id, site.home_url)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """End the crawl; while its own parses are still running, poll them (the reactor, and the other crawls of
        the process, go on; stats `nianbao/parsing` counts them for the progress display), then end it."""
        pipeline = self.parse_pipeline()
        if pipeline is not None and pipeline.stage is not None and pipeline.stage.pending:
            await self.parses_done(pipeline, spider)
        self.end(spider, reason)

    async def parses_done(self, pipeline: DocumentPipeline, spider: Spider) -> None:
        """Store the crawl's parse outcomes as they come, until none is pending."""
        stats, stage = self.crawler.stats, pipeline.stage
        assert stats is not None and stage is not None
        logger.info("crawl waits for its parses crawl=%s pending=%d", getattr(spider, "crawl_id", None), stage.pending)

        def poll() -> None:
            pipeline.store_ready()
            stats.set_value("nianbao/parsing", stage.pending)
            if not stage.pending:
                polling.stop()

        polling = LoopingCall(poll)
        await maybe_deferred_to_future(polling.start(self.PARSE_POLL_SECONDS))

    def end(self, spider: Spider, reason: str) -> None:
        """The crawl's end (lifecycle/finish.py), its parse stage drained."""
        stats = self.crawler.stats
        assert stats is not None and isinstance(spider, SiteSpider) and spider.crawl_id is not None
        pipeline = self.parse_pipeline()
        end = CrawlEnd(self.config, self.catalog, spider.site.row, spider.crawl_id,
                       parses_deferred=self.config.parse_deferred)
        ended = end.run(ScrapyRun(stats, spider, reason), pipeline.stage if pipeline else None,
                        on_failed=pipeline.parse_failed if pipeline else None)
        stats.set_value("nianbao/parsing", 0)
        stats.set_value("nianbao/reports", len(ended.report_version_ids))

    def parse_pipeline(self) -> DocumentPipeline | None:
        """The crawl's DocumentPipeline, whose parse stage the end drains (None: documents are not recorded)."""
        return self.crawler.get_item_pipeline(DocumentPipeline)


class ScrapyRun:
    """How a run in this process ended, for lifecycle/finish.py: its Scrapy stats and its spider's findings."""

    def __init__(self, stats: StatsCollector, spider: Spider, close_reason: str) -> None:
        self.stats = stats
        self.spider = spider
        self.close_reason = close_reason

    def ending(self) -> Ending:
        return Ending.of_stats(self.close_reason, self.stats.get_stats())

    def findings(self) -> Findings:
        return findings_of(self.spider)


def findings_of(spider: Spider) -> Findings:
    """What the spider's discovery found in this process (the whole crawl, or one worker's part of it)."""
    roles: Counter[str] = Counter(getattr(spider, "roles", {}))
    return Findings(at=datetime.now(UTC).isoformat(timespec="seconds"), crawl_id=getattr(spider, "crawl_id", None),
                    columns=dict(getattr(spider, "columns", {})),
                    list_rules=dict(Counter(getattr(spider, "lists", {}).values())),
                    reports=roles["report"], variants=roles["variant"])
