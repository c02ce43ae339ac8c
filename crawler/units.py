"""Stores the units a crawl's spider finds (storage/units.py) as it finds them, and hands the site's known units to
the crawl's parse stage, so that a report parsed later in the same crawl already has them as identity evidence.

The spider announces units with the `units_found` signal (spiders/annual_reports.py): the registry's at start,
then those of the module's unit choices and of unit sub-columns as they appear.
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.pipelines import DocumentPipeline
from kernel.config import Config
from storage.db import open_catalogue
from storage.units import SiteUnit, known_units, record_units

units_found = object()  # signal: send_catch_log(units_found, units=[SiteUnit, …], spider=spider)


class SiteUnitsRecorder:
    """Records announced units with the site and refreshes the parse stage's `known_units`."""

    def __init__(self, crawler: Crawler, config: Config) -> None:
        self.crawler = crawler
        self.sessions = open_catalogue(config.database_url)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteUnitsRecorder:
        ext = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(ext.units_found, signal=units_found)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        """Units stored by earlier crawls count from the start."""
        self._hand_to_parses(spider)

    def units_found(self, units: list[SiteUnit], spider: Spider, **_: Any) -> None:
        site_id = spider.site.id  # type: ignore[attr-defined]
        if record_units(self.sessions, site_id, units) and self.crawler.stats is not None:
            self.crawler.stats.set_value("nianbao/site_units", len(known_units(self.sessions, site_id)))
        self._hand_to_parses(spider)

    def _hand_to_parses(self, spider: Spider) -> None:
        pipeline = self.crawler.get_item_pipeline(DocumentPipeline)
        if pipeline is not None and pipeline.stage is not None:
            pipeline.stage.known_units = known_units(self.sessions, spider.site.id)  # type: ignore[attr-defined]
