"""ReplayWeb.page (the `replaywebpage` npm package: its ui.js and service worker) in Debian's Chromium, offline,
replays the WACZ of a re-crawl: every report page and attachment, at its first capture (an original the export
copied in) and at the re-crawl's 304 confirmation, with the archived content; its page list carries the titles.

Everything is served from loopback; Chromium sends anything else to a proxy that refuses it and writes it down,
and the test fails if it wrote anything down. `npm ci --prefix tests/replay` (make test's setup) installs the
package; nothing is installed here.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from tests.replay.conftest import Recrawled
from tests.replay.servers import refusing_proxy, serve_files

RWP = Path(__file__).resolve().parent / "node_modules" / "replaywebpage"
COLLECTION = "nianbao"
EMBED = """<!doctype html><html><head><meta charset="utf-8"><script src="/ui.js"></script></head><body>
<replay-web-page source="/export.wacz" coll="{coll}" url="{url}" replaybase="/replay/" embed="replayonly">
</replay-web-page></body></html>"""
# Runs in a frame the service worker controls: a replay URL fetched there is answered by ReplayWeb.page.
FETCH = """async (url) => {
  const r = await fetch(url);
  const bytes = new Uint8Array(await r.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return [r.status, btoa(text)];
}"""


@pytest.fixture(scope="module")
def replay(recrawled: Recrawled, recrawl_wacz: Path, tmp_path_factory: pytest.TempPathFactory,
           sync_playwright_session: Any) -> Iterator[Any]:
    """(the frame of ReplayWeb.page's app that its service worker controls, the base URL, refused requests)."""
    if not (RWP / "sw.js").exists():
        pytest.fail(f"{RWP} is missing: run `npm ci --prefix tests/replay` (make test does)")
    page_html = tmp_path_factory.mktemp("rwp") / "index.html"
    page_html.write_text(EMBED.format(coll=COLLECTION, url=recrawled.reports[0].page_url), encoding="utf-8")
    files = {"/index.html": page_html, "/ui.js": RWP / "ui.js", "/replay/ui.js": RWP / "ui.js",
             "/replay/sw.js": RWP / "sw.js", "/export.wacz": recrawl_wacz}
    options = dict(PLAYWRIGHT_LAUNCH_OPTIONS)
    with serve_files(files) as base, refusing_proxy() as (proxy, refused):
        args = [*options["args"], f"--proxy-server={proxy}"]
        browser = sync_playwright_session.chromium.launch(**{**options, "args": args})
        try:
            page = browser.new_context().new_page()
            page.goto(f"{base}/index.html")
            yield _app_frame(page, base), base, refused
        finally:
            browser.close()


def _app_frame(page: Any, base: str) -> Any:
    """Wait until ReplayWeb.page's app frame (controlled by its service worker) has loaded the collection."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        app = next((f for f in page.frames if f.url.startswith(f"{base}/replay/?source=")), None)
        if app is not None:
            try:
                status, body = _get(app, f"{base}/replay/w/api/c/{COLLECTION}")
            except PlaywrightError:  # the frame is still loading, or the worker not yet in control
                status = 0
            if status == 200 and "error" not in json.loads(body):
                return app
        page.wait_for_timeout(250)
    pytest.fail(f"ReplayWeb.page did not load the WACZ within 90 s; frames: {[f.url for f in page.frames]}")


def _get(frame: Any, url: str) -> tuple[int, bytes]:
    status, body = frame.evaluate(FETCH, url)
    return int(status), base64.b64decode(body)


def _timestamp(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y%m%d%H%M%S")


def test_every_capture_of_every_report_replays_with_its_content(recrawled: Recrawled, replay: Any) -> None:
    frame, base, refused = replay
    replayed = 0
    for url in recrawled.report_urls():
        # The newest capture first: its lookup loads the URL's part of the WACZ index, which the timeline reads.
        assert _get(frame, f"{base}/replay/w/{COLLECTION}/id_/{url}") == (200, recrawled.originals[url]), url
        status, body = _get(frame, f"{base}/replay/w/api/c/{COLLECTION}/ts/?url={urllib.parse.quote(url, safe='')}")
        timestamps = sorted(_timestamp(ms) for ms in json.loads(body)["timestamps"])
        assert status == 200 and timestamps == sorted(recrawled.timeline[url]), url  # ReplayWeb.page's timeline
        for timestamp in timestamps:
            status, body = _get(frame, f"{base}/replay/w/{COLLECTION}/{timestamp}id_/{url}")
            assert (status, body) == (200, recrawled.originals[url]), (url, timestamp)
            replayed += 1
    print(f"ReplayWeb.page replayed {replayed} captures of {len(recrawled.report_urls())} report URLs")
    assert refused == []


def test_the_page_list_carries_the_report_titles(recrawled: Recrawled, replay: Any) -> None:
    frame, base, refused = replay
    status, body = _get(frame, f"{base}/replay/w/api/c/{COLLECTION}/pages")
    titles = {page["url"]: page.get("title") for page in json.loads(body)["pages"]}
    assert status == 200
    for report in recrawled.reports:
        assert titles[report.page_url] == f"{report.unit_name}{report.report_year}年政府信息公开工作年度报告"
    assert refused == []
