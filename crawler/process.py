"""Scrapy's CrawlerProcess, with SIGTERM meaning a clean stop however often it comes.

Scrapy stops gracefully on the first SIGTERM or SIGINT and kills the crawl, unclean, on the second. A second
Ctrl-C is an operator's wish; a second SIGTERM is not: a crawl started by the scheduler gets SIGTERM when the
scheduler dies (lifecycle/lineage.py), and under some kernels (gVisor, seen here) that signal comes twice, at the
death of the scheduler's thread and of its process — the crawl was then cut unclean, its row left `running`.
Here a repeated SIGTERM is logged and ignored; SIGINT twice still forces, and SIGKILL always does.
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from scrapy.crawler import CrawlerProcess

logger = logging.getLogger(__name__)


class GracefulCrawlerProcess(CrawlerProcess):
    """CrawlerProcess whose second SIGTERM does not force an unclean stop (module docstring)."""

    def _signal_kill(self, signum: int, frame: Any) -> None:  # Scrapy's handler of the second signal
        if signum == signal.SIGTERM:
            from twisted.internet import reactor

            reactor.callFromThread(logger.info, "Received SIGTERM again: already stopping cleanly "  # type: ignore[attr-defined]
                                   "(SIGKILL, or Ctrl-C twice, stops at once)")
            return
        super()._signal_kill(signum, frame)
