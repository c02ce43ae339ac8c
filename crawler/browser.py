"""The browser fetches nothing the crawl already has, and nothing twice.

A page is rendered (scrapy-playwright) only after Scrapy fetched it and the static rules found nothing on it; the
browser is then served that response instead of downloading the page again: `serve_fetched` is the render's
``playwright_page_init_callback`` and routes the page's navigation request to the bytes in hand
(``meta["nianbao_fetched_page"]``, set by the spider with `fetched_page`). What else the page loads from the site
(stylesheets, scripts, its data requests) is fetched once per crawl through the route and kept in the crawl's
`BrowserMemo`: a later render is served the same stylesheet from it, and the data requests (fetch/XHR: the list
behind a script-drawn page), which the spider then asks for as list pages, are answered from it by
`BrowserMemoMiddleware` — recorded in the WARC file like any response, but not downloaded a second time.

The memo is per crawl (``meta["nianbao_browser_scope"]``, `browser_scope`) and per process; it is dropped when the
crawl's spider closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.addresses import private_target

logger = logging.getLogger(__name__)

FETCHED_PAGE = "nianbao_fetched_page"
SCOPE = "nianbao_browser_scope"
ALLOWLIST = "nianbao_allowlist"  # NIANBAO_UI_CRAWL_ALLOWLIST, for the render's own requests
SERVED_FLAG = "nianbao-browser-fetched"  # response flag: answered from what the browser fetched
INIT_CALLBACK = "crawler.browser.serve_fetched"
# Headers that describe the bytes on the wire, not the body handed on (already decoded, whole).
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"})
_DATA_TYPES = frozenset({"fetch", "xhr"})
IN_FLIGHT_WAIT_SECONDS = 20  # a second request for a URL waits this long for the first one's answer


@dataclass
class Fetched:
    """One response as the browser (or Scrapy) got it: status, headers (wire headers left out), decoded body."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class BrowserMemo:
    """What the browser fetched during one crawl: every response by URL, and the data requests not yet asked for
    by the spider."""

    responses: dict[str, Fetched] = field(default_factory=dict)
    data: dict[str, Fetched] = field(default_factory=dict)


_MEMOS: dict[str, BrowserMemo] = {}


def browser_scope(spider: Spider) -> str:
    """The memo's key: the site and the crawl."""
    site = getattr(spider, "site", None)
    return f"{getattr(site, 'id', spider.name)}:{getattr(spider, 'crawl_id', '')}"


def memo(scope: str) -> BrowserMemo:
    return _MEMOS.setdefault(scope, BrowserMemo())


def fetched_page(response: Response) -> dict[str, Any]:
    """The meta value that hands a fetched response to the render (JSON values and bytes: it may be queued)."""
    return {"url": response.url, "status": response.status, "body": response.body,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, vs in response.headers.items() for v in vs
                        if k.decode("latin-1").lower() not in _WIRE_HEADERS]}


def render_meta(response: Response, scope: str, allowlist: tuple[str, ...] = ()) -> dict[str, Any]:
    """The scrapy-playwright meta of a render of `response`: served from the bytes in hand, memo `scope`; the
    page's requests to private addresses refused unless `allowlist` covers them."""
    return {"playwright_page_init_callback": INIT_CALLBACK, FETCHED_PAGE: fetched_page(response), SCOPE: scope,
            ALLOWLIST: list(allowlist)}


def _same_site(url: str, page: str) -> bool:
    host, home = urlsplit(url).hostname or "", urlsplit(page).hostname or ""
    return bool(host) and (host == home or host.removeprefix("www.") == home.removeprefix("www."))


async def serve_fetched(page: Any, request: Request) -> None:
    """scrapy-playwright page init callback. The page's navigation is fulfilled with the fetched response, and the
    site's other GETs with what the crawl's memo holds (this route runs before scrapy-playwright's own, registered
    earlier); a request to localhost or a literal private address (a script reaching for the operator's network) is
    aborted (crawler/addresses.py); anything else goes on to the network as usual, through the context's proxy, and
    what the site answers is kept in the memo as it arrives."""
    given = request.meta.get(FETCHED_PAGE) or {}
    allowlist = tuple(request.meta.get(ALLOWLIST) or ())
    kept = memo(str(request.meta.get(SCOPE, "")))
    state = {"served": False}
    in_flight: dict[str, asyncio.Event] = {}  # URLs gone to the network for this page, until their answer is kept

    async def route_request(route: Any, pw_request: Any) -> None:
        url = pw_request.url
        if pw_request.is_navigation_request() and not state["served"] and given and url == given["url"]:
            state["served"] = True
            await route.fulfill(status=given["status"], headers=dict(given["headers"]), body=given["body"])
            return
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and private_target(url, allowlist) is not None:
            logger.warning("browser request refused url=%s reason=%s", url, private_target(url, allowlist))
            await route.abort("addressunreachable")
            return
        if pw_request.method != "GET" or not _same_site(url, request.url):
            await route.fallback()
            return
        if url in in_flight:  # asked again (the preload scanner, then the parser): wait for the first answer
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(in_flight[url].wait(), IN_FLIGHT_WAIT_SECONDS)
        known = kept.responses.get(url)
        if known is None:
            in_flight.setdefault(url, asyncio.Event())
            await route.fallback()
            return
        await route.fulfill(status=known.status, headers=dict(known.headers), body=known.body)

    async def keep(finished: Any) -> None:
        """A request whose answer came in whole: its body is in the browser (asking a failed or aborted request
        for its body would make Chromium download it again)."""
        url = finished.url
        try:
            response = await finished.response()
            if response is not None and url in in_flight and url not in kept.responses and \
                    not 300 <= response.status < 400:
                headers = await response.all_headers()
                kept.responses[url] = known = Fetched(
                    url, response.status, [(k, v) for k, v in headers.items() if k.lower() not in _WIRE_HEADERS],
                    await response.body())
                if finished.resource_type in _DATA_TYPES:
                    kept.data[url] = known
        except Exception as exc:  # noqa: BLE001 — Playwright's errors (page closed, no body): the memo misses it
            logger.debug("browser response not kept url=%s reason=%s", url, type(exc).__name__)
        finally:
            if url in in_flight:
                in_flight[url].set()

    def failed(pw_request: Any) -> None:
        if pw_request.url in in_flight:
            in_flight[pw_request.url].set()

    await page.route("**", route_request)
    page.on("requestfinished", keep)
    page.on("requestfailed", failed)


class BrowserMemoMiddleware:
    """Answers a request for a data URL the browser already fetched in this crawl from the memo (flag
    ``nianbao-browser-fetched``), once: the WARC recorder (950) still records it, as the response it is."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMemoMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def process_request(self, request: Request) -> Response | None:
        spider = self.crawler.spider
        if spider is None or request.method != "GET" or request.meta.get("playwright"):
            return None
        known = _MEMOS.get(browser_scope(spider), BrowserMemo()).data.pop(request.url, None)
        if known is None:
            return None
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("nianbao/browser_fetched_served")
        headers = Headers()
        for name, value in known.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=known.body)
        logger.debug("answered from the browser's fetch url=%s", request.url)
        return cls(url=request.url, status=known.status, headers=headers, body=known.body, request=request,
                   flags=[SERVED_FLAG])

    def spider_closed(self, spider: Spider) -> None:
        _MEMOS.pop(browser_scope(spider), None)
