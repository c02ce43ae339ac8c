"""A resumed crawl's browser answered from the archive: Playwright routes that serve what the crawl already captured.

A page the browser renders again after `nianbao crawl --resume` would otherwise ask the site once more for the page
and for its data requests, which the killed run had archived (archive/resume.py `Resumption.for_browser`). The
route is installed as scrapy-playwright's page-init callback, so it sits above scrapy-playwright's own route and
hands every request it cannot answer (not a GET, never captured, unreadable) on to it with ``route.fallback()``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from archive.content_encoding import decode_content
from archive.resume import Resumption
from kernel.errors import ArchiveError

logger = logging.getLogger(__name__)

# Headers that describe the bytes on the wire, not the decoded payload the browser is handed.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")

PageInit = Callable[[Any, Any], Awaitable[None]]


def archive_route(resumption: Resumption, crawl_id: int, counted: Callable[[], None]) -> PageInit:
    """A scrapy-playwright ``playwright_page_init_callback`` that routes the page's GETs to the crawl's captures;
    ``counted`` is called for each request answered so."""

    async def init(page: Any, _request: Any) -> None:
        async def handle(route: Any) -> None:
            browser_request = route.request
            answer = resumption.for_browser(browser_request.url, crawl_id) \
                if browser_request.method == "GET" else None
            if answer is None:
                await route.fallback()
                return
            archived = answer.response
            try:
                body = decode_content(archived.body, _header(archived.headers, "content-encoding"))
            except ArchiveError as exc:
                logger.warning("event=browser_archive_undecodable url=%s reason=%s", browser_request.url, exc)
                await route.fallback()
                return
            headers = {name: value for name, value in archived.headers if name.lower() not in _WIRE_HEADERS}
            counted()
            await route.fulfill(status=archived.status, headers=headers, body=body)

        await page.route("**", handle)

    return init


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    found = [value for key, value in headers if key.lower() == name]
    return found[-1] if found else None
