"""The base spider: finds a site's annual-report column(s) and archives every report and attachment in them.

Callbacks, one per page type: home → disclosure section → column / list pages → article → attachment, and
the content images of report and variant articles (archived for replay only).
A site is a registry row (spiders/sites.toml) or an ad-hoc home URL; nothing here is per-site. The rules
are data in spiders/discovery.py, applied by spiders/links.py, spiders/pagination.py, spiders/classify.py.

Every request carries meta["nianbao_rule"] (the rule that found its link) and, for home, section and
list pages, meta["nianbao_always_fetch"] (a conditional re-crawl must still re-read lists). A page where the
static rules find nothing is fetched once more through the browser (scrapy-playwright), never otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.items import DocumentItem
from crawler.meta import ALWAYS_FETCH, CAPTURE_ID, RENDERED, RULE
from spiders import discovery as rules
from spiders.classify import OTHER, REPORT, VARIANT, classify_article, classify_title
from spiders.links import Link, anchors, attachments, body_text, content_images, page_title, redirect_target
from spiders.navigation import column_base, column_links, section_links, subcolumn_links
from spiders.pagination import pager_links
from spiders.registry import Site, resolve_site
from spiders.scope import SiteScope


class AnnualReports(scrapy.Spider):
    """Crawl one site: `scrapy crawl annual_reports -a site=<registry id | home URL>`.

    Registry overrides it reads: `columns` (column URLs to start from as well as the home page), `hosts`
    (extra hosts of the site), `max_list_pages` (per column), `browser` (false: never render).
    """

    name = "annual_reports"

    def __init__(self, site: str = "", *args: Any, crawl_id: int | str | None = None, resume: bool | str = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site: Site = resolve_site(site)
        self.scope = SiteScope.for_site(self.site)
        self.allowed_domains = self.scope.domains
        # The run's row, taken by lifecycle/claim.py (by `nianbao crawl`, or by CrawlRecorder under `scrapy crawl`).
        self.crawl_id: int | None = int(crawl_id) if crawl_id else None
        # A resumed run answers what it captured before from the archive (archive/resume.py).
        self.resumed = bool(resume) and resume != "0" and self.crawl_id is not None
        self.this_year = dt.date.today().year
        self.max_list_pages = int(self.site.overrides.get("max_list_pages", 200))
        self.list_pages: Counter[str] = Counter()  # list pages asked for, per column (≤ max_list_pages)
        self.lists_asked: set[str] = set()
        # What discovery found, for drift alerts (storage/drift.py): column URL → rule, list URL → rule.
        self.columns: dict[str, str] = {}
        self.lists: dict[str, str] = {}
        self.roles: Counter[str] = Counter()
        # Data requests (fetch/XHR) a rendered page made, by the page's URL: the list endpoint behind a JS list.
        self.browser_fetches: dict[str, list[str]] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._request(self.site.home_url, self.parse_home, "home", always=True)
        for url in self.site.overrides.get("columns", []):
            self.columns[url] = "registry-column"
            yield self._request(url, self.parse_list, "registry-column", always=True, column=url)

    def _request(self, url: str, callback: Any, rule: str, always: bool = False, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, cb_kwargs=cb_kwargs, meta={RULE: rule, ALWAYS_FETCH: always})

    # --- navigation --------------------------------------------------------------------------------------
    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        """Home page: annual-report columns linked right here, and the disclosure section(s)."""
        yield from self._navigate(response, self.parse_home, depth=0)

    def parse_section(self, response: Response, depth: int = 1) -> Iterator[scrapy.Request]:
        """Disclosure section (or a sub-section of it): find the annual-report column(s)."""
        yield from self._navigate(response, self.parse_section, depth=depth)

    def _navigate(self, response: Response, callback: Any, depth: int) -> Iterator[scrapy.Request]:
        text = _text(response)
        shell = redirect_target(response.url, text)
        if shell:
            yield self._request(shell, callback, "redirect-shell", always=True, **response.cb_kwargs)
            return
        links = self.scope.keep(anchors(response.url, text))
        columns = column_links(links)
        for link in columns:
            self.columns.setdefault(link.url, link.rule)
            yield self._request(link.url, self.parse_list, link.rule, always=True, column=link.url)
        sections = section_links(links) if depth == 0 or (depth < 3 and not columns) else []
        for link in sections:
            yield self._request(link.url, self.parse_section, link.rule, always=True, depth=depth + 1)
        if not columns and not sections:
            yield from self._render(response, callback)

    # --- list pages ----------------------------------------------------------------------------------------
    def parse_list(self, response: Response, column: str, level: int = 0) -> Iterator[scrapy.Request]:
        """A list page of a column: its articles, its year/unit sub-columns, then its other list pages."""
        text = _text(response)
        shell = redirect_target(response.url, text)
        if shell:
            yield self._request(shell, self.parse_list, "redirect-shell", always=True, **response.cb_kwargs)
            return
        self.lists.setdefault(response.url, str(response.meta.get(RULE, "")))
        links = self.scope.keep(anchors(response.url, text))
        articles = [link for link in links if _is_article(link, column)]
        for link in articles:
            yield self._request(link.url, self.parse_article, f"article:{link.rule}", title=link.text,
                                column=column)
        subs = subcolumn_links(links, column, response.url) if level < 3 else []
        for link in subs:
            self.columns.setdefault(link.url, link.rule)
            yield self._request(link.url, self.parse_list, link.rule, always=True, column=link.url,
                                level=level + 1)
        pagers = self.scope.keep(pager_links(response.url, text, links, self.this_year) + self._fetched(response))
        for link in pagers:
            if link.url not in self.lists_asked and self.list_pages[column] < self.max_list_pages:
                self.lists_asked.add(link.url)
                self.list_pages[column] += 1
                yield self._request(link.url, self.parse_list, link.rule, always=True, column=column, level=level)
        if not articles and not subs and not pagers:
            yield from self._render(response, self.parse_list)

    def _render(self, response: Response, callback: Any) -> Iterator[scrapy.Request]:
        """The same page once more through the browser, when static rules found nothing on it."""
        settings = getattr(self, "settings", None)  # None for a spider made without a crawler (unit tests)
        if response.meta.get(RENDERED) or settings is None or not settings.getbool("NIANBAO_BROWSER") or \
                self.site.overrides.get("browser") is False or not isinstance(response, TextResponse):
            return
        meta = {RULE: "browser-render", ALWAYS_FETCH: True, RENDERED: True, "playwright": True,
                "playwright_context": "nianbao",
                "playwright_page_event_handlers": {"response": "record_browser_fetch"},
                "playwright_page_goto_kwargs": {"wait_until": "networkidle", "timeout": 30_000}}
        proxy = response.meta.get("proxy") or settings.get("NIANBAO_PROXY")
        if proxy:
            meta["playwright_context_kwargs"] = {"proxy": {"server": proxy}}
        assert response.request is not None
        yield response.request.replace(dont_filter=True, meta=meta, callback=callback, cb_kwargs=response.cb_kwargs)

    async def record_browser_fetch(self, response: Any) -> None:
        """Playwright response event: remember the data requests (fetch/XHR) of a rendered page."""
        if response.request.resource_type in ("fetch", "xhr"):
            self.browser_fetches.setdefault(response.frame.url, []).append(response.url)

    def _fetched(self, response: Response) -> list[Link]:
        """For a rendered page: its data requests, to be read (and paged) as list pages of their own."""
        if not response.meta.get(RENDERED):
            return []
        urls = self.browser_fetches.pop(response.url, [])
        return [Link(url, "", "browser-fetch") for url in dict.fromkeys(urls)]

    # --- articles and attachments --------------------------------------------------------------------------
    def parse_article(self, response: Response, title: str = "", column: str = "") -> Iterator[Any]:
        """An article: a report (or a 解读/图解 variant) becomes an item; a report's attachments are fetched, and
        the images it shows in its content (page requisites, rule content-image:…)."""
        text = _text(response)
        shell = redirect_target(response.url, text) if text else None
        if shell:
            yield self._request(shell, self.parse_article, "redirect-shell", title=title, column=column)
            return
        if not isinstance(response, TextResponse):  # the list linked a file directly
            yield from self.parse_attachment(response, page_url=column, anchor_text=title)
            return
        own = page_title(text)
        found = classify_article([own, title], body_text(text))
        self.roles[found.role] += 1
        if found.role not in (REPORT, VARIANT):
            return
        yield DocumentItem(url=response.url, kind="page", capture_id=response.meta.get(CAPTURE_ID),
                           title=own or title, rule=found.rule, role=found.role, report_year=found.year,
                           column_url=column, found_by=str(response.meta.get(RULE, "")))
        if found.role == REPORT:
            for link in self.scope.keep(attachments(response.url, text)):
                yield scrapy.Request(link.url, callback=self.parse_attachment, meta={RULE: f"attachment:{link.rule}"},
                                     cb_kwargs={"page_url": response.url, "anchor_text": link.text})
        for link in self.scope.keep(content_images(response.url, text)):
            yield scrapy.Request(link.url, callback=self.parse_content_image, meta={RULE: f"content-image:{link.rule}"})

    def parse_content_image(self, response: Response) -> Iterator[Any]:
        """An image a report or variant page shows: archived by the WARC recorder like every response, so the
        page replays whole; not a document (no item, no parse: reading images is later work)."""
        yield from ()

    def parse_attachment(self, response: Response, page_url: str, anchor_text: str) -> Iterator[DocumentItem]:
        rule = str(response.meta.get(RULE, "attachment:anchor")).removeprefix("attachment:")
        yield DocumentItem(url=response.url, kind="attachment",
                           capture_id=response.meta.get(CAPTURE_ID), page_url=page_url,
                           anchor_text=anchor_text, title=anchor_text, rule=rule, role="attachment")


def _text(response: Response) -> str:
    return response.text if isinstance(response, TextResponse) else ""


def _is_article(link: Link, column: str) -> bool:
    """An article link of a list: an article-shaped URL under the column's folder, or anywhere on the site
    when its anchor text speaks of reports (CMSs that keep articles outside the column's folder)."""
    path = urlsplit(link.url).path
    if classify_title(link.text).role != OTHER and not rules.ATTACHMENT_EXT.search(path):
        return True  # titled like a report, a variant or a notice about reports: whatever its URL looks like
    if not rules.ARTICLE_HREF.search(path) and not _is_file_link(link):
        return False
    return link.url.startswith(column_base(column)) or bool(rules.ARTICLE_HINT_TEXT.search(link.text))


def _is_file_link(link: Link) -> bool:
    """A list entry that is the report file itself (some columns link PDFs directly)."""
    return bool(rules.ATTACHMENT_EXT.search(urlsplit(link.url).path) and rules.ARTICLE_HINT_TEXT.search(link.text))
