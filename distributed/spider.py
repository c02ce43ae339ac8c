"""AnnualReports as a worker runs it: one distributed crawl, requests from the shared queue only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy

from distributed.keys import safe_worker_id
from spiders.annual_reports import AnnualReports


class WorkerSpider(AnnualReports):
    """The site spider of crawl `crawl_id`, in one worker.

    The enqueuer pushed the start requests into the crawl's queue, so `start()` yields none; the crawl row exists
    already (distributed/enqueue.py). WARC files are named ``nianbao-<site>-<worker id>-…`` so that
    workers sharing one archive directory never write the same file.
    """

    def __init__(self, site: str = "", *args: Any, crawl_id: int | str = 0, worker_id: str = "",
                 **kwargs: Any) -> None:
        super().__init__(site, *args, **kwargs)
        self.crawl_id = int(crawl_id)
        self.warc_prefix = f"nianbao-{self.site.id}-{safe_worker_id(worker_id)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        return
        yield
