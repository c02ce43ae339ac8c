"""The base spider: finds a site's annual-report column(s) and archives every report and attachment in them.

Callbacks, one per page type: home → disclosure section → column / list pages → article → attachment, and
the content images of report and variant articles (archived for replay only).
A site is a registry row (spiders/sites.toml) or an ad-hoc home URL; nothing here is per-site. The rules
are data in spiders/discovery.py, applied by spiders/links.py, spiders/pagination.py, spiders/classify.py.

Every request carries meta["nianbao_rule"] (the rule that found its link) and, for home, section and
list pages, meta["nianbao_always_fetch"] (a conditional re-crawl must still re-read lists). A page where the
static rules find nothing, and whose scripts look like they draw a list, is rendered by the browser
(scrapy-playwright), served the response already fetched (crawler/browser.py); never otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.browser import browser_scope, render_meta
from crawler.items import DocumentItem
from crawler.meta import ALWAYS_FETCH, CAPTURE_ID, PAYLOAD, RENDERED, RULE
from crawler.units import units_found
from kernel.config import Config
from spiders import discovery as rules
from spiders.classify import OTHER, REPORT, VARIANT, classify_article, classify_title
from spiders.links import Link, anchors, attachments, body_text, content_images, page_title, redirect_target
from spiders.modules import (
    ModuleChoices,
    chosen,
    is_module_url,
    is_unit_year_page,
    module_choices,
    module_pages,
    module_report_title,
)
from spiders.navigation import column_base, column_links, nav_children, section_links, subcolumns
from spiders.pagination import pager_links
from spiders.registry import Site, load_registry, resolve_site
from spiders.scope import SiteScope
from spiders.script_lists import draws_list_by_script
from spiders.units import module_units, registry_units, subcolumn_units
from storage.units import SiteUnit


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
        self.units: dict[str, SiteUnit] = {}  # the units the site shows, by name (spiders/units.py)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self._note_units(registry_units(self.site, load_registry().values()))
        yield self._request(self.site.home_url, self.parse_home, "home", always=True)
        for url in self.site.overrides.get("columns", []):
            self.columns[url] = "registry-column"
            yield self._request(url, self.parse_list, "registry-column", always=True, column=url)

    def _note_units(self, units: list[SiteUnit]) -> None:
        """Units the site shows, announced once each (crawler/units.py stores them with the site)."""
        new = [unit for unit in units if unit.name not in self.units]
        self.units.update((unit.name, unit) for unit in new)
        crawler = getattr(self, "crawler", None)  # None for a spider made without a crawler (unit tests)
        if new and crawler is not None:
            crawler.signals.send_catch_log(units_found, units=new, spider=self)

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
            yield self._column_request(link)
            children = self.scope.keep(nav_children(response.url, text, link.url))  # its sub-columns in the menu
            self._note_units(subcolumn_units(children, self.site))
            for sub in children:
                self.columns.setdefault(sub.url, sub.rule)
                yield self._column_request(sub, level=1)
        sections = section_links(links) if depth == 0 or (depth < 3 and not columns) else []
        for link in sections:
            yield self._request(link.url, self.parse_section, link.rule, always=True, depth=depth + 1)
        if not columns and not sections:
            yield from self._render(response, callback)

    def _column_request(self, link: Link, level: int = 0) -> scrapy.Request:
        """A column's first page: a list, or the annual-report module (one report page per unit × year)."""
        if is_module_url(link.url):
            return self._request(link.url, self.parse_module, link.rule, always=True, entry=True)
        return self._request(link.url, self.parse_list, link.rule, always=True, column=link.url, level=level)

    # --- list pages ----------------------------------------------------------------------------------------
    def parse_list(self, response: Response, column: str, level: int = 0) -> Iterator[scrapy.Request]:
        """A list page of a column: its articles, its year/unit sub-columns, then its other list pages."""
        text = _text(response)
        shell = redirect_target(response.url, text)
        if shell:
            yield self._request(shell, self.parse_list, "redirect-shell", always=True, **response.cb_kwargs)
            return
        self.lists.setdefault(response.url, str(response.meta.get(RULE, "")))
        links = [link for link in self.scope.keep(anchors(response.url, text)) if not is_module_url(link.url)]
        modules = list(self._module_requests(response.url, text, entry=True))
        yield from modules
        articles = [link for link in links if _is_article(link, column)]
        for link in articles:
            yield self._request(link.url, self.parse_article, f"article:{link.rule}", title=link.text,
                                column=column)
        subs = subcolumns(response.url, text, links, column) if level < 3 else []
        self._note_units(subcolumn_units(subs, self.site))
        for link in subs:
            self.columns.setdefault(link.url, link.rule)
            yield self._column_request(link, level + 1)
        pagers = self.scope.keep(pager_links(response.url, text, links, self.this_year) + self._fetched(response))
        for link in pagers:
            if link.url not in self.lists_asked and self.list_pages[column] < self.max_list_pages:
                self.lists_asked.add(link.url)
                self.list_pages[column] += 1
                yield self._request(link.url, self.parse_list, link.rule, always=True, column=column, level=level)
        if not articles and not subs and not pagers and not modules:
            yield from self._render(response, self.parse_list)

    # --- module pages (spiders/modules.py) ----------------------------------------------------------------
    def parse_module(self, response: Response, entry: bool = False) -> Iterator[Any]:
        """A page of the annual-report module: never a list, never rendered. Its entry page asks for every unit ×
        year it offers; every unit × year page for its own unit's other years, and is a report page itself (or
        says 暂无年报)."""
        text = _text(response)
        if entry:
            self.lists.setdefault(response.url, "annual-report-module")
        yield from self._module_requests(response.url, text, entry)
        if not is_unit_year_page(response.url):
            return
        choices = module_choices(response.url, text, self.this_year)
        title = module_report_title(response.url, text, choices)
        self.roles[REPORT if title else "empty"] += 1
        if title is None:
            return
        yield DocumentItem(url=response.url, kind="page", capture_id=response.meta.get(CAPTURE_ID),
                           payload=response.meta.get(PAYLOAD), title=title, rule="annual-report-module", role=REPORT,
                           report_year=chosen(response.url)[1],
                           column_url=choices.base if choices else "", found_by=str(response.meta.get(RULE, "")))
        yield from self._page_files(response, text)

    def _module_requests(self, url: str, text: str, entry: bool) -> Iterator[scrapy.Request]:
        """The module pages `text` offers: every unit's (an entry, or a page that embeds the module), else the
        page's own unit's. What a page that embeds the module leads to are entries (they may offer more units);
        with no year to choose, the module URLs it names are."""
        choices: ModuleChoices | None = module_choices(url, text, self.this_year)
        if choices is None:
            return
        self._note_units(module_units(choices, self.site))
        embedded = not is_module_url(url)
        own = None if entry or embedded else chosen(url)[0]
        pages = self.scope.keep(module_pages(choices, own))
        if embedded and not pages:
            pages = self.scope.keep([Link(ref, "", "annual-report-module") for ref in choices.refs])
        for link in pages:
            yield self._request(link.url, self.parse_module, link.rule, always=embedded, entry=embedded)

    def _render(self, response: Response, callback: Any) -> Iterator[scrapy.Request]:
        """The page through the browser, when static rules found nothing on it and it shows signs of a list drawn by
        a script; the browser is served the response in hand (crawler/browser.py), not a second download."""
        settings = getattr(self, "settings", None)  # None for a spider made without a crawler (unit tests)
        if response.meta.get(RENDERED) or settings is None or not settings.getbool("NIANBAO_BROWSER") or \
                self.site.overrides.get("browser") is False or not isinstance(response, TextResponse) or \
                not draws_list_by_script(response.text):
            return
        meta = {RULE: "browser-render", ALWAYS_FETCH: True, RENDERED: True, "playwright": True,
                "playwright_context": "nianbao",
                "playwright_page_event_handlers": {"response": "record_browser_fetch"},
                "playwright_page_goto_kwargs": {"wait_until": "networkidle", "timeout": 30_000},
                **render_meta(response, browser_scope(self),
                              Config.from_settings(settings).ui_crawl_allowlist)}
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
        images = [link.url for link in self.scope.keep(content_images(response.url, text))] \
            if found.role == REPORT and not _TABLE.search(text) else []
        yield DocumentItem(url=response.url, kind="page", capture_id=response.meta.get(CAPTURE_ID),
                           payload=response.meta.get(PAYLOAD), title=own or title, rule=found.rule, role=found.role,
                           report_year=found.year,
                           column_url=column, found_by=str(response.meta.get(RULE, "")),
                           images=list(dict.fromkeys(images)))
        if found.role == REPORT:
            yield from self._page_files(response, text)
        else:
            yield from self._content_images(response, text)

    def _page_files(self, response: Response, text: str) -> Iterator[scrapy.Request]:
        """A report page's attachments, and the images it shows."""
        for link in self.scope.keep(attachments(response.url, text)):
            yield scrapy.Request(link.url, callback=self.parse_attachment, meta={RULE: f"attachment:{link.rule}"},
                                 cb_kwargs={"page_url": response.url, "anchor_text": link.text})
        yield from self._content_images(response, text)

    def _content_images(self, response: Response, text: str) -> Iterator[scrapy.Request]:
        for link in self.scope.keep(content_images(response.url, text)):
            yield scrapy.Request(link.url, callback=self.parse_content_image, meta={RULE: f"content-image:{link.rule}"})

    def parse_content_image(self, response: Response) -> Iterator[Any]:
        """An image a report or variant page shows: archived by the WARC recorder like every response, so the
        page replays whole; not a document of its own (a page that shows its report only as images is parsed
        from them: DocumentItem.images)."""
        yield from ()

    def parse_attachment(self, response: Response, page_url: str, anchor_text: str) -> Iterator[DocumentItem]:
        rule = str(response.meta.get(RULE, "attachment:anchor")).removeprefix("attachment:")
        yield DocumentItem(url=response.url, kind="attachment",
                           capture_id=response.meta.get(CAPTURE_ID), payload=response.meta.get(PAYLOAD),
                           page_url=page_url, anchor_text=anchor_text, title=anchor_text, rule=rule, role="attachment")


