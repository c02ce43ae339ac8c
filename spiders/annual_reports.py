"""The base spider: finds a site's annual-report column and archives every article and attachment in it.

Callbacks, one per page type: home → disclosure section → column list pages → article → attachment.
A site is a registry row (spiders/sites.toml) or an ad-hoc home URL; nothing here is per-site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.items import DocumentItem
from spiders import discovery as rules
from spiders.registry import Site, resolve_site


class AnnualReports(scrapy.Spider):
    """Crawl one site: `scrapy crawl annual_reports -a site=<registry id | home URL>`."""

    name = "annual_reports"

    def __init__(self, site: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site: Site = resolve_site(site)
        self.allowed_domains = [self.site.host]
        self.crawl_id: int | None = None  # set by crawler.extensions.CrawlRecorder

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.site.home_url, callback=self.parse_home)

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """Home page: follow the disclosure section, or an annual-report column linked right here."""
        yield from self._follow_columns(response)
        for url, text in _links(response):
            if _is_section_link(url, text):
                yield response.follow(url, callback=self.parse_section, cb_kwargs={"rule": "section-link"})

    def parse_section(self, response: Response, rule: str = "") -> Iterator[scrapy.Request]:
        """Disclosure section: find the annual-report column(s)."""
        yield from self._follow_columns(response)

    def _follow_columns(self, response: Response) -> Iterator[scrapy.Request]:
        for url, text in _links(response):
            if _is_column_link(url, text):
                yield response.follow(url, callback=self.parse_list, cb_kwargs={"column": url})

    def parse_list(self, response: Response, column: str) -> Iterator[scrapy.Request]:
        """A list page of the column: every article, then the other list pages."""
        for url, text in _links(response):
            if rules.ARTICLE_HREF.search(urlsplit(url).path) and _under(url, column):
                yield scrapy.Request(url, callback=self.parse_article, cb_kwargs={"title": text})
        for url in _pager_urls(response):
            yield scrapy.Request(url, callback=self.parse_list, cb_kwargs={"column": column})

    def parse_article(self, response: Response, title: str = "") -> Iterator[DocumentItem | scrapy.Request]:
        """An article of the column: the page itself, and each attachment it offers."""
        page_title = _page_title(response) or title
        yield DocumentItem(url=response.url, kind="page", capture_id=response.meta.get("nianbao_capture_id"),
                           title=page_title, rule="column-list")
        for url, text in _links(response):
            if rules.ATTACHMENT_EXT.search(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.parse_attachment,
                                     cb_kwargs={"page_url": response.url, "anchor_text": text})

    def parse_attachment(self, response: Response, page_url: str, anchor_text: str) -> Iterator[DocumentItem]:
        yield DocumentItem(url=response.url, kind="attachment",
                           capture_id=response.meta.get("nianbao_capture_id"), page_url=page_url,
                           anchor_text=anchor_text, title=anchor_text, rule="attachment-link")


def _links(response: Response) -> Iterator[tuple[str, str]]:
    if not isinstance(response, TextResponse):
        return
    for a in response.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = " ".join(" ".join(a.css("::text").getall()).split()) or a.attrib.get("title", "")
        yield response.urljoin(href), text


def _is_column_link(url: str, text: str) -> bool:
    """A link to an annual-report column, not to one report in it (report titles carry a year)."""
    path = urlsplit(url).path
    if _is_leaf(path, text):
        return False
    return bool(rules.COLUMN_TEXT.search(text) or (rules.COLUMN_SLUG.search(path) and text))


def _is_section_link(url: str, text: str) -> bool:
    """A link to the disclosure section (and not already to a column or an article inside it)."""
    path = urlsplit(url).path
    if _is_leaf(path, text) or _is_column_link(url, text):
        return False
    return bool(rules.SECTION_TEXT.match(text) or (rules.SECTION_SLUG.search(path) and text))


def _is_leaf(path: str, text: str) -> bool:
    """An article or a file, not a navigation entry."""
    return bool(rules.ARTICLE_HREF.search(path) or rules.ATTACHMENT_EXT.search(path)
                or rules.YEAR_IN_TEXT.search(text))


def _pager_urls(response: Response) -> Iterator[str]:
    if not isinstance(response, TextResponse):
        return
    for count, current, name, ext in rules.TRS_PAGER.findall(response.text):
        if int(current) == 0:
            for k in range(1, int(count)):
                yield urljoin(response.url, f"{name}_{k}.{ext}")
    for url, text in _links(response):
        if rules.NEXT_PAGE_TEXT.match(text):
            yield url


def _under(url: str, column: str) -> bool:
    base = column.rsplit("/", 1)[0] + "/"
    return url.startswith(base)


def _page_title(response: Response) -> str:
    if not isinstance(response, TextResponse):
        return ""
    return " ".join((response.css("title::text").get() or "").split())
