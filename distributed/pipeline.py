"""The document pipeline of a distributed worker: documents and parses as usual, no report assembly."""

from __future__ import annotations

import logging

from crawler.pipelines import DocumentPipeline
from lifecycle.finish import drain_parses

logger = logging.getLogger(__name__)


class WorkerDocumentPipeline(DocumentPipeline):
    """DocumentPipeline whose close drains this worker's parse jobs and stores their outcomes.

    A worker sees part of the crawl and has no CrawlRecorder; the crawl is ended once, from every worker's
    documents, by its finalizer (distributed/finalize.py, lifecycle/finish.py) after all workers have drained.
    """

    def close_spider(self) -> None:
        super().close_spider()
        parsed = drain_parses(self.stage, self.sessions, self.parse_failed) if self.stage is not None else 0
        spider = self._spider()
        logger.info("parse stage drained site=%s crawl=%s parsed=%d", spider.site.id, spider.crawl_id, parsed)