_TABLE = re.compile(r"<table\b", re.IGNORECASE)


def _text(response: Response) -> str:
    return response.text if isinstance(response, TextResponse) else ""


def _is_article(link: Link, column: str) -> bool:
    """An article link of a list: an article-shaped URL under the column's folder, or anywhere on the site
    when its anchor text speaks of reports (CMSs that keep articles outside the column's folder)."""
    path = urlsplit(link.url).path
    if rules.YEAR_SUBCOLUMN_TEXT.match(link.text) and not rules.ARTICLE_HREF.search(path) and not _is_file_link(link):
        return False  # "2022年年报": a year sub-column, not a report
    if classify_title(link.text).role != OTHER and not rules.ATTACHMENT_EXT.search(path):
        return True  # titled like a report, a variant or a notice about reports: whatever its URL looks like
    if not rules.ARTICLE_HREF.search(path) and not _is_file_link(link):
        return False
    return link.url.startswith(column_base(column)) or bool(rules.ARTICLE_HINT_TEXT.search(link.text))


def _is_file_link(link: Link) -> bool:
    """A list entry that is the report file itself (some columns link PDFs directly)."""
    return bool(rules.ATTACHMENT_EXT.search(urlsplit(link.url).path) and rules.ARTICLE_HINT_TEXT.search(link.text))
