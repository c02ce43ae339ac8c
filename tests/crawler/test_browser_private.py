"""A page the crawl renders cannot make Chromium reach the operator's network: its requests to localhost or a
literal private address (an image, a script's fetch) are aborted by the render's route (crawler/browser.py), unless
NIANBAO_UI_CRAWL_ALLOWLIST covers them. Real Chromium, launched as the crawl launches it; a loopback server notes
every request it is sent."""

from __future__ import annotations

import asyncio
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse

from crawler import settings as crawl_settings
from crawler.browser import render_meta, serve_fetched
from tests.loopback import RecordingServer

PAGE_URL = "http://www.rebound.gov.cn/xxgk/ndbg/"



# Chromium's own Local Network Access checks also stop a public page's requests to loopback; switched off, only
# the render's route stands between the page and the server.
NO_LNA = ("--disable-features=LocalNetworkAccessChecks,HttpsUpgrades",)  # (Playwright's list, replaced, had the second)


def _render(port: int, allowlist: tuple[str, ...], extra_args: tuple[str, ...] = ()) -> str:
    """Render the page as the crawl does (served the fetched bytes), waiting until its script has run."""
    body = (f'<html><body><img src="http://127.0.0.1:{port}/img"><div id="out">…</div><script>'
            f'fetch("http://127.0.0.1:{port}/fetch").then(r => r.text())'
            '.then(t => document.getElementById("out").textContent = "got " + t)'
            '.catch(e => document.getElementById("out").textContent = "refused");</script></body></html>')
    response = HtmlResponse(PAGE_URL, body=body.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    request = Request(PAGE_URL, meta=render_meta(response, "test:rebound", allowlist))

    async def run() -> str:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            options: dict[str, Any] = dict(crawl_settings.PLAYWRIGHT_LAUNCH_OPTIONS)
            options["args"] = [*options["args"], *extra_args]
            browser = await playwright.chromium.launch(**options)
            try:
                page = await browser.new_page()
                await serve_fetched(page, request)
                await page.goto(PAGE_URL, wait_until="networkidle")
                await page.wait_for_function("document.getElementById('out').textContent !== '…'")
                return str(await page.text_content("#out"))
            finally:
                await browser.close()

    return asyncio.run(run())


def test_a_rendered_page_cannot_reach_a_private_address(caplog: Any) -> None:
    server = RecordingServer()
    try:
        port = server.port
        assert _render(port, (), NO_LNA) == "refused"  # the route alone, Chromium's own checks off
        assert server.asked == [], f"Chromium reached the private server: {server.asked}"
        refused = {r.getMessage().split()[3] for r in caplog.records if "browser request refused" in r.getMessage()}
        assert refused == {f"url=http://127.0.0.1:{port}/img", f"url=http://127.0.0.1:{port}/fetch"}
        assert _render(port, ()) == "refused" and server.asked == []  # as the crawl launches it
        # The control: allowlisted, the same page reaches the same server (the test can see a request).
        got = _render(port, ("127.0.0.0/8",), NO_LNA)
        assert got == "got ok", (got, server.asked)
        assert sorted(server.asked) == ["/fetch", "/img"]
    finally:
        server.close()
