"""The document pipeline of a distributed worker: documents and parses as usual, no report assembly."""

from __future__ import annotations

import logging

from crawler.pipelines import DocumentPipeline

logger = logging.getLogger(__name__)


class WorkerDocumentPipeline(DocumentPipeline):
    """DocumentPipeline whose close only drains this worker's parse jobs.

    A worker sees part of the crawl; the reports are assembled once, from every worker's documents, by the
    crawl's finalizer (distributed/finalize.py) after all workers have drained.
    """

    def close_spider(self) -> None:
        parsed = self.drain()
        spider = self._spider()
        logger.info("parse stage drained site=%s crawl=%s parsed=%d", spider.site.id, spider.crawl_id, parsed)
