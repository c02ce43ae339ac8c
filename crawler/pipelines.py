"""Item pipeline: store each found document and hand its payload to the parsing stage."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from archive.dedup import Dedup
from archive.recorder import PayloadRecord
from crawler.items import DocumentItem
from crawler.site_spider import SiteSpider
from kernel.config import Config
from lifecycle.finish import store_result
from lifecycle.parse_stage import ParseJob, ParseJobResult, ParseStage, shared_pool
from parsing.version import PARSER_VERSION
from storage.catalog import Catalog
from storage.db import open_catalogue
from storage.reports import has_outcome

logger = logging.getLogger(__name__)


class DocumentPipeline:
    """Records Documents and submits each payload this parser version has not parsed to the parse stage.

    The stage is the crawl's share of the process's one parse pool (lifecycle/parse_stage.py): submitting never
    blocks, and the outcomes that come back are stored every STORE_INTERVAL seconds while the crawl goes on. Its
    end (lifecycle/finish.py CrawlEnd, run by CrawlRecorder at spider_closed) waits for the rest of its jobs,
    stores them and assembles the reports; closing the pipeline only stops the periodic store, so the end does not
    depend on the order in which Scrapy closes components. With NIANBAO_PARSE_DEFERRED (`crawl --no-wait`) there
    is no stage: documents are recorded unparsed.
    """

    STORE_INTERVAL = 1.0

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.config = config
        self.sessions = open_catalogue(config.database_url)
        self.catalog = Catalog(self.sessions)
        self.dedup = Dedup(self.catalog)
        self.stage: ParseStage | None = None
        self.submitted: set[str] = set()
        # Report pages shown as images (DocumentItem.images): (capture id, its payload record when known, URL, image
        # URLs), parsed once the crawl has captured their images — checked with every store, and at the latest when
        # the pipeline closes.
        self.image_pages: list[tuple[int, PayloadRecord | None, str, list[str]]] = []
        self.storing = LoopingCall(self.store_ready)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DocumentPipeline:
        return cls(crawler, Config.from_settings(crawler.settings))

    def open_spider(self) -> None:
        if self.config.parse_deferred:
            return
        self.stage = ParseStage.on(shared_pool(self.config))
        self.storing.start(self.STORE_INTERVAL, now=False)

    def store_ready(self) -> None:
        """Store the outcomes of the crawl's parses that came back (the reactor never waits for a parse)."""
        if self.stage is not None:
            for result in self.stage.take_ready():
                store_result(self.sessions, result, self.parse_failed, PARSER_VERSION)
        self._submit_image_pages(final=False)

    def _stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def _spider(self) -> SiteSpider:
        spider = self.crawler.spider
        assert isinstance(spider, SiteSpider) and spider.crawl_id is not None
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
        if item.images:  # parsed from its images, once they are in (_submit_image_pages)
            self.image_pages.append((item.capture_id, item.payload, item.url, list(item.images)))
            return item
        job = self._job(item.capture_id, item.payload, item.url)
        if job is not None and self.stage is not None:
            self.stage.submit(job)
            self.submitted.add(job.payload_sha256)
        return item

    def _job(self, capture_id: int, payload: PayloadRecord | None, url: str,
             images: tuple[tuple[str, int], ...] = ()) -> ParseJob | None:
        """A parse job for the capture's payload (``payload``: as the recorder handed it on, else looked up),
        unless this parser version has parsed it already."""
        payload = payload or self._payload_of(capture_id)
        if payload is None or payload.sha256 in self.submitted or \
                has_outcome(self.sessions, payload.sha256, PARSER_VERSION):
            return None
        return ParseJob(payload_sha256=payload.sha256, warc_dir=str(self.config.warc_dir),
                        warc_file=payload.warc_file, warc_offset=payload.warc_offset, url=url,
                        media_type=payload.media_type, images=images)

    def _payload_of(self, capture_id: int) -> PayloadRecord | None:
        """The capture's payload and its original record, from the catalogue (a capture answered from the archive
        in a resumed crawl, or a rendered DOM)."""
        captured = self.catalog.captured_payload(capture_id)
        sha = captured.payload_sha256
        if sha is None:
            return None
        held = self.dedup.payload_record(sha)
        assert held is not None, "a payload's first capture is always a response record"
        return PayloadRecord(sha, captured.media_type, *held)

    def _submit_image_pages(self, final: bool) -> None:
        """Submit the image pages whose images all have a capture in this crawl (``final``: all of them, with the
        images that came; one that never came — refused, off-site — is left out). Images that did not answer 200
        are left out."""
        if not self.image_pages or self.stage is None:
            return
        crawl_id = self._spider().crawl_id
        assert crawl_id is not None
        waiting = []
        for capture_id, payload, url, urls in self.image_pages:
            captures = [self.catalog.latest_http_capture(u, crawl_id) for u in urls]
            if not final and any(c is None for c in captures):
                waiting.append((capture_id, payload, url, urls))
                continue
            images = []
            for capture in captures:
                original = self.dedup.original(capture.payload_sha256) \
                    if capture is not None and capture.http_status == 200 and capture.payload_sha256 else None
                if original is not None:
                    images.append((original.warc_file, original.warc_offset))
            job = self._job(capture_id, payload, url, tuple(images))
            if job is not None:
                self.stage.submit(job)
                self.submitted.add(job.payload_sha256)
        self.image_pages = waiting

    def parse_failed(self, result: ParseJobResult) -> None:
        """Count a failed parse in the crawl's stats (its outcome is stored as any other)."""
        self._stats().inc_value("nianbao/parse_failed")

    def close_spider(self) -> None:
        """Submit the image pages still waiting, and stop the periodic store: the crawl's end drains the parse
        stage (see the class docstring; Scrapy closes the pipelines before it sends spider_closed)."""
        self._submit_image_pages(final=True)
        if self.storing.running:
            self.storing.stop()
