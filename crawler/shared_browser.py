"""One Playwright driver and one Chromium per process, started at the first render, shared by every crawl in it.

scrapy-playwright gives each crawler its own download handler, and each handler starts a Playwright driver (a
Node.js process, ~100 MB) when its engine starts, and its own Chromium at its first render. `nianbao crawl --all`
runs a crawler per site, so a process crawling 32 sites at once held 32 drivers although most county sites never
need a browser. `SharedBrowserProvider` (the PLAYWRIGHT_BROWSER_PROVIDER) starts nothing until a page is rendered,
then one driver and one browser for the whole process; each crawl still gets browser contexts of its own (its own
proxy, cookies and pages). The handler closes "its" browser when its crawl ends: it gets a handle whose ``close``
only lets go of the shared browser, which is closed with the driver when the last crawl holding it lets go.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from playwright.async_api import Browser, BrowserContext, Playwright, PlaywrightContextManager
from scrapy.exceptions import NotSupported

logger = logging.getLogger(__name__)


class _Shared:
    """The process's driver and browser, and how many crawls hold the browser."""

    manager: PlaywrightContextManager | None = None
    playwright: Playwright | None = None
    browser: Browser | None = None
    holders = 0
    lock: asyncio.Lock | None = None

    @classmethod
    def the_lock(cls) -> asyncio.Lock:
        if cls.lock is None:
            cls.lock = asyncio.Lock()
        return cls.lock


class BrowserHandle:
    """The shared browser as one crawl's handler sees it: everything is the browser's, except ``close``."""

    def __init__(self, browser: Browser, provider: SharedBrowserProvider) -> None:
        self._browser = browser
        self._provider = provider

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    async def close(self) -> None:
        await self._provider.close()


class SharedBrowserProvider:
    """scrapy-playwright's browser provider (see the module docstring)."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self._holds = False

    async def start(self) -> None:
        """Nothing yet: the driver starts at the first render of the process."""

    async def launch_browser(self) -> Any:
        async with _Shared.the_lock():
            if _Shared.browser is None or not _Shared.browser.is_connected():
                if _Shared.playwright is None:
                    _Shared.manager = PlaywrightContextManager()
                    _Shared.playwright = await _Shared.manager.start()
                browser_type = getattr(_Shared.playwright, self.config.browser_type_name)
                logger.info("launching the process's browser %s", browser_type.name)
                _Shared.browser = await browser_type.launch(**self.config.launch_options)
            if not self._holds:
                self._holds = True
                _Shared.holders += 1
            return BrowserHandle(_Shared.browser, self)

    async def launch_persistent_context(self, context_kwargs: dict[str, Any]) -> BrowserContext:
        raise NotSupported("nianbao renders in contexts of the process's shared browser, never a persistent one")

    async def close(self) -> None:
        """Let go of the shared browser; the last crawl to let go closes it and stops the driver."""
        async with _Shared.the_lock():
            if not self._holds:
                return
            self._holds = False
            _Shared.holders -= 1
            if _Shared.holders > 0:
                return
            browser, manager = _Shared.browser, _Shared.manager
            _Shared.browser, _Shared.playwright, _Shared.manager = None, None, None
        if browser is not None and browser.is_connected():
            await browser.close()
        if manager is not None:
            await manager.__aexit__()
        logger.info("the process's browser is closed")
