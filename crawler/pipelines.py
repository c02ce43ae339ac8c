"""Item pipeline: store each found document and hand its payload to the parsing stage."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import DocumentItem
from kernel.config import Config
from lifecycle.parse_stage import ParseJob, ParseJobResult, ParseStage
from parsing.report import PARSER_VERSION
from spiders.annual_reports import AnnualReports
from storage.catalog import Catalog
from storage.db import open_catalogue
from storage.models import Capture
from storage.reports import Outcome, assemble_reports, has_outcome, store_outcome

logger = logging.getLogger(__name__)


class DocumentPipeline:
    """Records Documents, submits unparsed payloads to the parse pool, assembles reports at the end."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.sessions = open_catalogue(config.database_url)
        self.catalog = Catalog(self.sessions)
        self.stage: ParseStage | None = None
        self.submitted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DocumentPipeline:
        return cls(crawler, Config.from_settings(crawler.settings))

    def open_spider(self) -> None:
        self.stage = ParseStage(self.config.parse_workers, self.config.parse_timeout, self.config.parse_memory_mb)

    def _stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def _spider(self) -> AnnualReports:
        spider = self.crawler.spider
        assert isinstance(spider, AnnualReports) and spider.crawl_id is not None
        return spider

    def process_item(self, item: DocumentItem) -> DocumentItem:
        spider = self._spider()
        if item.capture_id is None:
            raise DropItem(f"no capture for url={item.url}")
        assert spider.crawl_id is not None
        self.catalog.record_document(site_id=spider.site.id, crawl_id=spider.crawl_id, url=item.url, kind=item.kind,
                                     capture_id=item.capture_id, page_url=item.page_url,
                                     anchor_text=item.anchor_text, title=item.title)
        self._stats().inc_value(f"nianbao/documents/{item.kind}")
        job = self._job(item.capture_id, item.url)
        if job is not None and self.stage is not None:
            self.stage.submit(job)
            self.submitted.add(job.payload_sha256)
        return item

    def _job(self, capture_id: int, url: str) -> ParseJob | None:
        """A parse job for the capture's payload, unless this parser version has parsed it already."""
        with self.sessions() as s:
            capture = s.get_one(Capture, capture_id)
            sha, media_type = capture.payload_sha256, capture.media_type
        if sha is None or sha in self.submitted or has_outcome(self.sessions, sha, PARSER_VERSION):
            return None
        original = self.catalog.original_record(sha)
        assert original is not None, "a payload's first capture is always a response record"
        return ParseJob(payload_sha256=sha, warc_dir=str(self.config.warc_dir), warc_file=original.warc_file,
                        warc_offset=original.warc_offset, url=url, media_type=media_type)

    def close_spider(self) -> None:
        spider = self._spider()
        parsed = self.drain()
        site = spider.site
        assert spider.crawl_id is not None
        versions = assemble_reports(self.sessions, site, spider.crawl_id, PARSER_VERSION, datetime.now(UTC))
        logger.info("parse stage done site=%s parsed=%d report_versions=%d", site.id, parsed, len(versions))
        self._stats().set_value("nianbao/reports", len(versions))

    def drain(self) -> int:
        """Wait for this process's parse jobs, store their outcomes, stop the parse workers; return how many."""
        assert self.stage is not None
        try:
            return self.stage.drain(self._store)
        finally:
            self.stage.close()

    def _store(self, result: ParseJobResult) -> None:
        if not result.ok:
            logger.warning("parse failed url=%s reason=%s", result.job.url, result.reason)
            self._stats().inc_value("nianbao/parse_failed")
        store_outcome(self.sessions, Outcome(
            payload_sha256=result.job.payload_sha256, parser_version=PARSER_VERSION, ok=result.ok,
            reason=result.reason, is_report=result.is_report, source_kind=result.source_kind,
            text=result.text, record=result.record, warnings=result.warnings), datetime.now(UTC))
