"""Disk space: a crawl pauses its downloads while the archive's disk is nearly full, and goes on when space returns.

Below NIANBAO_MIN_FREE_MB free (on the WARC directory's file system or NIANBAO_HOME's, the catalogue's) the engine is
paused: no new download starts, the ones in flight end and are archived, and then the WARC file being written is
finished (closed, renamed, indexed), so that nothing is left half-open while the disk is full. Why is logged
(`event=disk_low`) and written on the crawl's row as its reason while it is paused. Downloads start again only once
the free space is back above the threshold by a margin (RESUME_MARGIN), so that a crawl whose own writes move the
free space around the threshold does not flap between paused and running.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from crawler.middlewares import WarcRecorderMiddleware
from kernel.config import Config
from storage.crawls import note_crawl
from storage.db import open_catalogue

logger = logging.getLogger(__name__)

MB = 2**20
# Downloads resume when the free space is above the threshold by this fraction of it (at least 1 MB).
RESUME_MARGIN = 0.5
CHECK_SECONDS = 0.5


@dataclass
class DiskGate:
    """Pause below ``min_free`` bytes, resume at ``min_free`` plus the margin: the hysteresis, without I/O."""

    min_free: int
    paused: bool = False

    @property
    def resume_at(self) -> int:
        return self.min_free + max(int(self.min_free * RESUME_MARGIN), MB)

    def update(self, free: int) -> str | None:
        """``pause`` or ``resume`` when the state changes with this reading of the free bytes, else None."""
        if not self.paused and free < self.min_free:
            self.paused = True
            return "pause"
        if self.paused and free >= self.resume_at:
            self.paused = False
            return "resume"
        return None


def free_bytes(paths: list[Path]) -> int:
    """The least free space (bytes, for an unprivileged writer) among the file systems holding ``paths``."""
    return min(shutil.disk_usage(_existing(path)).free for path in paths)


def _existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


class DiskSpaceGuard:
    """The Scrapy extension that pauses the crawl's downloads while the disk is nearly full (see the module)."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.paths = [config.warc_dir, config.home]
        self.gate = DiskGate(config.min_free_mb * MB)
        self.sessions = open_catalogue(config.database_url)
        self.checking = LoopingCall(self.check)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskSpaceGuard:
        config = Config.from_settings(crawler.settings)
        if config.min_free_mb <= 0:
            raise NotConfigured("NIANBAO_MIN_FREE_MB is 0: no disk space check")
        guard = cls(crawler, config)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self, spider: Spider) -> None:
        self.checking.start(CHECK_SECONDS, now=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.checking.running:
            self.checking.stop()

    def check(self) -> None:
        engine, spider = self.crawler.engine, self.crawler.spider
        if engine is None or spider is None:
            return
        free = free_bytes(self.paths)
        change = self.gate.update(free)
        crawl_id = getattr(spider, "crawl_id", None)
        if change == "pause":
            reason = (f"paused: {free // MB} MB free, below NIANBAO_MIN_FREE_MB={self.gate.min_free // MB}; "
                      f"downloads resume at {self.gate.resume_at // MB} MB")
            logger.warning("event=disk_low crawl=%s free_mb=%d min_free_mb=%d downloads paused", crawl_id,
                           free // MB, self.gate.min_free // MB)
            engine.pause()
            self._stats_inc("nianbao/disk_pauses")
            if crawl_id is not None:
                note_crawl(self.sessions, int(crawl_id), reason)
        elif change == "resume":
            logger.warning("event=disk_ok crawl=%s free_mb=%d downloads resumed", crawl_id, free // MB)
            engine.unpause()
            if crawl_id is not None:
                note_crawl(self.sessions, int(crawl_id), None)
        if self.gate.paused and not engine.downloader.active:
            self._recorder_close()  # nothing in flight: finish the WARC file (a no-op once it is finished)

    def _recorder_close(self) -> None:
        engine = self.crawler.engine
        assert engine is not None
        for middleware in engine.downloader.middleware.middlewares:
            if isinstance(middleware, WarcRecorderMiddleware):
                middleware.recorder.close()

    def _stats_inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
