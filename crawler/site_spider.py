"""What the crawl's components read of the spider they run with: its site and its run — typed here as Protocols,
so that crawler/ does not import the spiders, which sit above it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from storage.catalog import SiteRow


class CrawledSite(Protocol):
    """The site a spider crawls (spiders/registry.py Site)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def home_url(self) -> str: ...

    @property
    def row(self) -> SiteRow:
        """What the catalogue keeps of the site."""
        ...


@runtime_checkable
class SiteSpider(Protocol):
    """A spider of one site's run (spiders/annual_reports.py AnnualReports, and a distributed worker's)."""

    crawl_id: int | None  # the run's row; set by CrawlRecorder when `scrapy crawl` starts the spider without one
    resumed: bool  # the run goes on with an interrupted one

    @property
    def site(self) -> CrawledSite: ...
